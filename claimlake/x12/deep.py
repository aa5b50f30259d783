"""Deep validation: pyx12's implementation-guide checks (WEDI SNIP 2), behind a guard.

pyx12 runs through its public entry point ``x12n_document`` (JSON error report plus a per-segment
callback) on a copy of each interchange that holds only the transaction sets pyx12 has the right map
for. The copy is rebuilt from claimlake's tokenizer, so pyx12 sees the same segments, and each pyx12
line maps back to the file's segment ordinal and byte offset. Sets are left out, with a note, when:

* pyx12 has no map for the group's GS01/GS08 (837D 005010X224A2, unknown versions);
* ST01 is not the transaction the map is for, or ST03 differs from GS08 (pyx12 picks its map from GS08
  only, so it would check e.g. a dental claim against the professional map).

Errata versions pyx12 4.0.0 has no map for are checked with the nearest map (``ERRATA_MAPS``), with a
note; GS08/ST03 are rewritten in the copy only. Envelope errors (ISA/IEA, GS/GE) that pyx12 reports are
dropped: the envelope is claimlake's own job, and the copy's trailers no longer match once sets are left
out. pyx12's own codes ("HL1", "HL2", "LX", "SEG1") are kept as pyx12 gives them; acks leaves them out.

Nothing pyx12 does may escape: exceptions become notes, and the ``pyx12`` logger (which logs segment
contents, i.e. PHI) is cut off from every handler. Messages name segments, positions and codes only;
values go to ``bad_value`` and nowhere else.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyx12.map_index
import pyx12.params
import pyx12.x12n_document

from claimlake.x12.acks import IK5_CODES, IK304_CODES, IK403_CODES
from claimlake.x12.findings import Finding, Level, Severity, X12SyntaxError
from claimlake.x12.tokenizer import Delimiters, Segment, Tokenizer

CRASH_NOTE = "pyx12 could not validate this file: "
ERRATA_MAPS = {"005010X222A2": "005010X222A1", "005010X223A3": "005010X223A2"}

_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_ISA13 = 13
_SAFE_ID = re.compile(r"[A-Za-z0-9]{1,15}")
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_MISSING_LOOP = re.compile(r'^Mandatory loop ".*" \((\d\w{0,5})\) missing')
_PYX12_CODES = {
    "HL1": "HL01 does not count up from 1 within the transaction set",
    "HL2": "HL02 does not name an earlier HL01",
    "LX": "LX01 does not count up from 1 within the claim",
    "SEG1": "segment ends with empty elements",
}


@dataclass(slots=True)
class DeepFinding:
    """One pyx12 finding with the control numbers of the set it is in."""

    isa_control_number: str
    gs_control_number: str
    st_control_number: str
    finding: Finding  # level SEGMENT/ELEMENT/SET, snip=2, source="pyx12", severity ERROR


@dataclass(frozen=True, slots=True)
class _MapChoice:
    version: str  # GS08/ST03 as pyx12 sees it
    set_id: str  # the ST01 the map is for


@dataclass(frozen=True, slots=True)
class _Where:
    """Where one line pyx12 reads came from."""

    segment_id: str = ""
    ordinal: int = 0
    offset: int = -1
    position: int = 0  # in its transaction set, ST = 1; 0 outside a set


@dataclass(slots=True)
class _Group:
    isa13: str
    gs06: str
    fic: str
    gs08: str
    choice: _MapChoice | None
    lines: list[tuple[str, _Where]] = field(default_factory=list)
    kept: int = 0
    skipped: int = 0

    def label(self) -> str:
        return f"ISA13 {self.isa13}, GS06 {self.gs06}"


@dataclass(slots=True)
class _Unit:
    """One interchange as pyx12 sees it: the ISA, the groups with sets it can check, the trailer."""

    isa13: str
    terminator: str
    lines: list[str] = field(default_factory=list)
    where: list[_Where] = field(default_factory=list)
    groups: int = 0

    def add(self, text: str, where: _Where) -> None:
        self.lines.append(text)
        self.where.append(where)

    def text(self) -> str:
        return "".join(line + self.terminator for line in self.lines)

    def locate(self, line: object) -> _Where:
        """pyx12 counts lines from 1 (the ISA)."""
        if isinstance(line, int) and 0 < line <= len(self.where):
            return self.where[line - 1]
        return _Where()


class _TooLargeError(Exception):
    pass


def deep_validate(data: bytes, *, max_segments: int | None = None) -> tuple[list[DeepFinding], list[str]]:
    """Run pyx12's implementation-guide validation; return findings and notes. Never raises."""
    _silence_pyx12_logging()
    notes: list[str] = []
    try:
        units = _split(data, max_segments, notes)
    except _TooLargeError:
        return [], [f"pyx12 skipped: the file has more than {max_segments} segments"]
    except X12SyntaxError as exc:  # its messages carry no PHI by contract
        return [], [f"pyx12 skipped: {exc}"]
    except Exception as exc:  # a tokenizer bug must not take the pipeline down either
        return [], [f"{CRASH_NOTE}{type(exc).__name__}"]
    findings: list[DeepFinding] = []
    for unit in units:
        findings.extend(_validate_unit(unit, notes))
    return findings, notes


def _silence_pyx12_logging() -> None:
    """pyx12 logs segment contents and bad values (PHI): keep every record away from every handler."""
    logger = logging.getLogger("pyx12")
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())  # stops logging's last-resort stderr handler


# --- cutting the file into what pyx12 can check ---------------------------------------------------------


def _split(data: bytes, max_segments: int | None, notes: list[str]) -> list[_Unit]:
    tokenizer = Tokenizer(io.BytesIO(data))
    splitter = _Splitter(notes)
    try:
        for count, segment in enumerate(tokenizer, start=1):
            if max_segments is not None and count > max_segments:
                raise _TooLargeError
            if tokenizer.delimiters is not None:
                splitter.feed(segment, tokenizer.delimiters)
    except X12SyntaxError as exc:
        if splitter.unit is None and not splitter.units:
            raise
        notes.append(f"the file stops being readable X12 after segment {tokenizer.ordinal}: {exc}")
    return splitter.finish()


class _Splitter:
    """Segments in, one ``_Unit`` per interchange out, holding only the sets pyx12 has a map for."""

    def __init__(self, notes: list[str]) -> None:
        self.notes = notes
        self.units: list[_Unit] = []
        self.unit: _Unit | None = None
        self.group: _Group | None = None
        self.keep_set: bool | None = None  # None between sets
        self.position = 0

    def feed(self, segment: Segment, delims: Delimiters) -> None:
        handlers = {"ISA": self._isa, "GS": self._gs, "ST": self._st, "GE": self._ge, "IEA": self._iea}
        handlers.get(segment.elements[0], self._other)(segment, delims)

    def finish(self) -> list[_Unit]:
        if self.unit is not None:
            self.notes.append(f"interchange ISA13 {self.unit.isa13} has no IEA (truncated file)")
            self._close_unit()
        return self.units

    def _isa(self, segment: Segment, delims: Delimiters) -> None:
        if self.unit is not None:
            self.notes.append(f"interchange ISA13 {self.unit.isa13} has no IEA before the next ISA")
            self._close_unit()
        isa = _isa_text(segment.elements, delims)
        if isa is None:
            self.notes.append(f"the ISA at segment {segment.ordinal} cannot be read; interchange skipped")
            return
        self.unit = _Unit(isa13=_safe(segment.elements[_ISA13].strip()), terminator=delims.segment)
        self.unit.add(isa, _where(segment, 0))

    def _gs(self, segment: Segment, delims: Delimiters) -> None:
        if self.unit is None:
            return
        self._close_group()
        elements = segment.elements
        fic, gs08 = _element(elements, 1), _element(elements, 8)
        choice = _map_for(_isa_version(self.unit), fic, gs08)
        self.group = _Group(self.unit.isa13, _safe(_element(elements, 6)), fic, gs08, choice)
        if choice is not None and choice.version != gs08:
            elements = [*elements[:8], choice.version, *elements[9:]]
        self.group.lines.append((delims.element.join(elements), _where(segment, 0)))

    def _st(self, segment: Segment, delims: Delimiters) -> None:
        self.keep_set, self.position = False, 1
        if self.group is None:
            if self.unit is not None:
                self.notes.append(
                    f"the transaction set at segment {segment.ordinal} is outside a group; skipped"
                )
            return
        elements = segment.elements
        problem = _set_mismatch(self.group, elements)
        if problem:
            st02 = _safe(_element(elements, 2))
            self.notes.append(f"transaction set ST02 {st02} ({self.group.label()}) {problem}; skipped")
        if problem or self.group.choice is None:
            self.group.skipped += 1
            return
        self.group.kept += 1
        self.keep_set = True
        if _element(elements, 3) == self.group.gs08:
            elements = [*elements[:3], self.group.choice.version, *elements[4:]]
        self.group.lines.append((delims.element.join(elements), _where(segment, 1)))

    def _other(self, segment: Segment, delims: Delimiters) -> None:
        if self.keep_set is not None:
            self.position += 1
        if self.group is not None and self.keep_set is not False:
            where = _where(segment, self.position if self.keep_set else 0)
            self.group.lines.append((delims.element.join(segment.elements), where))
        if segment.elements[0] == "SE":
            self.keep_set = None

    def _ge(self, segment: Segment, delims: Delimiters) -> None:
        if self.group is not None:
            self.group.lines.append((delims.element.join(segment.elements), _where(segment, 0)))
            self._close_group()

    def _iea(self, segment: Segment, delims: Delimiters) -> None:
        if self.unit is not None:
            self._close_group()
            self.unit.add(delims.element.join(segment.elements), _where(segment, 0))
            self._close_unit()

    def _close_group(self) -> None:
        group, unit = self.group, self.unit
        self.group, self.keep_set = None, None
        if group is None or unit is None:
            return
        if group.choice is None and group.skipped:
            self.notes.append(
                f"pyx12 has no map for {_safe(group.fic)} {_safe(group.gs08)} ({group.label()}); "
                f"{group.skipped} transaction set(s) skipped"
            )
        if not group.kept:
            return
        if group.choice is not None and group.choice.version != group.gs08:
            self.notes.append(
                f"{_safe(group.gs08)} sets ({group.label()}) were checked with pyx12's "
                f"{group.choice.version} map, the nearest it has"
            )
        for text, where in group.lines:
            unit.add(text, where)
        unit.groups += 1

    def _close_unit(self) -> None:
        self._close_group()
        if self.unit is not None and self.unit.groups:
            self.units.append(self.unit)
        self.unit = None


def _isa_text(fields: list[str], delims: Delimiters) -> str | None:
    """The ISA at its fixed 106-character width (pyx12 reads it by offset), or None when it cannot be."""
    if len(fields) != len(_ISA_WIDTHS) + 1:
        return None
    padded = [fields[0]]
    for index, (value, width) in enumerate(zip(fields[1:], _ISA_WIDTHS, strict=True), start=1):
        if len(value) > width:
            return None
        padded.append(value.rjust(width, "0") if index == _ISA13 else value.ljust(width))
    return delims.element.join(padded)


def _isa_version(unit: _Unit) -> str:
    return unit.lines[0][84:89]


@lru_cache(maxsize=1)
def _map_index() -> Any:
    return pyx12.map_index.map_index()


def _map_for(icvn: str, fic: str, gs08: str) -> _MapChoice | None:
    if not fic or not gs08:
        return None
    version = ERRATA_MAPS.get(gs08, gs08)
    index = _map_index()
    abbr = index.get_abbr(icvn, version, fic)
    if not abbr or not index.get_filename(icvn, version, fic):
        return None
    return _MapChoice(version=version, set_id=abbr[:3])


def _set_mismatch(group: _Group, elements: list[str]) -> str:
    """Why pyx12 would check this set against the wrong map; "" when it would not."""
    if group.choice is None:
        return ""
    st01, st03 = _element(elements, 1), _element(elements, 3)
    if st01 != group.choice.set_id:
        return f"has ST01 {_safe(st01)}, not the {group.choice.set_id} of its group's {_safe(group.gs08)} map"
    if st03 and st03 != group.gs08:
        return f"has ST03 {_safe(st03)} but GS08 {_safe(group.gs08)}, so pyx12 would use the wrong map"
    return ""


def _where(segment: Segment, position: int) -> _Where:
    return _Where(segment.elements[0], segment.ordinal, segment.offset, position)


def _element(elements: list[str], index: int) -> str:
    return elements[index].strip() if index < len(elements) else ""


def _safe(value: str) -> str:
    """An envelope id fit for a note: control numbers and version ids, never free text."""
    return value if _SAFE_ID.fullmatch(value) else "(invalid)"


# --- running pyx12 and reading its report ---------------------------------------------------------------


def _validate_unit(unit: _Unit, notes: list[str]) -> list[DeepFinding]:
    try:
        report, loops = _run_pyx12(unit.text())
        if report is None:
            notes.append(f"pyx12 could not read interchange ISA13 {unit.isa13}; skipped")
            return []
        return sorted(_deep_findings(report, unit, loops), key=lambda d: d.finding.segment_ordinal)
    except Exception as exc:  # pyx12 raises on some real files; nothing may escape, and no traceback (PHI)
        notes.append(f"{CRASH_NOTE}{type(exc).__name__} (ISA13 {unit.isa13})")
        return []


def _run_pyx12(text: str) -> tuple[dict[str, Any] | None, dict[int, str]]:
    """pyx12's JSON error report (None when it could not read the ISA) and the loop id of each line."""
    loops: dict[int, str] = {}

    def remember_loop(seg: Any, src: Any, node: Any, valid: bool) -> None:
        if node.id == seg.get_seg_id() and node.get_parent() is not None:
            loop_id = str(node.get_parent().id)
            if loop_id[:1].isdigit():  # not ISA_LOOP, HEADER, DETAIL and the like
                loops[src.get_cur_line()] = loop_id

    report = io.StringIO()
    pyx12.x12n_document.x12n_document(
        pyx12.params.ParamsBase(), io.StringIO(text), None, None, None, report, callback=remember_loop
    )
    raw = report.getvalue()
    return (json.loads(raw) if raw else None), loops


def _deep_findings(report: dict[str, Any], unit: _Unit, loops: dict[int, str]) -> Iterator[DeepFinding]:
    for isa in report.get("interchanges", []):
        isa13 = str(isa.get("isa_trn_set_id") or unit.isa13)
        for gs in isa.get("groups", []):
            gs06 = str(gs.get("gs_control_num") or "")
            for st in gs.get("transactions", []):
                st02 = str(st.get("trn_set_control_num") or "")
                for finding in _set_findings(st, unit, loops):
                    yield DeepFinding(isa13, gs06, st02, finding)


def _set_findings(st: dict[str, Any], unit: _Unit, loops: dict[int, str]) -> Iterator[Finding]:
    where = unit.locate(st.get("cur_line"))
    spot = _Spot(where.segment_id, where.position, where.ordinal, where.offset)
    for error in st.get("errors", []):
        code = str(error.get("err_cde"))
        yield spot.finding(Level.SET, code, f"transaction set: {_describe(code, IK5_CODES)}")
    for segment in st.get("segments", []):
        yield from _segment_findings(segment, unit, loops)


@dataclass(frozen=True, slots=True)
class _Spot:
    """The location every finding about one segment shares."""

    segment_id: str
    position: int
    ordinal: int
    offset: int
    loop_id: str = ""

    def finding(
        self,
        level: Level,
        code: str,
        message: str,
        *,
        loop_id: str | None = None,
        element_position: str = "",
        element_ref: str = "",
        bad_value: str = "",
    ) -> Finding:
        return Finding(
            level=level,
            code=code,
            message=message,
            snip=2,
            severity=Severity.ERROR,
            segment_id=self.segment_id,
            segment_position=self.position,
            segment_ordinal=self.ordinal,
            byte_offset=self.offset,
            loop_id=self.loop_id if loop_id is None else loop_id,
            element_position=element_position,
            element_ref=element_ref,
            bad_value=bad_value,
            source="pyx12",
        )

    def subject(self) -> str:
        return f"{self.segment_id or 'unrecognized'} segment at position {self.position}"


def _segment_findings(segment: dict[str, Any], unit: _Unit, loops: dict[int, str]) -> Iterator[Finding]:
    line = segment.get("cur_line")
    where = unit.locate(line)
    seg_id = str(segment.get("seg_id") or "")
    spot = _Spot(
        segment_id=seg_id if _SEGMENT_ID.fullmatch(seg_id) else "",
        position=_int(segment.get("seg_count")),
        ordinal=where.ordinal,
        offset=where.offset,
        loop_id=loops.get(line, "") if isinstance(line, int) else "",
    )
    for error in segment.get("errors", []):
        code = str(error.get("err_cde"))
        message = f"{spot.subject()}: {_describe(code, IK304_CODES)}"
        loop_id = _error_loop(code, str(error.get("err_str") or ""), spot.loop_id)
        yield spot.finding(Level.SEGMENT, code, message, loop_id=loop_id, bad_value=_value(error))
    for element in segment.get("elements", []):
        yield from _element_findings(element, spot)


def _error_loop(code: str, err_str: str, present_loop: str) -> str:
    """The loop of the segment in error: none for one pyx12 did not recognise, the missing one for code 3."""
    if code == "1":
        return ""
    if code == "3":
        match = _MISSING_LOOP.match(err_str)  # pyx12's own wording, naming a map loop: no data in it
        return match.group(1) if match else ""
    return present_loop


def _element_findings(element: dict[str, Any], spot: _Spot) -> Iterator[Finding]:
    number, component = _int(element.get("ele_pos")), _int(element.get("subele_pos"))
    position = f"{number}:{component}" if component else str(number)
    label = f"{spot.segment_id}{number:02d}" + (f"-{component}" if component else "")
    ref = str(element.get("ele_ref_num") or "")
    name = str(element.get("name") or "")  # the implementation guide's element name, not data
    for error in element.get("errors", []):
        code = str(error.get("err_cde"))
        message = f"{label} {name} at position {spot.position}: {_describe(code, IK403_CODES)}"
        yield spot.finding(
            Level.ELEMENT,
            code,
            message,
            element_position=position,
            element_ref=ref if ref.isdigit() else "",
            bad_value=_value(error),
        )


def _describe(code: str, codes: dict[str, str]) -> str:
    return codes.get(code) or _PYX12_CODES.get(code) or f"pyx12 error {_safe(code)}"


def _value(error: dict[str, Any]) -> str:
    value = error.get("err_val")
    return "" if value is None else str(value)


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0
