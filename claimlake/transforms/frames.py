"""Raw frames from Python rows: all-string DataFrames with the raw schema's columns (tests, demos, empty tables)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from claimlake.contracts.schemas import load_layer

Row = Mapping[str, object]


def raw_frame(spark: SparkSession, table: str, rows: Iterable[Row] = ()) -> DataFrame:
    """An all-string frame of a raw table; a column a row does not name is null, values are sent as text."""
    names = load_layer("raw")[table].column_names
    rows = list(rows)
    unknown = {k for row in rows for k in row} - set(names)
    if unknown:
        raise KeyError(f"raw.{table} has no column(s) {sorted(unknown)}")
    schema = T.StructType([T.StructField(n, T.StringType()) for n in names])
    data = [tuple(None if row.get(n) is None else str(row.get(n)) for n in names) for row in rows]
    return spark.createDataFrame(data, schema)


def raw_frames(spark: SparkSession, tables: Mapping[str, Iterable[Row]]) -> dict[str, DataFrame]:
    """Every raw table, empty unless given."""
    return {name: raw_frame(spark, name, list(tables.get(name, ()))) for name in load_layer("raw")}
