"""Conformed identities shared by the sources: payers, billing providers by TIN, patients by name and birth date."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F


def normalised_name(col: Column) -> Column:
    """Upper case, punctuation as blanks, single blanks: the matching form of an organization name."""
    letters = F.regexp_replace(F.upper(col), r"[^A-Z0-9 ]", " ")
    return F.nullif(F.trim(F.regexp_replace(letters, r" +", " ")), F.lit(""))


def trace_ein(trace_payer_id: Column) -> Column:
    """TRN03 is '1' followed by the payer's EIN."""
    return F.when(trace_payer_id.rlike(r"^1[0-9]{9}$"), F.substring(trace_payer_id, 2, 9)).otherwise(trace_payer_id)


def known_payer_ids(claims: DataFrame) -> DataFrame:
    """(payer_id, payer_name, nname): every 837 destination payer, one name each."""
    return (
        claims.where(F.col("payer_id").isNotNull())
        .groupBy("payer_id")
        .agg(F.min("payer_name").alias("payer_name"))
        .withColumn("nname", normalised_name(F.col("payer_name")))
    )


def ein_map(known: DataFrame, remits: DataFrame, members: DataFrame) -> DataFrame:
    """(ein, payer_id): an 835 that names a known payer id next to its EIN links them directly; otherwise an
    835 or 834 payer name equal to a known payer's name does. Ties go to the smallest payer id."""
    by_name = known.where(F.col("nname").isNotNull()).groupBy("nname").agg(F.min("payer_id").alias("payer_id"))
    remit_eins = remits.select(
        trace_ein(F.col("trace_payer_id")).alias("ein"),
        F.col("payer_id").alias("as_sent"),
        normalised_name(F.col("payer_name")).alias("nname"),
    )
    member_eins = members.where(F.col("payer_id_qualifier") == "FI").select(
        F.col("payer_id").alias("ein"), F.lit(None).cast("string").alias("as_sent"),
        normalised_name(F.col("payer_name")).alias("nname"),
    )
    eins = remit_eins.unionByName(member_eins).where(F.col("ein").isNotNull()).distinct()
    direct = eins.join(F.broadcast(known.select(F.col("payer_id").alias("as_sent"))), "as_sent").select(
        "ein", F.lit(1).alias("priority"), F.col("as_sent").alias("payer_id")
    )
    named = eins.join(F.broadcast(by_name), "nname").select("ein", F.lit(2).alias("priority"), "payer_id")
    best = F.min(F.struct("priority", "payer_id")).alias("best")
    return direct.unionByName(named).groupBy("ein").agg(best).select("ein", "best.payer_id")


def conform_payer(df: DataFrame, direct: Column, ein: Column, known: DataFrame, eins: DataFrame) -> DataFrame:
    """Adds `payer_id`: a direct id that is a known 837 payer id, else the payer the EIN maps to, else the
    direct id as sent, else the EIN. Drops any existing payer_id column first."""
    base = df.withColumn("_direct", direct).withColumn("_ein", ein).drop("payer_id")
    ids = F.broadcast(known.select(F.col("payer_id").alias("_known")))
    mapped = F.broadcast(eins.select(F.col("ein").alias("_ein"), F.col("payer_id").alias("_mapped")))
    joined = base.join(ids, base["_direct"] == ids["_known"], "left").join(mapped, "_ein", "left")
    payer = F.coalesce(F.col("_known"), F.col("_mapped"), F.col("_direct"), F.col("_ein"))
    return joined.withColumn("payer_id", payer).drop("_direct", "_ein", "_known", "_mapped")


def tin_to_npi(claims: DataFrame) -> DataFrame:
    """(tin, npi) for billing TINs that 837 claims send with exactly one billing NPI."""
    pairs = claims.where(F.col("billing_provider_tin").isNotNull() & F.col("billing_provider_npi").isNotNull())
    grouped = pairs.groupBy(F.col("billing_provider_tin").alias("tin")).agg(
        F.min("billing_provider_npi").alias("npi"), F.max("billing_provider_npi").alias("_max")
    )
    return grouped.where(F.col("npi") == F.col("_max")).select("tin", "npi")


def conform_payee_npi(df: DataFrame, tins: DataFrame) -> DataFrame:
    """Adds `billing_provider_npi`: the payee NPI (qualifier XX), else the NPI of the payee's TIN."""
    direct = F.when(F.col("payee_id_qualifier") == "XX", F.col("payee_id"))
    tin = F.when(F.col("payee_id_qualifier") == "FI", F.col("payee_id"))
    if "payee_tax_id" in df.columns:
        tin = F.coalesce(tin, F.col("payee_tax_id"))
    base = df.withColumn("_tin", tin)
    mapped = F.broadcast(tins.select(F.col("tin").alias("_tin"), F.col("npi").alias("_npi")))
    return base.join(mapped, "_tin", "left").withColumn(
        "billing_provider_npi", F.coalesce(direct, F.col("_npi"))
    ).drop("_tin", "_npi")


def patient_key(group: Column, last: Column, first: Column, birth: Column) -> Column:
    return F.concat_ws("|", group, F.upper(last), F.upper(first), birth.cast("string"))


def member_lookup(members: DataFrame) -> DataFrame:
    """(_pkey, _member_id): 834 members by group, last name, first name and birth date, when exactly one fits."""
    keyed = members.select(
        patient_key(F.col("group_number"), F.col("member_last_name"), F.col("member_first_name"),
                    F.col("birth_date")).alias("_pkey"),
        "member_id",
    ).where(F.col("group_number").isNotNull() & F.col("birth_date").isNotNull())
    grouped = keyed.groupBy("_pkey").agg(F.min("member_id").alias("_member_id"), F.max("member_id").alias("_max"))
    return grouped.where(F.col("_member_id") == F.col("_max")).select("_pkey", "_member_id")
