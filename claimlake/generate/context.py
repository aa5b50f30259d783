"""Per-batch state: one billing provider billing one payer, with its contract terms and id counters."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from claimlake.generate.claimkit import Pools
from claimlake.generate.models import BillingProvider, Payer


@dataclass(slots=True)
class Terms:
    """What the payer's contract with this provider allows, and the member cost share of its plans."""

    allowed_ratio: Decimal
    copay: Decimal
    coinsurance: Decimal
    sequestration: bool  # Medicare-style 2% payment reduction (CARC 253)
    deny_rate: float
    crossover_rate: float


@dataclass(slots=True)
class Batch:
    seed: int
    number: int
    payer: Payer
    provider: BillingProvider
    pools: Pools
    rng: random.Random
    terms: Terms
    dental_used: dict[tuple[str, int], Decimal]  # (member id, year) -> dental benefit paid so far
    claim_seq: int = 0
    payment_seq: int = 0
    remit_seq: int = 0
    method: str = "ACH"  # how this payee is paid: ACH, or CHK for a minority
    carry_forward: Decimal = field(default_factory=lambda: Decimal("0.00"))  # FB balance still to recover
    carry_ref: str = ""
    last_paid: tuple[str, Decimal] | None = None  # (CLP07, paid) of a recent payment, for WO recoupments

    def next_claim_id(self) -> str:
        self.claim_seq += 1
        return f"{self.provider.kind}{self.number:04d}-{self.claim_seq:06d}"

    def next_payer_claim_id(self) -> str:
        self.payment_seq += 1
        return f"{self.payer.member_prefix}{self.number:04d}{self.payment_seq:07d}"

    def next_trace(self) -> str:
        self.remit_seq += 1
        return f"{self.payer.index + 1}{self.number:05d}{self.remit_seq:05d}"


def make_terms(rng: random.Random, payer: Payer, kind: str) -> Terms:
    low, high = payer.allowed_range
    ratio = rng.uniform(low, high)
    if kind == "I":
        ratio *= 0.85  # facility claims settle lower than professional
    elif kind == "D":
        ratio = rng.uniform(0.60, 0.80)
    copay = rng.randint(*payer.copay_range)
    coins = rng.uniform(*payer.coinsurance)
    return Terms(
        Decimal(f"{ratio:.4f}"),
        Decimal(copay).quantize(Decimal("0.01")),
        Decimal(f"{coins:.2f}"),
        payer.program == "medicare",
        rng.uniform(0.05, 0.10),
        {"medicare": 0.12, "medicaid": 0.02}.get(payer.program, 0.05),
    )
