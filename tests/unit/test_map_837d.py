"""837D (005010X224A2) through the whole engine: exact raw rows for SV3 / TOO lines, claim-level dates, findings.

Synthetic, hand-written input; expected rows are written from the X12 input column by column.
"""

from __future__ import annotations

import hashlib

from tests.conftest import accepted_envelope, interchange, parse, pos, sort_rows, transaction_set

VERSION = "005010X224A2"
BILLING_NPI = "1444444446"
RENDERING_NPI = "1555555550"


def body_837d(*, total: str = "1550", billing_npi: str = BILLING_NPI) -> list[str]:
    """One dental claim with a claim-level service date and four SV3 lines (tooth, quadrant, crown, sealants)."""
    return transaction_set(
        "837", "2001", VERSION,
        "BHT*0019*00*BATCHD01*20240215*1000*CH",
        "NM1*41*2*SYNTH DENTAL BILLING*****46*SUBD0001",
        "PER*IC*FRONT DESK*TE*5555550300",
        "NM1*40*2*SYNTH DENTAL PAYER*****46*RCVD0001",
        "HL*1**20*1",
        "PRV*BI*PXC*1223G0001X",
        f"NM1*85*2*SYNTHETIC SMILES DENTAL*****XX*{billing_npi}",
        "N3*20 TOOTH LN",
        "N4*SPRINGFIELD*IL*62706",
        "REF*EI*454545454",
        "HL*2*1*22*0",
        "SBR*P*18*GRPD4004******CI",
        "NM1*IL*1*MOE*MARY****MI*DEN000001",
        "N3*4 BIRCH CT",
        "N4*SPRINGFIELD*IL*62707",
        "DMG*D8*19900909*F",
        "NM1*PR*2*SYNTH DENTAL PLAN*****PI*DENT01",
        f"CLM*PCND0001*{total}***11:B:1*Y*A*Y*Y",
        "DTP*472*D8*20240210",
        "HI*ABK:K0262",
        f"NM1*82*1*FANG*FRANK****XX*{RENDERING_NPI}",
        "PRV*PE*PXC*1223G0001X",
        "LX*1",
        "SV3*AD:D2391*150****1*****1",  # SV306 count 1, SV311-1 pointer 1
        "TOO*JP*30*M:O:D",
        "REF*6R*DLINE001",
        "LX*2",
        "SV3*AD:D4341*240**10**1",  # SV304 oral cavity: upper right quadrant
        "REF*6R*DLINE002",
        "LX*3",
        "SV3*AD:D2750*1100***I*1",  # SV305 initial placement
        "TOO*JP*8",
        "REF*6R*DLINE003",
        "LX*4",
        "SV3*AD:D1351*60****2",
        "TOO*JP*3*O",
        "TOO*JP*14*O:B",
        "REF*6R*DLINE004",
    )


def build_837d(**kwargs: str) -> bytes:
    return interchange(*body_837d(**kwargs), functional_id="HC", version=VERSION, control="000000303",
                       gs_control="33")


SEGS = body_837d()
DATA = build_837d()
FILE_ID = hashlib.sha256(DATA).hexdigest()[:32]
LINEAGE = {"file_id": FILE_ID, "isa_control_number": "000000303", "gs_control_number": "33",
           "st_control_number": "2001"}
CLM = pos(SEGS, "CLM*")

CLAIM = {
    **LINEAGE,
    "segment_ordinal": CLM,
    "claim_id": "PCND0001",
    "claim_type": "D",
    "total_charge_amt": "1550",
    "facility_code": "11",
    "facility_code_qualifier": "B",
    "claim_frequency_code": "1",
    "provider_signature_code": "Y",
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
    "medical_record_id": "",
    "clearinghouse_trace_id": "",
    "service_from_date": "20240210",  # claim-level DTP*472 D8: both ends are the one date
    "service_to_date": "20240210",
    "admission_date": "",
    "discharge_date": "",
    "onset_date": "",
    "accident_date": "",
    "admission_type_code": "",
    "admission_source_code": "",
    "discharge_status_code": "",
    "patient_paid_amt": "",
    "payer_id": "DENT01",
    "payer_name": "SYNTH DENTAL PLAN",
    "payer_responsibility_code": "P",
    "claim_filing_indicator_code": "CI",
    "group_number": "GRPD4004",
    "subscriber_id": "DEN000001",
    "patient_relationship_code": "18",
    "billing_provider_npi": BILLING_NPI,
    "billing_provider_tin": "454545454",
    "billing_provider_taxonomy": "1223G0001X",
    "rendering_provider_npi": RENDERING_NPI,
    "attending_provider_npi": "",
    "service_facility_npi": "",
    "submitter_id": "SUBD0001",
    "receiver_id": "RCVD0001",
    "bht_reference": "BATCHD01",
    "bht_date": "20240215",
    "transaction_type_code": "CH",
    "dq_flags": "",
}

LINE_1 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "LX*1"),
    "claim_id": "PCND0001",
    "claim_ordinal": CLM,
    "line_number": "1",
    "line_control_number": "DLINE001",
    "line_charge_amt": "150",
    "revenue_code": "",
    "procedure_qualifier": "AD",
    "procedure_code": "D2391",
    "modifier_1": "",
    "modifier_2": "",
    "modifier_3": "",
    "modifier_4": "",
    "unit_basis_code": "",
    "service_units": "1",
    "place_of_service_code": "",
    "diagnosis_pointer_1": "1",
    "diagnosis_pointer_2": "",
    "diagnosis_pointer_3": "",
    "diagnosis_pointer_4": "",
    "service_from_date": "",
    "service_to_date": "",
    "non_covered_charge_amt": "",
    "ndc_code": "",
    "ndc_quantity": "",
    "ndc_unit_code": "",
    "tooth_code": "30",
    "tooth_surface_code": "M:O:D",
    "oral_cavity_code": "",
    "prosthesis_code": "",
    "line_rendering_provider_npi": "",
}
LINE_2 = {**LINE_1, "segment_ordinal": pos(SEGS, "LX*2"), "line_number": "2", "line_control_number": "DLINE002",
          "line_charge_amt": "240", "procedure_code": "D4341", "diagnosis_pointer_1": "", "tooth_code": "",
          "tooth_surface_code": "", "oral_cavity_code": "10"}
LINE_3 = {**LINE_1, "segment_ordinal": pos(SEGS, "LX*3"), "line_number": "3", "line_control_number": "DLINE003",
          "line_charge_amt": "1100", "procedure_code": "D2750", "diagnosis_pointer_1": "", "tooth_code": "8",
          "tooth_surface_code": "", "prosthesis_code": "I"}
LINE_4 = {**LINE_1, "segment_ordinal": pos(SEGS, "LX*4"), "line_number": "4", "line_control_number": "DLINE004",
          "line_charge_amt": "60", "procedure_code": "D1351", "service_units": "2", "diagnosis_pointer_1": "",
          "tooth_code": "3", "tooth_surface_code": "O"}  # the first of the line's TOO segments

DX_1 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "HI*"),
    "claim_id": "PCND0001",
    "claim_ordinal": CLM,
    "diagnosis_seq": "1",
    "qualifier_code": "ABK",
    "diagnosis_code": "K0262",
    "present_on_admission_code": "",
    "is_principal": "true",
}

BILLING = {
    **LINEAGE,
    "segment_ordinal": CLM,
    "claim_id": "PCND0001",
    "claim_ordinal": CLM,
    "line_number": "",
    "provider_role": "billing",
    "level": "claim",
    "entity_type_code": "2",
    "last_or_org_name": "SYNTHETIC SMILES DENTAL",
    "first_name": "",
    "id_qualifier": "XX",
    "provider_id": BILLING_NPI,
    "taxonomy_code": "1223G0001X",
    "address_line_1": "20 TOOTH LN",
    "city": "SPRINGFIELD",
    "state_code": "IL",
    "postal_code": "62706",
    "tax_id": "454545454",
}
RENDERING = {
    **BILLING,
    "segment_ordinal": pos(SEGS, "NM1*82"),
    "provider_role": "rendering",
    "entity_type_code": "1",
    "last_or_org_name": "FANG",
    "first_name": "FRANK",
    "provider_id": RENDERING_NPI,
    "address_line_1": "",
    "city": "",
    "state_code": "",
    "postal_code": "",
    "tax_id": "",
}

SUBSCRIBER = {
    **LINEAGE,
    "segment_ordinal": CLM,
    "claim_id": "PCND0001",
    "claim_ordinal": CLM,
    "party_role": "subscriber",
    "member_id": "DEN000001",
    "id_qualifier": "MI",
    "last_name": "MOE",
    "first_name": "MARY",
    "middle_name": "",
    "birth_date": "19900909",
    "gender_code": "F",
    "address_line_1": "4 BIRCH CT",
    "address_line_2": "",
    "city": "SPRINGFIELD",
    "state_code": "IL",
    "postal_code": "62707",
    "relationship_code": "18",
    "group_number": "GRPD4004",
    "payer_responsibility_code": "P",
}

ENVELOPE = accepted_envelope(LINEAGE, SEGS, functional_id="HC", set_id="837", version=VERSION)


def test_clean_837d_is_accepted_without_findings() -> None:
    result, _ = parse(DATA)
    assert [f.as_public_dict() for f in result.all_findings()] == []
    assert result.status == "accepted"
    assert result.file_id == FILE_ID


def test_row_counts_of_every_table() -> None:
    result, rows = parse(DATA)
    counts = {table: len(r) for table, r in rows.items()}
    assert counts == {"claim": 1, "claim_line": 4, "claim_diagnosis": 1, "claim_provider": 2, "claim_party": 1,
                      "envelope": 1}
    assert result.tables == counts


def test_claim_row_exact_with_claim_level_service_date() -> None:
    _, rows = parse(DATA)
    assert rows["claim"] == [CLAIM]


def test_claim_line_rows_exact_sv3_tooth_surfaces_quadrant_prosthesis() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim_line"]) == [LINE_1, LINE_2, LINE_3, LINE_4]
    assert {r["claim_ordinal"] for r in rows["claim_line"]} == {rows["claim"][0]["segment_ordinal"]}


def test_diagnosis_provider_party_envelope_rows_exact() -> None:
    _, rows = parse(DATA)
    assert rows["claim_diagnosis"] == [DX_1]
    assert sort_rows(rows["claim_provider"], "provider_role") == [BILLING, RENDERING]
    assert rows["claim_party"] == [SUBSCRIBER]
    assert rows["envelope"] == [ENVELOPE]


def test_clm02_not_equal_to_the_line_sum_is_flagged_and_the_row_kept() -> None:
    data = build_837d(total="1500")
    result, rows = parse(data)
    got = [(f.code, f.segment_id, str(f.segment_ordinal), f.context) for f in result.all_findings()]
    assert got == [("BAL837", "CLM", CLM, "PCND0001")]
    assert result.status == "accepted_with_errors"
    fid = hashlib.sha256(data).hexdigest()[:32]
    assert rows["claim"] == [{**CLAIM, "file_id": fid, "total_charge_amt": "1500", "dq_flags": "CLM02_NE_SUM_LINES"}]
    assert len(rows["claim_line"]) == 4


def test_invalid_billing_npi_is_reported() -> None:
    data = build_837d(billing_npi="1444444445")
    result, rows = parse(data)
    got = [(f.code, str(f.segment_ordinal), f.context) for f in result.all_findings()]
    assert got == [("NPI", CLM, "PCND0001")]
    fid = hashlib.sha256(data).hexdigest()[:32]
    assert rows["claim"] == [{**CLAIM, "file_id": fid, "billing_provider_npi": "1444444445",
                              "dq_flags": "INVALID_NPI:billing_provider"}]
