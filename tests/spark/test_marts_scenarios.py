"""Marts on the hand-built world: lifecycle, denials, provider performance, PMPM."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pyspark.sql import DataFrame, SparkSession
from test_silver_world import NPI, PAYER, rows, world_gold


@pytest.fixture(scope="module")
def gold(spark: SparkSession) -> dict[str, DataFrame]:
    return world_gold(spark)


def test_claim_lifecycle(gold: dict[str, DataFrame]) -> None:
    got = rows(gold["mart_claim_lifecycle"], "claim_id", "lifecycle_status", "billed_amt", "paid_amt",
               "payment_count", "reversal_count", "first_paid_date", "days_to_payment")
    assert got == [
        ("CLM-1", "paid", Decimal("100.00"), Decimal("70.00"), 3, 1, date(2025, 2, 20), 41),
        ("CLM-2", "billed", Decimal("50.00"), Decimal("0.00"), 0, 0, None, None),
        ("CLM-3", "corrected", Decimal("80.00"), Decimal("40.00"), 1, 0, date(2025, 2, 20), 31),
        ("CLM-3R", "billed", Decimal("90.00"), Decimal("0.00"), 0, 0, None, None),
        ("CLM-4", "voided", Decimal("40.00"), Decimal("32.00"), 1, 0, date(2025, 2, 20), 26),
        ("CLM-4V", "voided", Decimal("40.00"), Decimal("0.00"), 0, 0, None, None),
        ("CLM-5", "billed", Decimal("25.00"), Decimal("0.00"), 0, 0, None, None),
    ]


def test_denials_by_group_and_reason(gold: dict[str, DataFrame]) -> None:
    got = rows(gold["mart_denials"], "payer_id", "payment_month", "group_code", "reason_code", "denied_claim_count",
               "denied_amt")
    assert got == [(PAYER, date(2025, 2, 1), "CO", "16", 1, Decimal("10.00"))]


def test_provider_performance(gold: dict[str, DataFrame]) -> None:
    got = rows(gold["mart_provider_performance"], "billing_provider_npi", "service_month", "claim_count", "billed_amt",
               "paid_amt", "denied_claim_count", "denial_rate", "avg_days_to_payment")
    assert got == [
        (NPI, date(2025, 1, 1), 4, Decimal("265.00"), Decimal("70.00"), 0, Decimal("0.0000"), Decimal("41.00")),
    ]


def test_pmpm_by_plan_and_month(gold: dict[str, DataFrame]) -> None:
    got = rows(gold["mart_pmpm"], "insurance_line_code", "month", "member_months", "claim_count", "paid_amt",
               "pmpm_paid_amt")
    assert got == [
        ("HLT", date(2025, 1, 1), 2, 4, Decimal("70.00"), Decimal("35.00")),
        ("HLT", date(2025, 2, 1), 2, 0, Decimal("0.00"), Decimal("0.00")),
        ("HLT", date(2025, 3, 1), 1, 0, Decimal("0.00"), Decimal("0.00")),
    ]
