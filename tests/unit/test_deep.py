"""pyx12 deep validation behind its guard: findings at the right place, notes instead of exceptions."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from claimlake.x12.deep import DeepFinding, deep_validate
from claimlake.x12.findings import Finding, Level

# A small 837P made up for these tests (subscriber = patient, one claim, one line).
CLAIM = [
    "BHT*0019*00*0123*20240115*1230*CH",
    "NM1*41*2*ACME BILLING*****46*S123",
    "PER*IC*BILLING DESK*TE*5555550100",
    "NM1*40*2*ACME PAYER*****46*P123",
    "HL*1**20*1",
    "NM1*85*2*ACME CLINIC*****XX*1234567893",
    "N3*1 MAIN ST",
    "N4*SPRINGFIELD*IL*627010000",
    "REF*EI*123456789",
    "HL*2*1*22*0",
    "SBR*P*18*******CI",
    "NM1*IL*1*DOE*JANE****MI*MEMBER001",
    "N3*2 OAK ST",
    "N4*SPRINGFIELD*IL*62701",
    "DMG*D8*19800101*F",
    "NM1*PR*2*ACME PAYER*****PI*P123",
    "CLM*PCN0001*100***11:B:1*Y*A*Y*Y",
    "HI*ABK:J069",
    "LX*1",
    "SV1*HC:99213*100*UN*1***1",
    "DTP*472*D8*20240110",
]
PROFESSIONAL = "005010X222A1"
DENTAL = "005010X224A2"


def claim_set(control: str, segments: list[str] = CLAIM, version: str = PROFESSIONAL) -> list[str]:
    return [f"ST*837*{control}*{version}", *segments, f"SE*{len(segments) + 2}*{control}"]


def group(*sets: list[str], version: str = PROFESSIONAL, control: str = "1") -> list[str]:
    body = [segment for one_set in sets for segment in one_set]
    return [
        f"GS*HC*SUBMITTER*RECEIVER*20240115*1230*{control}*X*{version}",
        *body,
        f"GE*{len(sets)}*{control}",
    ]


def interchange(*groups: list[str], control: str = "000000101") -> list[str]:
    isa = (
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240115*1230*^*00501*"
        f"{control}*0*T*:"
    )
    body = [segment for one_group in groups for segment in one_group]
    return [isa, *body, f"IEA*{len(groups)}*{control}"]


def encode(*interchanges: list[str]) -> bytes:
    return "".join(segment + "~\n" for segments in interchanges for segment in segments).encode()


def replaced(old: str, new: str) -> list[str]:
    assert old in CLAIM
    return [new if segment == old else segment for segment in CLAIM]


def summary(findings: list[DeepFinding]) -> list[tuple[str, str, str, str, str, int, int, str]]:
    return [
        (
            d.gs_control_number,
            d.st_control_number,
            d.finding.level.value,
            d.finding.code,
            d.finding.segment_id,
            d.finding.segment_position,
            d.finding.segment_ordinal,
            d.finding.loop_id,
        )
        for d in findings
    ]


def test_a_valid_837p_has_no_findings_and_no_notes() -> None:
    assert deep_validate(encode(interchange(group(claim_set("0001"))))) == ([], [])


def test_a_missing_required_element_is_located_exactly() -> None:
    data = encode(interchange(group(claim_set("0001", replaced(CLAIM[16], "CLM*PCN0001****11:B:1*Y*A*Y*Y")))))
    findings, notes = deep_validate(data)
    assert notes == []
    assert findings == [
        DeepFinding(
            isa_control_number="000000101",
            gs_control_number="1",
            st_control_number="0001",
            finding=Finding(
                level=Level.ELEMENT,
                code="1",
                message="CLM02 Total Claim Charge Amount at position 18: required data element missing",
                snip=2,
                segment_id="CLM",
                segment_position=18,  # ST = 1
                segment_ordinal=20,  # ISA = 1
                byte_offset=data.index(b"CLM*"),
                loop_id="2300",
                element_position="2",
                element_ref="782",
                source="pyx12",
            ),
        )
    ]


def test_an_unknown_segment_is_reported_in_its_own_set() -> None:
    second = [*CLAIM[:18], "ZZZ*1", *CLAIM[18:]]
    data = encode(interchange(group(claim_set("0001"), claim_set("0002", second))))
    findings, notes = deep_validate(data)
    assert notes == []
    assert summary(findings) == [("1", "0002", "segment", "1", "ZZZ", 20, 45, "")]
    assert findings[0].finding.byte_offset == data.index(b"ZZZ*1")


def test_a_missing_required_loop_names_the_loop() -> None:
    without_payer = [segment for segment in CLAIM if not segment.startswith("NM1*PR")]
    findings, notes = deep_validate(encode(interchange(group(claim_set("0001", without_payer)))))
    assert notes == []
    assert summary(findings) == [("1", "0001", "segment", "3", "NM1", 17, 19, "2010BB")]
    assert findings[0].finding.message == "NM1 segment at position 17: required segment missing"


def test_a_bad_value_travels_in_bad_value_only() -> None:
    member_id = "M" * 81
    data = encode(
        interchange(group(claim_set("0001", replaced(CLAIM[11], f"NM1*IL*1*DOE*JANE****MI*{member_id}"))))
    )
    findings, notes = deep_validate(data)
    assert notes == []
    assert summary(findings) == [("1", "0001", "element", "5", "NM1", 13, 15, "2010BA")]
    finding = findings[0].finding
    assert (finding.element_position, finding.element_ref, finding.bad_value) == ("9", "67", member_id)
    assert finding.message == "NM109 Subscriber Primary Identifier at position 13: data element too long"
    assert member_id not in str(finding.as_public_dict())


def test_set_level_errors_are_reported_at_the_trailer() -> None:
    wrong_count = [*claim_set("0001")[:-1], "SE*99*0001"]
    findings, notes = deep_validate(encode(interchange(group(wrong_count))))
    assert notes == []
    assert summary(findings) == [("1", "0001", "set", "4", "SE", 23, 25, "")]
    assert findings[0].finding.message == "transaction set: SE01 segment count is wrong"


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (b"", "pyx12 skipped: the file is empty"),
        (b"hello, this is not X12", "pyx12 skipped: the data does not start with an ISA segment"),
        (b"ISA*00*   ", "pyx12 skipped: the ISA segment is truncated"),
    ],
)
def test_garbage_gives_a_note(data: bytes, note: str) -> None:
    findings, notes = deep_validate(data)
    assert findings == []
    assert len(notes) == 1 and notes[0].startswith(note)


def test_a_truncated_file_gives_a_note_and_what_pyx12_found() -> None:
    whole = encode(interchange(group(claim_set("0001"))))
    findings, notes = deep_validate(whole[: whole.index(b"LX*1")])
    assert notes == ["interchange ISA13 000000101 has no IEA (truncated file)"]
    assert summary(findings) == [("1", "0001", "set", "2", "ST", 1, 3, "")]  # SE missing


def test_837d_has_no_pyx12_map_and_is_skipped() -> None:
    data = encode(interchange(group(claim_set("0001", version=DENTAL), version=DENTAL)))
    assert deep_validate(data) == (
        [],
        ["pyx12 has no map for HC 005010X224A2 (ISA13 000000101, GS06 1); 1 transaction set(s) skipped"],
    )


def test_only_the_group_without_a_map_is_skipped() -> None:
    bad_professional = claim_set("0001", replaced(CLAIM[16], "CLM*PCN0001****11:B:1*Y*A*Y*Y"))
    dental = group(claim_set("0001", version=DENTAL), version=DENTAL, control="2")
    findings, notes = deep_validate(encode(interchange(dental, group(bad_professional, control="3"))))
    assert summary(findings) == [("3", "0001", "element", "1", "CLM", 18, 45, "2300")]
    assert notes == [
        "pyx12 has no map for HC 005010X224A2 (ISA13 000000101, GS06 2); 1 transaction set(s) skipped"
    ]


def test_a_set_pyx12_would_check_against_the_wrong_map_is_skipped() -> None:
    data = encode(interchange(group(claim_set("0001", version=DENTAL), claim_set("0002"))))
    findings, notes = deep_validate(data)
    assert findings == []
    assert notes == [
        "transaction set ST02 0001 (ISA13 000000101, GS06 1) has ST03 005010X224A2 but GS08 005010X222A1, "
        "so pyx12 would use the wrong map; skipped"
    ]


def test_an_errata_version_is_checked_with_the_nearest_map() -> None:
    data = encode(interchange(group(claim_set("0001", version="005010X222A2"), version="005010X222A2")))
    assert deep_validate(data) == (
        [],
        [
            "005010X222A2 sets (ISA13 000000101, GS06 1) were checked with pyx12's 005010X222A1 map, "
            "the nearest it has"
        ],
    )


def test_a_pyx12_crash_becomes_a_note_and_other_interchanges_still_count() -> None:
    # pyx12 4.0.0 raises IndexError on a composite with more components than its map defines
    crashing = replaced(CLAIM[16], "CLM*PCN0001*100***11:B:1:2:3:4:5:6*Y*A*Y*Y")
    bad = replaced(CLAIM[16], "CLM*PCN0001****11:B:1*Y*A*Y*Y")
    data = encode(
        interchange(group(claim_set("0001", crashing))),
        interchange(group(claim_set("0001", bad)), control="000000102"),
    )
    findings, notes = deep_validate(data)
    assert notes == ["pyx12 could not validate this file: IndexError (ISA13 000000101)"]
    assert [(d.isa_control_number, d.finding.segment_ordinal) for d in findings] == [("000000102", 47)]


def test_max_segments_skips_big_files() -> None:
    data = encode(interchange(group(claim_set("0001"))))
    assert deep_validate(data, max_segments=27) == ([], [])
    assert deep_validate(data, max_segments=26) == ([], ["pyx12 skipped: the file has more than 26 segments"])


def test_pyx12_logs_nothing(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    member_id = "M" * 81
    data = encode(
        interchange(group(claim_set("0001", replaced(CLAIM[11], f"NM1*IL*1*DOE*JANE****MI*{member_id}"))))
    )
    findings, _ = deep_validate(data)
    assert findings  # pyx12 did find the error, and would have logged it with the value
    assert [r for r in caplog.records if r.name.startswith("pyx12")] == []
    captured = capsys.readouterr()
    assert member_id not in captured.out + captured.err


def test_public_samples(corpus: Path) -> None:
    professional = corpus / "linuxforhealth-x12" / "demo-file_demo.837"
    findings, notes = deep_validate(professional.read_bytes())
    assert findings == []
    assert len(notes) == 1 and "checked with pyx12's 005010X222A1 map" in notes[0]
    dental = next((corpus / "stupidedi").glob("*X224A2*"))
    assert deep_validate(dental.read_bytes())[0] == []
    assert "pyx12 has no map for HC 005010X224A2" in deep_validate(dental.read_bytes())[1][0]


def test_interchanges_before_unreadable_data_are_still_checked() -> None:
    bad = replaced(CLAIM[16], "CLM*PCN0001****11:B:1*Y*A*Y*Y")
    findings, notes = deep_validate(encode(interchange(group(claim_set("0001", bad)))) + b"ISA*00*  ")
    assert summary(findings) == [("1", "0001", "element", "1", "CLM", 18, 20, "2300")]
    assert notes == [
        "the file stops being readable X12 after segment 27: "
        "the ISA segment is truncated (premature end of file)"
    ]
