"""Writes to the lake are deterministic and idempotent: the same input twice gives byte-identical files."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

from claimlake.contracts.derive import struct_type
from claimlake.contracts.schemas import TableSchema
from claimlake.local.lakeio import parquet_rows, write_table

SCHEMA = TableSchema.model_validate({
    "table": "fact_demo", "layer": "gold", "description": "test table", "grain": "one row per id",
    "primary_key": ["id"], "partition_by": ["month"],
    "columns": [
        {"name": "id", "type": "string", "nullable": False, "description": "key"},
        {"name": "month", "type": "string", "nullable": False, "description": "partition"},
        {"name": "paid_amt", "type": "decimal(18,2)", "nullable": True, "description": "money"},
    ],
})
ROWS = [("c", "2026-01", Decimal("3.00")), ("a", "2026-01", Decimal("1.10")), ("b", "2026-02", None),
        ("d", "2026-02", Decimal("-4.25"))]


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_writing_twice_leaves_byte_identical_files(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "gold" / "fact_demo"
    frame = spark.createDataFrame(ROWS, struct_type(SCHEMA))
    assert write_table(frame, folder, SCHEMA) == 4
    first = digest(folder)
    assert set(first) == {"month=2026-01/part-00000.parquet", "month=2026-02/part-00000.parquet"}
    shuffled = spark.createDataFrame(list(reversed(ROWS)), struct_type(SCHEMA)).repartition(3)
    assert write_table(shuffled, folder, SCHEMA) == 4
    assert digest(folder) == first
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temp or old folders left


def test_rows_are_sorted_by_key_and_read_back_exactly(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "fact_demo"
    write_table(spark.createDataFrame(ROWS, struct_type(SCHEMA)), folder, SCHEMA)
    back = spark.read.parquet(str(folder)).orderBy("month", "id").collect()
    assert [(r["id"], r["month"], r["paid_amt"]) for r in back] == sorted(ROWS, key=lambda r: (r[1], r[0]))
    assert parquet_rows(folder) == 4


def test_an_unpartitioned_table_is_one_file(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    flat = SCHEMA.model_copy(update={"partition_by": []})
    folder = tmp_path / "flat"
    write_table(spark.createDataFrame(ROWS, struct_type(flat)), folder, flat)
    assert sorted(p.name for p in folder.iterdir()) == ["part-00000.parquet"]
