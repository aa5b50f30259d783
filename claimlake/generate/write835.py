"""835 transaction set bodies (BPR through PLB) from Remittance objects."""

from __future__ import annotations

from claimlake.generate.dates import d8
from claimlake.generate.models import Adjustment, ClaimPayment, Provider, Remittance, ServicePayment
from claimlake.generate.money import fmt_amount
from claimlake.generate.stats import RemitStats
from claimlake.generate.write837 import member_name
from claimlake.generate.x12 import comp, seg

VERSION = "005010X221A1"
RECEIVER = "CLAIMLAKECH"
PAYER_BANK = ("071000013", "4000123456")
CROSSOVER_ID = "77025"


def _bpr(remit: Remittance) -> str:
    day = d8(remit.payment_date)
    amount = fmt_amount(remit.total_paid)
    payer = remit.payer
    if remit.method == "ACH":
        payee_account = f"{7000000000 + remit.payee.index * 7919}"
        return (
            f"BPR*C*{amount}*C*ACH*CCP*01*{PAYER_BANK[0]}*DA*{PAYER_BANK[1]}*1{payer.ein}**01*"
            f"{_routing(remit.payee.index)}*DA*{payee_account}*{day}"
        )
    handling = "H" if remit.method == "NON" else "C"
    return f"BPR*{handling}*{amount}*C*{remit.method}************{day}"


def _routing(index: int) -> str:
    """A 9-digit ABA routing number with a valid checksum (3-7-1 weights)."""
    body = f"{(21000000 + index * 1237) % 100000000:08d}"
    total = sum(int(d) * w for d, w in zip(body, (3, 7, 1, 3, 7, 1, 3, 7), strict=True))
    return body + str((10 - total % 10) % 10)


def _cas(adjustments: list[Adjustment], out: list[str]) -> None:
    """Append one CAS per group code, at most six reason/amount/quantity triples each."""
    by_group: dict[str, list[str]] = {}
    for a in adjustments:
        triple = f"{a.reason}*{a.amount if a.amount else 0}"
        if a.group in by_group:
            by_group[a.group].append(triple)
        else:
            by_group[a.group] = [triple]
    for group, triples in by_group.items():
        for i in range(0, len(triples), 6):
            out.append(f"CAS*{group}*" + "**".join(triples[i : i + 6]))


def _patient(payment: ClaimPayment) -> list[str]:
    """NM1*QC with the patient's own id, or name only plus NM1*IL when the payer ids the subscriber."""
    member = payment.claim.member
    if member.is_subscriber or payment.claim.payer.unique_member_ids:
        return [member_name("QC", member, True)]
    return [member_name("QC", member, False), member_name("IL", member.subscriber_member, True)]


def _service(svc: ServicePayment, institutional: bool, out: list[str]) -> None:
    line = svc.line
    if not line.procedure:
        procedure, revenue = f"NU:{line.revenue_code}", ""
    else:
        procedure = (
            comp(line.qualifier, line.procedure, *line.modifiers)
            if line.modifiers
            else (f"{line.qualifier}:{line.procedure}")
        )
        revenue = line.revenue_code if institutional else ""
    out.append(f"SVC*{procedure}*{fmt_amount(svc.charge)}*{fmt_amount(svc.paid)}*{revenue}*{line.units}")
    if line.service_date:
        out.append(f"DTM*472*{d8(line.service_date)}")
    _cas(svc.adjustments, out)
    out.append(f"REF*6R*{line.control_no}")
    if svc.allowed:
        out.append(f"AMT*B6*{fmt_amount(svc.allowed)}")
    for remark in svc.remarks:
        out.append(f"LQ*HE*{remark}")


def _clp(payment: ClaimPayment) -> str:
    claim = payment.claim
    drg = claim.drg if claim.inpatient else ""
    return seg(
        "CLP",
        claim.claim_id,
        payment.status,
        fmt_amount(payment.charge),
        fmt_amount(payment.paid),
        fmt_amount(payment.patient_responsibility),
        claim.payer.filing_code,
        payment.payer_claim_id,
        claim.facility_code,
        claim.frequency,
        "",
        drg,
    )


def _claim(payment: ClaimPayment, out: list[str]) -> None:
    """Append one 2100 loop and its 2110 loops."""
    claim = payment.claim
    out.append(_clp(payment))
    _cas(payment.adjustments, out)
    out += _patient(payment)
    if payment.crossover:
        out.append(f"NM1*TT*2*{payment.crossover}*****PI*{CROSSOVER_ID}")
    if claim.inpatient:
        out.append(
            seg("MIA", str(payment.covered_days), "", "", "", payment.remarks[0] if payment.remarks else "")
        )
    elif payment.remarks:
        out.append(seg("MOA", "", "", *payment.remarks))
    institutional = claim.kind == "I"
    if institutional:
        out += [f"DTM*232*{d8(claim.service_from)}", f"DTM*233*{d8(claim.service_to)}"]
    out.append(f"DTM*050*{d8(payment.received)}")
    if payment.interest:
        out.append(f"AMT*I*{fmt_amount(payment.interest)}")
    for svc in payment.services:
        _service(svc, institutional, out)


def _plb(remit: Remittance) -> list[str]:
    pairs = [f"{comp(a.reason, a.reference)}*{fmt_amount(a.amount)}" for a in remit.provider_adjustments]
    fiscal = f"{remit.payment_date.year}1231"
    return [
        f"PLB*{remit.payee.provider.npi}*{fiscal}*" + "*".join(pairs[i : i + 6])
        for i in range(0, len(pairs), 6)
    ]


def payee_name(provider: Provider) -> str:
    return provider.name if provider.entity_type == 2 else f"{provider.first_name} {provider.name}"


def remittance_body(remit: Remittance, stats: RemitStats) -> list[str]:
    payer, payee = remit.payer, remit.payee.provider
    pa, ea = payer.address, payee.address
    body = [
        _bpr(remit),
        f"TRN*1*{remit.trace_no}*1{payer.ein}",
        f"DTM*405*{d8(remit.payment_date)}",
        f"N1*PR*{payer.name}",
        f"N3*{pa.line1}",
        f"N4*{pa.city}*{pa.state}*{pa.zip_code}",
        "PER*BL*EDI SUPPORT*TE*8005550199",
        f"N1*PE*{payee_name(payee)}*XX*{payee.npi}",
        f"N3*{ea.line1}",
        f"N4*{ea.city}*{ea.state}*{ea.zip_code}",
        f"REF*TJ*{payee.ein}",
        "LX*1",
    ]
    for payment in remit.claims:
        _claim(payment, body)
        stats.claim_payments += 1
        stats.service_payments += len(payment.services)
        stats.adjustments += len(payment.adjustments) + sum(len(s.adjustments) for s in payment.services)
        stats.claim_paid_amt += payment.paid
        stats.denied += payment.status == "4"
        stats.reversals += payment.status == "22"
    body += _plb(remit)
    stats.remittances += 1
    stats.provider_adjustments += len(remit.provider_adjustments)
    stats.total_paid_amt += remit.total_paid
    return body
