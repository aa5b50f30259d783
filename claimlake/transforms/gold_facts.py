"""Gold facts: claims (one row per version), lines, payments (one per CLP), adjustments (one per CAS triple)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from claimlake.transforms.keys import surrogate_key
from claimlake.transforms.scd2 import version_at

LINK_KEY = ("payer_id", "billing_provider_npi", "claim_id")


def month_of(date: F.Column) -> F.Column:
    return F.trunc(date, "month")


def claim_context(claims: DataFrame, lines: DataFrame, parties: DataFrame, diagnoses: DataFrame) -> DataFrame:
    """Per claim version: line dates and count, the patient's member id, the principal diagnosis key."""
    line_agg = lines.groupBy("claim_key").agg(
        F.min("service_from_date").alias("_line_from"), F.max(F.coalesce("service_to_date", "service_from_date"))
        .alias("_line_to"), F.count("*").cast("int").alias("line_count"),
    )
    patients = parties.where(F.col("party_role") == "patient").groupBy("claim_key").agg(
        F.min("member_id").alias("_patient_id")
    )
    dx_key = surrogate_key("code_system", "diagnosis_code")
    principal = diagnoses.groupBy("claim_key").agg(
        F.min_by(dx_key, F.struct((~F.col("is_principal")).alias("p"), "diagnosis_seq"))
        .alias("principal_diagnosis_key")
    )
    return (
        claims.join(line_agg, "claim_key", "left").join(patients, "claim_key", "left")
        .join(principal, "claim_key", "left")
    )


def build_fact_claim(context: DataFrame, dim_member: DataFrame, dim_provider: DataFrame) -> DataFrame:
    """Claim versions with dates from the lines when the header has none, the patient's member id and the
    dimension versions valid on the service date."""
    replaced = {
        "service_from_date": F.coalesce("service_from_date", "_line_from"),
        "service_to_date": F.coalesce("service_to_date", "_line_to"),
        "member_id": F.coalesce("_patient_id", "subscriber_id"),
        "rendering_provider_npi": F.coalesce("rendering_provider_npi", "attending_provider_npi"),
        "line_count": F.coalesce("line_count", F.lit(0)),
    }
    facts = context.withColumns(replaced)
    facts = version_at(facts, dim_member, "member_id", F.col("service_from_date"), "member_key", "member_key")
    facts = version_at(
        facts.withColumn("npi", F.col("billing_provider_npi")), dim_provider, "npi", F.col("service_from_date"),
        "billing_provider_key", "provider_key",
    ).drop("npi")
    return facts.withColumns({
        "payer_key": surrogate_key("payer_id"),
        "billed_amt": F.col("total_charge_amt"),
        "submitted_date": F.col("bht_date"),
        "service_month": month_of(F.coalesce("service_from_date", "bht_date")),
    })


def payment_links(claims: DataFrame, payments: DataFrame, remittances: DataFrame) -> DataFrame:
    """(claim_payment_key, claim_key): the claim version a payment applies to, on CLP01 = CLM01, payer and billing
    provider. Among several versions: not a void, then received on or before the remittance's payment date
    (latest first), else the earliest."""
    versions = claims.select(
        *LINK_KEY, "claim_key", (F.col("claim_frequency_code") == "8").alias("_void"),
        F.struct("bht_date", "file_id", "segment_ordinal").alias("_order"), F.col("bht_date").alias("_sent"),
    )
    paid = payments.select(*LINK_KEY, "claim_payment_key", "remittance_key").join(
        F.broadcast(remittances.select("remittance_key", "payment_date")), "remittance_key"
    )
    candidates = paid.join(versions, list(LINK_KEY))
    before = F.col("_sent") <= F.col("payment_date")
    window = Window.partitionBy(*LINK_KEY, "claim_payment_key").orderBy(
        F.col("_void"), F.when(before, F.col("_order")).desc_nulls_last(), F.col("_order")
    )
    ranked = candidates.withColumn("_rn", F.row_number().over(window)).where("_rn = 1")
    return ranked.select("claim_payment_key", "claim_key")


def build_fact_payment(payments: DataFrame, remittances: DataFrame, links: DataFrame, dim_provider: DataFrame
                       ) -> DataFrame:
    remit = F.broadcast(remittances.select("remittance_key", "payment_date", F.col("trace_id").alias("_trace")))
    facts = payments.join(remit, "remittance_key").join(links, "claim_payment_key", "left")
    facts = version_at(
        facts.withColumn("npi", F.col("billing_provider_npi")), dim_provider, "npi", F.col("payment_date"),
        "billing_provider_key", "provider_key",
    ).drop("npi")
    return facts.select(
        "*", F.col("claim_key").isNotNull().alias("is_matched"), surrogate_key("payer_id").alias("payer_key"),
        month_of(F.col("payment_date")).alias("payment_month"),
    ).drop("trace_id").withColumnRenamed("_trace", "trace_id")


def build_fact_adjustment(adjustments: DataFrame, remittances: DataFrame) -> DataFrame:
    """Adjustments with their remittance's payment date, payer and payee (joined on the 835 transaction set)."""
    sets = ("file_id", "gs_control_number", "st_control_number")
    remit = F.broadcast(remittances.select(*sets, "payment_date", "payer_id", "billing_provider_npi"))
    return adjustments.join(remit, list(sets)).select(
        "*", surrogate_key("payer_id").alias("payer_key"), month_of(F.col("payment_date")).alias("payment_month"),
    )


def line_payments(services: DataFrame, links: DataFrame) -> DataFrame:
    """Net paid and allowed per (claim_key, line_control_number) over the SVC lines of linked payments."""
    linked = services.select("claim_payment_key", "line_control_number", "line_paid_amt", "allowed_amt").join(
        links, "claim_payment_key"
    )
    return linked.where(F.col("line_control_number").isNotNull()).groupBy("claim_key", "line_control_number").agg(
        F.sum("line_paid_amt").alias("paid_amt"), F.sum("allowed_amt").alias("allowed_amt")
    )


def build_fact_claim_line(lines: DataFrame, fact_claim: DataFrame, diagnoses: DataFrame, paid: DataFrame
                          ) -> DataFrame:
    claim = fact_claim.select(
        "claim_key", F.col("service_from_date").alias("_c_from"), F.col("service_to_date").alias("_c_to"),
        F.col("rendering_provider_npi").alias("_c_rendering"), "is_current", "service_month",
    )
    dx = diagnoses.groupBy("claim_key").agg(
        F.map_from_entries(F.collect_list(F.struct("diagnosis_seq", surrogate_key("code_system", "diagnosis_code"))))
        .alias("_dx")
    )
    facts = lines.join(claim, "claim_key").join(dx, "claim_key", "left").join(
        paid, ["claim_key", "line_control_number"], "left"
    )
    has_code = F.col("procedure_qualifier").isNotNull() & F.col("procedure_code").isNotNull()
    return facts.select(
        "*",
        F.when(has_code, surrogate_key("procedure_qualifier", "procedure_code")).alias("procedure_key"),
        F.try_element_at("_dx", F.col("diagnosis_pointer_1")).alias("diagnosis_key"),
        F.coalesce("line_rendering_provider_npi", "_c_rendering").alias("_rendering"),
        F.coalesce("service_from_date", "_c_from").alias("_from"),
        F.coalesce("service_to_date", "service_from_date", "_c_to").alias("_to"),
        F.col("line_charge_amt").alias("billed_amt"),
    ).drop("service_from_date", "service_to_date").withColumnsRenamed(
        {"_rendering": "rendering_provider_npi", "_from": "service_from_date", "_to": "service_to_date"}
    )
