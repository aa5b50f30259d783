"""Conformance on the public sample files in ../shared/x12-corpus (skipped when that folder is absent)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS

from claimlake.x12.api import parse_file
from claimlake.x12.registry import default_registry
from claimlake.x12.sinks import MemorySink
from claimlake.x12.tokenizer import Tokenizer

SUPPORTED = {"834", "835", "837P", "837I", "837D"}


def _entries() -> list[dict[str, str]]:
    sources = CORPUS / "SOURCES.tsv"
    if not sources.is_file():
        return []
    with sources.open() as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ENTRIES = _entries()
VALID = [e for e in ENTRIES if e["note"].startswith("valid-sample") and e["transaction_set"] in SUPPORTED
         and "no-ISA-envelope" not in e["note"]]
INVALID = [e for e in ENTRIES if e["note"].startswith("invalid-by-design")]
OTHER = [e for e in ENTRIES if e["transaction_set"] not in SUPPORTED and e["note"].startswith("valid-sample")]
NO_ENVELOPE = [e for e in ENTRIES if "no-ISA-envelope" in e["note"]]

pytestmark = pytest.mark.skipif(not ENTRIES, reason="../shared/x12-corpus is not present")


def _parse(entry: dict[str, str]) -> tuple[object, MemorySink]:
    registry = default_registry()
    sink = MemorySink(registry.headers)
    return parse_file(CORPUS / entry["local_path"], sink=sink, registry=registry), sink


def _segments(path: Path) -> list[list[str]]:
    with path.open("rb") as handle:
        return [s.elements for s in Tokenizer(handle)]


def _ids(entry: dict[str, str]) -> list[str]:
    return [entry["local_path"].split("/")[-1][:60]]


@pytest.mark.parametrize("entry", VALID, ids=lambda e: e["local_path"].split("/")[-1][:70])
def test_valid_samples_parse_and_rows_match_the_segments(entry: dict[str, str]) -> None:
    result, sink = _parse(entry)
    assert result.status in ("accepted", "accepted_with_errors"), [f.message for f in result.all_findings()]
    segments = _segments(CORPUS / entry["local_path"])
    counts = sink.counts()

    def count(seg_id: str) -> int:
        return sum(1 for s in segments if s[0] == seg_id)

    def total(seg_id: str, index: int) -> Decimal:
        return sum((Decimal(s[index]) for s in segments if s[0] == seg_id and len(s) > index and s[index]),
                   Decimal(0))

    kind = entry["transaction_set"]
    if kind.startswith("837"):
        assert counts.get("claim", 0) == count("CLM")
        assert counts.get("claim_line", 0) == count("LX")
        assert sum(Decimal(r["total_charge_amt"]) for r in sink.rows["claim"]) == total("CLM", 2)
    elif kind == "835":
        assert counts.get("claim_payment", 0) == count("CLP")
        assert counts.get("service_payment", 0) == count("SVC")
        assert sum(Decimal(r["paid_amt"]) for r in sink.rows.get("claim_payment", [])) == total("CLP", 4)
    else:
        assert counts.get("member", 0) == count("INS")
        assert counts.get("coverage", 0) == count("HD")


@pytest.mark.parametrize("entry", INVALID, ids=lambda e: e["local_path"].split("/")[-1][:70])
def test_invalid_samples_are_rejected_or_reported(entry: dict[str, str]) -> None:
    result, _ = _parse(entry)
    errors = [f for f in result.all_findings() if f.severity.value == "error"]
    assert result.status == "rejected" or errors


@pytest.mark.parametrize("entry", OTHER + NO_ENVELOPE, ids=lambda e: e["local_path"].split("/")[-1][:70])
def test_other_sets_and_files_without_envelope_get_a_clear_rejection(entry: dict[str, str]) -> None:
    result, sink = _parse(entry)
    assert result.status == "rejected"
    messages = " ".join(f.message for f in result.all_findings())
    assert "not supported" in messages or "does not start with an ISA" in messages
    assert not any(sink.rows.get(t) for t in sink.rows if t != "envelope")
