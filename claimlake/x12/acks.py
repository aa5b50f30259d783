"""999 and TA1 writers: validation results in, acknowledgment interchange text out. Pure, no I/O.

What reaches the 999 (005010X231A1) and why:

* The 999 reports syntax and implementation-guide errors (WEDI SNIP 1-2). A finding is written only
  where the 999 has a code for it: SEGMENT findings (and CLAIM findings whose code is a valid IK304
  code) become IK3 loops, ELEMENT findings with a valid IK403 code become IK4 segments, SET findings
  with a valid IK502 code go to IK5, GROUP findings with a valid AK905 code go to AK9. Everything else
  (balancing "BAL837", code-set checks, pyx12's own "HL1"/"LX" codes) stays in claimlake's JSON report;
  the 277CA is the claim-level acknowledgment for those.
* IK3/IK4 loops are written only for sets the 999 does not accept outright (IK501 E or R), and only for
  findings of severity error or warning. An accepted set is ``AK2`` + ``IK5*A``.
* An IK4 always sits under an IK3 with code 8 ("segment has data element errors") for its segment:
  the existing one, or one written for it. Other IK3 codes for the same segment get their own loop,
  which is also how pyx12 writes its 999s.
* IK303 carries the first four characters of the loop id ("2010AA" -> "2010"): data element 447 is
  AN 1/4. CTX (business unit identifier, ``CTX*CLM01:<value>``) follows the IK3 when the finding has a
  ``context`` and the set is an 837; a value over the 35 characters CTX01-2 allows is left out rather
  than cut, since a cut CLM01 would name another claim. IK404 is left out when it holds a delimiter or
  is over 99 characters.
* IK5 lists up to five distinct set codes, then "5" when any IK3/IK4 written for the set carries an
  X12 standard code (a numeric IK304 or IK403 code), else "I5" (implementation-guide errors only). A set
  that is not accepted always gets at least one IK502 code, as the TR3 requires.
* At most ``MAX_IK3_PER_SET`` IK3 loops are written per set: the TR3 sets no limit, but a file that
  is bad throughout must not produce an acknowledgment bigger than itself. The full list is in the
  JSON report, and the IK5/AK9 codes still say what happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from claimlake.x12.findings import (
    Finding,
    GroupResult,
    InterchangeResult,
    Level,
    SetResult,
    SetStatus,
    Severity,
)

ACK_VERSION = "005010X231A1"
ISA_VERSION = "00501"
MAX_IK3_PER_SET = 100
MAX_CONTROL_NUMBER = 999_999_999

IK304_CODES: dict[str, str] = {
    "1": "unrecognized segment ID",
    "2": "unexpected segment",
    "3": "required segment missing",
    "4": "loop occurs over maximum times",
    "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set",
    "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "I4": "implementation 'not used' segment present",
    "I6": "implementation dependent segment missing",
    "I7": "implementation loop occurs under minimum times",
    "I8": "implementation segment below minimum use",
    "I9": "implementation dependent 'not used' segment present",
}
IK403_CODES: dict[str, str] = {
    "1": "required data element missing",
    "2": "conditional required data element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
    "12": "too many repetitions",
    "13": "too many components",
    "I6": "code value not used in implementation",
    "I9": "implementation dependent data element missing",
    "I10": "implementation 'not used' data element present",
    "I11": "implementation too few repetitions",
    "I12": "implementation pattern match failure",
    "I13": "implementation dependent 'not used' data element present",
}
IK5_CODES: dict[str, str] = {
    "1": "transaction set not supported",
    "2": "transaction set trailer missing",
    "3": "ST02 and SE02 control numbers do not match",
    "4": "SE01 segment count is wrong",
    "5": "one or more segments in error",
    "6": "missing or invalid transaction set identifier",
    "7": "missing or invalid transaction set control number",
    "18": "transaction set not in a functional group",
    "19": "invalid transaction set implementation convention reference",
    "23": "transaction set control number not unique within the group",
    "I5": "implementation one or more segments in error",
    "I6": "implementation convention not supported",
}
AK905_CODES: dict[str, str] = {
    "1": "functional group not supported",
    "2": "functional group version not supported",
    "3": "functional group trailer missing",
    "4": "GS06 and GE02 control numbers do not match",
    "5": "GE01 transaction set count is wrong",
    "6": "group control number syntax error",
}
TA105_CODES = frozenset(f"{n:03d}" for n in range(32))

_MAX_BAD_VALUE = 99  # IK404, data element 724
_MAX_CONTEXT = 35  # CTX01-2, data element 9998
_MAX_LOOP_ID = 4  # IK303, data element 447
_CONTEXT_NAME = {"837": "CLM01"}  # CTX01-1 per acknowledged transaction set
_REPETITION_CANDIDATES = "^{|!"


@dataclass(frozen=True, slots=True)
class _Delimiters:
    element: str
    component: str
    repetition: str
    segment: str


_STANDARD = _Delimiters(element="*", component=":", repetition="^", segment="~")


@dataclass(slots=True)
class _Segments:
    """Segments of one outgoing interchange, written with the received delimiters."""

    delims: _Delimiters
    items: list[str] = field(default_factory=list)

    def add(self, *elements: str) -> None:
        self.items.append(self.delims.element.join(_trim(elements)))

    def composite(self, *components: str) -> str:
        return self.delims.component.join(_trim(components))

    def clean(self, value: str, max_length: int) -> str:
        """``value`` when it fits in one element as it is, else "" (never cut, never a broken structure)."""
        if len(value) > max_length or any(d in value for d in self._chars()):
            return ""
        return value

    def render(self) -> str:
        eol = "" if self.delims.segment in "\r\n" else "\n"
        return "".join(item + self.delims.segment + eol for item in self.items)

    def _chars(self) -> tuple[str, ...]:
        d = self.delims
        return (d.element, d.component, d.repetition, d.segment)


@dataclass(slots=True)
class _SegmentLoop:
    """One 2100 loop: an IK3, its CTX and, for code 8, the IK4s under it."""

    segment_id: str
    position: int
    code: str
    loop_id: str = ""
    context: str = ""
    elements: list[Finding] = field(default_factory=list)


def render_999(
    interchange: InterchangeResult,
    group: GroupResult,
    *,
    sender_qualifier: str,
    sender_id: str,
    control_number: int,
    now: datetime,
) -> str:
    """The 999 interchange (ISA..IEA) acknowledging one received functional group.

    ``sender_qualifier``/``sender_id`` are our ISA05/ISA06; an empty value means the received ISA07/ISA08.
    ``control_number`` becomes ISA13 (zero-padded to 9) and GS06.
    """
    out = _Segments(_delimiters(interchange))
    our_id = sender_id or interchange.receiver_id
    out.add(*_isa(interchange, out.delims, sender_qualifier, sender_id, control_number, now))
    out.add(*_gs(interchange, group, our_id, control_number, now))
    start = len(out.items)
    out.add("ST", "999", "0001", ACK_VERSION)
    out.add("AK1", group.functional_id, group.control_number, group.version)
    for result in group.sets:
        _add_set(out, result)
    _add_ak9(out, group)
    out.add("SE", str(len(out.items) - start + 1), "0001")
    out.add("GE", "1", str(control_number))
    out.add("IEA", "1", _isa13(control_number))
    return out.render()


def render_ta1(
    interchange: InterchangeResult,
    *,
    sender_qualifier: str,
    sender_id: str,
    control_number: int,
    now: datetime,
) -> str:
    """The TA1 interchange (ISA, TA1, IEA with IEA01 = 0) acknowledging one received interchange."""
    out = _Segments(_delimiters(interchange))
    out.add(*_isa(interchange, out.delims, sender_qualifier, sender_id, control_number, now))
    received = interchange.control_number
    out.add(
        "TA1",
        received.zfill(9) if received.isdigit() else received,
        interchange.date,
        interchange.time,
        interchange.ta1_ack_code(),
        _ta105(interchange),
    )
    out.add("IEA", "0", _isa13(control_number))
    return out.render()


# --- envelope -------------------------------------------------------------------------------------------


def _delimiters(interchange: InterchangeResult) -> _Delimiters:
    """The received delimiters; the standard ones when those cannot be used (e.g. a TA1 for 026/027)."""
    element, component = interchange.element_separator, interchange.component_separator
    segment, repetition = interchange.segment_terminator, interchange.repetition_separator
    if not repetition:
        repetition = next((c for c in _REPETITION_CANDIDATES if c not in (element, component, segment)), "")
    chars = (element, component, repetition, segment)
    usable = all(len(c) == 1 and not c.isalnum() and c != " " for c in chars) and len(set(chars)) == 4
    return _Delimiters(element, component, repetition, segment) if usable else _STANDARD


def _isa(
    interchange: InterchangeResult,
    delims: _Delimiters,
    sender_qualifier: str,
    sender_id: str,
    control_number: int,
    now: datetime,
) -> list[str]:
    """ISA elements: sender and receiver swapped, ISA12 00501, ISA14 0, the received ISA15 (P if unknown)."""
    return [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        _fixed(sender_qualifier or interchange.receiver_qualifier, 2, "ZZ"),
        _fixed(sender_id or interchange.receiver_id, 15, "CLAIMLAKE"),
        _fixed(interchange.sender_qualifier, 2, "ZZ"),
        _fixed(interchange.sender_id, 15, "UNKNOWN"),
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        delims.repetition,
        ISA_VERSION,
        _isa13(control_number),
        "0",
        interchange.usage or "P",
        delims.component,
    ]


def _gs(
    interchange: InterchangeResult, group: GroupResult, our_id: str, control_number: int, now: datetime
) -> list[str]:
    """GS*FA: application codes swapped, falling back to the ISA ids when the group's are unknown."""
    return [
        "GS",
        "FA",
        group.receiver_id or our_id.strip(),
        group.sender_id or interchange.sender_id.strip(),
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        str(control_number),
        "X",
        ACK_VERSION,
    ]


def _fixed(value: str, width: int, default: str) -> str:
    """A fixed-width ISA party field. The received values may be malformed (that is often why a TA1 goes
    back): keep printable characters, cut to the width, and use ``default`` when nothing is left."""
    value = "".join(ch for ch in value if ch.isprintable()).strip()[:width].strip() or default
    return value.ljust(width)


def _isa13(control_number: int) -> str:
    if not 0 < control_number <= MAX_CONTROL_NUMBER:
        raise ValueError(f"control_number must be 1 to {MAX_CONTROL_NUMBER}")
    return f"{control_number:09d}"


def _ta105(interchange: InterchangeResult) -> str:
    """TA105: the interchange's own code when valid, else its first valid error code, else 000/022."""
    code = interchange.ta1_code()
    ack = interchange.ta1_ack_code()
    if code in TA105_CODES and (code != "000" or ack == "A"):
        return code
    errors = (f.code for f in interchange.findings if f.severity is Severity.ERROR and f.code in TA105_CODES)
    fallback = "000" if ack == "A" else "022"  # 022: invalid control structure, the generic rejection
    return next((c for c in errors if c != "000"), fallback)


# --- one transaction set (2000 loop) --------------------------------------------------------------------


def _add_set(out: _Segments, result: SetResult) -> None:
    out.add("AK2", result.set_id, result.control_number, result.version)
    loops = _segment_loops(result)[:MAX_IK3_PER_SET] if result.status is not SetStatus.ACCEPTED else []
    for loop in loops:
        _add_segment_loop(out, loop, result.set_id)
    out.add("IK5", result.status.value, *_ik5_codes(result, loops))


def _segment_loops(result: SetResult) -> list[_SegmentLoop]:
    """IK3 loops in segment order; per segment, its own codes first and the code-8 loop (with IK4s) last."""
    noted = [f for f in result.findings if f.severity is not Severity.NOTE]
    loops: dict[tuple[int, str, str], _SegmentLoop] = {}
    for finding in noted:
        if _is_segment_error(finding):
            _loop_for(loops, finding, finding.code)
    for finding in noted:
        if _is_element_error(finding):
            _loop_for(loops, finding, "8").elements.append(finding)
    return sorted(loops.values(), key=lambda loop: (loop.position, loop.segment_id, loop.code == "8"))


def _loop_for(loops: dict[tuple[int, str, str], _SegmentLoop], finding: Finding, code: str) -> _SegmentLoop:
    key = (finding.segment_position, finding.segment_id, code)
    loop = loops.setdefault(key, _SegmentLoop(finding.segment_id, finding.segment_position, code))
    loop.loop_id = loop.loop_id or finding.loop_id
    loop.context = loop.context or finding.context
    return loop


def _is_located(finding: Finding) -> bool:
    segment_id = finding.segment_id
    return 2 <= len(segment_id) <= 3 and segment_id.isalnum() and 0 < finding.segment_position <= 999_999


def _is_segment_error(finding: Finding) -> bool:
    reportable = finding.level in (Level.SEGMENT, Level.CLAIM) and finding.code in IK304_CODES
    return reportable and _is_located(finding)


def _is_element_error(finding: Finding) -> bool:
    return (
        finding.level is Level.ELEMENT
        and finding.code in IK403_CODES
        and _is_located(finding)
        and _element_position(finding.element_position) is not None
    )


def _element_position(text: str) -> tuple[int, ...] | None:
    """(element, component[, repetition]) from "5" or "5:3"; None when it cannot go into IK401."""
    parts = text.split(":")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() and len(p) <= 2 for p in parts):
        return None
    numbers = tuple(int(p) for p in parts)
    return numbers if numbers[0] > 0 else None


def _add_segment_loop(out: _Segments, loop: _SegmentLoop, set_id: str) -> None:
    out.add("IK3", loop.segment_id, str(loop.position), loop.loop_id[:_MAX_LOOP_ID], loop.code)
    context = out.clean(loop.context, _MAX_CONTEXT)
    if context and set_id in _CONTEXT_NAME:
        out.add("CTX", out.composite(_CONTEXT_NAME[set_id], context))
    seen: set[tuple[str, str, str]] = set()
    for finding in sorted(loop.elements, key=lambda f: _element_position(f.element_position) or ()):
        key = (finding.element_position, finding.code, finding.bad_value)
        if key not in seen:
            seen.add(key)
            _add_element_note(out, finding)


def _add_element_note(out: _Segments, finding: Finding) -> None:
    position = _element_position(finding.element_position) or ()
    ref = finding.element_ref if finding.element_ref.isdigit() and len(finding.element_ref) <= 4 else ""
    bad_value = out.clean(finding.bad_value, _MAX_BAD_VALUE)
    out.add("IK4", out.composite(*(str(p) for p in position)), ref, finding.code, bad_value)


def _ik5_codes(result: SetResult, loops: list[_SegmentLoop]) -> list[str]:
    if result.status is SetStatus.ACCEPTED:
        return []
    codes = _distinct(
        f.code
        for f in result.findings
        if f.level is Level.SET and f.severity is not Severity.NOTE and f.code in IK5_CODES
    )
    summary = _segments_in_error_code(loops)
    if (loops or not codes) and summary not in codes:
        return [*codes[:4], summary]
    return codes[:5]


def _segments_in_error_code(loops: list[_SegmentLoop]) -> str:
    """5 when an X12 standard syntax code is reported, I5 when only implementation-guide codes are."""
    element_codes = [f.code for loop in loops for f in loop.elements]
    codes = element_codes + [loop.code for loop in loops if not loop.elements]
    return "5" if any(not code.startswith("I") for code in codes) else "I5"


# --- group trailer --------------------------------------------------------------------------------------


def _add_ak9(out: _Segments, group: GroupResult) -> None:
    code = group.ack_code()
    errors: list[str] = []
    if code != "A":
        noted = (f.code for f in group.findings if f.severity is not Severity.NOTE and f.code in AK905_CODES)
        errors = _distinct(noted)[:5]
    declared = group.declared_set_count if group.declared_set_count is not None else len(group.sets)
    out.add("AK9", code, str(declared), str(len(group.sets)), str(group.accepted_count), *errors)


# --- helpers --------------------------------------------------------------------------------------------


def _trim(values: Iterable[str]) -> list[str]:
    """Drop trailing empty elements/components, as X12 requires."""
    items = list(values)
    while items and items[-1] == "":
        items.pop()
    return items


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
