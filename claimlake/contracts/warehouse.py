"""Warehouse SQL derived from the gold schemas: Redshift DDL and per-partition loads, Athena named queries.

Redshift loads mirror the lake. Gold is rebuilt from silver on every run and written as Parquet, one folder per
partition value (`gold/<table>/<column>=<value>/part-*.parquet`, Hive layout; the partition column lives in the
path, not in the files). A load therefore works one partition (or one unpartitioned table) at a time, in one
transaction: COPY the folder into a temporary staging table holding the file columns, delete the target rows of that
partition whose primary key is no longer in the lake, then MERGE the staged rows into the target on the primary key
(the partition value comes in as a literal). Loading the same partition twice leaves the same table.

Every identifier is checked by `derive._identifier`; a partition value is turned into a typed literal only after it
parsed as its column type, so nothing from a key can reach the SQL unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote

from claimlake.contracts.derive import _identifier, athena_ddl, parse_type, redshift_ddl, redshift_type
from claimlake.contracts.schemas import Column, TableSchema, load_layer

REDSHIFT_GOLD_SCHEMA = "claimlake_gold"
ATHENA_GOLD_DATABASE = "claim_gold_db"  # the Glue database of the gold layer (catalog stack)
HIVE_NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # Spark's folder name for a NULL partition value
_INTEGER = re.compile(r"^-?\d+$")
_IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def _quoted(name: str) -> str:
    return f'"{_identifier(name)}"'


def _string_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- Redshift DDL ----------------------------------------------------------------------------------------------------


def redshift_gold_ddl(*, schema_name: str = REDSHIFT_GOLD_SCHEMA) -> list[str]:
    """The statements that create the gold schema and every gold table (idempotent: IF NOT EXISTS)."""
    tables = [redshift_ddl(schema, schema_name=schema_name) for schema in load_layer("gold").values()]
    return [f"CREATE SCHEMA IF NOT EXISTS {_quoted(schema_name)}\n", *tables]


def athena_gold_ddl(*, lake_bucket: str, database: str = ATHENA_GOLD_DATABASE) -> list[str]:
    """CREATE EXTERNAL TABLE for every gold table over its lake prefix (for setups without the Glue stack)."""
    return [athena_ddl(schema, database=database, location=f"s3://{_bucket(lake_bucket)}/gold/{schema.table}/")
            for schema in load_layer("gold").values()]


# --- partitions ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartitionValue:
    """One partition folder of a table: `<column>=<text>` as Spark wrote it (text still URL-escaped)."""

    column: str
    text: str

    @property
    def folder(self) -> str:
        return f"{self.column}={self.text}"


def gold_prefix(schema: TableSchema, partition: PartitionValue | None = None) -> str:
    """Lake key prefix of a gold table, or of one of its partitions (always ends in '/')."""
    base = f"gold/{_identifier(schema.table)}/"
    return base if partition is None else f"{base}{partition.folder}/"


def partitions_in_keys(schema: TableSchema, keys: Iterable[str]) -> list[PartitionValue]:
    """The partition folders of a table among lake keys (sorted, each once); [] for an unpartitioned table.

    Only the first partition level counts: gold tables are partitioned by one column.
    """
    if len(schema.partition_by) > 1:
        raise ValueError(f"gold.{schema.table}: loads support one partition column, not {schema.partition_by}")
    if not schema.partition_by:
        return []
    column, prefix = schema.partition_by[0], gold_prefix(schema)
    found = set()
    for key in keys:
        if key.startswith(prefix) and key.endswith(".parquet"):
            folder = key[len(prefix):].split("/", 1)[0]
            name, sep, text = folder.partition("=")
            if sep and name == column:
                found.add(PartitionValue(column, text))
    return sorted(found, key=lambda p: p.text)


def partition_literal(col: Column, text: str) -> str:
    """The partition folder value as a typed Redshift literal; ValueError when it is not of the column's type."""
    value = unquote(text)
    if value == HIVE_NULL_PARTITION:
        return "NULL"
    kind = parse_type(col.type).kind
    if kind == "date":
        return f"CAST({_string_literal(date.fromisoformat(value).isoformat())} AS DATE)"
    if kind in ("int", "bigint"):
        if not _INTEGER.match(value):
            raise ValueError(f"partition {col.name}: not an integer")
        return str(int(value))
    if kind == "string":
        return _string_literal(value)
    raise ValueError(f"partition {col.name}: partitions of type {col.type} are not supported by the loader")


# --- Redshift loads --------------------------------------------------------------------------------------------------


def _bucket(name: str) -> str:
    if not _BUCKET.match(name):
        raise ValueError(f"not an S3 bucket name: {name!r}")
    return name


def _iam_role(role: str) -> str:
    if role == "default":
        return "IAM_ROLE default"
    if not _IAM_ROLE_ARN.match(role):
        raise ValueError("iam_role must be 'default' or an IAM role ARN")
    return f"IAM_ROLE {_string_literal(role)}"


def staging_table(schema: TableSchema) -> str:
    """Name of the session-temporary staging table of a load."""
    return f"stage_{_identifier(schema.table)}"


def _file_columns(schema: TableSchema) -> list[Column]:
    """The columns stored in the Parquet files, in file order (schema order without the partition columns)."""
    return [col for col in schema.columns if col.name not in schema.partition_by]


def _key_match(schema: TableSchema, target: str, literals: dict[str, str]) -> str:
    """target.key = s.key for every primary-key column (a partition key column compares with its literal)."""
    if not schema.primary_key:
        raise ValueError(f"gold.{schema.table} has no primary key: it cannot be merged")
    terms = []
    for name in schema.primary_key:
        source = literals.get(name, f"s.{_quoted(name)}")
        terms.append(f"{target}.{_quoted(name)} = {source}")
    return " AND ".join(terms)


def _partition_filter(target: str, literals: dict[str, str]) -> list[str]:
    return [f"{target}.{_quoted(name)} IS NULL" if literal == "NULL" else f"{target}.{_quoted(name)} = {literal}"
            for name, literal in literals.items()]


def _create_staging(schema: TableSchema) -> str:
    columns = ", ".join(f"{_quoted(col.name)} {redshift_type(col.type)}" for col in _file_columns(schema))
    return f"CREATE TEMP TABLE {_quoted(staging_table(schema))} ({columns})"


def _copy(schema: TableSchema, location: str, iam_role: str) -> str:
    return f"COPY {_quoted(staging_table(schema))} FROM {_string_literal(location)} {_iam_role(iam_role)} " \
           "FORMAT AS PARQUET"


def _delete_missing(schema: TableSchema, target: str, literals: dict[str, str]) -> str:
    stage = _quoted(staging_table(schema))
    file_keys = [name for name in schema.primary_key if name not in literals]
    correlation = " AND ".join(f"s.{_quoted(name)} = {target}.{_quoted(name)}" for name in file_keys) or "TRUE"
    conditions = [*_partition_filter(target, literals), f"NOT EXISTS (SELECT 1 FROM {stage} AS s WHERE {correlation})"]
    return f"DELETE FROM {target} WHERE " + " AND ".join(conditions)


def _merge(schema: TableSchema, target: str, literals: dict[str, str]) -> str:
    stage = _quoted(staging_table(schema))
    values = {col.name: literals.get(col.name, f"s.{_quoted(col.name)}") for col in schema.columns}
    updated = [name for name in schema.column_names if name not in schema.primary_key] or schema.primary_key[:1]
    update_set = ", ".join(f"{_quoted(name)} = {values[name]}" for name in updated)
    insert_columns = ", ".join(_quoted(name) for name in schema.column_names)
    insert_values = ", ".join(values[name] for name in schema.column_names)
    return (f"MERGE INTO {target} USING {stage} AS s ON {_key_match(schema, target, literals)} "
            f"WHEN MATCHED THEN UPDATE SET {update_set} "
            f"WHEN NOT MATCHED THEN INSERT ({insert_columns}) VALUES ({insert_values})")


def redshift_load_sql(schema: TableSchema, *, lake_bucket: str, partition: PartitionValue | None = None,
                      schema_name: str = REDSHIFT_GOLD_SCHEMA, iam_role: str = "default") -> list[str]:
    """The statements of one partition's load, to run as ONE transaction (Data API `batch_execute_statement`).

    A partitioned table needs its partition; an unpartitioned one must not get one. `iam_role` "default" uses the
    workgroup's default role.
    """
    if bool(schema.partition_by) != (partition is not None):
        raise ValueError(f"gold.{schema.table}: a partitioned table loads one partition, an unpartitioned one none")
    if partition is not None and partition.column not in schema.partition_by:
        raise ValueError(f"gold.{schema.table} is not partitioned by {partition.column!r}")
    literals = {} if partition is None else {
        partition.column: partition_literal(schema.column(partition.column), partition.text)}
    target = f"{_quoted(schema_name)}.{_quoted(schema.table)}"
    location = f"s3://{_bucket(lake_bucket)}/{gold_prefix(schema, partition)}"
    return [
        _create_staging(schema),
        _copy(schema, location, iam_role),
        _delete_missing(schema, target, literals),
        _merge(schema, target, literals),
        f"DROP TABLE {_quoted(staging_table(schema))}",
    ]


def redshift_prune_sql(schema: TableSchema, present: Sequence[PartitionValue], *,
                       schema_name: str = REDSHIFT_GOLD_SCHEMA) -> str:
    """DELETE the rows of partitions that are no longer in the lake (every row when none is left)."""
    if len(schema.partition_by) != 1:
        raise ValueError(f"gold.{schema.table}: pruning needs exactly one partition column")
    column = schema.column(schema.partition_by[0])
    target = f"{_quoted(schema_name)}.{_quoted(schema.table)}"
    literals = {partition_literal(column, p.text) for p in present if p.column == column.name}
    if not literals:
        return f"DELETE FROM {target}"
    name = f"{target}.{_quoted(column.name)}"
    kept = sorted(literals - {"NULL"})
    if not kept:
        return f"DELETE FROM {target} WHERE {name} IS NOT NULL"
    not_in = f"{name} NOT IN ({', '.join(kept)})"  # NULL NOT IN (...) is not true: NULL rows stay
    return f"DELETE FROM {target} WHERE {not_in}" if "NULL" in literals else \
        f"DELETE FROM {target} WHERE {not_in} OR {name} IS NULL"


# --- Athena named queries --------------------------------------------------------------------------------------------


def _athena_queries(db: str) -> dict[str, str]:
    return {
        "denials_by_carc": f"""
SELECT reason_code AS carc_code, group_code,
       SUM(denied_claim_count) AS denied_claims, SUM(adjustment_count) AS adjustments, SUM(denied_amt) AS denied_amt
FROM {db}.mart_denials
GROUP BY reason_code, group_code
ORDER BY denied_amt DESC, carc_code""",
        "pmpm_by_plan_month": f"""
SELECT payer_id, insurance_line_code, plan_description, month, member_months, claim_count, billed_amt, paid_amt,
       pmpm_paid_amt
FROM {db}.mart_pmpm
ORDER BY month DESC, payer_id, plan_description""",
        "provider_performance": f"""
SELECT p.billing_provider_npi, d.provider_name, d.taxonomy_code,
       SUM(p.claim_count) AS claim_count, SUM(p.billed_amt) AS billed_amt, SUM(p.paid_amt) AS paid_amt,
       SUM(p.denied_claim_count) AS denied_claim_count,
       CAST(SUM(p.denied_claim_count) AS DOUBLE) / NULLIF(SUM(p.claim_count), 0) AS denial_rate,
       AVG(p.avg_days_to_payment) AS avg_days_to_payment
FROM {db}.mart_provider_performance AS p
LEFT JOIN {db}.dim_provider AS d ON d.npi = p.billing_provider_npi AND d.is_current
GROUP BY p.billing_provider_npi, d.provider_name, d.taxonomy_code
ORDER BY paid_amt DESC""",
        "claim_lifecycle": f"""
SELECT service_month, claim_type, lifecycle_status,
       COUNT(*) AS claims, SUM(billed_amt) AS billed_amt, SUM(paid_amt) AS paid_amt,
       APPROX_PERCENTILE(days_to_payment, 0.5) AS median_days_to_payment
FROM {db}.mart_claim_lifecycle
WHERE is_current
GROUP BY service_month, claim_type, lifecycle_status
ORDER BY service_month DESC, claim_type, lifecycle_status""",
        "possible_duplicates": f"""
SELECT duplicate_group_key, claim_key, claim_id, billing_provider_npi, claim_type, service_from_date, billed_amt,
       submitted_date, group_size, is_first
FROM {db}.mart_duplicate_claims
ORDER BY duplicate_group_key, is_first DESC, submitted_date, claim_key""",
    }


def athena_named_queries(database: str = ATHENA_GOLD_DATABASE) -> dict[str, str]:
    """Analyst queries over the gold marts, by name (Athena SQL). None reads a PHI column: analysts run them."""
    return {name: sql.strip() + "\n" for name, sql in _athena_queries(_identifier(database)).items()}


# --- a whole load ----------------------------------------------------------------------------------------------------


def redshift_load_plan(lake_keys: Iterable[str], *, lake_bucket: str, tables: Sequence[str] | None = None,
                       schema_name: str = REDSHIFT_GOLD_SCHEMA, iam_role: str = "default") -> list[list[str]]:
    """The transactions that bring Redshift level with the gold objects listed, in order: the DDL, then for each table
    one transaction per partition and one pruning the partitions that are gone (an unpartitioned table: one load).
    A table without any object in the lake is left as it is (its gold step has not written yet)."""
    gold = load_layer("gold")
    keys = [key for key in lake_keys if key.endswith(".parquet")]
    plan = [redshift_gold_ddl(schema_name=schema_name)]
    for name in tables or list(gold):
        schema = gold[name]
        if not any(key.startswith(gold_prefix(schema)) for key in keys):
            continue
        if not schema.partition_by:
            plan.append(redshift_load_sql(schema, lake_bucket=lake_bucket, schema_name=schema_name, iam_role=iam_role))
            continue
        present = partitions_in_keys(schema, keys)
        plan += [redshift_load_sql(schema, lake_bucket=lake_bucket, partition=partition, schema_name=schema_name,
                                   iam_role=iam_role) for partition in present]
        plan.append([redshift_prune_sql(schema, present, schema_name=schema_name)])
    return plan
