"""The demo run: synthetic linked X12 in, raw tables and acks out, reconciled against what was generated."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from claimlake.x12.parser import FileResult


@dataclass
class Check:
    measure: str
    expected: str
    actual: str

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass
class DemoReport:
    input_dir: Path
    raw_dir: Path
    manifest: dict
    results: list[FileResult]
    seconds: dict[str, float] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def reconciled(self) -> bool:
        return all(c.ok for c in self.checks)


def _column_sum(path: Path, column: str) -> Decimal:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return sum((Decimal(r[column]) for r in csv.DictReader(handle) if r[column]), Decimal(0))


def reconcile(manifest: dict, results: list[FileResult], raw_dir: Path) -> list[Check]:
    """Compare what the generator says it wrote with what the parser loaded."""
    kinds = manifest["kinds"]
    rows: dict[str, int] = {}
    for result in results:
        for table, n in result.tables.items():
            rows[table] = rows.get(table, 0) + n
    billed = sum((Decimal(kinds[k]["total_charge_amt"]) for k in ("837p", "837i", "837d")), Decimal(0))
    pairs = [
        ("claims", sum(kinds[k]["claims"] for k in ("837p", "837i", "837d")), rows.get("claim", 0)),
        ("claim lines", sum(kinds[k]["lines"] for k in ("837p", "837i", "837d")), rows.get("claim_line", 0)),
        ("billed amount", billed, _column_sum(raw_dir / "claim.csv", "total_charge_amt")),
        ("claim payments", kinds["835"]["claim_payments"], rows.get("claim_payment", 0)),
        ("paid amount (BPR02)", Decimal(kinds["835"]["total_paid_amt"]),
         _column_sum(raw_dir / "remittance.csv", "total_paid_amt")),
        ("members", kinds["834"]["members"], rows.get("member", 0)),
        ("coverages", kinds["834"]["coverages"], rows.get("coverage", 0)),
    ]
    return [Check(name, str(expected), str(actual)) for name, expected, actual in pairs]


def run_demo(
    root: Path,
    *,
    members: int,
    claims: int,
    seed: int,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> DemoReport:
    """Generate, parse and reconcile under ``root/demo``."""
    from claimlake.generate import generate_dataset
    from claimlake.x12.api import parse_files

    progress = on_progress or (lambda stage, done, total: None)
    input_dir, raw_dir = root / "demo" / "input", root / "demo" / "raw"
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    manifest = generate_dataset(input_dir, members=members, claims=claims, seed=seed,
                                progress=lambda kind, done: progress("generate", done, claims))
    seconds["generate"] = time.perf_counter() - start
    files = sorted(input_dir.glob("*.x12"))
    done = 0

    def parsed(_: FileResult) -> None:
        nonlocal done
        done += 1
        progress("parse", done, len(files))

    start = time.perf_counter()
    results = parse_files(files, raw_dir, on_file=parsed)
    seconds["parse"] = time.perf_counter() - start
    report = DemoReport(input_dir, raw_dir, manifest, results, seconds)
    report.checks = reconcile(manifest, results, raw_dir)
    return report
