"""One chunk of a batch, start to finish: original claims, their payments, then replacements (frequency 7),
voids (8) and payer corrections, each reversing the earlier payment (CLP02 22) where money had moved."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from claimlake.generate.adjudicate import deny, pay
from claimlake.generate.claimkit import lag_days, total_charge
from claimlake.generate.context import Batch
from claimlake.generate.dental_benefits import pay_dental
from claimlake.generate.models import Adjustment, Claim, ClaimLine, ClaimPayment, Remittance, ServicePayment
from claimlake.generate.money import share
from claimlake.generate.remit import group, place, settle

P_REPLACEMENT, P_VOID, P_CORRECTION = 0.035, 0.009, 0.003
Builder = Callable[[Batch], Claim]


@dataclass(slots=True)
class Chunk:
    originals: list[Claim]
    followups: list[Claim]  # replacement and void claims, sent in a later 837 transaction set
    remittances: list[Remittance]


def _dates(batch: Batch, received: date, denied: bool) -> tuple[date, date]:
    """Received and adjudicated dates: Medicare-like payers cluster at 14-17 days, denials come back fast."""
    rng = batch.rng
    if denied:
        days = rng.randint(5, 10)
    elif batch.payer.program == "medicare":
        days = rng.randint(14, 17)
    else:
        days = lag_days(rng, 18, 0.7, 150)
    return received, received + timedelta(days=days)


def adjudicate(batch: Batch, claim: Claim) -> ClaimPayment:
    received = claim.submitted + timedelta(days=batch.rng.randint(0, 1))
    if batch.rng.random() < batch.terms.deny_rate:
        return deny(batch, claim, _dates(batch, received, True))
    dates = _dates(batch, received, False)
    return pay_dental(batch, claim, dates) if claim.kind == "D" else pay(batch, claim, dates)


def reversal(payment: ClaimPayment, dates: tuple[date, date]) -> ClaimPayment:
    """CLP02 22: the original payment with every amount negated, same CLP07."""

    def neg(adjustments: list[Adjustment]) -> list[Adjustment]:
        return [Adjustment(a.group, a.reason, -a.amount) for a in adjustments]

    services = [
        ServicePayment(s.line, -s.charge, -s.paid, -s.allowed, neg(s.adjustments)) for s in payment.services
    ]
    return ClaimPayment(
        payment.claim,
        "22",
        payment.payer_claim_id,
        -payment.charge,
        -payment.paid,
        -payment.patient_responsibility,
        neg(payment.adjustments),
        services,
        *dates,
        covered_days=payment.covered_days,
    )


def _copy_lines(lines: list[ClaimLine], claim_id: str) -> list[ClaimLine]:
    return [replace(line, control_no=f"{claim_id}-{line.line_no:02d}") for line in lines]


def _follow_up(batch: Batch, original: ClaimPayment, frequency: str) -> Claim:
    """A replacement (7) or void (8) of `original`, referencing its CLP07 in REF*F8."""
    rng = batch.rng
    source = original.claim
    claim_id = source.claim_id + ("R" if frequency == "7" else "V")
    lines = _copy_lines(source.lines, claim_id)
    if frequency == "7":
        if len(lines) > 1 and rng.random() < 0.4:
            lines.pop()  # the corrected claim drops a line billed in error
        else:  # or corrects the charge of its last line
            lines[-1].charge = share(lines[-1].charge, Decimal(rng.randint(105, 125)) / 100)
    assert original.issued is not None
    submitted = original.issued + timedelta(days=rng.randint(3, 45))
    return replace(
        source,
        claim_id=claim_id,
        frequency=frequency,
        lines=lines,
        total_charge=total_charge(lines),
        original_ref=original.payer_claim_id,
        replaces_charge=source.total_charge,
        submitted=submitted,
    )


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def _targets(
    rng: random.Random, payments: list[ClaimPayment], n_void: int, n_replace: int
) -> tuple[list[ClaimPayment], list[ClaimPayment]]:
    """Voids hit paid claims; replacements correct denied claims about half of the time."""
    paid = [p for p in payments if p.paid > 0]
    denied = [p for p in payments if p.status == "4"]
    voids = rng.sample(paid, min(n_void, len(paid)))
    taken = {id(p) for p in voids}
    replaced: list[ClaimPayment] = []
    for _ in range(n_replace):
        pool = denied if denied and rng.random() < 0.5 else paid
        candidates = [p for p in pool if id(p) not in taken] or [p for p in payments if id(p) not in taken]
        if not candidates:
            break
        choice = rng.choice(candidates)
        taken.add(id(choice))
        replaced.append(choice)
    return voids, replaced


def _later(batch: Batch, payment: ClaimPayment, claim: Claim | None = None) -> tuple[date, date]:
    assert payment.issued is not None
    start = (
        claim.submitted if claim is not None else payment.issued + timedelta(days=batch.rng.randint(15, 90))
    )
    return _dates(batch, start + timedelta(days=batch.rng.randint(0, 1)), False)


def _corrected(batch: Batch, payment: ClaimPayment) -> list[ClaimPayment]:
    """Payer-initiated correction: reverse, then pay again at the corrected (higher) contract rate."""
    dates = _later(batch, payment)
    terms = replace(
        batch.terms, allowed_ratio=batch.terms.allowed_ratio + Decimal("0.03"), crossover_rate=0.0
    )
    return [reversal(payment, dates), pay(batch, payment.claim, dates, terms)]


def _follow_ups(
    batch: Batch, voids: list[ClaimPayment], replaced: list[ClaimPayment]
) -> tuple[list[Claim], list[list[ClaimPayment]]]:
    """Void and replacement claims, and their 835 items: the reversal of what was paid, the new payment."""
    claims: list[Claim] = []
    items: list[list[ClaimPayment]] = []
    for target, frequency in [(p, "8") for p in voids] + [(p, "7") for p in replaced]:
        claim = _follow_up(batch, target, frequency)
        claims.append(claim)
        dates = _later(batch, target, claim)
        item = [reversal(target, dates)] if target.paid > 0 else []
        if frequency == "7":
            item.append(pay_dental(batch, claim, dates) if claim.kind == "D" else pay(batch, claim, dates))
        if item:
            items.append(item)
    return claims, items


def run_chunk(batch: Batch, n_claims: int, build: Builder) -> Chunk:
    """`n_claims` CLM (originals + replacements + voids) and every 835 remittance that answers them."""
    rng = batch.rng
    n_void = min(_binomial(rng, n_claims, P_VOID), n_claims - 1)
    n_replace = max(0, min(_binomial(rng, n_claims, P_REPLACEMENT), n_claims - n_void - 1))
    originals = [build(batch) for _ in range(n_claims - n_void - n_replace)]
    payments = [adjudicate(batch, claim) for claim in originals]
    voids, replaced = _targets(rng, payments, n_void, n_replace)
    while len(originals) + len(voids) + len(replaced) < n_claims:  # not enough targets: bill more originals
        originals.append(build(batch))
        payments.append(adjudicate(batch, originals[-1]))
    remits = group(batch, payments)
    followups, items = _follow_ups(batch, voids, replaced)
    touched = {id(p) for p in voids + replaced}
    for payment in payments:
        if id(payment) not in touched and payment.paid > 0 and rng.random() < P_CORRECTION:
            items.append(_corrected(batch, payment))
    remits = sorted(remits + place(batch, remits, items), key=lambda r: r.payment_date)
    for remit in remits:
        settle(batch, remit)
    return Chunk(originals, followups, remits)
