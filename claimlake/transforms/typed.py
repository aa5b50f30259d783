"""Raw text -> typed columns, with every failed check of a row collected in an `_errors` array.

The expressions are generated as Spark SQL text and applied as three projections: cleaned texts, typed values,
then the checks, each check a small test on the text and value attributes (a value that is null although text
was sent did not parse). Small expressions keep Spark's analysis of every later step fast."""

from __future__ import annotations

from collections.abc import Iterable

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from claimlake.contracts.schemas import Column as SchemaColumn
from claimlake.transforms.schema import table_schema

ERRORS = "_errors"
_AMOUNT = "^-?([0-9]{1,16}([.][0-9]{0,2})?|[.][0-9]{1,2})$"
_NUMBER = "^-?([0-9]{1,12}([.][0-9]*)?|[.][0-9]+)$"
_INTEGER = {"int": "^-?[0-9]{1,9}$", "bigint": "^-?[0-9]{1,18}$"}
_DATE = "^[0-9]{8}([0-9]{4})?$"  # CCYYMMDD, or CCYYMMDDHHMM whose first 8 characters are the date
_TRUE, _FALSE = ("TRUE", "Y", "1"), ("FALSE", "N", "0")
EXPECTED = {
    "invalid_date": "a CCYYMMDD date",
    "invalid_amount": "an amount with at most 2 decimals",
    "invalid_number": "a number",
    "invalid_integer": "an integer",
    "invalid_boolean": "true/false or Y/N",
    "invalid_code": "an allowed code",
    "invalid_format": "well formed",
}


def sql_str(value: str) -> str:
    """A Spark SQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _in(expr: str, values: Iterable[str]) -> str:
    return f"{expr} IN ({', '.join(sql_str(v) for v in values)})"


def _normalised(name: str, expr: str) -> str:
    """Codes in upper case; ICD diagnosis codes without the decimal point or blanks."""
    if name == "diagnosis_code":
        return f"regexp_replace(upper({expr}), '[. ]', '')"
    if name.endswith("_code") or name.startswith("modifier_"):
        return f"upper({expr})"
    return expr


def text_expr(name: str) -> str:
    """The cleaned text of a raw column: trimmed, empty as null, codes normalised."""
    return f"(CASE WHEN trim(`{name}`) != '' THEN {_normalised(name, f'trim(`{name}`)')} END)"


def _date(t: str) -> str:
    y, m, d = (f"int(substring({t}, {s}, {n}))" for s, n in ((1, 4), (5, 2), (7, 2)))
    safe = f"CASE WHEN {y} >= 1 THEN {y} ELSE 1 END, CASE WHEN {m} BETWEEN 1 AND 12 THEN {m} ELSE 1 END"
    last = f"dayofmonth(last_day(make_date({safe}, 1)))"
    ok = f"{t} RLIKE '{_DATE}' AND {y} >= 1 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {last}"
    return f"CASE WHEN {ok} THEN make_date({y}, {m}, {d}) END"


def _rule(yaml_type: str) -> str | None:
    if yaml_type == "date":
        return "invalid_date"
    if yaml_type.startswith("decimal"):
        return "invalid_amount" if yaml_type == "decimal(18,2)" else "invalid_number"
    if yaml_type in _INTEGER:
        return "invalid_integer"
    return "invalid_boolean" if yaml_type == "boolean" else None


def value_expr(t: str, yaml_type: str) -> str:
    """Typed value of cleaned text `t`; null when the text does not parse."""
    if yaml_type == "date":
        return _date(t)
    if yaml_type.startswith("decimal"):
        pattern = _AMOUNT if yaml_type == "decimal(18,2)" else _NUMBER
        return f"CASE WHEN {t} RLIKE '{pattern}' THEN CAST({t} AS {yaml_type}) END"
    if yaml_type in _INTEGER:
        return f"CASE WHEN {t} RLIKE '{_INTEGER[yaml_type]}' THEN CAST({t} AS {yaml_type}) END"
    if yaml_type == "boolean":
        return f"CASE WHEN {_in(f'upper({t})', _TRUE)} THEN true WHEN {_in(f'upper({t})', _FALSE)} THEN false END"
    return t


def _error(condition: str, rule: str, column: str, shown: str) -> tuple[str, str]:
    """(condition, SQL of the error struct when it holds)."""
    struct = f"named_struct('rule', '{rule}', 'column_name', '{column}', 'value', {shown})"
    return condition, f"CASE WHEN {condition} THEN {struct} END"


def check_exprs(name: str, target: SchemaColumn, raw: SchemaColumn) -> list[tuple[str, str]]:
    """SQL of the error candidates of one column, over its text `_t_<name>` and typed value `<name>`."""
    t, v = f"`_t_{name}`", f"`{name}`"
    shown = "CAST(NULL AS STRING)" if target.phi else t
    errors = []
    if not raw.nullable:
        errors.append(_error(f"{t} IS NULL", "required", name, "CAST(NULL AS STRING)"))
    rule = _rule(target.type)
    if rule:
        errors.append(_error(f"{t} IS NOT NULL AND {v} IS NULL", rule, name, shown))
    allowed = target.values or raw.values
    if allowed:
        errors.append(_error(f"{t} IS NOT NULL AND NOT {_in(t, allowed)}", "invalid_code", name, shown))
    if target.pattern:
        bad = f"{t} IS NOT NULL AND NOT {t} RLIKE {sql_str(target.pattern)}"
        errors.append(_error(bad, "invalid_format", name, shown))
    return errors


def _error_array(errors: list[tuple[str, str]]) -> str:
    """The failed checks of a row; a valid row (nearly all of them) only evaluates the conditions, without
    building the array."""
    if not errors:
        return "array()"
    empty = "CAST(array() AS array<struct<rule: string, column_name: string, value: string>>)"
    failed = " OR ".join(f"coalesce({condition}, false)" for condition, _ in errors)
    structs = ", ".join(struct for _, struct in errors)
    return f"CASE WHEN {failed} THEN filter(array({structs}), e -> e IS NOT NULL) ELSE {empty} END"


def row_key_expr(columns: Iterable[str]) -> str:
    """`name=value;name=value` of the raw key columns, as sent (trimmed)."""
    parts = [f"concat('{c}=', coalesce(trim(`{c}`), ''))" for c in columns]
    return f"concat_ws(';', {', '.join(parts)})"


def type_raw(raw: DataFrame, raw_table: str, silver_table: str) -> DataFrame:
    """Every raw column typed as silver declares it (as raw declares it when silver drops the column), codes
    normalised, plus `_row_key` (the raw primary key as text) and `_errors` (array of rule/column_name/value)."""
    raw_schema = table_schema("raw", raw_table)
    silver = {c.name: c for c in table_schema("silver", silver_table).columns}
    names = raw_schema.column_names
    targets = [silver.get(c.name, c) for c in raw_schema.columns]
    texts = [f"{text_expr(n)} AS `_t_{n}`" for n in names] + [f"{row_key_expr(raw_schema.primary_key)} AS _row_key"]
    values = [f"{value_expr(f'`_t_{n}`', t.type)} AS `{n}`" for n, t in zip(names, targets, strict=True)]
    pairs = zip(raw_schema.columns, targets, strict=True)
    errors = [e for col, target in pairs for e in check_exprs(col.name, target, col)]
    error_array = _error_array(errors)
    return (
        raw.selectExpr(*texts)
        .selectExpr(*values, "_row_key", *[f"`_t_{n}`" for n in names])
        .selectExpr(*[f"`{n}`" for n in names], "_row_key", f"{error_array} AS {ERRORS}")
    )


def valid_rows(typed: DataFrame) -> DataFrame:
    """Rows without a failed check.

    Written as a generator (explode of a one-element array) rather than a filter on purpose: a filter would be
    pushed below the typing projections with the checks inlined, and Spark's constraint propagation then
    doubles its constraint set for every typed column (2^columns) and planning never ends."""
    keep = F.explode(F.when(F.size(ERRORS) == 0, F.array(F.lit(True)))).alias("_valid")
    return typed.select("*", keep).drop("_valid")


def _detail() -> F.Column:
    expected = F.create_map(*[F.lit(x) for pair in EXPECTED.items() for x in pair])[F.col("_e.rule")]
    return (
        F.when(F.col("_e.rule") == "required", F.concat(F.col("_e.column_name"), F.lit(" is required but empty")))
        .when(F.col("_e.rule") == "parent_rejected", F.col("_e.value"))
        .when(F.col("_e.value").isNull(), F.concat(F.lit("value (PHI, not shown) is not "), expected))
        .otherwise(F.concat(F.lit('value "'), F.col("_e.value"), F.lit('" is not '), expected))
    )


def rejects_of(typed: DataFrame, source_table: str) -> DataFrame:
    """One _rejects row per failed check of a typed frame (explode drops the rows without any)."""
    exploded = typed.select(
        F.lit(source_table).alias("source_table"), "file_id", F.col("_row_key").alias("row_key"),
        F.explode(ERRORS).alias("_e"),
    )
    return exploded.select("source_table", "file_id", "row_key", "_e.rule", "_e.column_name", _detail().alias("detail"))


def reject_rows(df: DataFrame, source_table: str, rule: str, detail: F.Column, column_name: str = "") -> DataFrame:
    """_rejects rows for whole rows of a typed frame failing a row-level rule."""
    return df.select(
        F.lit(source_table).alias("source_table"),
        F.col("file_id"),
        F.col("_row_key").alias("row_key"),
        F.lit(rule).alias("rule"),
        F.lit(column_name).alias("column_name"),
        detail.alias("detail"),
    )
