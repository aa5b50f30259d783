"""Shared test helpers: building small interchanges by hand and parsing them in memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claimlake.x12.api import parse_bytes
from claimlake.x12.parser import FileResult
from claimlake.x12.registry import default_registry
from claimlake.x12.sinks import MemorySink

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "x12-corpus"


def interchange(*segments: str, functional_id: str = "HC", version: str = "005010X222A1", control: str = "000000101",
                gs_control: str = "1") -> bytes:
    """Wrap transaction-set segments (ST..SE, written with * and no terminator) in ISA/GS/GE/IEA."""
    isa = ("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240115*1230*^*00501*"
           f"{control}*0*T*:~")
    sets = sum(1 for s in segments if s.startswith("ST*"))
    body = "".join(s + "~\n" for s in segments)
    return (f"{isa}\nGS*{functional_id}*SENDER*RECEIVER*20240115*1230*{gs_control}*X*{version}~\n{body}"
            f"GE*{sets}*{gs_control}~\nIEA*1*{control}~\n").encode()


def transaction_set(set_id: str, control: str, version: str, *segments: str) -> list[str]:
    """ST + segments + SE with the right count."""
    return [f"ST*{set_id}*{control}*{version}", *segments, f"SE*{len(segments) + 2}*{control}"]


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/x12-corpus is not present")
    return CORPUS


def pos(segments: list[str], prefix: str, nth: int = 1) -> str:
    """File ordinal of the nth set segment starting with ``prefix`` (ISA = 1, GS = 2, ST = 3)."""
    hits = [i for i, s in enumerate(segments) if s.startswith(prefix)]
    return str(hits[nth - 1] + 3)


def parse(data: bytes) -> tuple[FileResult, dict[str, list[dict[str, str]]]]:
    """Parse in memory: the file result and the rows of every table."""
    registry = default_registry()
    sink = MemorySink(registry.headers)
    result = parse_bytes(data, sink=sink, registry=registry)
    return result, sink.rows


def sort_rows(rows: list[dict[str, str]], *keys: str) -> list[dict[str, str]]:
    return sorted(rows, key=lambda r: (int(r["segment_ordinal"]), *(r[k] for k in keys)))


def accepted_envelope(lineage: dict[str, str], segments: list[str], *, functional_id: str, set_id: str,
                      version: str) -> dict[str, str]:
    """The envelope row of one accepted set wrapped by `interchange()` (its ISA/GS values, ST third in the file)."""
    return {
        **lineage, "segment_ordinal": "3", "sender_qualifier": "ZZ", "sender_id": "SUBMITTER",
        "receiver_qualifier": "ZZ", "receiver_id": "RECEIVER", "interchange_yymmdd": "240115",
        "interchange_hhmm": "1230", "usage_indicator": "T", "functional_id_code": functional_id,
        "application_sender_id": "SENDER", "application_receiver_id": "RECEIVER", "group_date": "20240115",
        "group_time": "1230", "transaction_set_id": set_id, "implementation_version": version,
        "segment_count": str(len(segments)), "declared_segment_count": str(len(segments)), "ack_status_code": "A",
        "error_count": "0",
    }
