"""837P (005010X222A1) through the whole engine: exact raw rows, lineage, balancing and NPI findings.

The interchange is hand-written and synthetic (no real people; NPIs carry a valid Luhn check digit).
Expected rows are written out column by column from the X12 input, never copied from the engine.
"""

from __future__ import annotations

import hashlib

from claimlake.x12.findings import Finding, Severity
from claimlake.x12.parser import FileResult
from tests.conftest import accepted_envelope, interchange, parse, pos, sort_rows, transaction_set

VERSION = "005010X222A1"
BILLING_NPI = "1234567893"
RENDERING_NPI = "1003000126"
LINE_RENDERING_NPI = "1111111112"


def body_837p(*, claim1_total: str = "250", billing_npi: str = BILLING_NPI) -> list[str]:
    """ST..SE of one 837P set: billing provider, subscriber = patient with a 3-line claim, then a second
    subscriber whose dependent (2000C) has a 1-line replacement claim."""
    return transaction_set(
        "837", "0001", VERSION,
        "BHT*0019*00*BATCH0001*20240115*1230*CH",
        "NM1*41*2*ACME BILLING SERVICE*****46*SUB12345",
        "PER*IC*JANE CLERK*TE*5555550100",
        "NM1*40*2*SYNTH CLEARING*****46*RCV67890",
        # 2000A billing provider
        "HL*1**20*1",
        "PRV*BI*PXC*207Q00000X",
        f"NM1*85*2*SYNTHETIC FAMILY CLINIC*****XX*{billing_npi}",
        "N3*100 MAIN ST",
        "N4*SPRINGFIELD*IL*627010001",
        "REF*EI*123456789",
        "NM1*87*2",
        "N3*PO BOX 500",
        "N4*SPRINGFIELD*IL*627050500",
        # 2000B subscriber who is the patient: the claim hangs under 2000B
        "HL*2*1*22*0",
        "SBR*P*18*GRP1001******CI",
        "NM1*IL*1*DOE*JOHN*Q***MI*MEM000001",
        "N3*1 ELM ST*APT 2",
        "N4*SPRINGFIELD*IL*62702",
        "DMG*D8*19800101*M",
        "NM1*PR*2*SYNTH HEALTH PLAN*****PI*PAYER01",
        f"CLM*PCN0001*{claim1_total}***11:B:1*Y*A*Y*Y",
        "DTP*431*D8*20240105",
        "REF*G1*PA0001",
        "REF*EA*MRN0001",
        "HI*ABK:E119*ABF:I10*ABF:E785",
        "NM1*82*1*SMITH*ANNA****XX*" + RENDERING_NPI,
        "PRV*PE*PXC*207R00000X",
        "LX*1",
        "SV1*HC:99213:25*100*UN*1***1:2",
        "DTP*472*D8*20240110",
        "REF*6R*LINE0001",
        "LX*2",
        "SV1*HC:81002*50*UN*1***3",
        "DTP*472*RD8*20240110-20240112",
        "REF*6R*LINE0002",
        "NM1*82*1*JONES*BOB****XX*" + LINE_RENDERING_NPI,
        "PRV*PE*PXC*207Q00000X",
        "LX*3",
        "SV1*HC:97110:GP:59:KX:76*100*UN*2*22**1:2:3",
        "DTP*472*D8*20240111",
        "REF*6R*LINE0003",
        # 2000B subscriber with a dependent patient: the claim hangs under 2000C
        "HL*3*1*22*1",
        "SBR*P**GRP2002******CI",
        "NM1*IL*1*ROE*RICHARD****MI*MEM000002",
        "NM1*PR*2*SYNTH HEALTH PLAN*****PI*PAYER01",
        "HL*4*3*23*0",
        "PAT*19",
        "NM1*QC*1*ROE*SALLY",
        "N3*2 OAK AVE",
        "N4*SPRINGFIELD*IL*62703",
        "DMG*D8*20100707*F",
        "CLM*PCN0002*80***11:B:7*Y*A*Y*Y*P*AA:::IL",
        "DTP*439*D8*20240101",
        "REF*F8*PAYERICN0001",
        "HI*ABK:S8290XA",
        "LX*1",
        "SV1*HC:99212*80*UN*1***1",
        "DTP*472*D8*20240112",
        "REF*6R*LINE0101",
    )


def build_837p(**kwargs: str) -> bytes:
    return interchange(*body_837p(**kwargs), functional_id="HC", version=VERSION, control="000000101",
                       gs_control="1")


def findings(result: FileResult) -> list[Finding]:
    return list(result.all_findings())


SEGS = body_837p()
DATA = build_837p()
FILE_ID = hashlib.sha256(DATA).hexdigest()[:32]
LINEAGE = {"file_id": FILE_ID, "isa_control_number": "000000101", "gs_control_number": "1",
           "st_control_number": "0001"}
CLM1 = pos(SEGS, "CLM*PCN0001")
CLM2 = pos(SEGS, "CLM*PCN0002")

CLAIM_1 = {
    **LINEAGE,
    "segment_ordinal": CLM1,
    "claim_id": "PCN0001",
    "claim_type": "P",
    "total_charge_amt": "250",
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
    "prior_authorization_id": "PA0001",
    "referral_id": "",
    "medical_record_id": "MRN0001",
    "clearinghouse_trace_id": "",
    "service_from_date": "",
    "service_to_date": "",
    "admission_date": "",
    "discharge_date": "",
    "onset_date": "20240105",
    "accident_date": "",
    "admission_type_code": "",
    "admission_source_code": "",
    "discharge_status_code": "",
    "patient_paid_amt": "",
    "payer_id": "PAYER01",
    "payer_name": "SYNTH HEALTH PLAN",
    "payer_responsibility_code": "P",
    "claim_filing_indicator_code": "CI",
    "group_number": "GRP1001",
    "subscriber_id": "MEM000001",
    "patient_relationship_code": "18",
    "billing_provider_npi": BILLING_NPI,
    "billing_provider_tin": "123456789",
    "billing_provider_taxonomy": "207Q00000X",
    "rendering_provider_npi": RENDERING_NPI,
    "attending_provider_npi": "",
    "service_facility_npi": "",
    "submitter_id": "SUB12345",
    "receiver_id": "RCV67890",
    "bht_reference": "BATCH0001",
    "bht_date": "20240115",
    "transaction_type_code": "CH",
    "dq_flags": "",
}
CLAIM_2 = {
    **CLAIM_1,
    "segment_ordinal": CLM2,
    "claim_id": "PCN0002",
    "total_charge_amt": "80",
    "claim_frequency_code": "7",
    "related_cause_code_1": "AA",
    "accident_state_code": "IL",
    "original_payer_claim_id": "PAYERICN0001",
    "prior_authorization_id": "",
    "medical_record_id": "",
    "onset_date": "",
    "accident_date": "20240101",
    "group_number": "GRP2002",
    "subscriber_id": "MEM000002",
    "patient_relationship_code": "19",
    "rendering_provider_npi": "",
}

LINE_1_1 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "LX*1", 1),
    "claim_id": "PCN0001",
    "claim_ordinal": CLM1,
    "line_number": "1",
    "line_control_number": "LINE0001",
    "line_charge_amt": "100",
    "revenue_code": "",
    "procedure_qualifier": "HC",
    "procedure_code": "99213",
    "modifier_1": "25",
    "modifier_2": "",
    "modifier_3": "",
    "modifier_4": "",
    "unit_basis_code": "UN",
    "service_units": "1",
    "place_of_service_code": "",
    "diagnosis_pointer_1": "1",
    "diagnosis_pointer_2": "2",
    "diagnosis_pointer_3": "",
    "diagnosis_pointer_4": "",
    "service_from_date": "20240110",
    "service_to_date": "20240110",
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
LINE_1_2 = {
    **LINE_1_1,
    "segment_ordinal": pos(SEGS, "LX*2"),
    "line_number": "2",
    "line_control_number": "LINE0002",
    "line_charge_amt": "50",
    "procedure_code": "81002",
    "modifier_1": "",
    "diagnosis_pointer_1": "3",
    "diagnosis_pointer_2": "",
    "service_from_date": "20240110",  # RD8 20240110-20240112 split in two
    "service_to_date": "20240112",
    "line_rendering_provider_npi": LINE_RENDERING_NPI,
}
LINE_1_3 = {
    **LINE_1_1,
    "segment_ordinal": pos(SEGS, "LX*3"),
    "line_number": "3",
    "line_control_number": "LINE0003",
    "line_charge_amt": "100",
    "procedure_code": "97110",
    "modifier_1": "GP",
    "modifier_2": "59",
    "modifier_3": "KX",
    "modifier_4": "76",
    "service_units": "2",
    "place_of_service_code": "22",
    "diagnosis_pointer_1": "1",
    "diagnosis_pointer_2": "2",
    "diagnosis_pointer_3": "3",
    "service_from_date": "20240111",
    "service_to_date": "20240111",
}
LINE_2_1 = {
    **LINE_1_1,
    "segment_ordinal": pos(SEGS, "LX*1", 2),
    "claim_id": "PCN0002",
    "claim_ordinal": CLM2,
    "line_control_number": "LINE0101",
    "line_charge_amt": "80",
    "procedure_code": "99212",
    "modifier_1": "",
    "diagnosis_pointer_1": "1",
    "diagnosis_pointer_2": "",
    "service_from_date": "20240112",
    "service_to_date": "20240112",
}

DX_1_1 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "HI*ABK:E119"),
    "claim_id": "PCN0001",
    "claim_ordinal": CLM1,
    "diagnosis_seq": "1",
    "qualifier_code": "ABK",
    "diagnosis_code": "E119",
    "present_on_admission_code": "",
    "is_principal": "true",
}
DX_1_2 = {**DX_1_1, "diagnosis_seq": "2", "qualifier_code": "ABF", "diagnosis_code": "I10", "is_principal": "false"}
DX_1_3 = {**DX_1_2, "diagnosis_seq": "3", "diagnosis_code": "E785"}
DX_2_1 = {**DX_1_1, "segment_ordinal": pos(SEGS, "HI*ABK:S8290XA"), "claim_id": "PCN0002", "claim_ordinal": CLM2,
          "diagnosis_code": "S8290XA"}

BILLING_1 = {
    **LINEAGE,
    "segment_ordinal": CLM1,
    "claim_id": "PCN0001",
    "claim_ordinal": CLM1,
    "line_number": "",
    "provider_role": "billing",
    "level": "claim",
    "entity_type_code": "2",
    "last_or_org_name": "SYNTHETIC FAMILY CLINIC",
    "first_name": "",
    "id_qualifier": "XX",
    "provider_id": BILLING_NPI,
    "taxonomy_code": "207Q00000X",
    "address_line_1": "100 MAIN ST",
    "city": "SPRINGFIELD",
    "state_code": "IL",
    "postal_code": "627010001",
    "tax_id": "123456789",
}
PAY_TO_1 = {
    **BILLING_1,
    "provider_role": "pay_to",
    "last_or_org_name": "",
    "id_qualifier": "",
    "provider_id": "",
    "taxonomy_code": "",
    "address_line_1": "PO BOX 500",
    "postal_code": "627050500",
    "tax_id": "",
}
RENDERING_1 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "NM1*82*1*SMITH"),
    "claim_id": "PCN0001",
    "claim_ordinal": CLM1,
    "line_number": "",
    "provider_role": "rendering",
    "level": "claim",
    "entity_type_code": "1",
    "last_or_org_name": "SMITH",
    "first_name": "ANNA",
    "id_qualifier": "XX",
    "provider_id": RENDERING_NPI,
    "taxonomy_code": "207R00000X",
    "address_line_1": "",
    "city": "",
    "state_code": "",
    "postal_code": "",
    "tax_id": "",
}
LINE_RENDERING_1_2 = {
    **RENDERING_1,
    "segment_ordinal": pos(SEGS, "NM1*82*1*JONES"),
    "line_number": "2",
    "level": "line",
    "last_or_org_name": "JONES",
    "first_name": "BOB",
    "provider_id": LINE_RENDERING_NPI,
    "taxonomy_code": "207Q00000X",
}
BILLING_2 = {**BILLING_1, "segment_ordinal": CLM2, "claim_id": "PCN0002", "claim_ordinal": CLM2}
PAY_TO_2 = {**PAY_TO_1, "segment_ordinal": CLM2, "claim_id": "PCN0002", "claim_ordinal": CLM2}

SUBSCRIBER_1 = {
    **LINEAGE,
    "segment_ordinal": CLM1,
    "claim_id": "PCN0001",
    "claim_ordinal": CLM1,
    "party_role": "subscriber",
    "member_id": "MEM000001",
    "id_qualifier": "MI",
    "last_name": "DOE",
    "first_name": "JOHN",
    "middle_name": "Q",
    "birth_date": "19800101",
    "gender_code": "M",
    "address_line_1": "1 ELM ST",
    "address_line_2": "APT 2",
    "city": "SPRINGFIELD",
    "state_code": "IL",
    "postal_code": "62702",
    "relationship_code": "18",
    "group_number": "GRP1001",
    "payer_responsibility_code": "P",
}
SUBSCRIBER_2 = {
    **SUBSCRIBER_1,
    "segment_ordinal": CLM2,
    "claim_id": "PCN0002",
    "claim_ordinal": CLM2,
    "member_id": "MEM000002",
    "last_name": "ROE",
    "first_name": "RICHARD",
    "middle_name": "",
    "birth_date": "",
    "gender_code": "",
    "address_line_1": "",
    "address_line_2": "",
    "city": "",
    "state_code": "",
    "postal_code": "",
    "relationship_code": "",  # SBR02 is empty when the patient is not the subscriber
    "group_number": "GRP2002",
}
PATIENT_2 = {
    **LINEAGE,
    "segment_ordinal": CLM2,
    "claim_id": "PCN0002",
    "claim_ordinal": CLM2,
    "party_role": "patient",
    "member_id": "",
    "id_qualifier": "",
    "last_name": "ROE",
    "first_name": "SALLY",
    "middle_name": "",
    "birth_date": "20100707",
    "gender_code": "F",
    "address_line_1": "2 OAK AVE",
    "address_line_2": "",
    "city": "SPRINGFIELD",
    "state_code": "IL",
    "postal_code": "62703",
    "relationship_code": "19",
    "group_number": "GRP2002",
    "payer_responsibility_code": "P",
}

ENVELOPE = accepted_envelope(LINEAGE, SEGS, functional_id="HC", set_id="837", version=VERSION)


# ----- the clean file ------------------------------------------------------------------------------------


def test_clean_837p_is_accepted_without_findings() -> None:
    result, _ = parse(DATA)
    assert [f.as_public_dict() for f in findings(result)] == []
    assert result.status == "accepted"
    assert result.file_id == FILE_ID
    assert [(s.set_id, s.control_number, s.version, s.status.value) for _, _, s in result.sets()] == [
        ("837", "0001", VERSION, "A")]


def test_row_counts_of_every_table() -> None:
    result, rows = parse(DATA)
    counts = {table: len(r) for table, r in rows.items()}
    assert counts == {"claim": 2, "claim_line": 4, "claim_diagnosis": 4, "claim_provider": 6, "claim_party": 3,
                      "envelope": 1}
    assert result.tables == counts


def test_claim_rows_exact() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim"]) == [CLAIM_1, CLAIM_2]


def test_claim_line_rows_exact_with_rd8_split_modifiers_and_pointers() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim_line"]) == [LINE_1_1, LINE_1_2, LINE_1_3, LINE_2_1]


def test_claim_lines_link_to_their_claim_row() -> None:
    _, rows = parse(DATA)
    claim_ordinal = {c["claim_id"]: c["segment_ordinal"] for c in rows["claim"]}
    assert claim_ordinal == {"PCN0001": CLM1, "PCN0002": CLM2}
    for table in ("claim_line", "claim_diagnosis", "claim_provider", "claim_party"):
        for row in rows[table]:
            assert row["claim_ordinal"] == claim_ordinal[row["claim_id"]], (table, row)
    lines_per_claim = {cid: [r["line_number"] for r in sort_rows(rows["claim_line"]) if r["claim_ordinal"] == o]
                       for cid, o in claim_ordinal.items()}
    assert lines_per_claim == {"PCN0001": ["1", "2", "3"], "PCN0002": ["1"]}


def test_claim_diagnosis_rows_exact_seq_and_principal() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim_diagnosis"], "claim_ordinal", "diagnosis_seq") == [DX_1_1, DX_1_2, DX_1_3, DX_2_1]


def test_claim_provider_rows_exact_roles_and_levels() -> None:
    _, rows = parse(DATA)
    got = sort_rows(rows["claim_provider"], "provider_role")
    assert got == [BILLING_1, PAY_TO_1, RENDERING_1, LINE_RENDERING_1_2, BILLING_2, PAY_TO_2]
    assert [(r["claim_id"], r["provider_role"], r["level"], r["line_number"]) for r in got] == [
        ("PCN0001", "billing", "claim", ""),
        ("PCN0001", "pay_to", "claim", ""),
        ("PCN0001", "rendering", "claim", ""),
        ("PCN0001", "rendering", "line", "2"),
        ("PCN0002", "billing", "claim", ""),
        ("PCN0002", "pay_to", "claim", ""),
    ]


def test_claim_party_rows_exact_subscriber_and_dependent_patient() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim_party"], "party_role") == [SUBSCRIBER_1, PATIENT_2, SUBSCRIBER_2]


def test_envelope_row_exact() -> None:
    _, rows = parse(DATA)
    assert rows["envelope"] == [ENVELOPE]


def test_lineage_columns_on_every_row() -> None:
    _, rows = parse(DATA)
    assert hashlib.sha256(DATA).hexdigest()[: len(FILE_ID)] == FILE_ID and len(FILE_ID) == 32
    for table, table_rows in rows.items():
        for row in table_rows:
            assert {k: row[k] for k in LINEAGE} == LINEAGE, table
            assert row["segment_ordinal"].isdigit(), table


def test_primary_keys_are_unique() -> None:
    _, rows = parse(DATA)
    keys = {"claim": ("segment_ordinal",), "claim_line": ("segment_ordinal",),
            "claim_diagnosis": ("claim_ordinal", "diagnosis_seq"),
            "claim_provider": ("segment_ordinal", "provider_role"),
            "claim_party": ("segment_ordinal", "party_role")}
    for table, cols in keys.items():
        seen = [tuple(r[c] for c in ("file_id", *cols)) for r in rows[table]]
        assert len(seen) == len(set(seen)), table


def test_a_dependent_before_a_self_subscriber_does_not_leak_into_the_next_claim() -> None:
    """Same two families in the other order: the patient loop of the first must not reach the second's claim."""
    body = SEGS[1:-1]
    first, second = body.index("HL*2*1*22*0"), body.index("HL*3*1*22*1")
    dependent_family = [s.replace("HL*3*1*22*1", "HL*2*1*22*1").replace("HL*4*3*23*0", "HL*3*2*23*0")
                        for s in body[second:]]
    self_family = [s.replace("HL*2*1*22*0", "HL*4*1*22*0") for s in body[first:second]]
    data = interchange(*transaction_set("837", "0001", VERSION, *body[:first], *dependent_family, *self_family))
    result, rows = parse(data)
    assert [f.code for f in findings(result)] == []
    claims = {c["claim_id"]: c for c in rows["claim"]}
    assert {cid: (c["patient_relationship_code"], c["subscriber_id"], c["group_number"], c["rendering_provider_npi"])
            for cid, c in claims.items()} == {"PCN0002": ("19", "MEM000002", "GRP2002", ""),
                                               "PCN0001": ("18", "MEM000001", "GRP1001", RENDERING_NPI)}
    parties = sorted((p["claim_id"], p["party_role"], p["first_name"], p["relationship_code"])
                     for p in rows["claim_party"])
    assert parties == [("PCN0001", "subscriber", "JOHN", "18"), ("PCN0002", "patient", "SALLY", "19"),
                       ("PCN0002", "subscriber", "RICHARD", "")]


def test_file_id_changes_with_the_bytes() -> None:
    other = DATA.replace(b"BATCH0001", b"BATCH0002")
    result, rows = parse(other)
    assert result.file_id == hashlib.sha256(other).hexdigest()[:32] != FILE_ID
    assert {r["file_id"] for r in rows["claim"]} == {result.file_id}
    assert [r["bht_reference"] for r in rows["claim"]] == ["BATCH0002", "BATCH0002"]


# ----- negative cases ------------------------------------------------------------------------------------


def test_clm02_not_equal_to_the_line_sum_is_flagged_and_the_row_kept() -> None:
    data = build_837p(claim1_total="260")  # lines sum to 250
    result, rows = parse(data)
    got = [(f.code, f.segment_id, str(f.segment_ordinal), f.context, f.snip, f.severity) for f in findings(result)]
    assert got == [("BAL837", "CLM", CLM1, "PCN0001", 3, Severity.ERROR)]
    assert result.status == "accepted_with_errors"
    fid = hashlib.sha256(data).hexdigest()[:32]
    assert sort_rows(rows["claim"]) == [
        {**CLAIM_1, "file_id": fid, "total_charge_amt": "260", "dq_flags": "CLM02_NE_SUM_LINES"},
        {**CLAIM_2, "file_id": fid},
    ]
    assert len(rows["claim_line"]) == 4


def test_invalid_billing_npi_is_reported_for_each_claim() -> None:
    data = build_837p(billing_npi="1234567890")  # check digit should be 3
    result, rows = parse(data)
    got = sorted((f.code, str(f.segment_ordinal), f.context) for f in findings(result))
    assert got == [("NPI", CLM1, "PCN0001"), ("NPI", CLM2, "PCN0002")]
    assert result.status == "accepted_with_errors"
    claims = sort_rows(rows["claim"])
    assert [(c["billing_provider_npi"], c["dq_flags"]) for c in claims] == [
        ("1234567890", "INVALID_NPI:billing_provider"), ("1234567890", "INVALID_NPI:billing_provider")]
    assert len(rows["claim_line"]) == 4


def test_invalid_line_rendering_npi_is_reported_on_its_claim() -> None:
    data = DATA.replace(LINE_RENDERING_NPI.encode(), b"1111111113")
    result, rows = parse(data)
    got = [(f.code, str(f.segment_ordinal), f.context) for f in findings(result)]
    assert got == [("NPI", CLM1, "PCN0001")]
    flags = {c["claim_id"]: c["dq_flags"] for c in rows["claim"]}
    assert flags["PCN0002"] == ""
    assert flags["PCN0001"].startswith("INVALID_NPI:")
