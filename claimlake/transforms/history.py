"""Claim history as a payer keeps it: a replacement (7) supersedes, a void (8) cancels the version it refers to."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from claimlake.transforms.cascade import materialize
from claimlake.transforms.silver_837 import CLAIM_ORDER

_KEY = ("payer_id", "billing_provider_npi", "claim_id")


def _order() -> F.Column:
    return F.struct(*CLAIM_ORDER)


def follow_up_targets(claims: DataFrame, payments: DataFrame) -> DataFrame:
    """Replacements and voids with the claim key they point at: REF*F8 is the payer claim number (CLP07) of the
    original's payment, whose CLP01 / payer / payee name it; without a usable F8, the follow-up's own key."""
    follow = claims.where(F.col("claim_frequency_code").isin("7", "8")).select(
        F.col("claim_key").alias("f_key"), F.col("claim_frequency_code").alias("f_freq"), _order().alias("f_order"),
        *_KEY, "original_payer_claim_id",
    )
    wanted = F.broadcast(
        follow.where(F.col("original_payer_claim_id").isNotNull())
        .select("payer_id", F.col("original_payer_claim_id").alias("payer_claim_id")).distinct()
    )
    refs = payments.select("payer_id", "payer_claim_id", *[F.col(c).alias(f"t_{c}") for c in _KEY[1:]])
    refs = refs.join(wanted, ["payer_id", "payer_claim_id"], "left_semi").distinct()
    linked = follow.join(
        F.broadcast(refs.withColumnRenamed("payer_claim_id", "original_payer_claim_id")),
        ["payer_id", "original_payer_claim_id"], "left",
    )
    has_ref = F.col("t_claim_id").isNotNull()
    return linked.select(
        "f_key", "f_freq", "f_order", (has_ref & (F.col("t_claim_id") != F.col("claim_id"))).alias("f_has_ref"),
        F.col("payer_id").alias("t_payer_id"),
        F.when(has_ref, F.col("t_billing_provider_npi")).otherwise(F.col("billing_provider_npi")).alias("t_npi"),
        F.when(has_ref, F.col("t_claim_id")).otherwise(F.col("claim_id")).alias("t_claim_id"),
    )


def predecessors(claims: DataFrame, targets: DataFrame) -> DataFrame:
    """(f_key, f_freq, f_order, p_key): the latest other version under the follow-up's target key; received
    before the follow-up unless REF*F8 named it (an explicit reference needs no clock: BHT04 dates are not
    always in submission order)."""
    candidates = claims.select(
        F.col("claim_key").alias("p_key"), _order().alias("p_order"),
        F.col("payer_id").alias("t_payer_id"), F.col("billing_provider_npi").alias("t_npi"),
        F.col("claim_id").alias("t_claim_id"),
    )
    on = ["t_payer_id", "t_npi", "t_claim_id"]
    earlier = F.col("p_order") < F.col("f_order")
    matched = candidates.join(F.broadcast(targets), on).where(
        (F.col("p_key") != F.col("f_key")) & (earlier | F.col("f_has_ref"))
    )
    window = Window.partitionBy("f_key").orderBy(F.col("p_order").desc())
    ranked = matched.withColumn("_rn", F.row_number().over(window)).where("_rn = 1")
    return ranked.select("f_key", "f_freq", "f_order", "p_key")


def history_links(claims: DataFrame, payments: DataFrame) -> DataFrame:
    """(claim_key, replaces_claim_key, replaced_by_claim_key, _superseded) of every claim a follow-up touches:
    the follow-ups themselves and the versions they replace or void (small, materialized)."""
    links = materialize(predecessors(claims, follow_up_targets(claims, payments)))
    window = Window.partitionBy("p_key").orderBy(F.col("f_order").desc())
    latest = links.withColumn("_rn", F.row_number().over(window)).where("_rn = 1").select(
        F.col("p_key").alias("claim_key"), F.col("f_key").alias("replaced_by_claim_key"),
        F.when(F.col("f_freq") == "8", "voided").otherwise("replaced").alias("_superseded"),
    )
    back = links.select(F.col("f_key").alias("claim_key"), F.col("p_key").alias("replaces_claim_key"))
    return materialize(back.join(latest, "claim_key", "full"))


def with_history(claims: DataFrame, links: DataFrame) -> DataFrame:
    """Claims with replaces_claim_key, replaced_by_claim_key, version_status and is_current."""
    joined = claims.join(F.broadcast(links), "claim_key", "left")
    status = (
        F.when(F.col("claim_frequency_code") == "8", "void")
        .when(F.col("_superseded").isNotNull(), F.col("_superseded"))
        .otherwise("current")
    )
    return joined.withColumn("version_status", status).withColumn(
        "is_current", F.col("version_status") == "current"
    ).drop("_superseded")
