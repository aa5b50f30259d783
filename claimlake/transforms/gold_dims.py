"""Gold dimensions: payer, plan, diagnosis, procedure, date, and the SCD2 member and provider."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from claimlake.transforms.keys import surrogate_key
from claimlake.transforms.scd2 import carried_forward, versions

_CATEGORY = {
    "dental": ("DEN",),
    "vision": ("VIS",),
    "pharmacy": ("PDG",),
    "medical": (
        "HLT", "HMO", "PPO", "POS", "EPO", "MM", "PRA", "FAC", "UR", "HE", "MOD", "AG", "AH", "AJ", "AK", "DCP",
    ),
}
MEMBER_ATTRS = (
    "subscriber_id", "is_subscriber", "relationship_code", "last_name", "first_name", "middle_name", "birth_date",
    "gender_code", "marital_status_code", "address_line_1", "address_line_2", "city", "state_code", "postal_code",
    "group_number", "payer_id", "death_date",
)
PROVIDER_ATTRS = (
    "entity_type_code", "last_or_org_name", "first_name", "taxonomy_code", "address_line_1", "city", "state_code",
    "postal_code", "tax_id",
)
UNKNOWN_START = "1900-01-01"


def coverage_category(line: F.Column) -> F.Column:
    out = F.lit("other")
    for category, lines in _CATEGORY.items():
        out = F.when(line.isin(*lines), category).otherwise(out)
    return out


def build_dim_payer(payer: DataFrame) -> DataFrame:
    return payer.withColumn("payer_key", surrogate_key("payer_id"))


def plan_key(payer_id: F.Column, line: F.Column, description: F.Column) -> F.Column:
    return surrogate_key(payer_id, line, description)


def build_dim_plan(coverage: DataFrame) -> DataFrame:
    plans = coverage.select("payer_id", "insurance_line_code", "plan_description").distinct()
    return plans.select(
        plan_key(F.col("payer_id"), F.col("insurance_line_code"), F.col("plan_description")).alias("plan_key"),
        surrogate_key("payer_id").alias("payer_key"), "payer_id", "insurance_line_code", "plan_description",
        coverage_category(F.col("insurance_line_code")).alias("coverage_category"),
    )


def build_dim_diagnosis(diagnoses: DataFrame) -> DataFrame:
    codes = diagnoses.select("code_system", "diagnosis_code").distinct()
    code = F.col("diagnosis_code")
    rest = F.expr("substring(diagnosis_code, 4)")
    dotted = F.when(F.length(code) > 3, F.concat(F.substring(code, 1, 3), F.lit("."), rest))
    return codes.select(
        surrogate_key("code_system", "diagnosis_code").alias("diagnosis_key"), "code_system", "diagnosis_code",
        F.coalesce(dotted, code).alias("diagnosis_code_dotted"), F.substring(code, 1, 3).alias("category_code"),
    )


def procedure_code_system(qualifier: F.Column) -> F.Column:
    systems = {"HC": "HCPCS", "AD": "CDT", "HP": "HIPPS", "NU": "REVENUE", "N4": "NDC"}
    out = F.lit("OTHER")
    for code, system in systems.items():
        out = F.when(qualifier == code, system).otherwise(out)
    return out


def build_dim_procedure(lines: DataFrame, services: DataFrame) -> DataFrame:
    pairs = lines.select("procedure_qualifier", "procedure_code").unionByName(
        services.select("procedure_qualifier", "procedure_code")
    ).where(F.col("procedure_qualifier").isNotNull() & F.col("procedure_code").isNotNull()).distinct()
    level2 = (F.col("procedure_qualifier") == "HC") & F.col("procedure_code").rlike("^[A-Z]")
    return pairs.select(
        surrogate_key("procedure_qualifier", "procedure_code").alias("procedure_key"), "procedure_qualifier",
        "procedure_code", procedure_code_system(F.col("procedure_qualifier")).alias("code_system"),
        level2.alias("is_hcpcs_level2"),
    )


def build_dim_date(dates: DataFrame) -> DataFrame:
    """Whole years from the earliest to the latest date of `dates` (one date column, `d`)."""
    bounds = dates.agg(F.min("d").alias("lo"), F.max("d").alias("hi")).where(F.col("lo").isNotNull())
    last = F.last_day(F.add_months(F.trunc("hi", "year"), 11))
    days = bounds.select(F.explode(F.sequence(F.trunc("lo", "year"), last)).alias("calendar_date"))
    d = F.col("calendar_date")
    dow = F.dayofweek(d)  # 1 Sunday .. 7 Saturday
    iso = F.when(dow == 1, 7).otherwise(dow - 1)
    return days.select(
        (F.year(d) * 10000 + F.month(d) * 100 + F.dayofmonth(d)).alias("date_key"), "calendar_date",
        F.year(d).alias("year"), F.quarter(d).alias("quarter"), F.month(d).alias("month"),
        F.trunc(d, "month").alias("month_start_date"), F.dayofmonth(d).alias("day_of_month"),
        iso.alias("day_of_week"), F.date_format(d, "EEE").alias("day_name"), (iso >= 6).alias("is_weekend"),
    )


def _member_observations(members: DataFrame) -> DataFrame:
    """One observation per member and effective date: the last record of the day (file date, file, position)."""
    renamed = members.select(
        "member_id", F.col("effective_date").alias("valid_from"), "subscriber_id", "is_subscriber", "relationship_code",
        F.col("member_last_name").alias("last_name"), F.col("member_first_name").alias("first_name"),
        F.col("member_middle_name").alias("middle_name"), "birth_date", "gender_code", "marital_status_code",
        *[F.col(f"member_{c}").alias(c) for c in ("address_line_1", "address_line_2", "city", "state_code",
                                                   "postal_code")],
        "group_number", "payer_id", "death_date", "file_created_date", "file_id", "segment_ordinal",
    )
    last = F.max_by(F.struct(*MEMBER_ATTRS), F.struct("file_created_date", "file_id", "segment_ordinal"))
    return renamed.groupBy("member_id", "valid_from").agg(last.alias("a")).select("member_id", "valid_from", "a.*")


def _inferred_members(parties: DataFrame, claims: DataFrame, enrolled: DataFrame) -> DataFrame:
    """Members only seen on 837 claims: one version from their latest claim party row."""
    claim_cols = claims.select("claim_key", F.col("subscriber_id").alias("_sub"), "payer_id")
    rows = parties.where(F.col("member_id").isNotNull()).join(claim_cols, "claim_key").join(
        F.broadcast(enrolled), "member_id", "left_anti"
    )
    attrs = F.struct(
        F.col("_sub").alias("subscriber_id"), (F.col("relationship_code") == "18").alias("is_subscriber"),
        "relationship_code", "last_name", "first_name", "middle_name", "birth_date", "gender_code",
        F.lit(None).cast("string").alias("marital_status_code"), "address_line_1", "address_line_2", "city",
        "state_code", "postal_code", "group_number", "payer_id", F.lit(None).cast("date").alias("death_date"),
    )
    latest = F.max_by(attrs, F.struct("file_id", "segment_ordinal", "party_role"))
    return rows.groupBy("member_id").agg(latest.alias("a")).select(
        "member_id", F.lit(UNKNOWN_START).cast("date").alias("valid_from"), "a.*"
    )


def build_dim_member(members: DataFrame, parties: DataFrame, claims: DataFrame) -> DataFrame:
    enrolled = versions(_member_observations(members), "member_id", MEMBER_ATTRS, "member_key")
    inferred = versions(
        _inferred_members(parties, claims, members.select("member_id").distinct()), "member_id", MEMBER_ATTRS,
        "member_key",
    )
    return enrolled.withColumn("source", F.lit("834")).unionByName(inferred.withColumn("source", F.lit("837")))


def build_dim_provider(providers: DataFrame) -> DataFrame:
    source = providers.groupBy("npi").agg(F.min("source").alias("source"))
    observed = carried_forward(providers, "npi", "observed_date", PROVIDER_ATTRS).withColumnRenamed(
        "observed_date", "valid_from"
    )
    dim = versions(observed, "npi", PROVIDER_ATTRS, "provider_key")
    person = F.col("entity_type_code") == "1"
    name = F.when(person & F.col("first_name").isNotNull(),
                  F.concat_ws(", ", "last_or_org_name", "first_name")).otherwise(F.col("last_or_org_name"))
    return dim.join(source, "npi").withColumn("provider_name", name)
