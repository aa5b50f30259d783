"""DuckDB over the lake: every gold and silver table registered as a view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from claimlake.contracts.schemas import load_layer
from claimlake.local.layout import LakePaths


def connect(root: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with views `silver.<table>`, `gold.<table>`, and each table also unqualified
    (gold names win over silver ones)."""
    paths = LakePaths(root)
    con = duckdb.connect()
    for layer in ("silver", "gold"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {layer}")
        for name in load_layer(layer):
            folder = paths.table(layer, name)
            if not folder.is_dir() or not any(folder.rglob("*.parquet")):
                continue
            pattern = str(folder / "**" / "*.parquet").replace("'", "''")
            source = f"read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)"
            con.execute(f'CREATE OR REPLACE VIEW {layer}."{name}" AS SELECT * FROM {source}')
            con.execute(f'CREATE OR REPLACE VIEW main."{name}" AS SELECT * FROM {layer}."{name}"')
    return con


def run_sql(root: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of one query."""
    con = connect(root)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
    finally:
        con.close()
