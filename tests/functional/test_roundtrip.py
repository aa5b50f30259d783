"""Generator -> parser: the parser reproduces the generator's counts and sums exactly, with no findings."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from claimlake.generate import generate_dataset
from claimlake.x12.api import parse_file
from claimlake.x12.registry import default_registry
from claimlake.x12.sinks import MemorySink


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, MemorySink, list]:
    folder = tmp_path_factory.mktemp("generated")
    manifest = generate_dataset(folder, members=400, claims=2500, seed=5)
    registry = default_registry()
    sink = MemorySink(registry.headers)
    results = [parse_file(path, sink=sink, registry=registry) for path in sorted(folder.glob("*.x12"))]
    return manifest, sink, results


def _kind(row: dict[str, str]) -> str:
    return {"P": "837p", "I": "837i", "D": "837d"}[row["claim_type"]]


def test_every_generated_file_is_accepted_without_a_single_finding(parsed: tuple[dict, MemorySink, list]) -> None:
    manifest, _, results = parsed
    assert {Path(r.path).name for r in results} == {f["name"] for f in manifest["files"]}
    for result in results:
        assert result.status == "accepted", (result.path, [f.message for f in result.all_findings()][:5])
        assert not list(result.all_findings())


def test_837_counts_and_charges_match_the_manifest(parsed: tuple[dict, MemorySink, list]) -> None:
    manifest, sink, _ = parsed
    claims = Counter(_kind(r) for r in sink.rows["claim"])
    charges: dict[str, Decimal] = {}
    for row in sink.rows["claim"]:
        charges[_kind(row)] = charges.get(_kind(row), Decimal(0)) + Decimal(row["total_charge_amt"])
    kind_of_claim = {(r["file_id"], r["segment_ordinal"]): _kind(r) for r in sink.rows["claim"]}
    lines = Counter(kind_of_claim[(r["file_id"], r["claim_ordinal"])] for r in sink.rows["claim_line"])
    diagnoses = Counter(kind_of_claim[(r["file_id"], r["claim_ordinal"])] for r in sink.rows["claim_diagnosis"])
    for kind in ("837p", "837i", "837d"):
        expected = manifest["kinds"][kind]
        assert claims[kind] == expected["claims"], kind
        assert lines[kind] == expected["lines"], kind
        assert diagnoses[kind] == expected["diagnoses"], kind
        assert charges[kind] == Decimal(expected["total_charge_amt"]), kind
    assert sum(claims.values()) == 2500


def test_835_counts_and_amounts_match_the_manifest(parsed: tuple[dict, MemorySink, list]) -> None:
    manifest, sink, _ = parsed
    expected = manifest["kinds"]["835"]
    counts = sink.counts()
    assert counts["remittance"] == expected["remittances"]
    assert counts["claim_payment"] == expected["claim_payments"]
    assert counts["service_payment"] == expected["service_payments"]
    assert counts["claim_adjustment"] == expected["adjustments"]
    assert counts.get("provider_adjustment", 0) == expected["provider_adjustments"]
    assert sum(Decimal(r["total_paid_amt"]) for r in sink.rows["remittance"]) == Decimal(expected["total_paid_amt"])
    assert sum(Decimal(r["paid_amt"]) for r in sink.rows["claim_payment"]) == Decimal(expected["claim_paid_amt"])
    statuses = Counter(r["status_code"] for r in sink.rows["claim_payment"])
    assert statuses["4"] == expected["denied"] and statuses["22"] == expected["reversals"]


def test_834_counts_match_the_manifest(parsed: tuple[dict, MemorySink, list]) -> None:
    manifest, sink, _ = parsed
    expected = manifest["kinds"]["834"]
    members = sink.rows["member"]
    assert len(members) == expected["members"]
    assert sum(1 for m in members if m["is_subscriber"] == "true") == expected["subscribers"]
    assert sum(1 for m in members if m["is_subscriber"] == "false") == expected["dependents"]
    assert len(sink.rows["coverage"]) == expected["coverages"]


def test_payments_link_back_to_claims(parsed: tuple[dict, MemorySink, list]) -> None:
    _, sink, _ = parsed
    claim_ids = {r["claim_id"] for r in sink.rows["claim"]}
    line_controls = {r["line_control_number"] for r in sink.rows["claim_line"]}
    assert all(r["claim_id"] in claim_ids for r in sink.rows["claim_payment"])
    controls = [r["line_control_number"] for r in sink.rows["service_payment"]]
    assert controls and all(c in line_controls for c in controls)


def test_current_billed_total_leaves_out_replaced_and_voided_claims(parsed: tuple[dict, MemorySink, list]) -> None:
    manifest, sink, _ = parsed
    claims = sink.rows["claim"]
    # the generator names a follow-up after the claim it supersedes: <CLM01>R (replacement), <CLM01>V (void)
    ids = {c["claim_id"] for c in claims}
    superseded = {c["claim_id"] for c in claims if c["claim_id"] + "R" in ids or c["claim_id"] + "V" in ids}
    current = sum((Decimal(c["total_charge_amt"]) for c in claims
                   if c["claim_frequency_code"] == "7"
                   or (c["claim_frequency_code"] == "1" and c["claim_id"] not in superseded)), Decimal(0))
    expected = sum((Decimal(manifest["kinds"][k]["current_charge_amt"]) for k in ("837p", "837i", "837d")), Decimal(0))
    assert superseded and current == expected
