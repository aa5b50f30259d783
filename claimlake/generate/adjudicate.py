"""835 claim payments for generated claims: paid, partly denied, denied, crossed over.

Every equation of reference section 3 holds by construction: line charge - line CAS = line paid, and
claim charge - all CAS = claim paid."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from claimlake.generate.codesets import current_carc, current_rarc, require
from claimlake.generate.context import Batch, Terms
from claimlake.generate.models import Adjustment, Claim, ClaimLine, ClaimPayment, ServicePayment
from claimlake.generate.money import ZERO, share
from claimlake.generate.pick import Weighted

# CARC, group, weight, remark: the denial mix of reference section 6 (27 is left out: a clean dataset
# only bills covered dates, so "after coverage terminated" would contradict the 834)
CLAIM_DENIALS = (
    ("22", "CO", 9, ""),
    ("109", "CO", 8, "N418"),
    ("31", "CO", 8, ""),
    ("16", "CO", 20, "MA130"),
    ("96", "CO", 7, "N130"),
    ("204", "PR", 5, "N130"),
    ("49", "PR", 3, ""),
    ("18", "CO", 10, "N111"),
    ("97", "CO", 10, "M15"),
    ("197", "CO", 10, "N54"),
    ("50", "CO", 5, "N115"),
    ("29", "CO", 5, ""),
)
LINE_DENIALS = (
    ("97", "CO", 40, "M15"),
    ("16", "CO", 25, "M51"),
    ("50", "CO", 10, "N115"),
    ("96", "CO", 15, "N130"),
    ("204", "PR", 10, ""),
)
SEQUESTRATION = Decimal("0.02")
P_LINE_DENIAL = 0.06
CROSSOVER_CARRIER = ("KEYSTONE SUPPLEMENTAL INSURANCE", "77025")

require(
    {c for c, *_ in CLAIM_DENIALS + LINE_DENIALS} | {"1", "2", "3", "45", "119", "253"},
    current_carc(),
    "CARC",
)
require({r for *_, r in CLAIM_DENIALS + LINE_DENIALS if r}, current_rarc(), "RARC")


_PICKERS = {id(t): Weighted([((c, g, r), w) for c, g, w, r in t]) for t in (CLAIM_DENIALS, LINE_DENIALS)}


def pick_reason(rng: random.Random, table: tuple[tuple[str, str, int, str], ...]) -> tuple[str, str, str]:
    """(CARC, group, RARC) drawn from a weighted denial table."""
    return _PICKERS[id(table)](rng)


def _adjustments(pairs: list[tuple[str, str, Decimal]]) -> list[Adjustment]:
    return [Adjustment(g, r, a) for g, r, a in pairs if a]


def _sums(services: list[ServicePayment], claim_adjustments: list[Adjustment]) -> tuple[Decimal, Decimal]:
    """(all CAS amounts, PR amounts) over the claim and its lines, in one pass."""
    total = patient = ZERO
    for adjustments in [claim_adjustments, *(s.adjustments for s in services)]:
        for a in adjustments:
            total += a.amount
            if a.group == "PR":
                patient += a.amount
    return total, patient


class CostShare:
    """Member cost share across the lines of one claim: one copay, a deductible that is still open early
    in the plan year, then coinsurance."""

    def __init__(self, rng: random.Random, terms: Terms, service_date: date) -> None:
        month = service_date.month
        chance = 0.35 if month <= 4 else (0.15 if month <= 8 else 0.05)
        self.deductible = Decimal(rng.randint(20, 500)) if rng.random() < chance else ZERO
        self.copay = terms.copay
        self.coinsurance = terms.coinsurance

    def split(self, allowed: Decimal, is_visit: bool) -> tuple[Decimal, Decimal, Decimal]:
        """(deductible, coinsurance, copay) for one line, none above what is left of `allowed`."""
        copay = min(self.copay, allowed) if is_visit else ZERO
        self.copay -= copay
        deductible = min(self.deductible, allowed - copay)
        self.deductible -= deductible
        coinsurance = share(allowed - copay - deductible, self.coinsurance)
        return deductible, coinsurance, copay


def _paid_line(line: ClaimLine, terms: Terms, cost: CostShare) -> ServicePayment:
    allowed = share(line.charge, terms.allowed_ratio)
    deductible, coinsurance, copay = cost.split(allowed, line.is_visit)
    net = allowed - deductible - coinsurance - copay
    sequestration = share(net, SEQUESTRATION) if terms.sequestration else ZERO
    adjustments = _adjustments(
        [
            ("CO", "45", line.charge - allowed),
            ("CO", "253", sequestration),
            ("PR", "1", deductible),
            ("PR", "2", coinsurance),
            ("PR", "3", copay),
        ]
    )
    return ServicePayment(line, line.charge, net - sequestration, allowed, adjustments)


def denied_line(line: ClaimLine, reason: tuple[str, str, str]) -> ServicePayment:
    carc, group, remark = reason
    return ServicePayment(
        line, line.charge, ZERO, ZERO, [Adjustment(group, carc, line.charge)], (remark,) if remark else ()
    )


def claim_payment(
    batch: Batch,
    claim: Claim,
    status: str,
    services: list[ServicePayment],
    claim_adjustments: list[Adjustment],
    dates: tuple[date, date],
) -> ClaimPayment:
    adjusted, patient = _sums(services, claim_adjustments)
    return ClaimPayment(
        claim,
        status,
        batch.next_payer_claim_id(),
        claim.total_charge,
        claim.total_charge - adjusted,
        patient,
        claim_adjustments,
        services,
        *dates,
    )


def deny(batch: Batch, claim: Claim, dates: tuple[date, date]) -> ClaimPayment:
    rng = batch.rng
    carc, group, remark = pick_reason(rng, CLAIM_DENIALS)
    if claim.inpatient or rng.random() < 0.4:  # adjudicated at claim level, no service lines
        payment = claim_payment(batch, claim, "4", [], [Adjustment(group, carc, claim.total_charge)], dates)
        payment.remarks = (remark,) if remark else ()
        return payment
    services = [denied_line(line, (carc, group, remark)) for line in claim.lines]
    return claim_payment(batch, claim, "4", services, [], dates)


def _inpatient(batch: Batch, claim: Claim, dates: tuple[date, date], terms: Terms) -> ClaimPayment:
    """DRG-style: one claim-level settlement, no 2110 loops."""
    cost = CostShare(batch.rng, terms, claim.service_from)
    allowed = share(claim.total_charge, terms.allowed_ratio)
    deductible, coinsurance, _ = cost.split(allowed, False)
    coinsurance = min(coinsurance, Decimal(3000))  # out-of-pocket maximum
    net = allowed - deductible - coinsurance
    sequestration = share(net, SEQUESTRATION) if terms.sequestration else ZERO
    adjustments = _adjustments(
        [
            ("CO", "45", claim.total_charge - allowed),
            ("CO", "253", sequestration),
            ("PR", "1", deductible),
            ("PR", "2", coinsurance),
        ]
    )
    payment = claim_payment(batch, claim, "1", [], adjustments, dates)
    payment.covered_days = (claim.service_to - claim.service_from).days
    return payment


def pay(batch: Batch, claim: Claim, dates: tuple[date, date], terms: Terms | None = None) -> ClaimPayment:
    """Adjudicate a claim the payer accepts (status 1, or 19 when crossed over to a supplemental plan)."""
    terms = terms or batch.terms
    if claim.inpatient:
        payment = _inpatient(batch, claim, dates, terms)
    else:
        rng = batch.rng
        cost = CostShare(rng, terms, claim.service_from)
        partial = len(claim.lines) > 1
        services = [
            denied_line(line, pick_reason(rng, LINE_DENIALS))
            if partial and rng.random() < P_LINE_DENIAL
            else _paid_line(line, terms, cost)
            for line in claim.lines
        ]
        payment = claim_payment(batch, claim, "1", services, [], dates)
    if batch.rng.random() < terms.crossover_rate and payment.patient_responsibility:
        payment.status, payment.crossover = "19", CROSSOVER_CARRIER[0]
    return payment
