"""Gold marts: claim lifecycle, denials, provider performance, PMPM, possible duplicates, charge outliers."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from claimlake.transforms.keys import surrogate_key


def _zero() -> F.Column:
    return F.lit(0).cast("decimal(18,2)")


def payment_summary(fact_payment: DataFrame) -> DataFrame:
    """Per linked claim version: net money, counts and dates of its payments."""
    paid = F.col("paid_amt") > 0
    return fact_payment.where(F.col("claim_key").isNotNull()).groupBy("claim_key").agg(
        F.sum("paid_amt").alias("_paid"), F.sum(F.coalesce("patient_responsibility_amt", _zero())).alias("_pr"),
        F.count("*").cast("int").alias("payment_count"),
        F.sum(F.col("is_reversal").cast("int")).cast("int").alias("reversal_count"),
        F.sum(F.col("is_denied").cast("int")).cast("int").alias("denial_count"),
        F.min("payment_date").alias("first_remit_date"), F.max("payment_date").alias("last_remit_date"),
        F.min(F.when(paid & ~F.col("is_reversal"), F.col("payment_date"))).alias("first_paid_date"),
    )


def unpaid_lines(fact_claim_line: DataFrame) -> DataFrame:
    """Claim versions with a remitted line that was paid nothing (partial payment)."""
    zero = F.col("paid_amt").isNotNull() & (F.col("paid_amt") <= 0) & (F.col("billed_amt") > 0)
    return fact_claim_line.where(zero).select("claim_key").distinct().withColumn("_has_unpaid_line", F.lit(True))


def lifecycle_status() -> F.Column:
    paid = F.col("paid_amt")
    return (
        F.when(F.col("version_status").isin("voided", "void"), "voided")
        .when(F.col("version_status") == "replaced", "corrected")
        .when(F.col("payment_count") == 0, "billed")
        .when((paid <= 0) & (F.col("reversal_count") > 0) & (F.col("denial_count") == 0), "reversed")
        .when(paid <= 0, "denied")
        .when(F.coalesce("_has_unpaid_line", F.lit(False)), "partially_paid")
        .otherwise("paid")
    )


def build_mart_claim_lifecycle(fact_claim: DataFrame, fact_payment: DataFrame, fact_claim_line: DataFrame
                               ) -> DataFrame:
    joined = fact_claim.join(payment_summary(fact_payment), "claim_key", "left").join(
        F.broadcast(unpaid_lines(fact_claim_line)), "claim_key", "left"
    )
    filled = joined.select(
        "*", F.coalesce("_paid", _zero()).alias("paid_amt"),
        F.coalesce("_pr", _zero()).alias("patient_responsibility_amt"),
    ).fillna(0, subset=["payment_count", "reversal_count", "denial_count"])
    return filled.withColumn("lifecycle_status", lifecycle_status()).withColumn(
        "days_to_payment", F.datediff("first_paid_date", "service_from_date")
    )


def build_mart_denials(fact_adjustment: DataFrame, fact_payment: DataFrame) -> DataFrame:
    denied = F.broadcast(fact_payment.where(F.col("is_denied")).select("claim_payment_key"))
    rows = fact_adjustment.join(denied, "claim_payment_key")
    return rows.groupBy(
        F.coalesce("payer_id", F.lit("")).alias("payer_id"), "payment_month", "group_code", "reason_code"
    ).agg(
        F.countDistinct("claim_payment_key").alias("denied_claim_count"), F.count("*").alias("adjustment_count"),
        F.sum("adjustment_amt").alias("denied_amt"),
    )


def build_mart_provider_performance(lifecycle: DataFrame, dim_provider: DataFrame) -> DataFrame:
    current = lifecycle.where(F.col("is_current"))
    adjudicated = F.col("lifecycle_status").isin("paid", "partially_paid", "denied")
    denied = F.col("lifecycle_status") == "denied"
    grouped = current.groupBy(F.coalesce("billing_provider_npi", F.lit("")).alias("billing_provider_npi"),
                              "service_month").agg(
        F.count("*").alias("claim_count"), F.sum("billed_amt").alias("billed_amt"), F.sum("paid_amt").alias("paid_amt"),
        F.sum(denied.cast("int")).cast("bigint").alias("denied_claim_count"),
        F.sum(adjudicated.cast("int")).alias("_adjudicated"),
        F.avg("days_to_payment").alias("_days"),
    )
    providers = F.broadcast(dim_provider.where(F.col("is_current")).select(
        F.col("npi").alias("billing_provider_npi"), "provider_key"
    ))
    rate = F.when(F.col("_adjudicated") > 0, F.col("denied_claim_count") / F.col("_adjudicated"))
    return grouped.join(providers, "billing_provider_npi", "left").select(
        "*", rate.cast("decimal(9,4)").alias("denial_rate"),
        F.col("_days").cast("decimal(9,2)").alias("avg_days_to_payment"),
    )


def build_mart_pmpm(lifecycle: DataFrame, fact_eligibility: DataFrame, dim_plan: DataFrame) -> DataFrame:
    """Member months per plan and month; current claims of covered members, dental against the dental plan."""
    enrolled = fact_eligibility.select(
        "member_id", "month", F.explode(F.array(
            F.struct(F.lit("medical").alias("kind"), F.col("medical_plan_key").alias("plan_key")),
            F.struct(F.lit("dental").alias("kind"), F.col("dental_plan_key").alias("plan_key")),
        )).alias("p"),
    ).select("member_id", "month", "p.kind", "p.plan_key").where(F.col("plan_key").isNotNull())
    kind = F.when(F.col("claim_type") == "D", "dental").otherwise("medical")
    claims = lifecycle.where(F.col("is_current") & F.col("member_id").isNotNull()).select(
        "member_id", F.col("service_month").alias("month"), kind.alias("kind"), "billed_amt", "paid_amt"
    )
    cost = claims.join(enrolled, ["member_id", "month", "kind"]).groupBy("plan_key", "month").agg(
        F.count("*").alias("claim_count"), F.sum("billed_amt").alias("billed_amt"), F.sum("paid_amt").alias("paid_amt")
    )
    months = enrolled.groupBy("plan_key", "month").agg(F.count("*").alias("member_months"))
    plans = F.broadcast(dim_plan.select("plan_key", "payer_id", "insurance_line_code", "plan_description"))
    out = months.join(cost, ["plan_key", "month"], "left").join(plans, "plan_key")
    out = out.fillna(0, subset=["claim_count"]).select(
        "*", F.coalesce("billed_amt", _zero()).alias("_billed"), F.coalesce("paid_amt", _zero()).alias("_paid")
    ).drop("billed_amt", "paid_amt").withColumnsRenamed({"_billed": "billed_amt", "_paid": "paid_amt"})
    return out.withColumn("pmpm_paid_amt", (F.col("paid_amt") / F.col("member_months")).cast("decimal(18,2)"))


def build_mart_duplicate_claims(fact_claim: DataFrame) -> DataFrame:
    group = ("member_id", "billing_provider_npi", "claim_type", "service_from_date", "billed_amt")
    known = F.col("member_id").isNotNull() & F.col("billing_provider_npi").isNotNull()
    current = fact_claim.where(F.col("is_current") & known & F.col("service_from_date").isNotNull())
    window = Window.partitionBy(*group)
    ordered = window.orderBy("submitted_date", "claim_key")
    flagged = current.select(
        *group, "claim_key", "claim_id", "submitted_date", F.count("*").over(window).cast("int").alias("group_size"),
        (F.row_number().over(ordered) == 1).alias("is_first"),
    )
    return flagged.where(F.col("group_size") > 1).withColumn("duplicate_group_key", surrogate_key(*group))


def build_mart_charge_outliers(fact_claim_line: DataFrame, fact_claim: DataFrame) -> DataFrame:
    units = F.when(F.col("service_units") > 0, F.col("service_units")).otherwise(F.lit(1))
    lines = fact_claim_line.where(F.col("is_current") & F.col("procedure_key").isNotNull()).select(
        "claim_line_key", "claim_key", "procedure_key", "procedure_code", "service_month",
        (F.col("billed_amt") / units).cast("decimal(18,2)").alias("charge_per_unit_amt"),
    )
    stats = lines.groupBy("procedure_key").agg(
        F.percentile_approx("charge_per_unit_amt", [0.25, 0.5, 0.75], 1000).alias("_q"),
        F.count("*").alias("peer_count"),
    ).where(F.col("peer_count") >= 20)
    q1, median, q3 = (F.col("_q")[i].cast("decimal(18,2)") for i in range(3))
    with_stats = lines.join(F.broadcast(stats), "procedure_key").select(
        "*", median.alias("peer_median_amt"), q3.alias("peer_p75_amt"), (q3 - q1).alias("_iqr")
    )
    outliers = with_stats.where(
        (F.col("peer_median_amt") > 0)
        & (F.col("charge_per_unit_amt") > F.col("peer_median_amt") + 3 * F.col("_iqr"))
        & (F.col("charge_per_unit_amt") >= 2 * F.col("peer_median_amt"))
    )
    providers = fact_claim.select("claim_key", "billing_provider_npi")
    return outliers.join(providers, "claim_key", "left").withColumn(
        "ratio_to_median", (F.col("charge_per_unit_amt") / F.col("peer_median_amt")).cast("decimal(9,2)")
    )
