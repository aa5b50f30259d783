"""Gold on the hand-built world (see test_silver_world): SCD2 members, payment linkage, reversals, eligibility."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from test_silver_world import M1, M2, NPI, PAYER, rows, world_gold

from claimlake.contracts.schemas import load_layer
from claimlake.transforms.schema import spark_type

END = date(9999, 12, 31)


@pytest.fixture(scope="module")
def gold(spark: SparkSession) -> dict[str, DataFrame]:
    return world_gold(spark)


def test_every_gold_table_matches_its_schema(gold: dict[str, DataFrame]) -> None:
    assert sorted(gold) == sorted(load_layer("gold"))
    for name, df in gold.items():
        expected = [(c.name, spark_type(c.type)) for c in load_layer("gold")[name].columns]
        assert [(f.name, f.dataType) for f in df.schema.fields] == expected, name


def test_address_change_in_a_later_834_makes_two_member_versions(gold: dict[str, DataFrame]) -> None:
    got = rows(gold["dim_member"], "member_id", "address_line_1", "valid_from", "valid_to", "is_current", "source")
    assert got == [
        (M1, "1 MAIN ST", date(2025, 1, 1), date(2025, 3, 14), False, "834"),
        (M1, "9 OAK AVE", date(2025, 3, 15), END, True, "834"),
        (M2, "2 ELM ST", date(2025, 1, 1), END, True, "834"),
    ]
    keys = gold["dim_member"].select("member_key").distinct().count()
    assert keys == 3


def test_claims_take_the_member_version_of_their_service_date(gold: dict[str, DataFrame]) -> None:
    versions = gold["dim_member"].select("member_key", F.col("address_line_1").alias("address"))
    got = rows(gold["fact_claim"].join(versions, "member_key", "left"), "claim_id", "member_id", "address",
               "service_from_date", "billed_amt", "is_current", "line_count")
    assert got == [
        ("CLM-1", M1, "1 MAIN ST", date(2025, 1, 10), Decimal("100.00"), True, 1),
        ("CLM-2", M2, "2 ELM ST", date(2025, 1, 15), Decimal("50.00"), True, 1),
        ("CLM-3", M1, "1 MAIN ST", date(2025, 1, 20), Decimal("80.00"), False, 1),
        ("CLM-3R", M1, "1 MAIN ST", date(2025, 1, 20), Decimal("90.00"), True, 1),
        ("CLM-4", M1, "1 MAIN ST", date(2025, 1, 25), Decimal("40.00"), False, 1),
        ("CLM-4V", M1, "1 MAIN ST", date(2025, 1, 25), Decimal("40.00"), False, 1),
        ("CLM-5", M2, "2 ELM ST", date(2025, 1, 26), Decimal("25.00"), True, 1),
    ]


def test_payments_link_to_claims_and_unknown_claims_are_kept_flagged(gold: dict[str, DataFrame]) -> None:
    claims = gold["fact_claim"].select("claim_key", F.col("claim_id").alias("linked"))
    got = rows(gold["fact_payment"].join(claims, "claim_key", "left"), "claim_id", "linked", "is_matched",
               "status_code", "paid_amt", "payment_date", "payer_id", "billing_provider_npi")
    assert got == [
        ("CLM-1", "CLM-1", True, "1", Decimal("60.00"), date(2025, 2, 20), PAYER, NPI),
        ("CLM-1", "CLM-1", True, "1", Decimal("70.00"), date(2025, 3, 5), PAYER, NPI),
        ("CLM-1", "CLM-1", True, "22", Decimal("-60.00"), date(2025, 3, 5), PAYER, NPI),
        ("CLM-3", "CLM-3", True, "1", Decimal("40.00"), date(2025, 2, 20), PAYER, NPI),
        ("CLM-4", "CLM-4", True, "1", Decimal("32.00"), date(2025, 2, 20), PAYER, NPI),
        ("CLM-999", None, False, "4", Decimal("0.00"), date(2025, 2, 20), PAYER, NPI),
    ]


def test_reversal_nets_out_on_the_line(gold: dict[str, DataFrame]) -> None:
    got = rows(gold["fact_claim_line"], "claim_id", "line_control_number", "billed_amt", "paid_amt", "is_current")
    assert got == [
        ("CLM-1", "CLM-1-1", Decimal("100.00"), Decimal("70.00"), True),
        ("CLM-2", "CLM-2-1", Decimal("50.00"), None, True),
        ("CLM-3", "CLM-3-1", Decimal("80.00"), None, False),
        ("CLM-3R", "CLM-3R-1", Decimal("90.00"), None, True),
        ("CLM-4", "CLM-4-1", Decimal("40.00"), None, False),
        ("CLM-4V", "CLM-4V-1", Decimal("40.00"), None, False),
        ("CLM-5", "CLM-5-1", Decimal("25.00"), None, True),
    ]


def test_adjustments_carry_their_remittance(gold: dict[str, DataFrame]) -> None:
    got = rows(gold["fact_adjustment"], "claim_id", "level", "group_code", "reason_code", "adjustment_amt",
               "payment_month", "payer_id")
    assert got == [("CLM-999", "claim", "CO", "16", Decimal("10.00"), date(2025, 2, 1), PAYER)]


def test_member_months_from_coverage_spans(gold: dict[str, DataFrame]) -> None:
    got = rows(gold["fact_eligibility"], "member_id", "month", "payer_id", "has_medical", "has_dental",
               "coverage_count")
    assert got == [
        (M1, date(2025, 1, 1), PAYER, True, False, 1),
        (M1, date(2025, 2, 1), PAYER, True, False, 1),
        (M1, date(2025, 3, 1), PAYER, True, False, 1),
        (M2, date(2025, 1, 1), PAYER, True, False, 1),
        (M2, date(2025, 2, 1), PAYER, True, False, 1),
    ]


def test_dimensions(gold: dict[str, DataFrame]) -> None:
    assert rows(gold["dim_payer"], "payer_id", "payer_name", "is_in_834") == [(PAYER, "SUMMIT HEALTH PLAN", True)]
    assert rows(gold["dim_plan"], "payer_id", "insurance_line_code", "plan_description", "coverage_category") == [
        (PAYER, "HLT", "GOLD", "medical"),
    ]
    assert rows(gold["dim_diagnosis"], "diagnosis_code", "diagnosis_code_dotted", "category_code") == [
        ("J4520", "J45.20", "J45"),
    ]
    assert rows(gold["dim_procedure"], "procedure_qualifier", "procedure_code", "code_system") == [
        ("HC", "99213", "HCPCS"),
    ]
    assert rows(gold["dim_provider"], "npi", "provider_name", "valid_from", "valid_to", "is_current") == [
        (NPI, "LAKE CLINIC", date(2025, 2, 1), END, True),
    ]
    assert rows(gold["dim_date"].agg(F.min("calendar_date"), F.max("calendar_date"), F.count("*")), "*") == [
        (date(2025, 1, 1), date(2025, 12, 31), 365),
    ]
