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


def build_fact_eligibility(coverage: DataFrame, claims: DataFrame, dim_member: DataFrame, dim_payer: DataFrame
                           ) -> DataFrame:
    """Member months. Aggregates are over bigint keys only (the payer id comes back from dim_payer), so Spark
    aggregates by hash rather than by sorting every member month; when two plans of one kind touch a month
    the smaller plan key is taken (deterministic)."""
    months = coverage_months(coverage, as_of_month(coverage, claims))
    category = coverage_category(F.col("insurance_line_code"))
    plan = plan_key(F.col("payer_id"), F.col("insurance_line_code"), F.col("plan_description"))
    payer = surrogate_key("payer_id")
    grouped = months.groupBy("member_id", "month").agg(
        F.coalesce(F.min(F.when(category == "medical", payer)), F.min(payer)).alias("payer_key"),
        F.min(F.when(category == "medical", plan)).alias("medical_plan_key"),
        F.min(F.when(category == "dental", plan)).alias("dental_plan_key"),
        *[F.max(category == kind).alias(f"has_{kind}") for kind in ("medical", "dental", "vision", "pharmacy")],
        F.count("*").cast("int").alias("coverage_count"),
    )
    payers = F.broadcast(dim_payer.select("payer_key", "payer_id"))
    facts = grouped.join(payers, "payer_key", "left")
    return version_at(facts, dim_member, "member_id", F.col("month"), "member_key", "member_key")
