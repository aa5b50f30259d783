"""The demo run: a linked synthetic dataset through the whole local pipeline, reconciled with what was generated."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from claimlake.local.runner import RunReport

EXAMPLE_QUERIES = (
    "SELECT claim_type, count(*) AS claims, sum(billed_amt) AS billed FROM fact_claim WHERE is_current "
    "GROUP BY claim_type ORDER BY claim_type",
    "SELECT group_code, reason_code, sum(denied_claim_count) AS denied_claims FROM mart_denials "
    "GROUP BY ALL ORDER BY denied_claims DESC LIMIT 5",
    "SELECT month, payer_id, sum(member_months) AS member_months, sum(paid_amt) AS paid, "
    "round(sum(paid_amt) / sum(member_months), 2) AS pmpm FROM mart_pmpm GROUP BY ALL ORDER BY month DESC, payer_id "
    "LIMIT 6",
)


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
    root: Path
    manifest: dict
    run: RunReport
    seconds: dict[str, float] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def reconciled(self) -> bool:
        return all(c.ok for c in self.checks)


def _total(manifest: dict, key: str) -> Decimal:
    return sum((Decimal(manifest["kinds"][k][key]) for k in ("837p", "837i", "837d")), Decimal(0))


def reconcile(manifest: dict, root: Path, run: RunReport) -> list[Check]:
    """What the generator says it wrote against what the lake now holds (raw counts, gold sums)."""
    from claimlake.local.query import run_sql

    def one(sql: str) -> object:
        return run_sql(root, sql)[1][0][0]

    loaded: dict[str, int] = {}
    for parsed in run.parsed:
        for table, n in parsed.tables.items():
            loaded[table] = loaded.get(table, 0) + n
    kinds = manifest["kinds"]
    pairs = [
        ("claims parsed", sum(kinds[k]["claims"] for k in ("837p", "837i", "837d")), loaded.get("claim", 0)),
        ("members parsed", kinds["834"]["members"], loaded.get("member", 0)),
        ("claim payments parsed", kinds["835"]["claim_payments"], loaded.get("claim_payment", 0)),
        ("billed, current claim versions (gold)", _total(manifest, "current_charge_amt"),
         one("SELECT sum(billed_amt) FROM fact_claim WHERE is_current")),
        ("paid, all payments (gold)", Decimal(kinds["835"]["claim_paid_amt"]),
         one("SELECT sum(paid_amt) FROM fact_payment")),
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
    """Generate into ``root/demo-input``, run the pipeline into ``root``, reconcile."""
    from claimlake.generate import generate_dataset
    from claimlake.local.runner import LocalRunner

    progress = on_progress or (lambda stage, done, total: None)
    input_dir = root / "demo-input"
    start = time.perf_counter()
    def generating(kind: str, done: int) -> None:
        if kind != "834":  # the 834 call reports members, not claims
            progress("generate", done, claims)

    manifest = generate_dataset(input_dir, members=members, claims=claims, seed=seed, progress=generating)
    generated = time.perf_counter() - start
    run = LocalRunner(root, progress=progress).run(sorted(input_dir.glob("*.x12")))  # manifest.json is not input
    report = DemoReport(input_dir, root, manifest, run, {"generate": generated, **run.seconds})
    report.checks = reconcile(manifest, root, run)
    return report
