"""Silver on the hand-built world (see test_silver_world): history, duplicates, rejects, conformance."""

from __future__ import annotations

from datetime import date

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from test_silver_world import EIN, M1, M2, NPI, PAYER, rows, world_silver


@pytest.fixture(scope="module")
def silver(spark: SparkSession) -> dict[str, DataFrame]:
    return world_silver(spark)


def test_replacement_supersedes_and_void_cancels(silver: dict[str, DataFrame]) -> None:
    claims = silver["claim"]
    ids = claims.select(F.col("claim_key").alias("k"), F.col("claim_id").alias("ref"))
    replaces = claims.join(ids.withColumnRenamed("ref", "replaces"), F.col("replaces_claim_key") == F.col("k"), "left")
    got = rows(replaces, "claim_id", "claim_frequency_code", "version_status", "is_current", "replaces")
    assert got == [
        ("CLM-1", "1", "current", True, None),
        ("CLM-2", "1", "current", True, None),
        ("CLM-3", "1", "replaced", False, None),
        ("CLM-3R", "7", "current", True, "CLM-3"),
        ("CLM-4", "1", "voided", False, None),
        ("CLM-4V", "8", "void", False, "CLM-4"),
        ("CLM-5", "1", "current", True, None),
    ]
    by_successor = claims.join(ids.withColumnRenamed("ref", "by"), F.col("replaced_by_claim_key") == F.col("k"))
    assert rows(by_successor, "claim_id", "by") == [("CLM-3", "CLM-3R"), ("CLM-4", "CLM-4V")]


def test_exact_resend_is_kept_once_from_the_earliest_file(silver: dict[str, DataFrame]) -> None:
    assert rows(silver["claim"].where("claim_id = 'CLM-5'"), "file_id", "segment_ordinal") == [("f837a", 50)]
    lines = silver["claim_line"].where("claim_id = 'CLM-5'")
    assert rows(lines, "file_id", "segment_ordinal") == [("f837a", 52)]


def test_rejects_name_table_row_rule_and_detail(silver: dict[str, DataFrame]) -> None:
    assert rows(silver["_rejects"], "source_table", "row_key", "rule", "column_name", "detail") == [
        ("claim", "file_id=f837a;segment_ordinal=60", "invalid_amount", "total_charge_amt",
         'value "12.345" is not an amount with at most 2 decimals'),
        ("claim", "file_id=f837a;segment_ordinal=60", "invalid_date", "admission_date",
         'value "20250230" is not a CCYYMMDD date'),
        ("claim", "file_id=f837c;segment_ordinal=10", "duplicate", "",
         "same content as the row kept from file f837a segment 50"),
        ("claim_line", "file_id=f837a;segment_ordinal=62", "parent_rejected", "",
         "parent row rejected (invalid_amount,invalid_date)"),
        ("claim_line", "file_id=f837c;segment_ordinal=12", "parent_rejected", "",
         "parent row is a duplicate: same content as the row kept from file f837a segment 50"),
        ("claim_party", "file_id=f837a;segment_ordinal=60;party_role=subscriber", "parent_rejected", "",
         "parent row rejected (invalid_amount,invalid_date)"),
        ("claim_party", "file_id=f837c;segment_ordinal=10;party_role=subscriber", "parent_rejected", "",
         "parent row is a duplicate: same content as the row kept from file f837a segment 50"),
    ]
    assert silver["claim"].where("claim_id = 'CLM-6'").count() == 0


def test_payer_is_one_entity_across_837_835_834(silver: dict[str, DataFrame]) -> None:
    assert rows(silver["payer"], "payer_id", "payer_name", "payer_tin", "is_in_837", "is_in_835", "is_in_834") == [
        (PAYER, "SUMMIT HEALTH PLAN", EIN, True, True, True),
    ]
    for table in ("claim", "claim_payment", "remittance", "member", "coverage"):
        assert rows(silver[table].select("payer_id").distinct(), "payer_id") == [(PAYER,)], table


def test_payments_carry_the_payee_npi_and_flags(silver: dict[str, DataFrame]) -> None:
    got = rows(silver["claim_payment"], "claim_id", "status_code", "billing_provider_npi", "is_reversal", "is_denied")
    assert got == [
        ("CLM-1", "1", NPI, False, False),
        ("CLM-1", "1", NPI, False, False),
        ("CLM-1", "22", NPI, True, False),
        ("CLM-3", "1", NPI, False, False),
        ("CLM-4", "1", NPI, False, False),
        ("CLM-999", "4", NPI, False, True),
    ]


def test_members_and_coverage_spans(silver: dict[str, DataFrame]) -> None:
    assert rows(silver["member"], "member_id", "effective_date", "member_address_line_1") == [
        (M1, date(2025, 1, 1), "1 MAIN ST"),
        (M1, date(2025, 3, 15), "9 OAK AVE"),
        (M2, date(2025, 1, 1), "2 ELM ST"),
    ]
    got = rows(silver["coverage"], "member_id", "insurance_line_code", "benefit_begin_date", "benefit_end_date",
               "is_cancelled", "record_count")
    assert got == [
        (M1, "HLT", date(2025, 1, 1), None, False, 1),
        (M2, "HLT", date(2025, 1, 1), date(2025, 2, 28), False, 1),
    ]


def test_provider_observed_by_npi(silver: dict[str, DataFrame]) -> None:
    got = rows(silver["provider"], "npi", "observed_date", "source", "last_or_org_name", "address_line_1", "tax_id")
    assert got == [(NPI, date(2025, 2, 1), "837", "LAKE CLINIC", "5 LAKE RD", "111111111")]


def test_icd_code_normalised(silver: dict[str, DataFrame]) -> None:
    assert rows(silver["claim_diagnosis"], "claim_id", "diagnosis_code", "code_system", "is_principal") == [
        ("CLM-1", "J4520", "ICD10CM", True),
    ]
