"""Everything one payer receives and sends: its 837 files (P/I/D) and its 835 files, batch by batch.

A job depends only on its inputs (seeded per batch), never on other jobs, so jobs can run in any order or
in parallel processes and still produce the same bytes."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from claimlake.generate import write835, write837
from claimlake.generate.claimkit import Pools
from claimlake.generate.context import Batch, make_terms
from claimlake.generate.dates import EXTRACT_DATE
from claimlake.generate.dental import build_dental
from claimlake.generate.institutional import build_institutional
from claimlake.generate.lifecycle import Builder, run_chunk
from claimlake.generate.models import BillingProvider, Claim, Payer
from claimlake.generate.output import CONTROL_BLOCK, Files, Series, Written, digest
from claimlake.generate.professional import build_professional
from claimlake.generate.stats import ClaimStats, RemitStats
from claimlake.generate.world import World
from claimlake.generate.x12 import Envelope

CHUNK = 5_000  # CLM per 837 transaction set (TR3 advice); its 835s are written right after
CLAIMS_PER_FILE = 50_000  # CLM per 837 file, CLP per 835 file
BUILDERS: dict[str, Builder] = {"P": build_professional, "I": build_institutional, "D": build_dental}
KIND_NAME = {"P": "837p", "I": "837i", "D": "837d"}


@dataclass(frozen=True, slots=True)
class JobInput:
    seed: int
    world: World
    pools: dict[int, Pools]  # payer index -> eligible members
    shares: dict[tuple[int, int], int]  # (payer index, provider index) -> claims


@dataclass(slots=True)
class JobResult:
    payer_index: int
    claim_stats: dict[str, ClaimStats] = field(
        default_factory=lambda: {k: ClaimStats() for k in KIND_NAME.values()}
    )
    remit_stats: RemitStats = field(default_factory=RemitStats)
    parts: list[Written] = field(default_factory=list)  # digests are taken here, in the worker


def chunks(n: int, size: int) -> list[int]:
    """Split n into near-equal parts of at most `size`."""
    parts = -(-n // size)
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


class PayerJob:
    def __init__(self, root: Path, job: JobInput, payer: Payer, report: Callable[[int], None]) -> None:
        self.job, self.payer, self.report = job, payer, report
        self.files = Files(root, (payer.index + 1) * CONTROL_BLOCK, temporary=True)
        self.result = JobResult(payer.index)
        self.dental_used: dict[tuple[str, int], Decimal] = {}
        self.claims = {
            kind: Series(
                self.files,
                name,
                Envelope(write837.SUBMITTER[1], payer.payer_id, "HC", write837.VERSIONS[kind], EXTRACT_DATE),
                CLAIMS_PER_FILE,
            )
            for kind, name in KIND_NAME.items()
        }
        self.remits = Series(
            self.files,
            "835",
            Envelope(payer.payer_id, write835.RECEIVER, "HP", write835.VERSION, EXTRACT_DATE),
            CLAIMS_PER_FILE,
        )

    def run(self) -> JobResult:
        for provider in self.job.world.providers:
            n = self.job.shares.get((self.payer.index, provider.index), 0)
            if n:
                self._batch(provider, n)
        for series in (*self.claims.values(), self.remits):
            series.close()
        for kind, series in self.claims.items():
            self.result.claim_stats[KIND_NAME[kind]].files = series.count
        self.result.remit_stats.files = self.remits.count
        self.result.parts = [
            (kind, name, digest(self.files.root / name)) for kind, name in self.files.written
        ]
        return self.result

    def _batch(self, provider: BillingProvider, n: int) -> None:
        payer, seed = self.payer, self.job.seed
        rng = random.Random(f"{seed}:batch:{payer.index}:{provider.index}")
        batch = Batch(
            seed,
            payer.index * 1000 + provider.index,
            payer,
            provider,
            self.job.pools[payer.index],
            rng,
            make_terms(rng, payer, provider.kind),
            self.dental_used,
        )
        batch.method = "CHK" if rng.random() < 0.15 else "ACH"
        for size in chunks(n, CHUNK):
            chunk = run_chunk(batch, size, BUILDERS[provider.kind])
            for claims in (chunk.originals, chunk.followups):
                if claims:
                    self._claims(batch, claims)
            for remit in chunk.remittances:
                writer = self.remits.writer_for(len(remit.claims))
                writer.transaction("835", "", write835.remittance_body(remit, self.result.remit_stats))
            self.report(size)

    def _claims(self, batch: Batch, claims: list[Claim]) -> None:
        kind = batch.provider.kind
        stats = self.result.claim_stats[KIND_NAME[kind]]
        writer = self.claims[kind].writer_for(len(claims))
        reference = f"{writer.control_no}{writer.next_set_control()}"
        body = write837.claims_body(kind, batch.payer, batch.provider, claims, reference, stats)
        writer.transaction("837", write837.VERSIONS[kind], body)
        stats.transaction_sets += 1


def run_payer(root: Path, job: JobInput, payer_index: int, report: Callable[[int], None]) -> JobResult:
    return PayerJob(root, job, job.world.payers[payer_index], report).run()
