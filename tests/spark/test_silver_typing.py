"""Raw text -> typed values and the checks that send a row to _rejects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from test_silver_world import claim, lineage

from claimlake.transforms.frames import raw_frame
from claimlake.transforms.typed import rejects_of, type_raw, valid_rows


def test_claim_text_is_typed_trimmed_and_normalised(spark: SparkSession) -> None:
    row = claim("f1", 7, " CLM-1 ", "M1", "100.5", "20250201", admission_date="202501311230",
                payer_responsibility_code=" p ", patient_paid_amt="-.5")
    typed = type_raw(raw_frame(spark, "claim", [row]), "claim", "claim")
    columns = ("claim_id", "segment_ordinal", "total_charge_amt", "bht_date", "admission_date",
               "payer_responsibility_code", "patient_paid_amt", "discharge_date", "_row_key", "_errors")
    got = typed.select(*columns).collect()
    assert [tuple(r) for r in got] == [
        ("CLM-1", 7, Decimal("100.50"), date(2025, 2, 1), date(2025, 1, 31), "P", Decimal("-0.50"), None,
         "file_id=f1;segment_ordinal=7", []),
    ]


def test_every_failed_check_is_one_reject_with_rule_and_detail(spark: SparkSession) -> None:
    bad = claim("f1", 9, "CLM-9", "M1", "12.345", "20251301", claim_type="X", subscriber_id="SECRET1")
    bad.pop("facility_code")
    typed = type_raw(raw_frame(spark, "claim", [bad]), "claim", "claim")
    got = sorted(tuple(r) for r in rejects_of(typed, "claim").collect())
    key = "file_id=f1;segment_ordinal=9"
    assert got == [
        ("claim", "f1", key, "invalid_amount", "total_charge_amt",
         'value "12.345" is not an amount with at most 2 decimals'),
        ("claim", "f1", key, "invalid_code", "claim_type", 'value "X" is not an allowed code'),
        ("claim", "f1", key, "invalid_date", "bht_date", 'value "20251301" is not a CCYYMMDD date'),
        ("claim", "f1", key, "required", "facility_code", "facility_code is required but empty"),
    ]
    assert valid_rows(typed).count() == 0


def test_phi_values_are_not_quoted_in_rejects(spark: SparkSession) -> None:
    party = lineage("f1", 3) | {"claim_id": "C", "claim_ordinal": "3", "party_role": "patient", "birth_date": "1980"}
    typed = type_raw(raw_frame(spark, "claim_party", [party]), "claim_party", "claim_party")
    got = [tuple(r) for r in rejects_of(typed, "claim_party").collect()]
    assert got == [("claim_party", "f1", "file_id=f1;segment_ordinal=3;party_role=patient", "invalid_date",
                    "birth_date", "value (PHI, not shown) is not a CCYYMMDD date")]


def test_icd_codes_lose_the_dot_and_booleans_are_real(spark: SparkSession) -> None:
    rows = [
        lineage("f1", 5) | {"claim_id": "C", "claim_ordinal": "4", "diagnosis_seq": "1", "qualifier_code": "abk",
                            "diagnosis_code": " j45.20 ", "is_principal": "Y"},
        lineage("f1", 6) | {"claim_id": "C", "claim_ordinal": "4", "diagnosis_seq": "2", "qualifier_code": "ABF",
                            "diagnosis_code": "E11.9", "is_principal": "false"},
        lineage("f1", 7) | {"claim_id": "C", "claim_ordinal": "4", "diagnosis_seq": "3", "qualifier_code": "ABF",
                            "diagnosis_code": "12-X", "is_principal": "maybe"},
    ]
    typed = type_raw(raw_frame(spark, "claim_diagnosis", rows), "claim_diagnosis", "claim_diagnosis")
    got = sorted(tuple(r) for r in typed.select("diagnosis_seq", "qualifier_code", "diagnosis_code", "is_principal",
                                                F.size("_errors")).collect())
    assert got == [(1, "ABK", "J4520", True, 0), (2, "ABF", "E119", False, 0), (3, "ABF", "12-X", None, 2)]
    rules = sorted((r.rule, r.column_name) for r in rejects_of(typed, "claim_diagnosis").collect())
    assert rules == [("invalid_boolean", "is_principal"), ("invalid_format", "diagnosis_code")]

