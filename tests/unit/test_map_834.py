"""834 (005010X220A1) through the whole engine: exact member and coverage rows, QTY control totals.

Synthetic, hand-written enrollment: one subscriber and two dependents of the same family (same REF*0F),
each with a health and a dental coverage (HD) carrying benefit begin / end dates.
"""

from __future__ import annotations

import hashlib

from claimlake.x12.findings import Level
from tests.conftest import accepted_envelope, interchange, parse, pos, sort_rows, transaction_set

VERSION = "005010X220A1"


def body_834(*, qty_et: str = "1", qty_dt: str = "2", qty_to: str = "3") -> list[str]:
    return transaction_set(
        "834", "4001", VERSION,
        "BGN*00*ENR20240115*20240115*1230****4",
        "REF*38*POLICY001",
        "DTP*007*D8*20240101",
        f"QTY*ET*{qty_et}",
        f"QTY*DT*{qty_dt}",
        f"QTY*TO*{qty_to}",
        "N1*P5*SYNTH EMPLOYER INC*FI*123456789",
        "N1*IN*SYNTH HEALTH PLAN*FI*987654321",
        # subscriber
        "INS*Y*18*021*28*A***FT",
        "REF*0F*SUB000001",
        "REF*1L*GRP1001",
        "REF*23*CLIENT0001",
        "DTP*356*D8*20240101",
        "DTP*303*D8*20240101",
        "NM1*IL*1*DOE*JOHN*Q***34*999000001",
        "PER*IP**HP*5555550101",
        "N3*1 ELM ST*APT 2",
        "N4*SPRINGFIELD*IL*62702",
        "DMG*D8*19800101*M*M",
        "HD*021**HLT*PPO GOLD*FAM",
        "DTP*348*D8*20240101",
        "DTP*349*D8*20241231",
        "AMT*P3*450.25",
        "REF*1L*GRP1001",
        "REF*CE*CLASSA",
        "HD*021**DEN*DENTAL BASIC*FAM",
        "DTP*348*D8*20240101",
        "DTP*349*D8*20241231",
        # spouse
        "INS*N*01*021*28*A",
        "REF*0F*SUB000001",
        "DTP*356*D8*20240101",
        "NM1*IL*1*DOE*JANE****34*999000002",
        "N3*1 ELM ST*APT 2",
        "N4*SPRINGFIELD*IL*62702",
        "DMG*D8*19820202*F*M",
        "HD*021**HLT*PPO GOLD*FAM",
        "DTP*348*D8*20240101",
        "DTP*349*D8*20241231",
        "HD*021**DEN*DENTAL BASIC*FAM",
        "DTP*348*D8*20240101",
        "DTP*349*D8*20240630",
        # child, full-time student
        "INS*N*19*021*28*A****F*N",
        "REF*0F*SUB000001",
        "NM1*IL*1*DOE*JIMMY****34*999000003",
        "N3*1 ELM ST*APT 2",
        "N4*SPRINGFIELD*IL*62702",
        "DMG*D8*20120303*M",
        "HD*021**HLT*PPO GOLD*FAM",
        "DTP*348*D8*20240101",
        "DTP*349*D8*20241231",
        "HD*021**DEN*DENTAL BASIC*FAM",
        "DTP*348*D8*20240201",
        "DTP*349*D8*20241231",
    )


def build_834(**kwargs: str) -> bytes:
    return interchange(*body_834(**kwargs), functional_id="BE", version=VERSION, control="000000505",
                       gs_control="55")


SEGS = body_834()
DATA = build_834()
FILE_ID = hashlib.sha256(DATA).hexdigest()[:32]
LINEAGE = {"file_id": FILE_ID, "isa_control_number": "000000505", "gs_control_number": "55",
           "st_control_number": "4001"}
INS_1 = pos(SEGS, "INS*", 1)
INS_2 = pos(SEGS, "INS*", 2)
INS_3 = pos(SEGS, "INS*", 3)

MEMBER_1 = {
    **LINEAGE,
    "segment_ordinal": INS_1,
    "subscriber_id": "SUB000001",
    "is_subscriber": "true",
    "relationship_code": "18",
    "maintenance_type_code": "021",
    "maintenance_reason_code": "28",
    "benefit_status_code": "A",
    "employment_status_code": "FT",
    "student_status_code": "",
    "is_handicapped": "",
    "death_date": "",
    "member_entity_code": "IL",
    "member_id_qualifier": "34",
    "member_id": "999000001",
    "member_last_name": "DOE",
    "member_first_name": "JOHN",
    "member_middle_name": "Q",
    "incorrect_member_id": "",
    "group_number": "GRP1001",
    "supplemental_member_id_qualifier": "23",
    "supplemental_member_id": "CLIENT0001",
    "member_address_line_1": "1 ELM ST",
    "member_address_line_2": "APT 2",
    "member_city": "SPRINGFIELD",
    "member_state_code": "IL",
    "member_postal_code": "62702",
    "member_contact_qualifier": "HP",
    "member_contact_number": "5555550101",
    "birth_date": "19800101",
    "gender_code": "M",
    "marital_status_code": "M",
    "eligibility_begin_date": "20240101",
    "eligibility_end_date": "",
    "maintenance_effective_date": "20240101",
    "file_purpose_code": "00",
    "file_reference_id": "ENR20240115",
    "file_created_date": "20240115",
    "file_action_code": "4",
    "sponsor_name": "SYNTH EMPLOYER INC",
    "sponsor_id_qualifier": "FI",
    "sponsor_id": "123456789",
    "payer_name": "SYNTH HEALTH PLAN",
    "payer_id_qualifier": "FI",
    "payer_id": "987654321",
    "dq_flags": "",
}
MEMBER_2 = {
    **MEMBER_1,
    "segment_ordinal": INS_2,
    "is_subscriber": "false",
    "relationship_code": "01",
    "employment_status_code": "",
    "member_id": "999000002",
    "member_first_name": "JANE",
    "member_middle_name": "",
    "group_number": "",
    "supplemental_member_id_qualifier": "",
    "supplemental_member_id": "",
    "member_contact_qualifier": "",
    "member_contact_number": "",
    "birth_date": "19820202",
    "gender_code": "F",
    "maintenance_effective_date": "",
}
MEMBER_3 = {
    **MEMBER_2,
    "segment_ordinal": INS_3,
    "relationship_code": "19",
    "student_status_code": "F",
    "is_handicapped": "false",
    "member_id": "999000003",
    "member_first_name": "JIMMY",
    "birth_date": "20120303",
    "gender_code": "M",
    "marital_status_code": "",
    "eligibility_begin_date": "",
}

COVERAGE_1_HLT = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "HD*", 1),
    "subscriber_id": "SUB000001",
    "member_id": "999000001",
    "member_ordinal": INS_1,
    "maintenance_type_code": "021",
    "insurance_line_code": "HLT",
    "plan_description": "PPO GOLD",
    "coverage_level_code": "FAM",
    "benefit_begin_date": "20240101",
    "benefit_end_date": "20241231",
    "maintenance_effective_date": "",
    "group_number": "GRP1001",
    "class_of_contract_code": "CLASSA",
    "premium_amt": "450.25",
}
COVERAGE_1_DEN = {**COVERAGE_1_HLT, "segment_ordinal": pos(SEGS, "HD*", 2), "insurance_line_code": "DEN",
                  "plan_description": "DENTAL BASIC", "group_number": "", "class_of_contract_code": "",
                  "premium_amt": ""}
COVERAGE_2_HLT = {**COVERAGE_1_HLT, "segment_ordinal": pos(SEGS, "HD*", 3), "member_id": "999000002",
                  "member_ordinal": INS_2, "group_number": "", "class_of_contract_code": "", "premium_amt": ""}
COVERAGE_2_DEN = {**COVERAGE_1_DEN, "segment_ordinal": pos(SEGS, "HD*", 4), "member_id": "999000002",
                  "member_ordinal": INS_2, "benefit_end_date": "20240630"}
COVERAGE_3_HLT = {**COVERAGE_2_HLT, "segment_ordinal": pos(SEGS, "HD*", 5), "member_id": "999000003",
                  "member_ordinal": INS_3}
COVERAGE_3_DEN = {**COVERAGE_1_DEN, "segment_ordinal": pos(SEGS, "HD*", 6), "member_id": "999000003",
                  "member_ordinal": INS_3, "benefit_begin_date": "20240201"}

ENVELOPE = accepted_envelope(LINEAGE, SEGS, functional_id="BE", set_id="834", version=VERSION)


def test_clean_834_is_accepted_without_findings() -> None:
    result, _ = parse(DATA)
    assert [f.as_public_dict() for f in result.all_findings()] == []
    assert result.status == "accepted"
    assert result.file_id == FILE_ID


def test_row_counts_of_every_table() -> None:
    result, rows = parse(DATA)
    counts = {table: len(r) for table, r in rows.items()}
    assert counts == {"member": 3, "coverage": 6, "envelope": 1}
    assert result.tables == counts


def test_member_rows_exact_subscriber_and_dependents() -> None:
    _, rows = parse(DATA)
    got = sort_rows(rows["member"])
    assert got == [MEMBER_1, MEMBER_2, MEMBER_3]
    assert [(m["is_subscriber"], m["relationship_code"], m["subscriber_id"]) for m in got] == [
        ("true", "18", "SUB000001"), ("false", "01", "SUB000001"), ("false", "19", "SUB000001")]


def test_coverage_rows_exact_and_linked_to_their_member() -> None:
    _, rows = parse(DATA)
    got = sort_rows(rows["coverage"])
    assert got == [COVERAGE_1_HLT, COVERAGE_1_DEN, COVERAGE_2_HLT, COVERAGE_2_DEN, COVERAGE_3_HLT, COVERAGE_3_DEN]
    members = {m["segment_ordinal"]: m["member_id"] for m in rows["member"]}
    assert [(members[c["member_ordinal"]], c["insurance_line_code"]) for c in got] == [
        ("999000001", "HLT"), ("999000001", "DEN"), ("999000002", "HLT"), ("999000002", "DEN"),
        ("999000003", "HLT"), ("999000003", "DEN")]


def test_envelope_row_exact() -> None:
    _, rows = parse(DATA)
    assert rows["envelope"] == [ENVELOPE]


def test_wrong_total_count_is_reported() -> None:
    result, rows = parse(build_834(qty_to="4"))
    got = [(f.code, f.segment_id, f.level) for f in result.all_findings()]
    assert got == [("BAL834", "QTY", Level.SET)]
    assert result.status == "accepted_with_errors"
    assert len(rows["member"]) == 3 and len(rows["coverage"]) == 6


def test_wrong_employee_and_dependent_counts_are_reported() -> None:
    result, _ = parse(build_834(qty_et="2", qty_dt="1"))
    assert sorted(f.code for f in result.all_findings()) == ["BAL834", "BAL834"]
