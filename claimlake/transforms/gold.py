"""Silver -> gold: the star schema (SCD2 dimensions, facts) and the marts, rebuilt from the whole silver history."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from claimlake.transforms.cascade import materialize
from claimlake.transforms.gold_dims import (
    build_dim_date,
    build_dim_diagnosis,
    build_dim_member,
    build_dim_payer,
    build_dim_plan,
    build_dim_procedure,
    build_dim_provider,
)
from claimlake.transforms.gold_eligibility import build_fact_eligibility
from claimlake.transforms.gold_facts import (
    build_fact_adjustment,
    build_fact_claim,
    build_fact_claim_line,
    build_fact_payment,
    claim_context,
    line_payments,
    payment_links,
)
from claimlake.transforms.gold_marts import (
    build_mart_charge_outliers,
    build_mart_claim_lifecycle,
    build_mart_denials,
    build_mart_duplicate_claims,
    build_mart_pmpm,
    build_mart_provider_performance,
)
from claimlake.transforms.schema import conform


def data_dates(silver: Mapping[str, DataFrame]) -> DataFrame:
    """Every date the facts are keyed on, as one column `d` (for dim_date's range)."""
    claims = silver["claim"]
    return (
        claims.select(F.col("bht_date").alias("d"))
        .unionByName(claims.select(F.col("service_from_date").alias("d")))
        .unionByName(silver["claim_line"].select(F.col("service_from_date").alias("d")))
        .unionByName(silver["remittance"].select(F.col("payment_date").alias("d")))
        .unionByName(silver["coverage"].select(F.col("benefit_begin_date").alias("d")))
    )


def build_dims(silver: Mapping[str, DataFrame]) -> dict[str, DataFrame]:
    return {
        "dim_payer": build_dim_payer(silver["payer"]),
        "dim_plan": build_dim_plan(silver["coverage"]),
        "dim_diagnosis": build_dim_diagnosis(silver["claim_diagnosis"]),
        "dim_procedure": build_dim_procedure(silver["claim_line"], silver["service_payment"]),
        "dim_date": build_dim_date(data_dates(silver)),
        "dim_member": materialize(build_dim_member(silver["member"], silver["claim_party"], silver["claim"])),
        "dim_provider": materialize(build_dim_provider(silver["provider"])),
    }


def build_facts(silver: Mapping[str, DataFrame], dims: Mapping[str, DataFrame]) -> dict[str, DataFrame]:
    claims, payments, remittances = silver["claim"], silver["claim_payment"], silver["remittance"]
    context = claim_context(claims, silver["claim_line"], silver["claim_party"], silver["claim_diagnosis"])
    fact_claim = materialize(conform(build_fact_claim(context, dims["dim_member"], dims["dim_provider"]),
                                     "gold", "fact_claim"))
    links = materialize(payment_links(claims, payments, remittances))
    fact_payment = materialize(conform(build_fact_payment(payments, remittances, links, dims["dim_provider"]),
                                       "gold", "fact_payment"))
    paid = line_payments(silver["service_payment"], links)
    fact_line = build_fact_claim_line(silver["claim_line"], fact_claim, silver["claim_diagnosis"], paid)
    return {
        "fact_claim": fact_claim,
        "fact_payment": fact_payment,
        "fact_claim_line": materialize(conform(fact_line, "gold", "fact_claim_line")),
        "fact_adjustment": build_fact_adjustment(silver["claim_adjustment"], remittances),
        "fact_eligibility": materialize(conform(
            build_fact_eligibility(silver["coverage"], claims, dims["dim_member"], dims["dim_payer"]),
            "gold", "fact_eligibility",
        )),
    }


def build_marts(facts: Mapping[str, DataFrame], dims: Mapping[str, DataFrame]) -> dict[str, DataFrame]:
    lifecycle = materialize(conform(
        build_mart_claim_lifecycle(facts["fact_claim"], facts["fact_payment"], facts["fact_claim_line"]),
        "gold", "mart_claim_lifecycle",
    ))
    return {
        "mart_claim_lifecycle": lifecycle,
        "mart_denials": build_mart_denials(facts["fact_adjustment"], facts["fact_payment"]),
        "mart_provider_performance": build_mart_provider_performance(lifecycle, dims["dim_provider"]),
        "mart_pmpm": build_mart_pmpm(lifecycle, facts["fact_eligibility"], dims["dim_plan"]),
        "mart_duplicate_claims": build_mart_duplicate_claims(facts["fact_claim"]),
        "mart_charge_outliers": build_mart_charge_outliers(facts["fact_claim_line"], facts["fact_claim"]),
    }


def build_gold(silver: Mapping[str, DataFrame]) -> dict[str, DataFrame]:
    """Every gold table (schemas/gold), marts included, rebuilt from the whole silver history (idempotent).

    The SCD2 dimensions, the claim and payment facts, the payment links, eligibility and the lifecycle mart are
    local checkpoints computed here (one job each): several other tables read them."""
    dims = build_dims(silver)
    facts = build_facts(silver, dims)
    tables = {**dims, **facts, **build_marts(facts, dims)}
    return {table: conform(df, "gold", table) for table, df in sorted(tables.items())}
