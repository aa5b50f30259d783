"""Warehouse SQL generated from the gold schemas, checked by parsing it in the target dialect (sqlglot)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.qualify import qualify

from claimlake.contracts.derive import arrow_schema, glue_column_type, redshift_type
from claimlake.contracts.schemas import TableSchema, load_layer
from claimlake.contracts.warehouse import (
    PartitionValue,
    athena_gold_ddl,
    athena_named_queries,
    gold_prefix,
    partition_literal,
    partitions_in_keys,
    redshift_gold_ddl,
    redshift_load_plan,
    redshift_load_sql,
    redshift_prune_sql,
    staging_table,
)

GOLD = load_layer("gold")
LAKE = "claimlake-dev-lake"
SAMPLE_VALUE = {"date": "2024-01-01", "int": "7", "bigint": "7", "string": "P"}


def _partition(schema: TableSchema) -> PartitionValue | None:
    if not schema.partition_by:
        return None
    column = schema.column(schema.partition_by[0])
    return PartitionValue(column.name, SAMPLE_VALUE[glue_column_type(column.type).split("(")[0]])


def _parse(sql: str) -> exp.Expression:
    parsed = sqlglot.parse_one(sql, read="redshift")
    assert parsed is not None
    return parsed


def _names(expressions: list[exp.Expression]) -> list[str]:
    return [e.name for e in expressions]


def test_gold_ddl_creates_the_schema_then_every_gold_table_once() -> None:
    statements = [_parse(sql) for sql in redshift_gold_ddl(schema_name="analytics")]
    assert statements[0].args["kind"] == "SCHEMA" and statements[0].this.db == "analytics"
    tables = [s.this.this for s in statements[1:]]
    assert sorted(t.name for t in tables) == sorted(GOLD) and {t.db for t in tables} == {"analytics"}


def test_athena_gold_ddl_points_every_table_at_its_lake_prefix() -> None:
    for sql in athena_gold_ddl(lake_bucket=LAKE):
        create = sqlglot.parse_one(sql, read="athena")
        table = create.this.this.name
        location = create.find(exp.LocationProperty)
        assert location is not None and location.this.name == f"s3://{LAKE}/gold/{table}/"


@pytest.mark.parametrize("schema", list(GOLD.values()), ids=list(GOLD))
def test_load_sql_stages_copies_deletes_merges_and_drops(schema: TableSchema) -> None:
    partition = _partition(schema)
    create, copy, delete, merge, drop = (_parse(s) for s in redshift_load_sql(schema, lake_bucket=LAKE,
                                                                             partition=partition))
    stage = staging_table(schema)
    file_columns = [c for c in schema.columns if c.name not in schema.partition_by]

    assert isinstance(create, exp.Create) and create.this.this.name == stage
    assert create.find(exp.TemporaryProperty) is not None
    defs = create.this.expressions
    assert _names(defs) == [c.name for c in file_columns]
    for definition, col in zip(defs, file_columns, strict=True):
        assert definition.args["kind"] == exp.DataType.build(redshift_type(col.type), dialect="redshift")

    assert isinstance(copy, exp.Copy) and copy.this.name == stage
    assert [f.name for f in copy.args["files"]] == [f"s3://{LAKE}/{gold_prefix(schema, partition)}"]
    assert copy.args["credentials"].args["iam_role"].name == "default"
    assert [(p.this.name, p.expression.name) for p in copy.args["params"]] == [("FORMAT", "PARQUET")]

    assert isinstance(merge, exp.Merge)
    assert (merge.this.db, merge.this.name) == ("claimlake_gold", schema.table)
    assert merge.args["using"].name == stage
    on_pairs = {eq.this.name: eq.expression for eq in merge.args["on"].find_all(exp.EQ)}
    assert sorted(on_pairs) == sorted(schema.primary_key)
    whens = merge.args["whens"].expressions
    update = next(w.args["then"] for w in whens if w.args["matched"])
    insert = next(w.args["then"] for w in whens if not w.args["matched"])
    assert sorted(e.this.name for e in update.expressions) == sorted(
        c for c in schema.column_names if c not in schema.primary_key)
    assert _names(insert.this.expressions) == schema.column_names
    values = insert.expression.expressions
    for name, value in zip(schema.column_names, values, strict=True):
        if name in schema.partition_by:
            assert isinstance(value, exp.Cast | exp.Literal) and partition is not None
            assert value.sql("redshift") == partition_literal(schema.column(name), partition.text)
        else:
            assert isinstance(value, exp.Column) and (value.table, value.name) == ("s", name)

    assert isinstance(delete, exp.Delete) and (delete.this.db, delete.this.name) == ("claimlake_gold", schema.table)
    subquery = delete.find(exp.Exists)
    assert subquery is not None and subquery.find(exp.Table).name == stage
    assert isinstance(drop, exp.Drop) and [t.name for t in drop.args["tables"]] == [stage]


def test_load_sql_refuses_the_wrong_partition_shape() -> None:
    with pytest.raises(ValueError, match="partitioned table loads one partition"):
        redshift_load_sql(GOLD["fact_claim"], lake_bucket=LAKE)
    with pytest.raises(ValueError, match="partitioned table loads one partition"):
        redshift_load_sql(GOLD["dim_payer"], lake_bucket=LAKE, partition=PartitionValue("x", "1"))
    with pytest.raises(ValueError, match="not partitioned by"):
        redshift_load_sql(GOLD["fact_claim"], lake_bucket=LAKE, partition=PartitionValue("payment_month", "1"))


def test_load_sql_accepts_only_a_role_arn_or_default() -> None:
    role = "arn:aws:iam::123456789012:role/claimlake-redshift-copy"
    copy = _parse(redshift_load_sql(GOLD["dim_payer"], lake_bucket=LAKE, iam_role=role)[1])
    assert copy.args["credentials"].args["iam_role"].name == role
    with pytest.raises(ValueError, match="iam_role"):
        redshift_load_sql(GOLD["dim_payer"], lake_bucket=LAKE, iam_role="x' CREDENTIALS 'y")
    with pytest.raises(ValueError, match="bucket"):
        redshift_load_sql(GOLD["dim_payer"], lake_bucket="Bad Bucket/../x")


def test_partition_values_are_typed_literals_or_refused() -> None:
    month = GOLD["fact_claim"].column("service_month")
    assert partition_literal(month, "2024-02-01") == "CAST('2024-02-01' AS DATE)"
    assert partition_literal(month, "__HIVE_DEFAULT_PARTITION__") == "NULL"
    for bad in ("2024-13-01", "2024-01-01' OR '1'='1", "x"):
        with pytest.raises(ValueError):
            partition_literal(month, bad)


def test_partitions_are_read_from_lake_keys() -> None:
    keys = [
        "gold/fact_claim/service_month=2024-02-01/part-00000.parquet",
        "gold/fact_claim/service_month=2024-01-01/part-00000.parquet",
        "gold/fact_claim/service_month=2024-01-01/part-00001.parquet",
        "gold/fact_claim/service_month=2024-03-01/_SUCCESS",
        "gold/fact_claim_line/service_month=2023-12-01/part-00000.parquet",
    ]
    found = partitions_in_keys(GOLD["fact_claim"], keys)
    assert [p.folder for p in found] == ["service_month=2024-01-01", "service_month=2024-02-01"]
    assert partitions_in_keys(GOLD["dim_payer"], ["gold/dim_payer/part-00000.parquet"]) == []


def test_prune_deletes_partitions_no_longer_in_the_lake() -> None:
    schema = GOLD["fact_claim"]
    present = [PartitionValue("service_month", "2024-01-01"), PartitionValue("service_month", "2024-02-01")]
    delete = _parse(redshift_prune_sql(schema, present))
    assert (delete.this.db, delete.this.name) == ("claimlake_gold", "fact_claim")
    not_in = delete.find(exp.In)
    assert not_in is not None and not_in.this.name == "service_month"
    assert [v.sql("redshift") for v in not_in.expressions] == [
        "CAST('2024-01-01' AS DATE)", "CAST('2024-02-01' AS DATE)"]
    assert delete.find(exp.Is) is not None  # NULL-month rows go too: no such partition is left
    assert _parse(redshift_prune_sql(schema, [])).args.get("where") is None


# --- the load's behaviour, run on DuckDB (the Redshift statements transpiled; COPY replaced by a Parquet read) -----


def _run_load(con: duckdb.DuckDBPyConnection, schema: TableSchema, lake: Path, partition: PartitionValue) -> None:
    for sql in redshift_load_sql(schema, lake_bucket=LAKE, partition=partition):
        statement = _parse(sql)
        if isinstance(statement, exp.Copy):
            folder = lake / statement.args["files"][0].name.removeprefix(f"s3://{LAKE}/")
            con.execute(f"INSERT INTO {statement.this.sql('duckdb')} SELECT * FROM read_parquet('{folder}/*.parquet', "
                        "hive_partitioning = false)")
        else:
            con.execute(statement.sql("duckdb"))


def _write_partition(lake: Path, schema: TableSchema, partition: PartitionValue, rows: list[dict[str, object]]) -> None:
    folder = lake / gold_prefix(schema, partition)
    folder.mkdir(parents=True, exist_ok=True)
    file_schema = arrow_schema(schema)
    file_schema = pa.schema([f for f in file_schema if f.name not in schema.partition_by])
    pq.write_table(pa.Table.from_pylist(rows, schema=file_schema), folder / "part-00000.parquet")


def test_a_partition_load_mirrors_the_lake_partition_and_leaves_others_alone(tmp_path: Path) -> None:
    schema = GOLD["fact_eligibility"]  # primary key (member_id, month) includes the partition column
    con = duckdb.connect()
    con.execute("CREATE SCHEMA claimlake_gold")
    con.execute(sqlglot.transpile(redshift_gold_ddl()[1 + list(GOLD).index(schema.table)], read="redshift",
                                  write="duckdb")[0])
    jan, feb = PartitionValue("month", "2024-01-01"), PartitionValue("month", "2024-02-01")

    def row(member: str, count: int) -> dict[str, object]:
        return {"member_id": member, "member_key": 1, "payer_key": 2, "payer_id": "P1", "medical_plan_key": 3,
                "dental_plan_key": None, "has_medical": True, "has_dental": False, "has_vision": False,
                "has_pharmacy": False, "coverage_count": count}

    _write_partition(tmp_path, schema, jan, [row("M1", 1), row("M2", 1)])
    _write_partition(tmp_path, schema, feb, [row("M1", 1)])
    _run_load(con, schema, tmp_path, jan)
    _run_load(con, schema, tmp_path, feb)
    _write_partition(tmp_path, schema, jan, [row("M2", 2), row("M3", 1)])  # M1 left January, M2 changed
    _run_load(con, schema, tmp_path, jan)
    _run_load(con, schema, tmp_path, jan)  # loading again changes nothing

    got = con.execute("SELECT member_id, CAST(month AS VARCHAR), coverage_count FROM claimlake_gold.fact_eligibility "
                      "ORDER BY 2, 1").fetchall()
    assert got == [("M2", "2024-01-01", 2), ("M3", "2024-01-01", 1), ("M1", "2024-02-01", 1)]


# --- Athena ------------------------------------------------------------------------------------------------------


def _gold_catalog() -> dict[str, dict[str, dict[str, str]]]:
    return {"claim_gold_db": {name: {c.name: glue_column_type(c.type) for c in schema.columns}
                              for name, schema in GOLD.items()}}


EXPECTED_TABLES = {
    "denials_by_carc": {"mart_denials"},
    "pmpm_by_plan_month": {"mart_pmpm"},
    "provider_performance": {"mart_provider_performance", "dim_provider"},
    "claim_lifecycle": {"mart_claim_lifecycle"},
    "possible_duplicates": {"mart_duplicate_claims"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_TABLES))
def test_named_query_reads_known_gold_columns_and_no_phi(name: str) -> None:
    sql = athena_named_queries()[name]
    tree = qualify(sqlglot.parse_one(sql, read="athena"), schema=_gold_catalog(), dialect="athena",
                   validate_qualify_columns=True)
    tables = {t.name: t for t in tree.find_all(exp.Table)}
    assert set(tables) == EXPECTED_TABLES[name] and {t.db for t in tables.values()} == {"claim_gold_db"}
    aliases = {t.alias_or_name: t.name for t in tables.values()}
    used = {(aliases[c.table], c.name) for c in tree.find_all(exp.Column) if c.table}  # unqualified: output aliases
    assert used, "the query reads columns"
    for table, column in used:
        assert not GOLD[table].column(column).phi, f"{name} reads PHI column {table}.{column}"


def test_named_queries_cover_the_analyst_questions() -> None:
    queries = athena_named_queries("analytics_db")
    assert set(queries) == set(EXPECTED_TABLES)
    for sql in queries.values():
        assert {t.db for t in sqlglot.parse_one(sql, read="athena").find_all(exp.Table)} == {"analytics_db"}


def test_the_load_plan_follows_the_lake_objects() -> None:
    keys = [
        "gold/dim_payer/part-00000.parquet",
        "gold/fact_claim/service_month=2024-01-01/part-00000.parquet",
        "gold/fact_claim/service_month=2024-02-01/part-00000.parquet",
        "gold/fact_claim/service_month=2024-02-01/.part-00000.parquet.crc",
        "silver/claim/part-00000.parquet",
    ]
    plan = redshift_load_plan(keys, lake_bucket=LAKE)
    assert plan[0] == redshift_gold_ddl()
    loads = [[_parse(sql) for sql in transaction] for transaction in plan[1:]]
    copies = [next(s for s in t if isinstance(s, exp.Copy)).args["files"][0].name for t in loads if len(t) > 1]
    assert copies == [f"s3://{LAKE}/gold/dim_payer/", f"s3://{LAKE}/gold/fact_claim/service_month=2024-01-01/",
                      f"s3://{LAKE}/gold/fact_claim/service_month=2024-02-01/"]
    (prune,) = loads[-1]
    assert isinstance(prune, exp.Delete) and prune.this.name == "fact_claim"
    assert redshift_load_plan(keys, lake_bucket=LAKE, tables=["dim_member"]) == [redshift_gold_ddl()]
