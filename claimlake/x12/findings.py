"""Findings: what validation reports, and the per-interchange / group / set results acks are built from.

A finding never carries PHI in its ``message``: it names segments, positions and codes, not values.
The only value-bearing field is ``context`` (the claim's CLM01 for the 999 CTX segment) and
``bad_value`` (IK404), both of which go back to the sender in the ack and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Level(StrEnum):
    INTERCHANGE = "interchange"  # TA1 territory (ISA/IEA)
    GROUP = "group"  # AK9 territory (GS/GE)
    SET = "set"  # IK5 territory (ST/SE, structure)
    SEGMENT = "segment"  # IK3
    ELEMENT = "element"  # IK4
    CLAIM = "claim"  # balancing / code checks on one claim, payment or member


@dataclass(slots=True)
class Finding:
    level: Level
    code: str  # TA105 / AK905 / IK502 / IK304 / IK403 code, or a claimlake rule id (e.g. "BAL837")
    message: str  # human readable, no PHI
    snip: int = 1  # WEDI SNIP type 1..7
    severity: Severity = Severity.ERROR
    segment_id: str = ""  # e.g. "CLM"
    segment_position: int = 0  # position within the transaction set, ST = 1 (IK302)
    segment_ordinal: int = 0  # position within the file, first segment = 1
    byte_offset: int = -1
    loop_id: str = ""  # e.g. "2300" (IK303)
    element_position: str = ""  # "5" or "5:3" (IK401)
    element_ref: str = ""  # data element reference number (IK402), when known
    bad_value: str = ""  # IK404; goes to the ack only
    context: str = ""  # business context for CTX, e.g. CLM01; goes to the ack only
    source: str = "claimlake"  # or "pyx12"

    def as_public_dict(self) -> dict[str, object]:
        """The PHI-free view used by the CLI JSON output and logs."""
        return {
            "level": self.level.value,
            "code": self.code,
            "message": self.message,
            "segment": self.segment_id,
            "segment_position": self.segment_position,
            "segment_ordinal": self.segment_ordinal,
            "loop": self.loop_id,
            "snip": self.snip,
            "severity": self.severity.value,
            "source": self.source,
        }


class SetStatus(StrEnum):
    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    REJECTED = "R"


@dataclass(slots=True)
class SetResult:
    """One ST/SE transaction set (one AK2 loop of the 999)."""

    set_id: str  # ST01
    control_number: str  # ST02
    version: str  # ST03 (or GS08 when ST03 is absent)
    start_ordinal: int = 0
    status: SetStatus = SetStatus.ACCEPTED
    findings: list[Finding] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    segment_count: int = 0  # segments counted ST..SE inclusive

    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


@dataclass(slots=True)
class GroupResult:
    """One GS/GE functional group (one 999)."""

    functional_id: str  # GS01
    control_number: str  # GS06
    version: str  # GS08
    sender_id: str = ""  # GS02
    receiver_id: str = ""  # GS03
    date: str = ""  # GS04
    time: str = ""  # GS05
    sets: list[SetResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # AK905 group-level
    declared_set_count: int | None = None  # GE01

    @property
    def accepted_count(self) -> int:
        return sum(1 for s in self.sets if s.status is not SetStatus.REJECTED)

    def ack_code(self) -> str:
        """AK901: A, E, P (some rejected) or R (all rejected or the group itself is bad)."""
        if any(f.severity is Severity.ERROR for f in self.findings) and not self.sets:
            return "R"
        rejected = sum(1 for s in self.sets if s.status is SetStatus.REJECTED)
        if self.sets and rejected == len(self.sets):
            return "R"
        if rejected:
            return "P"
        if any(s.status is SetStatus.ACCEPTED_WITH_ERRORS for s in self.sets) or any(
            f.severity is Severity.ERROR for f in self.findings
        ):
            return "E"
        return "A"


@dataclass(slots=True)
class InterchangeResult:
    """One ISA/IEA interchange (one TA1 when needed)."""

    control_number: str  # ISA13
    sender_qualifier: str = ""
    sender_id: str = ""
    receiver_qualifier: str = ""
    receiver_id: str = ""
    date: str = ""  # ISA09 YYMMDD
    time: str = ""  # ISA10 HHMM
    version: str = ""  # ISA12
    ack_requested: bool = False  # ISA14 == "1"
    usage: str = ""  # ISA15 P/T
    element_separator: str = "*"
    component_separator: str = ":"
    repetition_separator: str = "^"
    segment_terminator: str = "~"
    start_ordinal: int = 0
    byte_offset: int = 0
    groups: list[GroupResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # TA1-level
    rejected: bool = False  # the envelope could not be read: nothing in it was loaded

    def ta1_code(self) -> str:
        """TA105: the first interchange-level error code, or 000."""
        for f in self.findings:
            if f.severity is Severity.ERROR:
                return f.code
        return "000"

    def ta1_ack_code(self) -> str:
        """TA104: A, E or R."""
        if self.rejected:
            return "R"
        if any(f.severity is Severity.ERROR for f in self.findings):
            return "E"
        return "A"

    def needs_ta1(self) -> bool:
        return self.ack_requested or self.rejected or any(
            f.severity is Severity.ERROR for f in self.findings
        )


class X12Error(Exception):
    """Base of every error the X12 engine raises on purpose. The message never carries PHI."""


class X12SyntaxError(X12Error):
    """The bytes cannot be read as X12 at all (no ISA, bad delimiters, truncated ISA).

    ``ta1_code`` is the TA105 code that describes the problem.
    """

    def __init__(self, message: str, ta1_code: str = "022") -> None:
        super().__init__(message)
        self.ta1_code = ta1_code


class X12MappingError(X12Error):
    """A mapping file is invalid (a bug in mappings/, not in the input)."""
