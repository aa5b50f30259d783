"""X12 output: segment helpers and an interchange writer that keeps every envelope count exact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from claimlake.generate.dates import d8, yymmdd

ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
TERMINATOR = "~\n"
USAGE_INDICATOR = "P"  # synthetic, but shaped like production traffic so the local pipeline loads it


def seg(*elements: str) -> str:
    """Join elements into a segment, dropping trailing empty elements."""
    return ELEMENT.join(elements).rstrip(ELEMENT)


def comp(*components: str) -> str:
    """Join components into a composite element, dropping trailing empty components."""
    return COMPONENT.join(components).rstrip(COMPONENT)


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends an interchange to whom, and which functional group it carries."""

    sender_id: str
    receiver_id: str
    functional_id: str  # GS01: HC, HP, BE
    version: str  # GS08, e.g. 005010X222A1
    created: date
    time: str = "0200"


def isa_segment(env: Envelope, control_no: int) -> str:
    """The fixed-width ISA (105 characters before the terminator)."""
    return (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{env.sender_id:<15}*ZZ*{env.receiver_id:<15}"
        f"*{yymmdd(env.created)}*{env.time}*{REPETITION}*00501*{control_no:09d}*0*{USAGE_INDICATOR}*{COMPONENT}"
    )


class InterchangeWriter:
    """One file = one ISA/IEA holding one GS/GE; transaction sets are appended one at a time."""

    def __init__(self, path: Path, env: Envelope, control_no: int) -> None:
        self.path = path
        self.control_no = control_no
        self.transaction_sets = 0
        self._fh: TextIO = path.open("w", encoding="ascii", newline="\n", buffering=1 << 20)
        self._write(
            [
                isa_segment(env, control_no),
                seg(
                    "GS",
                    env.functional_id,
                    env.sender_id,
                    env.receiver_id,
                    d8(env.created),
                    env.time,
                    str(control_no),
                    "X",
                    env.version,
                ),
            ]
        )

    def _write(self, segments: list[str]) -> None:
        self._fh.write(TERMINATOR.join(segments))
        self._fh.write(TERMINATOR)

    def next_set_control(self) -> str:
        """ST02 of the next transaction set (unique within the group)."""
        return f"{self.transaction_sets + 1:04d}"

    def transaction(self, set_id: str, version: str, body: list[str]) -> None:
        """Write ST, the body and an SE whose count includes ST and SE; `version` empty omits ST03."""
        control = self.next_set_control()
        self.transaction_sets += 1
        self._write([seg("ST", set_id, control, version), *body, f"SE*{len(body) + 2}*{control}"])

    def close(self) -> None:
        self._write([f"GE*{self.transaction_sets}*{self.control_no}", f"IEA*1*{self.control_no:09d}"])
        self._fh.close()
