"""837I (005010X223A2) through the whole engine: exact raw rows, POA, statement period, CL1, findings.

Synthetic, hand-written input; expected rows are written from the X12 input column by column.
"""

from __future__ import annotations

import hashlib

from tests.conftest import accepted_envelope, interchange, parse, pos, sort_rows, transaction_set

VERSION = "005010X223A2"
BILLING_NPI = "1333333338"
ATTENDING_NPI = "1222222220"


def body_837i(*, total: str = "1700", attending_npi: str = ATTENDING_NPI) -> list[str]:
    """One inpatient claim (type of bill 111) of a subscriber who is the patient."""
    return transaction_set(
        "837", "1001", VERSION,
        "BHT*0019*00*BATCHI01*20240201*0900*CH",
        "NM1*41*2*SYNTH HOSPITAL BILLING*****46*SUBI0001",
        "PER*IC*BILLING DESK*TE*5555550200",
        "NM1*40*2*SYNTH CLEARING*****46*RCV67890",
        "HL*1**20*1",
        "PRV*BI*PXC*282N00000X",
        f"NM1*85*2*SYNTHETIC GENERAL HOSPITAL*****XX*{BILLING_NPI}",
        "N3*500 HOSPITAL DR",
        "N4*SPRINGFIELD*IL*627040001",
        "REF*EI*363636363",
        "HL*2*1*22*0",
        "SBR*P*18*GRP3003******MB",
        "NM1*IL*1*POE*EDGAR****MI*MBI00000001",
        "N3*3 PINE RD",
        "N4*SPRINGFIELD*IL*62704",
        "DMG*D8*19450303*M",
        "NM1*PR*2*SYNTH MEDICARE CONTRACTOR*****PI*MCR01",
        f"CLM*PCNI0001*{total}***11:A:1**A*Y*Y",
        "DTP*096*TM*1400",
        "DTP*434*RD8*20240101-20240105",
        "DTP*435*DT*202401011030",
        "CL1*1*7*01",
        "REF*EA*MRNI0001",
        "HI*ABK:I214:::::::Y",
        "HI*ABJ:R079",
        "HI*ABF:E119:::::::N*ABF:I10:::::::Y",
        "HI*BG:01",  # condition code: not a diagnosis, must not become a claim_diagnosis row
        f"NM1*71*1*WELBY*MARCUS****XX*{attending_npi}",
        "PRV*AT*PXC*207RC0000X",
        "LX*1",
        "SV2*0120**1200*DA*4",
        "REF*6R*ILINE001",
        "LX*2",
        "SV2*0250**300*UN*10**50",
        "REF*6R*ILINE002",
        "LX*3",
        "SV2*0300*HC:80053:QW*200*UN*1",
        "DTP*472*D8*20240102",
        "REF*6R*ILINE003",
    )


def build_837i(**kwargs: str) -> bytes:
    return interchange(*body_837i(**kwargs), functional_id="HC", version=VERSION, control="000000202",
                       gs_control="22")


SEGS = body_837i()
DATA = build_837i()
FILE_ID = hashlib.sha256(DATA).hexdigest()[:32]
LINEAGE = {"file_id": FILE_ID, "isa_control_number": "000000202", "gs_control_number": "22",
           "st_control_number": "1001"}
CLM = pos(SEGS, "CLM*")

CLAIM = {
    **LINEAGE,
    "segment_ordinal": CLM,
    "claim_id": "PCNI0001",
    "claim_type": "I",
    "total_charge_amt": "1700",
    "facility_code": "11",
    "facility_code_qualifier": "A",
    "claim_frequency_code": "1",
    "provider_signature_code": "",
    "assignment_code": "A",
    "benefits_assignment_code": "Y",
    "release_of_information_code": "Y",
    "related_cause_code_1": "",
    "related_cause_code_2": "",
    "accident_state_code": "",
    "accident_country_code": "",
    "claim_submission_reason_code": "",
    "delay_reason_code": "",
    "original_payer_claim_id": "",
    "prior_authorization_id": "",
    "referral_id": "",
    "medical_record_id": "MRNI0001",
    "clearinghouse_trace_id": "",
    "service_from_date": "20240101",
    "service_to_date": "20240105",
    "admission_date": "202401011030",
    "discharge_date": "",  # the 837I DTP*096 is a discharge hour (TM), not a date
    "onset_date": "",
    "accident_date": "",
    "admission_type_code": "1",
    "admission_source_code": "7",
    "discharge_status_code": "01",
    "patient_paid_amt": "",
    "payer_id": "MCR01",
    "payer_name": "SYNTH MEDICARE CONTRACTOR",
    "payer_responsibility_code": "P",
    "claim_filing_indicator_code": "MB",
    "group_number": "GRP3003",
    "subscriber_id": "MBI00000001",
    "patient_relationship_code": "18",
    "billing_provider_npi": BILLING_NPI,
    "billing_provider_tin": "363636363",
    "billing_provider_taxonomy": "282N00000X",
    "rendering_provider_npi": "",
    "attending_provider_npi": ATTENDING_NPI,
    "service_facility_npi": "",
    "submitter_id": "SUBI0001",
    "receiver_id": "RCV67890",
    "bht_reference": "BATCHI01",
    "bht_date": "20240201",
    "transaction_type_code": "CH",
    "dq_flags": "",
}

LINE_1 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "LX*1"),
    "claim_id": "PCNI0001",
    "claim_ordinal": CLM,
    "line_number": "1",
    "line_control_number": "ILINE001",
    "line_charge_amt": "1200",
    "revenue_code": "0120",
    "procedure_qualifier": "",
    "procedure_code": "",
    "modifier_1": "",
    "modifier_2": "",
    "modifier_3": "",
    "modifier_4": "",
    "unit_basis_code": "DA",
    "service_units": "4",
    "place_of_service_code": "",
    "diagnosis_pointer_1": "",
    "diagnosis_pointer_2": "",
    "diagnosis_pointer_3": "",
    "diagnosis_pointer_4": "",
    "service_from_date": "",
    "service_to_date": "",
    "non_covered_charge_amt": "",
    "ndc_code": "",
    "ndc_quantity": "",
    "ndc_unit_code": "",
    "tooth_code": "",
    "tooth_surface_code": "",
    "oral_cavity_code": "",
    "prosthesis_code": "",
    "line_rendering_provider_npi": "",
}
LINE_2 = {
    **LINE_1,
    "segment_ordinal": pos(SEGS, "LX*2"),
    "line_number": "2",
    "line_control_number": "ILINE002",
    "line_charge_amt": "300",
    "revenue_code": "0250",
    "unit_basis_code": "UN",
    "service_units": "10",
    "non_covered_charge_amt": "50",
}
LINE_3 = {
    **LINE_1,
    "segment_ordinal": pos(SEGS, "LX*3"),
    "line_number": "3",
    "line_control_number": "ILINE003",
    "line_charge_amt": "200",
    "revenue_code": "0300",
    "procedure_qualifier": "HC",
    "procedure_code": "80053",
    "modifier_1": "QW",
    "unit_basis_code": "UN",
    "service_units": "1",
    "service_from_date": "20240102",
    "service_to_date": "20240102",
}

DX_1 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "HI*ABK"),
    "claim_id": "PCNI0001",
    "claim_ordinal": CLM,
    "diagnosis_seq": "1",
    "qualifier_code": "ABK",
    "diagnosis_code": "I214",
    "present_on_admission_code": "Y",
    "is_principal": "true",
}
DX_2 = {**DX_1, "segment_ordinal": pos(SEGS, "HI*ABJ"), "diagnosis_seq": "2", "qualifier_code": "ABJ",
        "diagnosis_code": "R079", "present_on_admission_code": "", "is_principal": "false"}
DX_3 = {**DX_1, "segment_ordinal": pos(SEGS, "HI*ABF"), "diagnosis_seq": "3", "qualifier_code": "ABF",
        "diagnosis_code": "E119", "present_on_admission_code": "N", "is_principal": "false"}
DX_4 = {**DX_3, "diagnosis_seq": "4", "diagnosis_code": "I10", "present_on_admission_code": "Y"}

BILLING = {
    **LINEAGE,
    "segment_ordinal": CLM,
    "claim_id": "PCNI0001",
    "claim_ordinal": CLM,
    "line_number": "",
    "provider_role": "billing",
    "level": "claim",
    "entity_type_code": "2",
    "last_or_org_name": "SYNTHETIC GENERAL HOSPITAL",
    "first_name": "",
    "id_qualifier": "XX",
    "provider_id": BILLING_NPI,
    "taxonomy_code": "282N00000X",
    "address_line_1": "500 HOSPITAL DR",
    "city": "SPRINGFIELD",
    "state_code": "IL",
    "postal_code": "627040001",
    "tax_id": "363636363",
}
ATTENDING = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "NM1*71"),
    "claim_id": "PCNI0001",
    "claim_ordinal": CLM,
    "line_number": "",
    "provider_role": "attending",
    "level": "claim",
    "entity_type_code": "1",
    "last_or_org_name": "WELBY",
    "first_name": "MARCUS",
    "id_qualifier": "XX",
    "provider_id": ATTENDING_NPI,
    "taxonomy_code": "207RC0000X",
    "address_line_1": "",
    "city": "",
    "state_code": "",
    "postal_code": "",
    "tax_id": "",
}

SUBSCRIBER = {
    **LINEAGE,
    "segment_ordinal": CLM,
    "claim_id": "PCNI0001",
    "claim_ordinal": CLM,
    "party_role": "subscriber",
    "member_id": "MBI00000001",
    "id_qualifier": "MI",
    "last_name": "POE",
    "first_name": "EDGAR",
    "middle_name": "",
    "birth_date": "19450303",
    "gender_code": "M",
    "address_line_1": "3 PINE RD",
    "address_line_2": "",
    "city": "SPRINGFIELD",
    "state_code": "IL",
    "postal_code": "62704",
    "relationship_code": "18",
    "group_number": "GRP3003",
    "payer_responsibility_code": "P",
}

ENVELOPE = accepted_envelope(LINEAGE, SEGS, functional_id="HC", set_id="837", version=VERSION)


def test_clean_837i_is_accepted_without_findings() -> None:
    result, _ = parse(DATA)
    assert [f.as_public_dict() for f in result.all_findings()] == []
    assert result.status == "accepted"
    assert result.file_id == FILE_ID


def test_row_counts_of_every_table() -> None:
    result, rows = parse(DATA)
    counts = {table: len(r) for table, r in rows.items()}
    assert counts == {"claim": 1, "claim_line": 3, "claim_diagnosis": 4, "claim_provider": 2, "claim_party": 1,
                      "envelope": 1}
    assert result.tables == counts


def test_claim_row_exact_statement_period_admission_and_cl1() -> None:
    _, rows = parse(DATA)
    assert rows["claim"] == [CLAIM]


def test_claim_line_rows_exact_revenue_lines() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim_line"]) == [LINE_1, LINE_2, LINE_3]
    assert {r["claim_ordinal"] for r in rows["claim_line"]} == {rows["claim"][0]["segment_ordinal"]}


def test_claim_diagnosis_rows_exact_with_poa_and_no_condition_codes() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim_diagnosis"], "diagnosis_seq") == [DX_1, DX_2, DX_3, DX_4]


def test_claim_provider_rows_exact_attending_2310a() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim_provider"], "provider_role") == [BILLING, ATTENDING]


def test_claim_party_and_envelope_rows_exact() -> None:
    _, rows = parse(DATA)
    assert rows["claim_party"] == [SUBSCRIBER]
    assert rows["envelope"] == [ENVELOPE]


def test_clm02_not_equal_to_the_line_sum_is_flagged_and_the_row_kept() -> None:
    data = build_837i(total="1699.99")
    result, rows = parse(data)
    got = [(f.code, f.segment_id, str(f.segment_ordinal), f.context) for f in result.all_findings()]
    assert got == [("BAL837", "CLM", CLM, "PCNI0001")]
    assert result.status == "accepted_with_errors"
    fid = hashlib.sha256(data).hexdigest()[:32]
    assert rows["claim"] == [{**CLAIM, "file_id": fid, "total_charge_amt": "1699.99",
                              "dq_flags": "CLM02_NE_SUM_LINES"}]
    assert len(rows["claim_line"]) == 3


def test_decimal_total_that_equals_the_line_sum_is_balanced() -> None:
    result, rows = parse(build_837i(total="1700.00"))
    assert [f.code for f in result.all_findings()] == []
    assert rows["claim"][0]["total_charge_amt"] == "1700.00" and rows["claim"][0]["dq_flags"] == ""


def test_invalid_attending_npi_is_reported() -> None:
    data = build_837i(attending_npi="1222222221")
    result, rows = parse(data)
    got = [(f.code, str(f.segment_ordinal), f.context) for f in result.all_findings()]
    assert got == [("NPI", CLM, "PCNI0001")]
    assert rows["claim"][0]["dq_flags"] == "INVALID_NPI:attending_provider"
    assert rows["claim"][0]["attending_provider_npi"] == "1222222221"
