"""End to end on the embedded default: generator -> ingest -> parse -> silver -> gold, reconciled and idempotent."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from claimlake.generate import generate_dataset
from claimlake.local.query import run_sql
from claimlake.local.runner import LocalRunner, RunReport


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory, spark) -> tuple[dict, Path, RunReport]:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("e2e")
    manifest = generate_dataset(base / "input", members=250, claims=1500, seed=8)
    report = LocalRunner(base / "root", workers=1).run(sorted((base / "input").glob("*.x12")))
    return manifest, base / "root", report


def _one(root: Path, sql: str) -> object:
    _, rows = run_sql(root, sql)
    return rows[0][0]


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.parquet"))}


def test_every_file_was_accepted_and_every_layer_written(lake: tuple[dict, Path, RunReport]) -> None:
    _, _, report = lake
    assert report.parsed and {p.status for p in report.parsed} == {"accepted"}
    assert report.rows["silver"]["claim"] == 1500
    assert all(report.rows["gold"][t] > 0 for t in ("fact_claim", "fact_payment", "dim_member", "fact_eligibility"))


def test_current_billed_in_fact_claim_equals_the_generator_total(lake: tuple[dict, Path, RunReport]) -> None:
    manifest, root, _ = lake
    expected = sum((Decimal(manifest["kinds"][k]["current_charge_amt"]) for k in ("837p", "837i", "837d")),
                   Decimal(0))
    assert _one(root, "SELECT sum(billed_amt) FROM fact_claim WHERE is_current") == expected


def test_paid_in_fact_payment_equals_the_835_total(lake: tuple[dict, Path, RunReport]) -> None:
    manifest, root, _ = lake
    assert _one(root, "SELECT sum(paid_amt) FROM fact_payment") == Decimal(manifest["kinds"]["835"]["claim_paid_amt"])
    assert _one(root, "SELECT count(*) FROM fact_payment") == manifest["kinds"]["835"]["claim_payments"]


def test_running_again_on_the_same_input_leaves_identical_files(lake: tuple[dict, Path, RunReport]) -> None:
    _, root, report = lake
    before = _digest(root / "buckets" / "lake")
    again = LocalRunner(root, workers=1).run([Path(r.path) for r in report.received])
    assert not again.received and len(again.skipped) == len(report.received)  # same bytes: not loaded twice
    assert _digest(root / "buckets" / "lake") == before
