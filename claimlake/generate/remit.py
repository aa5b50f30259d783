"""Group claim payments into 835 remittances (one per payee per payment cycle, 5-500 claims), add
provider-level adjustments and settle BPR02 = sum(CLP04) - sum(PLB), never negative."""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from decimal import Decimal

from claimlake.generate.context import Batch
from claimlake.generate.models import ClaimPayment, ProviderAdjustment, Remittance
from claimlake.generate.money import ZERO, share

MIN_CLAIMS, MAX_CLAIMS = 5, 500
P_PLB = 0.15


def cycle_date(day: date, weekday: int) -> date:
    """The payer's next check run on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _remittance(batch: Batch, payments: list[ClaimPayment], day: date) -> Remittance:
    for payment in payments:
        payment.issued = day
    return Remittance(batch.payer, batch.provider, day, batch.next_trace(), batch.method, payments)


def group(batch: Batch, payments: list[ClaimPayment]) -> list[Remittance]:
    """Weekly cycles; a cycle with fewer than MIN_CLAIMS waits for the next one, a big one is split."""
    weekday = batch.payer.index % 5
    ordered = sorted(payments, key=lambda p: p.adjudicated)
    remits: list[Remittance] = []
    pending: list[ClaimPayment] = []
    for i, payment in enumerate(ordered):
        pending.append(payment)
        day = cycle_date(payment.adjudicated, weekday)
        last = i + 1 == len(ordered)
        next_day = None if last else cycle_date(ordered[i + 1].adjudicated, weekday)
        if len(pending) >= MAX_CLAIMS or (next_day != day and (len(pending) >= MIN_CLAIMS or last)):
            remits.append(_remittance(batch, pending, day))
            pending = []
    return remits


def _attach(remit: Remittance, item: list[ClaimPayment]) -> None:
    for payment in item:
        payment.issued = remit.payment_date
    remit.claims.extend(item)


def place(batch: Batch, remits: list[Remittance], items: list[list[ClaimPayment]]) -> list[Remittance]:
    """Put follow-up items (a reversal and its new payment stay together) into the first remittance dated on
    or after their adjudication; items later than every remittance get new ones (returned), again holding
    at least MIN_CLAIMS claims where possible."""
    weekday = batch.payer.index % 5
    dates = [r.payment_date for r in remits]
    late: list[list[ClaimPayment]] = []
    for item in sorted(items, key=lambda it: it[0].adjudicated):
        i = bisect.bisect_left(dates, cycle_date(item[0].adjudicated, weekday))
        while i < len(remits) and len(remits[i].claims) >= MAX_CLAIMS:
            i += 1
        if i < len(remits):
            _attach(remits[i], item)
        else:
            late.append(item)
    extra: list[Remittance] = []
    pending: list[list[ClaimPayment]] = []
    for n, item in enumerate(late, start=1):
        pending.append(item)
        if sum(len(it) for it in pending) >= MIN_CLAIMS or n == len(late):
            remit = _remittance(batch, [], cycle_date(item[0].adjudicated, weekday))
            for it in pending:
                _attach(remit, it)
            extra.append(remit)
            pending = []
    return extra


def _interest(batch: Batch, remit: Remittance) -> list[ProviderAdjustment]:
    """Prompt-pay interest on a few claims: AMT*I per claim, their sum as a negative PLB L6."""
    paid = [p for p in remit.claims if p.status in ("1", "19") and p.paid > 0]
    if not paid:
        return []
    total = ZERO
    for payment in batch.rng.sample(paid, min(len(paid), batch.rng.randint(1, 3))):
        payment.interest = max(
            share(payment.paid, Decimal(batch.rng.randint(5, 60)) / 10000), Decimal("0.01")
        )
        total += payment.interest
    return [ProviderAdjustment("L6", remit.trace_no, -total)]


def _recoupment(batch: Batch, remit: Remittance, available: Decimal) -> list[ProviderAdjustment]:
    """Overpayment recovery (WO) of part of an earlier claim payment, never more than is being paid."""
    if batch.last_paid is None or available <= 0:
        return []
    reference, paid = batch.last_paid
    amount = min(share(paid, Decimal(batch.rng.randint(10, 50)) / 100), available)
    return [ProviderAdjustment("WO", reference, amount)] if amount > 0 else []


def settle(batch: Batch, remit: Remittance) -> None:
    """PLB (forward balance recovery, interest, recoupment) and BPR02."""
    claims_total = sum((p.paid for p in remit.claims), ZERO)
    plb: list[ProviderAdjustment] = []
    if batch.carry_forward and claims_total >= batch.carry_forward:
        plb.append(ProviderAdjustment("FB", batch.carry_ref, batch.carry_forward))
        batch.carry_forward = ZERO
    if batch.rng.random() < P_PLB:
        roll = batch.rng.random()
        if roll < 0.7:
            plb += _interest(batch, remit)
        if roll >= 0.6:
            plb += _recoupment(batch, remit, claims_total - sum((a.amount for a in plb), ZERO))
    net = claims_total - sum((a.amount for a in plb), ZERO)
    if net < 0:  # push the negative balance to a later 835 instead of a negative BPR02
        plb.append(ProviderAdjustment("FB", remit.trace_no, net))
        batch.carry_forward += -net
        batch.carry_ref = remit.trace_no
        net = ZERO
    remit.provider_adjustments = plb
    remit.total_paid = net
    remit.method = "NON" if net == 0 else batch.method
    for payment in remit.claims:
        if payment.status in ("1", "19") and payment.paid > 0:
            batch.last_paid = (payment.payer_claim_id, payment.paid)
