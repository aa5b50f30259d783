"""999 and TA1 writers: exact output for hand-built results, X12 structure, and pyx12 accepting our 999s."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

import pytest
import pyx12.params
import pyx12.x12n_document

from claimlake.x12.acks import MAX_IK3_PER_SET, render_999, render_ta1
from claimlake.x12.findings import (
    Finding,
    GroupResult,
    InterchangeResult,
    Level,
    SetResult,
    SetStatus,
    Severity,
)

NOW = datetime(2024, 1, 16, 9, 5)
ISA_999 = (
    "ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SUBMITTER      *240116*0905*^*00501*"
    "000000005*0*T*:~"
)
ENVELOPE_999 = [ISA_999, "GS*FA*RECEIVER*SUBMITTER*20240116*0905*5*X*005010X231A1~"]
TRAILER_999 = ["GE*1*5~", "IEA*1*000000005~"]


def received(**changes: Any) -> InterchangeResult:
    values: dict[str, Any] = {
        "control_number": "000000101",
        "sender_qualifier": "ZZ",
        "sender_id": "SUBMITTER",
        "receiver_qualifier": "ZZ",
        "receiver_id": "RECEIVER",
        "date": "240115",
        "time": "1230",
        "version": "00501",
        "usage": "T",
    }
    return InterchangeResult(**(values | changes))


def claim_set(control: str, status: SetStatus = SetStatus.ACCEPTED, *findings: Finding) -> SetResult:
    return SetResult("837", control, "005010X222A1", status=status, findings=list(findings))


def group(
    *sets: SetResult, findings: list[Finding] | None = None, declared: int | None = None
) -> GroupResult:
    return GroupResult(
        "HC",
        "17",
        "005010X222A1",
        sender_id="SUBMITTER",
        receiver_id="RECEIVER",
        sets=list(sets),
        findings=findings or [],
        declared_set_count=declared,
    )


def segment_error(code: str, seg: str, position: int, loop: str = "", **extra: Any) -> Finding:
    return Finding(
        Level.SEGMENT, code, "test", segment_id=seg, segment_position=position, loop_id=loop, **extra
    )


def element_error(code: str, seg: str, position: int, element: str, **extra: Any) -> Finding:
    return Finding(
        Level.ELEMENT,
        code,
        "test",
        segment_id=seg,
        segment_position=position,
        element_position=element,
        **extra,
    )


def ack_999(grp: GroupResult, interchange: InterchangeResult | None = None) -> str:
    return render_999(
        interchange or received(), grp, sender_qualifier="", sender_id="", control_number=5, now=NOW
    )


def lines(text: str) -> list[str]:
    return text.splitlines()


def transaction_set(text: str) -> list[str]:
    """The ST..SE part of a 999, one segment a line."""
    body = lines(text)
    return body[body.index("ST*999*0001*005010X231A1~") : -2]


def assert_well_formed(text: str, terminator: str = "~", element: str = "*") -> None:
    """ISA fixed width, SE01 = ST..SE count, GE/IEA counts, every segment ends with the terminator."""
    body = lines(text)
    assert all(line.endswith(terminator) for line in body)
    assert len(body[0]) == 106
    assert text.endswith(terminator + "\n")
    ids = [line.split(element)[0] for line in body]
    if "ST" in ids:
        st, se = ids.index("ST"), ids.index("SE")
        assert body[se].split(element)[1] == str(se - st + 1)
        assert body[-2].split(element)[1] == "1"  # GE01
    assert body[-1].split(element)[1] == ("1" if "GS" in ids else "0")  # IEA01
    assert body[-1].split(element)[2].rstrip(terminator) == body[0][90:99]  # IEA02 = ISA13


def pyx12_errors(text: str) -> list[tuple[str, str]]:
    """Every error pyx12 reports on a document, as (where, code); [] when it finds it valid."""
    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        pyx12.params.ParamsBase(), io.StringIO(text), None, None, None, report
    )
    errors = list(_walk(json.loads(report.getvalue())))
    assert valid or errors, "pyx12 rejected the document without saying why"
    return errors


def _walk(node: Any, where: str = "") -> Any:
    if isinstance(node, dict):
        here = str(node.get("seg_id") or node.get("ele_pos") or where)
        for error in node.get("errors", []):
            yield here, error["err_cde"]
        for value in node.values():
            if isinstance(value, list):
                for child in value:
                    yield from _walk(child, here)


# --- 999 ------------------------------------------------------------------------------------------------


def test_999_all_accepted() -> None:
    text = ack_999(group(claim_set("0001"), claim_set("0002")))
    assert lines(text) == [
        *ENVELOPE_999,
        "ST*999*0001*005010X231A1~",
        "AK1*HC*17*005010X222A1~",
        "AK2*837*0001*005010X222A1~",
        "IK5*A~",
        "AK2*837*0002*005010X222A1~",
        "IK5*A~",
        "AK9*A*2*2*2~",
        "SE*8*0001~",
        *TRAILER_999,
    ]
    assert_well_formed(text)
    assert pyx12_errors(text) == []


def test_999_segment_and_element_errors_with_claim_context() -> None:
    findings = [
        element_error(
            "7", "CLM", 18, "5:3", loop_id="2300", element_ref="1325", bad_value="9", context="PCN0001"
        ),
        segment_error("I4", "DTP", 23, "2400", context="PCN0001"),
        segment_error("2", "NM1", 12, "2010BB"),
        element_error("1", "NM1", 12, "9", loop_id="2010BB", element_ref="67"),
        Finding(Level.CLAIM, "BAL837", "claim charge differs from the line total", snip=3),
        segment_error("8", "REF", 14, severity=Severity.NOTE),
    ]
    text = ack_999(group(claim_set("0001", SetStatus.ACCEPTED_WITH_ERRORS, *findings)))
    assert transaction_set(text) == [
        "ST*999*0001*005010X231A1~",
        "AK1*HC*17*005010X222A1~",
        "AK2*837*0001*005010X222A1~",
        "IK3*NM1*12*2010*2~",
        "IK3*NM1*12*2010*8~",
        "IK4*9*67*1~",
        "IK3*CLM*18*2300*8~",
        "CTX*CLM01:PCN0001~",
        "IK4*5:3*1325*7*9~",
        "IK3*DTP*23*2400*I4~",
        "CTX*CLM01:PCN0001~",
        "IK5*E*5~",
        "AK9*E*1*1*1~",
        "SE*14*0001~",
    ]
    assert_well_formed(text)
    assert pyx12_errors(text) == []


def test_999_one_rejected_set_is_a_partial_acceptance() -> None:
    rejected = claim_set(
        "0002",
        SetStatus.REJECTED,
        Finding(Level.SET, "4", "SE01 is 23, 24 segments counted"),
        Finding(Level.SET, "NOTANIK5", "a claimlake set rule"),
        segment_error("I4", "DTP", 23, "2400"),
    )
    text = ack_999(group(claim_set("0001"), rejected))
    assert transaction_set(text) == [
        "ST*999*0001*005010X231A1~",
        "AK1*HC*17*005010X222A1~",
        "AK2*837*0001*005010X222A1~",
        "IK5*A~",
        "AK2*837*0002*005010X222A1~",
        "IK3*DTP*23*2400*I4~",
        "IK5*R*4*I5~",
        "AK9*P*2*2*1~",
        "SE*9*0001~",
    ]
    assert_well_formed(text)
    assert pyx12_errors(text) == []


def test_999_all_rejected_reports_group_codes_and_ge01() -> None:
    bad_count = Finding(Level.GROUP, "5", "GE01 says 3, 2 sets counted")
    text = ack_999(
        group(
            claim_set("0001", SetStatus.REJECTED, segment_error("3", "NM1", 17, "2010BB")),
            claim_set("0002", SetStatus.REJECTED),
            findings=[bad_count, Finding(Level.GROUP, "X1", "not an AK905 code")],
            declared=3,
        )
    )
    assert transaction_set(text) == [
        "ST*999*0001*005010X231A1~",
        "AK1*HC*17*005010X222A1~",
        "AK2*837*0001*005010X222A1~",
        "IK3*NM1*17*2010*3~",
        "IK5*R*5~",
        "AK2*837*0002*005010X222A1~",
        "IK5*R*I5~",
        "AK9*R*3*2*0*5~",
        "SE*9*0001~",
    ]
    assert_well_formed(text)
    assert pyx12_errors(text) == []


def test_999_claim_findings_with_an_ik304_code_are_reported_others_are_not() -> None:
    reportable = Finding(Level.CLAIM, "I8", "test", segment_id="HI", segment_position=19, loop_id="2300")
    balancing = Finding(Level.CLAIM, "BAL837", "test", segment_id="CLM", segment_position=18)
    text = ack_999(group(claim_set("0001", SetStatus.REJECTED, balancing, reportable)))
    assert [line for line in lines(text) if line.startswith(("IK3", "IK5"))] == [
        "IK3*HI*19*2300*I8~",
        "IK5*R*I5~",
    ]


def test_999_leaves_out_what_the_999_cannot_carry() -> None:
    findings = [
        element_error("7", "CLM", 18, "5", context="X" * 36, bad_value="A:B"),  # CTX too long, IK404 has ":"
        element_error("7", "CLM", 18, "CLM05"),  # no usable IK401
        element_error("HL1", "HL", 6, "1"),  # pyx12's own code, not an IK403 code
        segment_error("1", "JOHN SMITH", 7),  # not a segment id: never echo it
        segment_error("3", "NM1", 0),  # no position
    ]
    text = ack_999(group(claim_set("0001", SetStatus.REJECTED, *findings)))
    assert transaction_set(text)[2:5] == ["AK2*837*0001*005010X222A1~", "IK3*CLM*18**8~", "IK4*5**7~"]
    assert "JOHN" not in text and "CTX" not in text
    assert pyx12_errors(text) == []


def test_999_ctx_only_for_837_claims() -> None:
    finding = segment_error("8", "CLP", 5, "2100", context="CLAIM1")
    remit_set = SetResult("835", "0001", "005010X221A1", status=SetStatus.REJECTED, findings=[finding])
    remit = GroupResult("HP", "9", "005010X221A1", sets=[remit_set])
    text = ack_999(remit)
    assert "CTX" not in text
    assert "IK3*CLP*5*2100*8~" in lines(text)


def test_999_caps_segment_loops_per_set() -> None:
    findings = [
        segment_error("I4", "DTP", position, "2400") for position in range(10, 10 + MAX_IK3_PER_SET + 50)
    ]
    text = ack_999(group(claim_set("0001", SetStatus.REJECTED, *findings)))
    ik3 = [line for line in lines(text) if line.startswith("IK3")]
    assert len(ik3) == MAX_IK3_PER_SET
    assert ik3[0] == "IK3*DTP*10*2400*I4~" and ik3[-1] == f"IK3*DTP*{9 + MAX_IK3_PER_SET}*2400*I4~"
    assert_well_formed(text)


def test_999_uses_the_received_delimiters() -> None:
    interchange = received(
        element_separator="|", component_separator=">", repetition_separator="!", segment_terminator="'"
    )
    finding = element_error("7", "CLM", 18, "5:3", loop_id="2300", context="PCN0001")
    text = ack_999(group(claim_set("0001", SetStatus.REJECTED, finding)), interchange)
    body = lines(text)
    assert body[0] == ISA_999.replace("*", "|").replace("^", "!").replace(":~", ">'")
    assert "CTX|CLM01>PCN0001'" in body and "IK4|5>3||7'" in body
    assert_well_formed(text, terminator="'", element="|")
    assert pyx12_errors(text) == []


def test_999_sender_override_and_production_usage() -> None:
    text = render_999(
        received(usage="P"),
        group(claim_set("0001")),
        sender_qualifier="30",
        sender_id="123456789",
        control_number=987654321,
        now=NOW,
    )
    assert lines(text)[0] == (
        "ISA*00*          *00*          *30*123456789      *ZZ*SUBMITTER      *240116*0905*^*00501*"
        "987654321*0*P*:~"
    )
    assert lines(text)[-1] == "IEA*1*987654321~"


@pytest.mark.parametrize("control_number", [0, -1, 1_000_000_000])
def test_999_control_number_must_fit_isa13(control_number: int) -> None:
    with pytest.raises(ValueError, match="control_number"):
        render_999(
            received(), group(), sender_qualifier="", sender_id="", control_number=control_number, now=NOW
        )


# --- TA1 ------------------------------------------------------------------------------------------------


def ta1(interchange: InterchangeResult) -> str:
    return render_ta1(interchange, sender_qualifier="", sender_id="", control_number=6, now=NOW)


def test_ta1_accepted() -> None:
    text = ta1(received(ack_requested=True))
    assert lines(text) == [
        ISA_999.replace("000000005", "000000006"),
        "TA1*000000101*240115*1230*A*000~",
        "IEA*0*000000006~",
    ]
    assert_well_formed(text)


def test_ta1_rejected_reports_the_first_error_code() -> None:
    findings = [
        Finding(Level.INTERCHANGE, "022", "the interchange has no IEA"),
        Finding(Level.INTERCHANGE, "001", "IEA02 differs from ISA13"),
    ]
    text = ta1(received(findings=findings, rejected=True))
    assert lines(text)[1:] == ["TA1*000000101*240115*1230*R*022~", "IEA*0*000000006~"]
    assert_well_formed(text)


def test_ta1_falls_back_to_standard_delimiters_when_the_received_ones_are_unusable() -> None:
    interchange = received(element_separator="A", findings=[Finding(Level.INTERCHANGE, "026", "bad")])
    text = ta1(interchange)
    assert lines(text)[1] == "TA1*000000101*240115*1230*E*026~"
    assert_well_formed(text)


def test_ta1_never_says_000_for_a_rejection() -> None:
    text = ta1(received(rejected=True, findings=[Finding(Level.INTERCHANGE, "LOCAL1", "no TA105 code")]))
    assert lines(text)[1] == "TA1*000000101*240115*1230*R*022~"


def test_the_pyx12_check_catches_a_bad_999() -> None:
    """Guards the check above: the 999 TR3 allows four characters in IK303 and no IK502 code 99."""
    text = ack_999(
        group(claim_set("0001", SetStatus.ACCEPTED_WITH_ERRORS, segment_error("2", "NM1", 12, "2010BB")))
    )
    assert pyx12_errors(text) == []
    assert pyx12_errors(text.replace("*2010*", "*2010BB*")) == [("3", "5")]  # IK303 too long
    assert pyx12_errors(text.replace("IK5*E*5~", "IK5*E*99~")) == [("2", "7")]  # IK502 invalid code


def test_999_with_newline_as_the_segment_terminator_has_no_blank_lines() -> None:
    sets = group(claim_set("0001"))
    text = ack_999(sets, received(segment_terminator="\n"))
    assert text == ack_999(sets).replace("~\n", "\n")
