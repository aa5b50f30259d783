"""Counts and sums of what was written, kept by the writers as they print; they become manifest.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from claimlake.generate.money import ZERO


def _plain(values: dict[str, object]) -> dict[str, object]:
    return {k: f"{v:.2f}" if isinstance(v, Decimal) else v for k, v in values.items()}


@dataclass(slots=True)
class ClaimStats:
    files: int = 0
    transaction_sets: int = 0
    claims: int = 0  # CLM
    lines: int = 0  # LX in 2400
    diagnoses: int = 0  # HI composites ABK/ABF/ABJ/APR/ABN
    total_charge_amt: Decimal = ZERO  # sum of CLM02
    current_charge_amt: Decimal = ZERO  # sum of CLM02 over current versions: replaced and voided claims left out
    replacements: int = 0  # CLM05-3 = 7
    voids: int = 0  # CLM05-3 = 8

    def as_dict(self) -> dict[str, object]:
        return _plain(asdict(self))


@dataclass(slots=True)
class RemitStats:
    files: int = 0
    remittances: int = 0  # ST
    claim_payments: int = 0  # CLP
    service_payments: int = 0  # SVC
    adjustments: int = 0  # CAS triples, claim and line level
    provider_adjustments: int = 0  # PLB reason/amount pairs
    total_paid_amt: Decimal = ZERO  # sum of BPR02
    claim_paid_amt: Decimal = ZERO  # sum of CLP04
    denied: int = 0  # CLP02 = 4
    reversals: int = 0  # CLP02 = 22

    def as_dict(self) -> dict[str, object]:
        return _plain(asdict(self))


@dataclass(slots=True)
class EnrollStats:
    files: int = 0
    transaction_sets: int = 0
    members: int = 0  # INS
    subscribers: int = 0  # INS01 = Y
    dependents: int = 0  # INS01 = N
    coverages: int = 0  # HD

    def as_dict(self) -> dict[str, object]:
        return _plain(asdict(self))
