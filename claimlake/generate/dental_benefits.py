"""Dental adjudication: 100/80/50 coverage by service class, a small deductible and an annual maximum
(CARC 119 once the plan year's benefit is used up)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claimlake.generate.adjudicate import (
    CROSSOVER_CARRIER,
    LINE_DENIALS,
    claim_payment,
    denied_line,
    pick_reason,
)
from claimlake.generate.context import Batch
from claimlake.generate.models import Adjustment, Claim, ClaimLine, ClaimPayment, ServicePayment
from claimlake.generate.money import ZERO, share

COVERAGE = {"preventive": Decimal("1.00"), "basic": Decimal("0.80"), "major": Decimal("0.50")}
DEDUCTIBLE = Decimal("50.00")
P_LINE_DENIAL = 0.04


def annual_maximum(claim: Claim) -> Decimal:
    return Decimal(1000 + 500 * (claim.member.group.index % 3))


class Benefit:
    """What is left of the deductible and of the annual maximum while a claim's lines are priced."""

    def __init__(self, deductible: Decimal, remaining: Decimal) -> None:
        self.deductible = deductible
        self.remaining = remaining

    def price(self, line: ClaimLine, ratio: Decimal) -> ServicePayment:
        allowed = share(line.charge, ratio)
        deductible = ZERO if line.dental_category == "preventive" else min(self.deductible, allowed)
        self.deductible -= deductible
        plan = share(allowed - deductible, COVERAGE[line.dental_category])
        coinsurance = allowed - deductible - plan
        over = max(plan - self.remaining, ZERO)
        plan -= over
        self.remaining -= plan
        pairs = [
            ("CO", "45", line.charge - allowed),
            ("PR", "1", deductible),
            ("PR", "2", coinsurance),
            ("PR", "119", over),
        ]
        return ServicePayment(
            line, line.charge, plan, allowed, [Adjustment(g, r, a) for g, r, a in pairs if a]
        )


def pay_dental(batch: Batch, claim: Claim, dates: tuple[date, date]) -> ClaimPayment:
    rng = batch.rng
    key = (claim.member.member_id, claim.service_from.year)
    maximum = annual_maximum(claim)
    used = batch.dental_used.get(key, ZERO)
    benefit = Benefit(DEDUCTIBLE if rng.random() < 0.35 else ZERO, max(maximum - used, ZERO))
    partial = len(claim.lines) > 1
    services = [
        denied_line(line, pick_reason(rng, LINE_DENIALS))
        if partial and rng.random() < P_LINE_DENIAL
        else benefit.price(line, batch.terms.allowed_ratio)
        for line in claim.lines
    ]
    batch.dental_used[key] = maximum - benefit.remaining
    payment = claim_payment(batch, claim, "1", services, [], dates)
    if rng.random() < 0.01 and payment.patient_responsibility:
        payment.status, payment.crossover = "19", CROSSOVER_CARRIER[0]
    return payment
