"""Everything derived from a table schema: CSV header, Spark/Arrow/DuckDB types, Glue columns, Athena and Redshift DDL.

Pure functions of a `TableSchema` (no I/O, no Spark session). pyspark and pyarrow are imported only by the Spark and
Arrow functions, so the rest (DDL, Glue columns) loads in a slim Lambda package too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimlake.contracts.schemas import Column, TableSchema

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql.types import DataType, StructType

MAX_DECIMAL_PRECISION = 38  # the common ceiling of Spark, Arrow decimal128, Glue/Athena, Redshift and DuckDB
GLUE_COMMENT_MAX = 255  # Glue Column.Comment: at most 255 characters, no line breaks
REDSHIFT_VARCHAR = "VARCHAR(65535)"  # raw values are kept as sent: never truncate on load
_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_SIMPLE_KINDS = ("string", "int", "bigint", "boolean", "date", "timestamp", "double")


@dataclass(frozen=True)
class ColumnType:
    """A parsed schema type: `kind` is one of the simple kinds or "decimal" (with precision and scale)."""

    kind: str
    precision: int = 0
    scale: int = 0


def parse_type(type_text: str) -> ColumnType:
    """Parse a schema type string (`string`, `int`, ..., `decimal(p,s)`); ValueError when unknown or out of range."""
    text = re.sub(r"\s+", "", type_text)
    if text in _SIMPLE_KINDS:
        return ColumnType(text)
    match = _DECIMAL.match(text)
    if match is None:
        raise ValueError(f"unknown column type {type_text!r}")
    precision, scale = int(match.group(1)), int(match.group(2))
    if not 1 <= precision <= MAX_DECIMAL_PRECISION or scale > precision:
        raise ValueError(f"decimal type out of range {type_text!r}: need 1 <= p <= {MAX_DECIMAL_PRECISION}, s <= p")
    return ColumnType("decimal", precision, scale)


# --- CSV and Spark ---------------------------------------------------------------------------------------------------


def csv_header(schema: TableSchema) -> list[str]:
    """Header row of the table's CSV file: the column names in schema order."""
    return [col.name for col in schema.columns]


def spark_type(type_text: str) -> DataType:
    """The Spark SQL type of a schema type (timestamps are `TimestampType`: the sessions run in UTC)."""
    from pyspark.sql import types as T

    parsed = parse_type(type_text)
    if parsed.kind == "decimal":
        return T.DecimalType(parsed.precision, parsed.scale)
    simple: dict[str, DataType] = {
        "string": T.StringType(), "int": T.IntegerType(), "bigint": T.LongType(), "boolean": T.BooleanType(),
        "date": T.DateType(), "timestamp": T.TimestampType(), "double": T.DoubleType(),
    }
    return simple[parsed.kind]


def struct_type(schema: TableSchema) -> StructType:
    """The table's Spark schema: names, types and nullability in schema order."""
    from pyspark.sql.types import StructField, StructType

    return StructType([StructField(col.name, spark_type(col.type), col.nullable) for col in schema.columns])


def raw_struct_type(schema: TableSchema) -> StructType:
    """The schema to read the table's CSV text with: same names, every column a nullable string.

    Nullable because file readers ignore NOT NULL anyway (Spark makes file schemas nullable); a missing required
    value is a data-quality finding of the raw -> silver step, never a read failure.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    return StructType([StructField(name, StringType(), True) for name in csv_header(schema)])


# --- Arrow and DuckDB ------------------------------------------------------------------------------------------------


def arrow_type(type_text: str) -> pa.DataType:
    """The Arrow type of a schema type (timestamps: microseconds, UTC)."""
    import pyarrow as pa

    parsed = parse_type(type_text)
    if parsed.kind == "decimal":
        return pa.decimal128(parsed.precision, parsed.scale)
    simple: dict[str, pa.DataType] = {
        "string": pa.string(), "int": pa.int32(), "bigint": pa.int64(), "boolean": pa.bool_(),
        "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC"), "double": pa.float64(),
    }
    return simple[parsed.kind]


def arrow_schema(schema: TableSchema) -> pa.Schema:
    """The table's Arrow schema: names, types and nullability in schema order."""
    import pyarrow as pa

    return pa.schema([pa.field(col.name, arrow_type(col.type), nullable=col.nullable) for col in schema.columns])


def duckdb_type(type_text: str) -> str:
    """The DuckDB type of a schema type, spelled as DuckDB's DESCRIBE prints it (reads Arrow/Parquet as these)."""
    parsed = parse_type(type_text)
    if parsed.kind == "decimal":
        return f"DECIMAL({parsed.precision},{parsed.scale})"
    return {
        "string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "boolean": "BOOLEAN", "date": "DATE",
        "timestamp": "TIMESTAMP WITH TIME ZONE", "double": "DOUBLE",
    }[parsed.kind]


# --- Glue catalog ----------------------------------------------------------------------------------------------------


def glue_column_type(type_text: str) -> str:
    """The Hive/Glue catalog type string of a schema type."""
    parsed = parse_type(type_text)
    if parsed.kind == "decimal":
        return f"decimal({parsed.precision},{parsed.scale})"
    return parsed.kind


def glue_comment(text: str) -> str:
    """A description as a Glue comment: one line, at most 255 characters (cut, ending in "...")."""
    line = " ".join(text.split())
    return line if len(line) <= GLUE_COMMENT_MAX else line[: GLUE_COMMENT_MAX - 3] + "..."


def _glue_column(col: Column) -> dict[str, Any]:
    return {
        "Name": col.name,
        "Type": glue_column_type(col.type),
        "Comment": glue_comment(col.description),
        "Parameters": {"phi": "true" if col.phi else "false"},
    }


def partition_columns(schema: TableSchema) -> list[Column]:
    """The partition columns in `partition_by` order; ValueError when one is not a column of the table."""
    _check_keys(schema)
    return [schema.column(name) for name in schema.partition_by]


def glue_columns(schema: TableSchema) -> list[dict[str, Any]]:
    """Glue `StorageDescriptor.Columns`: every non-partition column, in schema order, with its PHI parameter."""
    partitions = set(schema.partition_by)
    return [_glue_column(col) for col in schema.columns if col.name not in partitions]


def glue_partition_keys(schema: TableSchema) -> list[dict[str, Any]]:
    """Glue `PartitionKeys`: the partition columns in `partition_by` order, shaped like `glue_columns`."""
    return [_glue_column(col) for col in partition_columns(schema)]


def phi_columns(schema: TableSchema) -> list[str]:
    """Names of the PHI columns (Lake Formation tag `phi=true`), in schema order."""
    return [col.name for col in schema.columns if col.phi]


# --- DDL -------------------------------------------------------------------------------------------------------------


def _check_keys(schema: TableSchema) -> None:
    names = set(csv_header(schema))
    for kind, keys in (("primary_key", schema.primary_key), ("natural_key", schema.natural_key),
                       ("partition_by", schema.partition_by)):
        unknown = [key for key in keys if key not in names]
        if unknown:
            raise ValueError(f"{schema.layer}.{schema.table}: {kind} names unknown columns {unknown}")


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a valid SQL identifier for generated DDL: {name!r}")
    return name


def redshift_type(type_text: str) -> str:
    """The Redshift type of a schema type."""
    parsed = parse_type(type_text)
    if parsed.kind == "decimal":
        return f"DECIMAL({parsed.precision},{parsed.scale})"
    return {
        "string": REDSHIFT_VARCHAR, "int": "INTEGER", "bigint": "BIGINT", "boolean": "BOOLEAN", "date": "DATE",
        "timestamp": "TIMESTAMP", "double": "DOUBLE PRECISION",
    }[parsed.kind]


def _redshift_column(col: Column) -> str:
    not_null = "" if col.nullable else " NOT NULL"
    return f'"{_identifier(col.name)}" {redshift_type(col.type)}{not_null}'


def redshift_ddl(schema: TableSchema, *, schema_name: str) -> str:
    """CREATE TABLE IF NOT EXISTS for Redshift (every column; the primary key is informational in Redshift)."""
    _check_keys(schema)
    lines = [_redshift_column(col) for col in schema.columns]
    if schema.primary_key:
        lines.append("PRIMARY KEY (" + ", ".join(f'"{_identifier(k)}"' for k in schema.primary_key) + ")")
    body = ",\n    ".join(lines)
    table = f'"{_identifier(schema_name)}"."{_identifier(schema.table)}"'
    return f"CREATE TABLE IF NOT EXISTS {table} (\n    {body}\n)\n"


def _hive_string(text: str) -> str:
    """A Hive/Athena DDL string literal (backslash escapes, as the Hive lexer reads them)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _athena_column(col: Column) -> str:
    comment = _hive_string(glue_comment(col.description))
    return f"`{_identifier(col.name)}` {glue_column_type(col.type)} COMMENT {comment}"


def athena_ddl(schema: TableSchema, *, database: str, location: str) -> str:
    """CREATE EXTERNAL TABLE ... STORED AS PARQUET for Athena, partitioned by the partition columns."""
    if not location.startswith("s3://"):
        raise ValueError(f"an Athena table location is an s3:// URI, got {location!r}")
    partitions = partition_columns(schema)
    columns = [_athena_column(col) for col in schema.columns if col.name not in schema.partition_by]
    lines = [
        f"CREATE EXTERNAL TABLE IF NOT EXISTS `{_identifier(database)}`.`{_identifier(schema.table)}` (",
        "    " + ",\n    ".join(columns),
        ")",
        f"COMMENT {_hive_string(' '.join(schema.description.split()))}",
    ]
    if partitions:
        lines.append("PARTITIONED BY (" + ", ".join(_athena_column(col) for col in partitions) + ")")
    lines += ["STORED AS PARQUET", f"LOCATION {_hive_string(location)}",
              "TBLPROPERTIES ('parquet.compression'='SNAPPY')"]
    return "\n".join(lines) + "\n"
