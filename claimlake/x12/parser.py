"""Parse X12 files: envelopes (SNIP 1), transaction sets through their mapping, rows into a sink.

Policy: load every transaction set that can be understood and report everything. An envelope that
cannot be read rejects the interchange (TA1); a set whose structure cannot be followed is rejected
(IK5 R) and its rows are rolled back; claim-level findings keep the rows, flagged. ``strict`` rejects
a set on any SNIP 1-2 error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from claimlake.x12.checks import _Base, checker_for
from claimlake.x12.findings import (
    Finding,
    GroupResult,
    InterchangeResult,
    Level,
    SetResult,
    SetStatus,
    Severity,
    X12Error,
    X12SyntaxError,
)
from claimlake.x12.registry import MappingRegistry
from claimlake.x12.sinks import RowSink
from claimlake.x12.tokenizer import Segment, Tokenizer
from claimlake.x12.walker import SetWalker

FILE_ID_LENGTH = 32
_GROUP_FOR_SET = {"837": "HC", "835": "HP", "834": "BE", "999": "FA", "270": "HS", "271": "HB", "276": "HR",
                  "277": "HN", "278": "HI", "820": "RA", "997": "FA"}


def file_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:FILE_ID_LENGTH]


def sha256_of_path(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_id_of_path(path: Path) -> str:
    return sha256_of_path(path)[:FILE_ID_LENGTH]


@dataclass
class FileResult:
    path: str
    file_id: str
    interchanges: list[InterchangeResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # file-level: not X12 at all, empty, unreadable
    notes: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    encoding: str = ""
    segments: int = 0
    acks: list[str] = field(default_factory=list)

    def sets(self) -> Iterator[tuple[InterchangeResult, GroupResult, SetResult]]:
        for interchange in self.interchanges:
            for group in interchange.groups:
                for tset in group.sets:
                    yield interchange, group, tset

    @property
    def status(self) -> str:
        """accepted | accepted_with_errors | rejected."""
        sets = [s for _, _, s in self.sets()]
        accepted = [s for s in sets if s.status is not SetStatus.REJECTED]
        if not accepted or (any(i.rejected for i in self.interchanges) and not accepted):
            return "rejected"
        problems = (
            len(accepted) != len(sets)
            or any(s.has_errors() for s in sets)
            or any(f.severity is Severity.ERROR for f in self.all_findings())
        )
        return "accepted_with_errors" if problems else "accepted"

    def all_findings(self) -> Iterator[Finding]:
        yield from self.findings
        for interchange in self.interchanges:
            yield from interchange.findings
            for group in interchange.groups:
                yield from group.findings
                for tset in group.sets:
                    yield from tset.findings


def _f(level: Level, code: str, message: str, seg: Segment | None = None, **kw: object) -> Finding:
    return Finding(
        level=level,
        code=code,
        message=message,
        segment_id=seg.elements[0] if seg else "",
        segment_ordinal=seg.ordinal if seg else 0,
        byte_offset=seg.offset if seg else -1,
        **kw,  # type: ignore[arg-type]
    )


def _el(elements: list[str], index: int) -> str:
    return elements[index] if index < len(elements) else ""


class _OpenSet:
    """A transaction set being read: its result, walker (None when skipped) and checker."""

    def __init__(self, result: SetResult, walker: SetWalker | None, checker: _Base | None) -> None:
        self.result, self.walker, self.checker = result, walker, checker


class FileParser:
    """Drives one file through the tokenizer, the envelope checks and the set walkers."""

    def __init__(
        self,
        registry: MappingRegistry,
        sink: RowSink,
        *,
        file_id: str,
        strict: bool = False,
        extra: dict[tuple[str, str, str], list[Finding]] | None = None,
    ) -> None:
        self.registry = registry
        self.extra = extra or {}
        self.sink = sink
        self.file_id = file_id
        self.strict = strict
        self.result = FileResult(path="", file_id=file_id)
        self._interchange: InterchangeResult | None = None
        self._group: GroupResult | None = None
        self._set: _OpenSet | None = None
        self._tokenizer: Tokenizer | None = None
        self._group_ids: set[str] = set()
        self._set_ids: set[str] = set()

    # ----- driver -----------------------------------------------------------------------------
    def parse(self, stream: BinaryIO, path: str = "") -> FileResult:
        self.result.path = path
        counts_before = self.sink.counts()
        try:
            self._tokenizer = Tokenizer(stream, on_finding=self._interchange_finding)
            self.result.encoding = self._tokenizer.encoding
            self._read(self._tokenizer)
            self.result.segments = self._tokenizer.ordinal
        except X12SyntaxError as exc:
            self._unreadable(exc)
        self._end_of_file()
        after = self.sink.counts()
        self.result.tables = {t: n - counts_before.get(t, 0) for t, n in after.items() if n - counts_before.get(t, 0)}
        return self.result

    def _read(self, tok: Tokenizer) -> None:
        """The hot loop: body segments go straight to the open set's walker."""
        handlers = {"ISA": self._isa, "GS": self._gs, "ST": self._st, "SE": self._se, "GE": self._ge,
                    "IEA": self._iea}
        feed = None
        for elements in tok.elements():
            handler = handlers.get(elements[0])
            if handler is None:
                if feed is not None:
                    feed(elements, tok.ordinal)
                elif self._set is None:
                    self._stray(Segment(elements, tok.ordinal, tok.offset))
                continue
            handler(Segment(elements, tok.ordinal, tok.offset))
            walker = self._set.walker if self._set is not None else None
            feed = walker.feed if walker is not None else None

    def _stray(self, seg: Segment) -> None:
        if self._interchange is not None and not self._interchange.rejected:
            self._interchange.findings.append(_f(Level.INTERCHANGE, "024", f"segment {seg.elements[0][:3]} outside "
                                                 "a transaction set", seg, severity=Severity.ERROR))

    # ----- interchange ------------------------------------------------------------------------
    def _isa(self, seg: Segment) -> None:
        if self._interchange is not None:
            self._close_interchange(premature=True)
        e = seg.elements
        assert self._tokenizer is not None and self._tokenizer.delimiters is not None
        d = self._tokenizer.delimiters
        ic = InterchangeResult(
            control_number=_el(e, 13).strip(), sender_qualifier=_el(e, 5).strip(), sender_id=_el(e, 6).strip(),
            receiver_qualifier=_el(e, 7).strip(), receiver_id=_el(e, 8).strip(), date=_el(e, 9), time=_el(e, 10),
            version=_el(e, 12), ack_requested=_el(e, 14) == "1", usage=_el(e, 15), element_separator=d.element,
            component_separator=d.component, repetition_separator=d.repetition or "^",
            segment_terminator=d.segment, start_ordinal=seg.ordinal, byte_offset=seg.offset,
        )
        self._interchange = ic
        self.result.interchanges.append(ic)
        self._group_ids = set()
        if not self._tokenizer.isa_fixed_width:
            ic.findings.append(_f(Level.INTERCHANGE, "022", "the ISA segment is not 106 characters wide", seg,
                                  severity=Severity.WARNING))
        if ic.version != "00501":
            ic.rejected = True
            ic.findings.append(_f(Level.INTERCHANGE, "017", f"interchange version {ic.version or '(empty)'} is not "
                                  "supported: only X12 005010 (ISA12 00501) is", seg))
        if not (len(ic.control_number) == 9 and ic.control_number.isdigit()):
            ic.findings.append(_f(Level.INTERCHANGE, "018", "ISA13 is not a 9-digit control number", seg))
        if _el(e, 14) not in ("0", "1"):
            ic.findings.append(_f(Level.INTERCHANGE, "019", "ISA14 must be 0 or 1", seg, severity=Severity.WARNING))
        if ic.usage not in ("P", "T"):
            ic.findings.append(_f(Level.INTERCHANGE, "020", "ISA15 must be P or T", seg, severity=Severity.WARNING))

    def _iea(self, seg: Segment) -> None:
        ic = self._interchange
        if ic is None:
            return
        if self._set is not None:
            self._abort_set("2", "transaction set trailer (SE) missing before IEA")
        if self._group is not None:
            self._close_group(missing_ge=True)
        if _el(seg.elements, 2).strip() != ic.control_number:
            ic.findings.append(_f(Level.INTERCHANGE, "001", "IEA02 does not match ISA13", seg))
        declared = _el(seg.elements, 1)
        if not declared.isdigit() or int(declared) != len(ic.groups):
            ic.findings.append(_f(Level.INTERCHANGE, "021", "IEA01 does not match the number of functional groups",
                                  seg))
        self._interchange = None

    def _close_interchange(self, *, premature: bool) -> None:
        ic = self._interchange
        if ic is None:
            return
        if self._set is not None:
            self._abort_set("2", "transaction set trailer (SE) missing: premature end of data")
        if self._group is not None:
            self._close_group(missing_ge=True)
        if premature:
            ic.findings.append(Finding(level=Level.INTERCHANGE, code="023",
                                       message="interchange trailer (IEA) missing: premature end of file"))
        self._interchange = None

    def _interchange_finding(self, finding: Finding) -> None:
        target = self._interchange.findings if self._interchange is not None else self.result.findings
        target.append(finding)

    def _unreadable(self, exc: X12SyntaxError) -> None:
        message = str(exc)
        if self._interchange is None and not self.result.interchanges:
            self.result.findings.append(Finding(level=Level.INTERCHANGE, code=exc.ta1_code, message=message))
            return
        if self._interchange is not None:
            self._interchange.findings.append(Finding(level=Level.INTERCHANGE, code=exc.ta1_code, message=message))
        else:
            unreadable = InterchangeResult(control_number="", rejected=True)
            unreadable.findings.append(Finding(level=Level.INTERCHANGE, code=exc.ta1_code, message=message))
            self.result.interchanges.append(unreadable)

    def _end_of_file(self) -> None:
        if self._interchange is not None:
            self._close_interchange(premature=True)

    # ----- functional group --------------------------------------------------------------------
    def _gs(self, seg: Segment) -> None:
        ic = self._interchange
        if ic is None or ic.rejected:
            return
        if self._set is not None:
            self._abort_set("2", "transaction set trailer (SE) missing before GS")
        if self._group is not None:
            self._close_group(missing_ge=True)
        e = seg.elements
        group = GroupResult(functional_id=_el(e, 1), control_number=_el(e, 6), version=_el(e, 8),
                            sender_id=_el(e, 2), receiver_id=_el(e, 3), date=_el(e, 4), time=_el(e, 5))
        if group.control_number in self._group_ids:
            group.findings.append(_f(Level.GROUP, "6", "GS06 is not unique within the interchange", seg))
        if not group.control_number.isdigit():
            group.findings.append(_f(Level.GROUP, "6", "GS06 is not a numeric control number", seg))
        self._group_ids.add(group.control_number)
        ic.groups.append(group)
        self._group = group
        self._set_ids = set()

    def _ge(self, seg: Segment) -> None:
        group = self._group
        if group is None:
            return
        if self._set is not None:
            self._abort_set("2", "transaction set trailer (SE) missing before GE")
        declared = _el(seg.elements, 1)
        group.declared_set_count = int(declared) if declared.isdigit() else None
        if group.declared_set_count != len(group.sets):
            group.findings.append(_f(Level.GROUP, "5", "GE01 does not match the number of transaction sets", seg))
        if _el(seg.elements, 2) != group.control_number:
            group.findings.append(_f(Level.GROUP, "4", "GE02 does not match GS06", seg))
        self._close_group(missing_ge=False)

    def _close_group(self, *, missing_ge: bool) -> None:
        group = self._group
        if group is None:
            return
        if missing_ge:
            group.findings.append(Finding(level=Level.GROUP, code="3", message="functional group trailer (GE) "
                                          "missing"))
        self._group = None

    # ----- transaction set -----------------------------------------------------------------------
    def _st(self, seg: Segment) -> None:
        if self._set is not None:
            self._abort_set("2", "transaction set trailer (SE) missing before the next ST")
        group = self._group
        if group is None:
            if self._interchange is not None and not self._interchange.rejected:
                self._interchange.findings.append(_f(Level.INTERCHANGE, "024", "ST outside a functional group", seg))
            return
        e = seg.elements
        set_id, control, version = _el(e, 1), _el(e, 2), _el(e, 3) or group.version
        result = SetResult(set_id=set_id, control_number=control, version=version, start_ordinal=seg.ordinal)
        group.sets.append(result)
        self._set = _OpenSet(result, None, None)
        if control in self._set_ids:
            self._set_finding("23", "ST02 is not unique within the functional group", seg)
        self._set_ids.add(control)
        if _el(e, 3) and group.version and _el(e, 3) != group.version:
            self._set_finding("19", "ST03 differs from GS08", seg, severity=Severity.WARNING)
        mapping = self.registry.find(set_id, version)
        if mapping is None:
            self._reject_unsupported(seg, set_id, version)
            return
        if group.functional_id != mapping.functional_group:
            self._set_finding("6", f"transaction set {set_id} must travel in a GS01 {mapping.functional_group} "
                              "functional group", seg)
        self._start_walker(seg, mapping, result)

    def _start_walker(self, seg: Segment, mapping: object, result: SetResult) -> None:
        from claimlake.x12.compiler import CompiledMapping

        assert isinstance(mapping, CompiledMapping) and self._set is not None
        ic, group = self._interchange, self._group
        assert ic is not None and group is not None and self._tokenizer is not None
        headers = self.registry.headers
        checker = checker_for(mapping.transaction_set, headers, result.findings.append, seg.ordinal)

        hooks = checker.hooks()
        write = self.sink.write

        def emit(table: str, row: list[str]) -> None:
            hook = hooks.get(table)
            if hook is not None:
                hook(row)
            write(table, row)

        walker = SetWalker(mapping, result, emit=emit,
                           lineage=(self.file_id, ic.control_number, group.control_number, result.control_number),
                           component_separator=ic.component_separator)
        self._set.walker, self._set.checker = walker, checker
        self.sink.begin_set()
        walker.start(seg.elements)

    def _reject_unsupported(self, seg: Segment, set_id: str, version: str) -> None:
        known = self.registry.supports_set(set_id)
        code = "I6" if known else "1"
        what = f"transaction set {set_id or '(empty)'} version {version or '(empty)'}"
        self._set_finding(code, f"{what} is not supported (claimlake reads 834 005010X220A1, 835 005010X221A1, "
                          "837P 005010X222A1/A2, 837I 005010X223A2/A3, 837D 005010X224A2)", seg)
        assert self._set is not None
        self._set.result.status = SetStatus.REJECTED

    def _set_finding(self, code: str, message: str, seg: Segment, severity: Severity = Severity.ERROR) -> None:
        assert self._set is not None
        self._set.result.findings.append(_f(Level.SET, code, message, seg, severity=severity,
                                            segment_position=seg.ordinal - self._set.result.start_ordinal + 1))

    def _se(self, seg: Segment) -> None:
        open_set = self._set
        if open_set is None:
            if self._interchange is not None:
                self._interchange.findings.append(_f(Level.INTERCHANGE, "024", "SE without ST", seg))
            return
        result = open_set.result
        result.segment_count = seg.ordinal - result.start_ordinal + 1
        declared = _el(seg.elements, 1)
        if not declared.isdigit() or int(declared) != result.segment_count:
            self._set_finding("4", "SE01 does not match the number of segments in the transaction set", seg)
        if _el(seg.elements, 2) != result.control_number:
            self._set_finding("3", "SE02 does not match ST02", seg)
        self._finish_set(seg)

    def _finish_set(self, seg: Segment | None) -> None:
        open_set = self._set
        assert open_set is not None
        result, walker = open_set.result, open_set.walker
        if self._interchange is not None and self._group is not None:
            key = (self._interchange.control_number, self._group.control_number, result.control_number)
            result.findings.extend(self.extra.get(key, []))
        if walker is not None:
            walker.finish()
            assert open_set.checker is not None
            open_set.checker.on_set_end(walker.root)
            rejected = walker.rejected or result.status is SetStatus.REJECTED or (
                self.strict and any(f.snip in (1, 2) and f.severity is Severity.ERROR for f in result.findings)
            )
            if rejected:
                result.status = SetStatus.REJECTED
                self.sink.rollback_set()
            else:
                syntax = any(f.level in (Level.SET, Level.SEGMENT, Level.ELEMENT) and f.severity is Severity.ERROR
                             for f in result.findings)
                result.status = SetStatus.ACCEPTED_WITH_ERRORS if syntax else SetStatus.ACCEPTED
                self.sink.commit_set()
        self._write_envelope(result, seg)
        self._set = None

    def _abort_set(self, code: str, message: str) -> None:
        open_set = self._set
        assert open_set is not None
        open_set.result.findings.append(Finding(level=Level.SET, code=code, message=message))
        open_set.result.status = SetStatus.REJECTED
        if open_set.walker is not None:
            self.sink.rollback_set()
        self._write_envelope(open_set.result, None)
        self._set = None

    def _write_envelope(self, result: SetResult, seg: Segment | None) -> None:
        header = self.registry.headers.get("envelope")
        ic, group = self._interchange, self._group
        if header is None or ic is None or group is None:
            return
        values = {
            "file_id": self.file_id, "isa_control_number": ic.control_number,
            "gs_control_number": group.control_number, "st_control_number": result.control_number,
            "segment_ordinal": str(result.start_ordinal), "sender_qualifier": ic.sender_qualifier,
            "sender_id": ic.sender_id, "receiver_qualifier": ic.receiver_qualifier, "receiver_id": ic.receiver_id,
            "interchange_yymmdd": ic.date, "interchange_hhmm": ic.time, "usage_indicator": ic.usage,
            "functional_id_code": group.functional_id, "application_sender_id": group.sender_id,
            "application_receiver_id": group.receiver_id, "group_date": group.date, "group_time": group.time,
            "transaction_set_id": result.set_id, "implementation_version": result.version,
            "segment_count": str(result.segment_count) if seg is not None else "",
            "declared_segment_count": _el(seg.elements, 1) if seg is not None else "",
            "ack_status_code": result.status.value,
            "error_count": str(sum(1 for f in result.findings if f.severity is Severity.ERROR)),
        }
        self.sink.write("envelope", [values.get(c, "") for c in header])


__all__ = ["FileParser", "FileResult", "X12Error", "file_id_of", "file_id_of_path"]
