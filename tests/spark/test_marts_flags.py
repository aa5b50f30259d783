"""Possible duplicates and charge outliers on small hand-built facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pyspark.sql import SparkSession
from test_silver_world import rows

from claimlake.transforms.gold_marts import build_mart_charge_outliers, build_mart_duplicate_claims

CLAIM_COLS = ("claim_key bigint, claim_id string, member_id string, billing_provider_npi string, claim_type string, "
              "service_from_date date, billed_amt decimal(18,2), submitted_date date, is_current boolean")


def test_same_member_provider_day_and_amount_are_possible_duplicates(spark: SparkSession) -> None:
    day, other = date(2025, 1, 10), date(2025, 1, 11)
    claims = spark.createDataFrame([
        (1, "A", "M1", "N1", "P", day, Decimal("100.00"), date(2025, 2, 1), True),
        (2, "B", "M1", "N1", "P", day, Decimal("100.00"), date(2025, 2, 3), True),
        (3, "C", "M1", "N1", "P", other, Decimal("100.00"), date(2025, 2, 3), True),  # another day
        (4, "D", "M1", "N1", "P", day, Decimal("100.00"), date(2025, 2, 4), False),  # superseded version
    ], CLAIM_COLS)
    got = rows(build_mart_duplicate_claims(claims), "claim_id", "group_size", "is_first")
    assert got == [("A", 2, True), ("B", 2, False)]


def test_charge_far_above_peers_is_an_outlier(spark: SparkSession) -> None:
    lines = [(i, i, 7, "99213", date(2025, 1, 1), Decimal("100.00") + i % 5, Decimal("1"), True) for i in range(1, 30)]
    lines.append((99, 99, 7, "99213", date(2025, 1, 1), Decimal("900.00"), Decimal("2"), True))  # 450 a unit
    lines.append((98, 98, 7, "99213", date(2025, 1, 1), Decimal("900.00"), Decimal("1"), False))  # not current
    fact_line = spark.createDataFrame(lines, "claim_line_key bigint, claim_key bigint, procedure_key bigint, "
                                             "procedure_code string, service_month date, billed_amt decimal(18,2), "
                                             "service_units decimal(15,3), is_current boolean")
    fact_claim = spark.createDataFrame([(99, "N9")], "claim_key bigint, billing_provider_npi string")
    got = rows(build_mart_charge_outliers(fact_line, fact_claim), "claim_line_key", "billing_provider_npi",
               "charge_per_unit_amt", "peer_median_amt", "peer_count", "ratio_to_median")
    assert got == [(99, "N9", Decimal("450.00"), Decimal("102.00"), 30, Decimal("4.41"))]
