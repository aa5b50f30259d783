"""Reading raw CSV objects and reading/writing silver and gold Parquet tables on the local lake.

Writes are idempotent and deterministic: each table is written to a temporary folder, sorted by its
primary key, one file per partition folder with a fixed name, then swapped in. Running a step twice on
the same input leaves byte-identical files, and a reader never sees half a table.
"""

from __future__ import annotations

import glob
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from claimlake.contracts.schemas import TableSchema, load_layer
from claimlake.local.layout import LakePaths

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def read_raw(spark: SparkSession, paths: LakePaths) -> dict[str, DataFrame]:
    """Every raw table as an all-string DataFrame (an empty one when no file holds that table yet)."""
    from claimlake.contracts.derive import raw_struct_type

    tables = {}
    for name, schema in load_layer("raw").items():
        files = sorted(glob.glob(paths.raw_table_glob(name), recursive=True))
        struct = raw_struct_type(schema)
        if files:
            tables[name] = spark.read.csv(files, header=True, schema=struct, mode="PERMISSIVE", emptyValue=None)
        else:
            tables[name] = spark.createDataFrame([], struct)
    return tables


def read_layer(spark: SparkSession, paths: LakePaths, layer: str) -> dict[str, DataFrame]:
    """Every table of a written layer (an empty DataFrame with the schema when a table is not there)."""
    from claimlake.contracts.derive import struct_type

    tables = {}
    for name, schema in load_layer(layer).items():
        folder = paths.table(layer, name)
        struct = struct_type(schema)
        if any(folder.rglob("*.parquet")) if folder.is_dir() else False:
            frame = spark.read.schema(struct).option("basePath", str(folder)).parquet(str(folder))
            tables[name] = frame.select(*schema.column_names)
        else:
            tables[name] = spark.createDataFrame([], struct)
    return tables


def write_table(frame: DataFrame, folder: Path, schema: TableSchema) -> int:
    """Write one table deterministically and swap it in; return its row count."""
    tmp = folder.parent / f".{folder.name}.tmp-{uuid.uuid4().hex}"
    order = [c for c in (schema.primary_key or schema.column_names) if c not in schema.partition_by]
    if schema.partition_by:
        laid_out = frame.repartition(*schema.partition_by).sortWithinPartitions(*schema.partition_by, *order)
        laid_out.write.mode("overwrite").partitionBy(*schema.partition_by).parquet(str(tmp))
    else:
        frame.repartition(1).sortWithinPartitions(*order).write.mode("overwrite").parquet(str(tmp))
    _tidy(tmp)
    _swap(tmp, folder)
    return parquet_rows(folder)


def parquet_rows(folder: Path) -> int:
    """Row count from the Parquet footers (no Spark job)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(path).metadata.num_rows for path in folder.rglob("*.parquet"))


def _tidy(folder: Path) -> None:
    """Drop Spark's bookkeeping files and give every data file a fixed name (one file per folder)."""
    for junk in list(folder.rglob("_SUCCESS")) + list(folder.rglob("*.crc")):
        junk.unlink()
    for directory in sorted({p.parent for p in folder.rglob("*.parquet")}):
        for n, part in enumerate(sorted(directory.glob("part-*.parquet"))):
            part.rename(directory / f"part-{n:05d}.parquet")


def _swap(tmp: Path, folder: Path) -> None:
    old = folder.parent / f".{folder.name}.old-{uuid.uuid4().hex}"
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    if old.exists():
        shutil.rmtree(old)


def write_layer(frames: Mapping[str, DataFrame], paths: LakePaths, layer: str) -> dict[str, int]:
    """Write every table of a layer; return row counts."""
    schemas = load_layer(layer)
    counts = {}
    for name, frame in frames.items():
        folder = paths.table(layer, name)
        folder.parent.mkdir(parents=True, exist_ok=True)
        counts[name] = write_table(frame.select(*schemas[name].column_names), folder, schemas[name])
    return counts
