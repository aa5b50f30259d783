"""Shared test helpers: building small interchanges by hand and parsing them in memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
