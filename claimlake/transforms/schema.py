"""Spark types from the schema YAMLs, and the select that makes a DataFrame match its schema exactly."""

from __future__ import annotations

import re

from pyspark.sql import DataFrame
from pyspark.sql import types as T

from claimlake.contracts.schemas import TableSchema, load_layer

_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_SIMPLE: dict[str, T.DataType] = {
    "string": T.StringType(),
    "int": T.IntegerType(),
    "bigint": T.LongType(),
    "boolean": T.BooleanType(),
    "date": T.DateType(),
    "timestamp": T.TimestampType(),
    "double": T.DoubleType(),
}


def spark_type(yaml_type: str) -> T.DataType:
    """The Spark type of a schema column type (`decimal(18,2)` -> DecimalType(18, 2))."""
    match = _DECIMAL.match(yaml_type)
    if match:
        return T.DecimalType(int(match.group(1)), int(match.group(2)))
    return _SIMPLE[yaml_type]


def table_schema(layer: str, table: str) -> TableSchema:
    return load_layer(layer)[table]


def struct_type(layer: str, table: str) -> T.StructType:
    """The StructType of a table (nullability as declared)."""
    schema = table_schema(layer, table)
    return T.StructType([T.StructField(c.name, spark_type(c.type), c.nullable) for c in schema.columns])


def conform(df: DataFrame, layer: str, table: str) -> DataFrame:
    """Exactly the schema's columns, in its order, cast to its types; a missing column is a bug, not a null."""
    schema = table_schema(layer, table)
    missing = [c.name for c in schema.columns if c.name not in df.columns]
    if missing:
        raise KeyError(f"{layer}.{table}: transform did not produce {missing}")
    return df.select(*[df[c.name].cast(spark_type(c.type)).alias(c.name) for c in schema.columns])


def empty_frame(spark_df: DataFrame, layer: str, table: str) -> DataFrame:
    """An empty DataFrame of the table's schema, in the session of `spark_df`."""
    return spark_df.sparkSession.createDataFrame([], struct_type(layer, table))
