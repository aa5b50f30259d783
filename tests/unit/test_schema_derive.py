"""Everything derived from schemas/ agrees with the schema files, table by table (no Spark session needed)."""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa
import pytest
import sqlglot
from pyspark.sql import types as T
from pyspark.sql.pandas.types import to_arrow_schema
from sqlglot import exp

from claimlake.contracts.derive import (
    arrow_schema,
    arrow_type,
    athena_ddl,
    csv_header,
    duckdb_type,
    glue_column_type,
    glue_columns,
    glue_partition_keys,
    parse_type,
    phi_columns,
    raw_struct_type,
    redshift_ddl,
    redshift_type,
    spark_type,
    struct_type,
)
from claimlake.contracts.schemas import Column, TableSchema, load_layer

# A table using what no schema file may use yet: partitions, timestamp, double, wide decimals, quotes in comments.
SAMPLE = TableSchema(
    table="derive_sample",
    layer="gold",
    description="Synthetic table for the derivation tests: it's partitioned \\ and quoted.",
    grain="one row per test",
    primary_key=["claim_key", "service_date"],
    partition_by=["load_date", "claim_type"],
    columns=[
        Column(name="claim_key", type="bigint", nullable=False, description="Surrogate key."),
        Column(name="claim_type", type="string", nullable=False, values=["P", "I", "D"], description="Family."),
        Column(name="member_id", type="string", phi=True, description="Member's id: PHI, it's 'quoted'."),
        Column(name="birth_date", type="date", phi=True, description="Date of birth."),
        Column(name="service_date", type="date", nullable=False, description="Service date."),
        Column(name="paid_amt", type="decimal(18,2)", description="Paid."),
        Column(name="rate_pct", type="decimal(38, 10)", description="Rate."),
        Column(name="line_count", type="int", description="Lines."),
        Column(name="is_void", type="boolean", nullable=False, description="Void flag."),
        Column(name="score", type="double", description="Score."),
        Column(name="loaded_at", type="timestamp", nullable=False, description="Load time (UTC)."),
        Column(name="load_date", type="date", nullable=False, description="Partition: load date."),
        Column(name="notes", type="string", description="A very long description. " * 20),
    ],
)

TABLES = [schema for layer in ("raw", "silver", "gold") for schema in load_layer(layer).values()] + [SAMPLE]
IDS = [f"{schema.layer}.{schema.table}" for schema in TABLES]

# type -> (Spark, Arrow, Glue/Hive, Redshift, DuckDB)
EXPECTED: dict[str, tuple[T.DataType, pa.DataType, str, str, str]] = {
    "string": (T.StringType(), pa.string(), "string", "VARCHAR(65535)", "VARCHAR"),
    "int": (T.IntegerType(), pa.int32(), "int", "INTEGER", "INTEGER"),
    "bigint": (T.LongType(), pa.int64(), "bigint", "BIGINT", "BIGINT"),
    "boolean": (T.BooleanType(), pa.bool_(), "boolean", "BOOLEAN", "BOOLEAN"),
    "date": (T.DateType(), pa.date32(), "date", "DATE", "DATE"),
    "timestamp": (T.TimestampType(), pa.timestamp("us", tz="UTC"), "timestamp", "TIMESTAMP",
                  "TIMESTAMP WITH TIME ZONE"),
    "double": (T.DoubleType(), pa.float64(), "double", "DOUBLE PRECISION", "DOUBLE"),
    "decimal(18,2)": (T.DecimalType(18, 2), pa.decimal128(18, 2), "decimal(18,2)", "DECIMAL(18,2)", "DECIMAL(18,2)"),
    "decimal(38,10)": (T.DecimalType(38, 10), pa.decimal128(38, 10), "decimal(38,10)", "DECIMAL(38,10)",
                       "DECIMAL(38,10)"),
    "decimal(9,0)": (T.DecimalType(9, 0), pa.decimal128(9, 0), "decimal(9,0)", "DECIMAL(9,0)", "DECIMAL(9,0)"),
}


def expected(type_text: str) -> tuple[T.DataType, pa.DataType, str, str, str]:
    """The expectation row of a type; any other decimal is checked against its own precision and scale."""
    if type_text in EXPECTED:
        return EXPECTED[type_text]
    match = re.fullmatch(r"decimal\((\d+),(\d+)\)", type_text)
    assert match, f"type {type_text!r} has no expectation: add it to EXPECTED"
    p, s = int(match.group(1)), int(match.group(2))
    return T.DecimalType(p, s), pa.decimal128(p, s), f"decimal({p},{s})", f"DECIMAL({p},{s})", f"DECIMAL({p},{s})"


# --- the type table --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("type_text", sorted(EXPECTED))
def test_type_table(type_text: str) -> None:
    spark, arrow, glue, redshift, duck = EXPECTED[type_text]
    assert spark_type(type_text) == spark
    assert arrow_type(type_text) == arrow
    assert glue_column_type(type_text) == glue
    assert redshift_type(type_text) == redshift
    assert duckdb_type(type_text) == duck


def test_decimal_keeps_precision_and_scale() -> None:
    decimal = spark_type("decimal(18,2)")
    assert isinstance(decimal, T.DecimalType)
    assert (decimal.precision, decimal.scale) == (18, 2)
    arrow = arrow_type("decimal(12, 4)")
    assert isinstance(arrow, pa.Decimal128Type)
    assert (arrow.precision, arrow.scale) == (12, 4)


@pytest.mark.parametrize("bad", ["varchar", "text", "integer", "decimal", "decimal(18)", "decimal(40,2)",
                                 "decimal(2,5)", "decimal(0,0)", "timestamptz", "String", ""])
def test_unknown_type_raises(bad: str) -> None:
    for derive in (parse_type, spark_type, arrow_type, glue_column_type, redshift_type, duckdb_type):
        with pytest.raises(ValueError, match="type"):
            derive(bad)


def test_unknown_type_in_a_schema_raises() -> None:
    broken = SAMPLE.model_copy(deep=True)
    broken.columns[0] = Column.model_construct(**{**broken.columns[0].model_dump(), "type": "varchar(10)"})
    for derive in (struct_type, arrow_schema, glue_columns):
        with pytest.raises(ValueError, match="varchar"):
            derive(broken)


# --- every table -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_names_in_schema_order(schema: TableSchema) -> None:
    names = [col.name for col in schema.columns]
    assert csv_header(schema) == names
    assert struct_type(schema).names == names
    assert raw_struct_type(schema).names == names
    assert arrow_schema(schema).names == names


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_types_and_nullability(schema: TableSchema) -> None:
    spark, arrow = struct_type(schema), arrow_schema(schema)
    for col in schema.columns:
        spark_expected, arrow_expected, *_ = expected(col.type)
        assert spark[col.name].dataType == spark_expected, col.name
        assert spark[col.name].nullable == col.nullable, col.name
        assert arrow.field(col.name).type == arrow_expected, col.name
        assert arrow.field(col.name).nullable == col.nullable, col.name


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_raw_read_schema_is_nullable_text(schema: TableSchema) -> None:
    assert all(field.dataType == T.StringType() and field.nullable for field in raw_struct_type(schema).fields)


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_spark_and_arrow_agree(schema: TableSchema) -> None:
    """pyspark's own StructType -> Arrow conversion gives exactly the derived Arrow schema."""
    assert to_arrow_schema(struct_type(schema)) == arrow_schema(schema)


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_duckdb_reads_the_arrow_schema_as_duckdb_type(schema: TableSchema) -> None:
    with duckdb.connect() as con:
        con.register("empty", arrow_schema(schema).empty_table())
        described = con.execute("DESCRIBE SELECT * FROM empty").fetchall()
    assert [(row[0], row[1]) for row in described] == [(c.name, duckdb_type(c.type)) for c in schema.columns]


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_glue_columns_and_partition_keys(schema: TableSchema) -> None:
    columns, keys = glue_columns(schema), glue_partition_keys(schema)
    assert [c["Name"] for c in keys] == schema.partition_by
    assert [c["Name"] for c in columns] == [n for n in schema.column_names if n not in schema.partition_by]
    for glue in columns + keys:
        col = schema.column(glue["Name"])
        assert set(glue) == {"Name", "Type", "Comment", "Parameters"}
        assert glue["Type"] == expected(col.type)[2]
        assert glue["Parameters"] == {"phi": "true" if col.phi else "false"}
        assert 0 < len(glue["Comment"]) <= 255 and "\n" not in glue["Comment"]


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_phi_columns_carry_the_phi_parameter(schema: TableSchema) -> None:
    tagged = [c["Name"] for c in glue_columns(schema) + glue_partition_keys(schema) if c["Parameters"]["phi"] == "true"]
    assert sorted(tagged) == sorted(phi_columns(schema)) == sorted(c.name for c in schema.columns if c.phi)


def _column_defs(create: exp.Expression) -> dict[str, exp.ColumnDef]:
    return {col.name: col for col in create.this.expressions if isinstance(col, exp.ColumnDef)}


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_redshift_ddl_parses_and_matches(schema: TableSchema) -> None:
    create = sqlglot.parse_one(redshift_ddl(schema, schema_name="claimlake_gold"), read="redshift")
    assert isinstance(create, exp.Create) and create.args.get("exists")
    assert create.this.this.name == schema.table and create.this.this.db == "claimlake_gold"
    defs = _column_defs(create)
    assert list(defs) == schema.column_names
    for col in schema.columns:
        want = exp.DataType.build(expected(col.type)[3], dialect="redshift")
        assert defs[col.name].args["kind"] == want, col.name
        not_null = any(isinstance(c.kind, exp.NotNullColumnConstraint) for c in defs[col.name].constraints)
        assert not_null == (not col.nullable), col.name
    keys = [e for e in create.this.expressions if isinstance(e, exp.PrimaryKey)]
    assert [[i.name for i in k.expressions] for k in keys] == ([schema.primary_key] if schema.primary_key else [])


@pytest.mark.parametrize("schema", TABLES, ids=IDS)
def test_athena_ddl_parses_and_matches(schema: TableSchema) -> None:
    location = f"s3://lake-bucket/{schema.layer}/{schema.table}/"
    create = sqlglot.parse_one(athena_ddl(schema, database="claimlake_gold", location=location), read="athena")
    assert isinstance(create, exp.Create) and create.args.get("exists")
    properties = {type(p): p for p in create.args["properties"].expressions}
    assert exp.ExternalProperty in properties
    assert properties[exp.FileFormatProperty].name.upper() == "PARQUET"
    assert properties[exp.LocationProperty].this.this == location
    partitioned = properties.get(exp.PartitionedByProperty)
    partition_defs = _column_defs(partitioned) if partitioned else {}
    assert list(partition_defs) == schema.partition_by
    defs = _column_defs(create)
    assert list(defs) == [n for n in schema.column_names if n not in schema.partition_by]
    glue = {c["Name"]: c for c in glue_columns(schema) + glue_partition_keys(schema)}
    for name, definition in {**defs, **partition_defs}.items():
        assert definition.args["kind"] == exp.DataType.build(glue[name]["Type"], dialect="hive"), name
        comment = definition.find(exp.CommentColumnConstraint)
        assert comment is not None and comment.this.this == glue[name]["Comment"], name


# --- derived, not copied ---------------------------------------------------------------------------------------------


def test_renaming_a_column_in_a_copy_changes_every_derivation() -> None:
    original = load_layer("raw")["claim"]
    renamed = original.model_copy(deep=True)
    renamed.columns[5] = renamed.columns[5].model_copy(update={"name": "renamed_claim_id"})
    assert original.columns[5].name == "claim_id"  # the loaded (cached) schema is untouched
    header = csv_header(renamed)
    assert header != csv_header(original)
    assert header[5] == "renamed_claim_id" and "claim_id" not in header
    assert struct_type(renamed).names == header
    assert arrow_schema(renamed).names == header
    assert [c["Name"] for c in glue_columns(renamed)] == header
    assert '"renamed_claim_id"' in redshift_ddl(renamed, schema_name="raw")
    assert "`renamed_claim_id`" in athena_ddl(renamed, database="raw", location="s3://b/raw/claim/")


def test_changing_a_type_in_a_copy_changes_the_derived_types() -> None:
    changed = SAMPLE.model_copy(deep=True)
    changed.columns[5] = changed.columns[5].model_copy(update={"type": "decimal(12,4)", "nullable": False})
    assert struct_type(changed)["paid_amt"] == T.StructField("paid_amt", T.DecimalType(12, 4), False)
    assert arrow_schema(changed).field("paid_amt").type == pa.decimal128(12, 4)
    assert {c["Name"]: c["Type"] for c in glue_columns(changed)}["paid_amt"] == "decimal(12,4)"


def test_partition_keys_must_be_columns() -> None:
    broken = SAMPLE.model_copy(update={"partition_by": ["no_such_column"]})
    for derive in (glue_partition_keys, lambda s: athena_ddl(s, database="d", location="s3://b/t/")):
        with pytest.raises(ValueError, match="no_such_column"):
            derive(broken)


def test_ddl_refuses_unsafe_identifiers_and_locations() -> None:
    with pytest.raises(ValueError, match="identifier"):
        redshift_ddl(SAMPLE, schema_name='gold"; DROP TABLE x; --')
    with pytest.raises(ValueError, match="s3://"):
        athena_ddl(SAMPLE, database="gold", location="/tmp/lake")


def test_long_descriptions_are_cut_for_glue() -> None:
    notes = next(c for c in glue_columns(SAMPLE) if c["Name"] == "notes")
    assert len(notes["Comment"]) == 255 and notes["Comment"].endswith("...")
