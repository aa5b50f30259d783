"""A small hand-built world of raw rows holding every scenario the silver and gold tests check, built once.

Payer SUMMIT (837 id 60137, EIN 267023944), one billing provider, two members, and:
CLM-1 paid, reversed and paid again; CLM-2 never paid; CLM-3 replaced by CLM-3R (REF*F8 = CLP07 of CLM-3);
CLM-4 voided by CLM-4V; CLM-5 sent twice with the same content; CLM-6 with a bad date and a bad amount;
a payment for CLM-999, a claim nobody sent; member M1 moving house in a later 834.
"""

from __future__ import annotations

from functools import cache

from pyspark.sql import DataFrame, SparkSession

from claimlake.transforms.frames import raw_frames
from claimlake.transforms.gold import build_gold
from claimlake.transforms.silver import build_silver

NPI, TIN, PAYER, EIN = "1234567893", "111111111", "60137", "267023944"
M1, M2 = "SMH000000101", "SMH000000201"
F837_A, F837_B, F837_C = "f837a", "f837b", "f837c"
F835_1, F835_2 = "f8351", "f8352"
F834_A, F834_B = "f834a", "f834b"


def lineage(file_id: str, ordinal: int, st: str = "0001") -> dict[str, object]:
    return {"file_id": file_id, "isa_control_number": "000000001", "gs_control_number": "1",
            "st_control_number": st, "segment_ordinal": ordinal}


def claim(file_id: str, ordinal: int, claim_id: str, member: str, charge: str, bht: str, **extra: object) -> dict:
    row = lineage(file_id, ordinal) | {
        "claim_id": claim_id, "claim_type": "P", "total_charge_amt": charge, "facility_code": "11",
        "facility_code_qualifier": "B", "claim_frequency_code": "1", "payer_id": PAYER,
        "payer_name": "SUMMIT HEALTH PLAN", "subscriber_id": member, "billing_provider_npi": NPI,
        "billing_provider_tin": TIN, "bht_reference": f"B{file_id}", "bht_date": bht,
        "claim_filing_indicator_code": "CI",
    }
    return row | extra


def line(
    file_id: str, ordinal: int, claim_ordinal: int, claim_id: str, charge: str, date: str, **extra: object
) -> dict:
    return lineage(file_id, ordinal) | {
        "claim_id": claim_id, "claim_ordinal": claim_ordinal, "line_number": "1",
        "line_control_number": f"{claim_id}-1", "line_charge_amt": charge, "procedure_qualifier": "HC",
        "procedure_code": "99213", "service_units": "1", "service_from_date": date, "service_to_date": date,
        "diagnosis_pointer_1": "1",
    } | extra


def subscriber(file_id: str, ordinal: int, claim_id: str, member: str) -> dict:
    return lineage(file_id, ordinal) | {
        "claim_id": claim_id, "claim_ordinal": ordinal, "party_role": "subscriber", "member_id": member,
        "id_qualifier": "MI", "last_name": "DOE", "first_name": "JANE", "birth_date": "19800101", "gender_code": "F",
        "relationship_code": "18", "group_number": "G1",
    }


def claims_837() -> dict[str, list[dict]]:
    claims = [
        claim(F837_A, 10, "CLM-1", M1, "100.00", "20250201"),
        claim(F837_A, 20, "CLM-2", M2, "50.00", "20250201"),
        claim(F837_A, 30, "CLM-3", M1, "80.00", "20250201"),
        claim(F837_A, 40, "CLM-4", M1, "40.00", "20250201"),
        claim(F837_A, 50, "CLM-5", M2, "25.00", "20250201"),
        claim(F837_A, 60, "CLM-6", M2, "12.345", "20250201", admission_date="20250230"),
        claim(F837_B, 10, "CLM-3R", M1, "90.00", "20250301", claim_frequency_code="7",
              original_payer_claim_id="ICN3"),
        claim(F837_B, 20, "CLM-4V", M1, "40.00", "20250301", claim_frequency_code="8",
              original_payer_claim_id="ICN4"),
        claim(F837_C, 10, "CLM-5", M2, "25.00", "20250305"),  # the same CLM-5 again, in another file
    ]
    lines = [
        line(F837_A, 12, 10, "CLM-1", "100.00", "20250110"),
        line(F837_A, 22, 20, "CLM-2", "50.00", "20250115"),
        line(F837_A, 32, 30, "CLM-3", "80.00", "20250120"),
        line(F837_A, 42, 40, "CLM-4", "40.00", "20250125"),
        line(F837_A, 52, 50, "CLM-5", "25.00", "20250126"),
        line(F837_A, 62, 60, "CLM-6", "12.35", "20250127"),
        line(F837_B, 12, 10, "CLM-3R", "90.00", "20250120"),
        line(F837_B, 22, 20, "CLM-4V", "40.00", "20250125"),
        line(F837_C, 12, 10, "CLM-5", "25.00", "20250126"),
    ]
    diagnoses = [
        lineage(F837_A, 11) | {"claim_id": "CLM-1", "claim_ordinal": 10, "diagnosis_seq": "1", "qualifier_code": "ABK",
                               "diagnosis_code": " j45.20 ", "is_principal": "true"},
    ]
    parties = [subscriber(f, o, c, m) for f, o, c, m in (
        (F837_A, 10, "CLM-1", M1), (F837_A, 20, "CLM-2", M2), (F837_A, 30, "CLM-3", M1), (F837_A, 40, "CLM-4", M1),
        (F837_A, 50, "CLM-5", M2), (F837_A, 60, "CLM-6", M2), (F837_B, 10, "CLM-3R", M1), (F837_B, 20, "CLM-4V", M1),
        (F837_C, 10, "CLM-5", M2),
    )]
    providers = [
        lineage(F837_A, 5) | {"claim_id": "CLM-1", "claim_ordinal": 10, "provider_role": "billing", "level": "claim",
                              "entity_type_code": "2", "last_or_org_name": "LAKE CLINIC", "id_qualifier": "XX",
                              "provider_id": NPI, "address_line_1": "5 LAKE RD", "city": "OMAHA", "state_code": "NE",
                              "postal_code": "68102", "tax_id": TIN},
    ]
    envelopes = [lineage(f, 3) | {"transaction_set_id": "837", "group_date": d, "ack_status_code": "A",
                                  "error_count": "0"}
                 for f, d in ((F837_A, "20250201"), (F837_B, "20250301"), (F837_C, "20250305"))]
    return {"claim": claims, "claim_line": lines, "claim_diagnosis": diagnoses, "claim_party": parties,
            "claim_provider": providers, "envelope": envelopes}


def remittance(file_id: str, paid: str, date: str, trace: str) -> dict:
    return lineage(file_id, 3) | {
        "transaction_handling_code": "C", "total_paid_amt": paid, "credit_debit_flag_code": "C",
        "payment_method_code": "ACH", "payment_date": date, "trace_id": trace, "trace_payer_id": f"1{EIN}",
        "payer_name": "SUMMIT HEALTH PLAN", "payee_name": "LAKE CLINIC", "payee_id_qualifier": "XX", "payee_id": NPI,
    }


def payment(file_id: str, ordinal: int, claim_id: str, status: str, charge: str, paid: str, icn: str, trace: str,
            ) -> dict:
    return lineage(file_id, ordinal) | {
        "claim_id": claim_id, "status_code": status, "charge_amt": charge, "paid_amt": paid,
        "patient_responsibility_amt": "0.00", "claim_filing_indicator_code": "12", "payer_claim_id": icn,
        "header_number": "1", "remittance_ordinal": 3, "trace_id": trace, "trace_payer_id": f"1{EIN}",
        "payee_id_qualifier": "XX", "payee_id": NPI,
    }


def service(file_id: str, ordinal: int, cp_ordinal: int, claim_id: str, charge: str, paid: str) -> dict:
    return lineage(file_id, ordinal) | {
        "claim_id": claim_id, "claim_payment_ordinal": cp_ordinal, "procedure_qualifier": "HC",
        "procedure_code": "99213", "line_charge_amt": charge, "line_paid_amt": paid,
        "line_control_number": f"{claim_id}-1",
    }


def adjustment(file_id: str, ordinal: int, cp_ordinal: int, claim_id: str, group: str, reason: str, amount: str
               ) -> dict:
    return lineage(file_id, ordinal) | {
        "level": "claim", "claim_id": claim_id, "claim_payment_ordinal": cp_ordinal, "group_code": group,
        "reason_code": reason, "adjustment_amt": amount, "adjustment_seq": "1",
    }


def remits_835() -> dict[str, list[dict]]:
    t1, t2 = "TRACE1", "TRACE2"
    return {
        "remittance": [remittance(F835_1, "132.00", "20250220", t1), remittance(F835_2, "10.00", "20250305", t2)],
        "claim_payment": [
            payment(F835_1, 10, "CLM-1", "1", "100.00", "60.00", "ICN1", t1),
            payment(F835_1, 20, "CLM-3", "1", "80.00", "40.00", "ICN3", t1),
            payment(F835_1, 30, "CLM-4", "1", "40.00", "32.00", "ICN4", t1),
            payment(F835_1, 40, "CLM-999", "4", "10.00", "0.00", "ICN999", t1),
            payment(F835_2, 10, "CLM-1", "22", "-100.00", "-60.00", "ICN1", t2),
            payment(F835_2, 20, "CLM-1", "1", "100.00", "70.00", "ICN1B", t2),
        ],
        "service_payment": [
            service(F835_1, 11, 10, "CLM-1", "100.00", "60.00"),
            service(F835_2, 11, 10, "CLM-1", "-100.00", "-60.00"),
            service(F835_2, 21, 20, "CLM-1", "100.00", "70.00"),
        ],
        "claim_adjustment": [
            adjustment(F835_1, 41, 40, "CLM-999", "CO", "16", "10.00"),
        ],
        "envelope": [lineage(f, 3) | {"transaction_set_id": "835", "ack_status_code": "A", "error_count": "0"}
                     for f in (F835_1, F835_2)],
    }


def member(file_id: str, ordinal: int, member_id: str, address: str, created: str, **extra: object) -> dict:
    return lineage(file_id, ordinal) | {
        "subscriber_id": member_id, "is_subscriber": "Y", "relationship_code": "18", "maintenance_type_code": "030",
        "benefit_status_code": "A", "member_entity_code": "IL", "member_id_qualifier": "ZZ", "member_id": member_id,
        "member_last_name": "DOE", "member_first_name": "JANE", "member_address_line_1": address,
        "member_city": "OMAHA", "member_state_code": "NE", "member_postal_code": "68102", "birth_date": "19800101",
        "gender_code": "F", "group_number": "G1", "file_purpose_code": "00", "file_reference_id": file_id,
        "file_created_date": created, "file_action_code": "RX", "sponsor_id_qualifier": "FI", "sponsor_id": "999",
        "payer_name": "SUMMIT HEALTH PLAN", "payer_id_qualifier": "FI", "payer_id": EIN,
    } | extra


def coverage(file_id: str, ordinal: int, member_ordinal: int, member_id: str, begin: str, end: str | None = None,
             ) -> dict:
    return lineage(file_id, ordinal) | {
        "subscriber_id": member_id, "member_id": member_id, "member_ordinal": member_ordinal,
        "maintenance_type_code": "030", "insurance_line_code": "HLT", "plan_description": "GOLD",
        "coverage_level_code": "IND", "benefit_begin_date": begin, "benefit_end_date": end,
    }


def enrollment_834() -> dict[str, list[dict]]:
    return {
        "member": [
            member(F834_A, 10, M1, "1 MAIN ST", "20250101"),
            member(F834_A, 20, M2, "2 ELM ST", "20250101"),
            member(F834_B, 10, M1, "9 OAK AVE", "20250310", maintenance_type_code="001",
                   maintenance_effective_date="20250315", file_action_code="2"),
        ],
        "coverage": [
            coverage(F834_A, 12, 10, M1, "20250101"),
            coverage(F834_A, 22, 20, M2, "20250101", "20250228"),
        ],
    }


def world_raw(spark: SparkSession) -> dict[str, DataFrame]:
    tables: dict[str, list[dict]] = {}
    for part in (claims_837(), remits_835(), enrollment_834()):
        for name, rows in part.items():
            tables.setdefault(name, []).extend(rows)
    return raw_frames(spark, tables)


@cache
def world_silver(spark: SparkSession) -> dict[str, DataFrame]:
    """Silver of the world, each table computed once (the runtime reads silver back from Parquet the same way)."""
    return {name: df.localCheckpoint(eager=True) for name, df in build_silver(world_raw(spark)).items()}


@cache
def world_gold(spark: SparkSession) -> dict[str, DataFrame]:
    return {name: df.localCheckpoint(eager=True) for name, df in build_gold(world_silver(spark)).items()}


def rows(df: DataFrame, *columns: str) -> list[tuple]:
    """Selected columns of every row as tuples, sorted (nulls last)."""
    picked = df.select(*columns).collect()
    out = [tuple(r) for r in picked]
    return sorted(out, key=lambda r: tuple((v is None, str(v)) for v in r))
