"""The select that makes a DataFrame match its schema exactly (types come from claimlake.contracts.derive)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import types as T

from claimlake.contracts import derive
from claimlake.contracts.schemas import TableSchema, load_layer

spark_type = derive.spark_type


def table_schema(layer: str, table: str) -> TableSchema:
    return load_layer(layer)[table]


def struct_type(layer: str, table: str) -> T.StructType:
    """The StructType of a table (names, types, nullability as declared)."""
    return derive.struct_type(table_schema(layer, table))


def conform(df: DataFrame, layer: str, table: str) -> DataFrame:
    """Exactly the schema's columns, in its order, cast to its types; a missing column is a bug, not a null."""
    schema = table_schema(layer, table)
    missing = [c.name for c in schema.columns if c.name not in df.columns]
    if missing:
        raise KeyError(f"{layer}.{table}: transform did not produce {missing}")
    return df.select(*[df[c.name].cast(spark_type(c.type)).alias(c.name) for c in schema.columns])
