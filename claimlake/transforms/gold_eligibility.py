"""fact_eligibility: member months from coverage spans."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from claimlake.transforms.gold_dims import coverage_category, plan_key
from claimlake.transforms.keys import surrogate_key
from claimlake.transforms.scd2 import version_at


def as_of_month(coverage: DataFrame, claims: DataFrame) -> DataFrame:
    """One row, `_as_of`: the last month the data speaks for (latest 834 file or 837 creation date); open spans
    count up to it. Taken from the data, so a rebuild gives the same months."""
    latest = coverage.select(F.col("last_file_created_date").alias("d")).unionByName(
        claims.select(F.col("bht_date").alias("d"))
    )
    return latest.agg(F.trunc(F.max("d"), "month").alias("_as_of"))


def coverage_months(coverage: DataFrame, as_of: DataFrame) -> DataFrame:
    """One row per coverage span and month it touches."""
    spans = coverage.where(~F.col("is_cancelled")).join(F.broadcast(as_of), how="cross")
    last = F.coalesce(F.trunc("benefit_end_date", "month"), F.col("_as_of"))
    first = F.trunc("benefit_begin_date", "month")
    months = F.when(first <= last, F.sequence(first, last, F.expr("INTERVAL 1 MONTH")))
    return spans.select(
        "member_id", "payer_id", "insurance_line_code", "plan_description", F.explode(months).alias("month")
    )


def build_fact_eligibility(coverage: DataFrame, claims: DataFrame, dim_member: DataFrame) -> DataFrame:
    months = coverage_months(coverage, as_of_month(coverage, claims))
    category = coverage_category(F.col("insurance_line_code"))
    plan = plan_key(F.col("payer_id"), F.col("insurance_line_code"), F.col("plan_description"))

    def first_plan(kind: str) -> F.Column:
        return F.min_by(F.when(category == kind, plan), F.when(category == kind, F.col("insurance_line_code")))

    grouped = months.groupBy("member_id", "month").agg(
        F.min_by("payer_id", F.struct((category != "medical").alias("m"), "payer_id")).alias("payer_id"),
        first_plan("medical").alias("medical_plan_key"),
        first_plan("dental").alias("dental_plan_key"),
        *[F.max(category == kind).alias(f"has_{kind}") for kind in ("medical", "dental", "vision", "pharmacy")],
        F.count("*").cast("int").alias("coverage_count"),
    )
    facts = version_at(grouped, dim_member, "member_id", F.col("month"), "member_key", "member_key")
    return facts.withColumn("payer_key", surrogate_key("payer_id"))
