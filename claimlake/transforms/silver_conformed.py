"""Conformed entities of silver: payers across 837/835/834, provider observations by NPI."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from claimlake.transforms.conform import normalised_name

PROVIDER_ATTRS = (
    "entity_type_code", "last_or_org_name", "first_name", "taxonomy_code", "address_line_1", "city", "state_code",
    "postal_code", "tax_id",
)
UNKNOWN_DATE = "1900-01-01"


def build_payer(known: DataFrame, remittances: DataFrame, members: DataFrame) -> DataFrame:
    """One row per conformed payer id: name from 837 first, then 835, then 834; EIN from 835 or 834."""
    no_tin = F.lit(None).cast("string")
    sources = (
        known.select("payer_id", "payer_name", no_tin.alias("payer_tin"), F.lit(1).alias("_rank"))
        .unionByName(remittances.select("payer_id", "payer_name", "payer_tin", F.lit(2).alias("_rank")))
        .unionByName(members.select(
            "payer_id", "payer_name", F.when(F.col("payer_id_qualifier") == "FI", F.col("payer_id_as_sent")).alias(
                "payer_tin"), F.lit(3).alias("_rank")))
        .where(F.col("payer_id").isNotNull())
    )
    named = F.min(F.when(F.col("payer_name").isNotNull(), F.struct("_rank", "payer_name")))
    grouped = sources.groupBy("payer_id").agg(
        named.alias("_name"),
        F.min("payer_tin").alias("payer_tin"),
        *[F.max(F.col("_rank") == rank).alias(flag) for rank, flag in ((1, "is_in_837"), (2, "is_in_835"),
                                                                         (3, "is_in_834"))],
    )
    return grouped.withColumn("payer_name", F.col("_name.payer_name")).withColumn(
        "normalised_name", normalised_name(F.col("payer_name"))
    )


def _observations_837(providers: DataFrame, envelopes: DataFrame) -> DataFrame:
    groups = F.broadcast(
        envelopes.where(F.col("transaction_set_id") == "837")
        .groupBy("file_id", "gs_control_number", "st_control_number")
        .agg(F.min("group_date").alias("observed_date"))
    )
    seen = providers.where(F.col("npi").isNotNull()).join(groups, ["file_id", "gs_control_number", "st_control_number"],
                                                          "left")
    return seen.select(
        "npi", F.coalesce("observed_date", F.lit(UNKNOWN_DATE).cast("date")).alias("observed_date"),
        F.lit("837").alias("source"), *PROVIDER_ATTRS,
    )


def _observations_835(remittances: DataFrame, payments: DataFrame) -> DataFrame:
    none = F.lit(None).cast("string")
    payees = remittances.where(F.col("billing_provider_npi").isNotNull()).select(
        F.col("billing_provider_npi").alias("npi"), F.col("payment_date").alias("observed_date"),
        F.lit("835").alias("source"), none.alias("entity_type_code"), F.col("payee_name").alias("last_or_org_name"),
        *[none.alias(c) for c in PROVIDER_ATTRS[2:-1]], F.col("payee_tax_id").alias("tax_id"),
    )
    rendering = payments.where(
        (F.col("rendering_provider_id_qualifier") == "XX") & F.col("received_date").isNotNull()
    ).select(
        F.col("rendering_provider_id").alias("npi"), F.col("received_date").alias("observed_date"),
        F.lit("835").alias("source"), *[none.alias(c) for c in PROVIDER_ATTRS],
    )
    return payees.unionByName(rendering)


def build_provider(
    providers: DataFrame, envelopes: DataFrame, remittances: DataFrame, payments: DataFrame
) -> DataFrame:
    """Provider attributes by NPI and day; 835 observations only for NPIs no 837 names."""
    from_837 = _observations_837(providers, envelopes)
    npis_837 = F.broadcast(from_837.select("npi").distinct())
    from_835 = _observations_835(remittances, payments).join(npis_837, "npi", "left_anti")
    merged = from_837.unionByName(from_835).groupBy("npi", "observed_date").agg(
        F.min("source").alias("source"), *[F.max(c).alias(c) for c in PROVIDER_ATTRS]
    )
    return merged
