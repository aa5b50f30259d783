"""837P / 837I / 837D transaction set bodies (BHT through the last 2400 loop) from Claim objects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from claimlake.generate.dates import d8, rd8
from claimlake.generate.models import BillingProvider, Claim, ClaimLine, Diagnosis, Member, Payer, Provider
from claimlake.generate.money import fmt_amount
from claimlake.generate.stats import ClaimStats
from claimlake.generate.x12 import comp, seg

VERSIONS = {"P": "005010X222A1", "I": "005010X223A2", "D": "005010X224A2"}
SUBMITTER = ("CLAIMLAKE CLEARINGHOUSE", "CLAIMLAKECH")


def _name(code: str, p: Provider) -> str:
    return seg("NM1", code, str(p.entity_type), p.name, p.first_name, "", "", "", "XX", p.npi)


def _address(line1: str, city: str, state: str, zip_code: str) -> list[str]:
    return [f"N3*{line1}", f"N4*{city}*{state}*{zip_code}"]


def header(payer: Payer, billing: BillingProvider, reference: str, created: date) -> list[str]:
    """BHT, submitter (1000A), receiver (1000B) and the billing provider (2000A/2010AA), HL 1."""
    org = billing.provider
    a = org.address
    return [
        f"BHT*0019*00*{reference}*{d8(created)}*1200*CH",
        f"NM1*41*2*{SUBMITTER[0]}*****46*{SUBMITTER[1]}",
        "PER*IC*EDI SUPPORT*TE*8005550100",
        f"NM1*40*2*{payer.name}*****46*{payer.payer_id}",
        "HL*1**20*1",
        f"PRV*BI*PXC*{org.taxonomy}",
        _name("85", org),
        *_address(a.line1, a.city, a.state, a.zip_code),
        f"REF*EI*{org.ein}",
    ]


def member_name(code: str, m: Member, with_id: bool) -> str:
    """NM1 for a person of the enrollment (IL subscriber, QC patient), with NM108 MI + id when asked."""
    qualifier, member_id = ("MI", m.member_id) if with_id else ("", "")
    return seg("NM1", code, "1", m.last_name, m.first_name, m.middle_initial, "", "", qualifier, member_id)


def _demographics(m: Member) -> list[str]:
    a = m.address
    return [*_address(a.line1, a.city, a.state, a.zip_code), f"DMG*D8*{d8(m.birth_date)}*{m.sex}"]


def parties(claim: Claim, hl: int) -> tuple[list[str], int]:
    """2000B subscriber (+ 2000C patient when the payer identifies dependents by the subscriber's id).
    Returns the segments and the next free HL number."""
    member, payer = claim.member, claim.payer
    group_no = member.group.group_number
    payer_name = f"NM1*PR*2*{payer.name}*****PI*{payer.payer_id}"
    if member.is_subscriber or payer.unique_member_ids:
        return [
            f"HL*{hl}*1*22*0",
            f"SBR*P*18*{group_no}******{payer.filing_code}",
            member_name("IL", member, True),
            *_demographics(member),
            payer_name,
        ], hl + 1
    sub = member.subscriber_member
    return [
        f"HL*{hl}*1*22*1",
        f"SBR*P**{group_no}******{payer.filing_code}",
        member_name("IL", sub, True),
        payer_name,
        f"HL*{hl + 1}*{hl}*23*0",
        f"PAT*{member.relationship}",
        member_name("QC", member, False),
        *_demographics(member),
    ], hl + 2


def _hi(diagnoses: list[Diagnosis], qualifiers: tuple[str, ...], per_segment: int = 12) -> list[str]:
    codes = [
        comp(d.qualifier, d.code, *([""] * 6 + [d.poa] if d.poa else []))
        for d in diagnoses
        if d.qualifier in qualifiers
    ]
    return ["HI*" + "*".join(codes[i : i + per_segment]) for i in range(0, len(codes), per_segment)]


def _f8(claim: Claim) -> list[str]:
    return [f"REF*F8*{claim.original_ref}"] if claim.original_ref else []


def _line_common(line: ClaimLine) -> list[str]:
    out = [f"DTP*472*D8*{d8(line.service_date)}"] if line.service_date else []
    out.append(f"REF*6R*{line.control_no}")
    return out


def professional(claim: Claim) -> list[str]:
    out = [
        f"CLM*{claim.claim_id}*{fmt_amount(claim.total_charge)}***{claim.facility_code}:B:{claim.frequency}*Y*A*Y*Y",
        *_f8(claim),
        *_hi(claim.diagnoses, ("ABK", "ABF")),
    ]
    if claim.clinician is not None:
        out += [_name("82", claim.clinician), f"PRV*PE*PXC*{claim.clinician.taxonomy}"]
    for line in claim.lines:
        procedure = comp("HC", line.procedure, *line.modifiers)
        pointers = ":".join(map(str, line.dx_pointers))
        out += [
            f"LX*{line.line_no}",
            f"SV1*{procedure}*{fmt_amount(line.charge)}*UN*{line.units}***{pointers}",
            *_line_common(line),
        ]
    return out


def institutional(claim: Claim) -> list[str]:
    out = [
        f"CLM*{claim.claim_id}*{fmt_amount(claim.total_charge)}***{claim.facility_code}:A:{claim.frequency}**A*Y*Y"
    ]
    if claim.inpatient:
        out.append("DTP*096*TM*1100")
    out.append(f"DTP*434*RD8*{rd8(claim.service_from, claim.service_to)}")
    if claim.inpatient:
        out.append(f"DTP*435*D8*{d8(claim.service_from)}")
    out.append(seg("CL1", claim.admission_type, claim.admission_source, claim.discharge_status))
    out += _f8(claim)
    for qualifiers in (("ABK",), ("ABJ",), ("APR",), ("ABN",)):
        out += _hi(claim.diagnoses, qualifiers)
    if claim.drg:
        out.append(f"HI*DR:{claim.drg}")
    out += _hi(claim.diagnoses, ("ABF",))
    if claim.clinician is not None:
        out += [_name("71", claim.clinician), f"PRV*AT*PXC*{claim.clinician.taxonomy}"]
    for line in claim.lines:
        procedure = comp("HC", line.procedure, *line.modifiers) if line.procedure else ""
        out += [
            f"LX*{line.line_no}",
            seg(
                "SV2", line.revenue_code, procedure, fmt_amount(line.charge), line.unit_basis, str(line.units)
            ),
            *_line_common(line),
        ]
    return out


def dental(claim: Claim) -> list[str]:
    out = [
        f"CLM*{claim.claim_id}*{fmt_amount(claim.total_charge)}***{claim.facility_code}:B:{claim.frequency}*Y*A*Y*Y",
        *_f8(claim),
        *_hi(claim.diagnoses, ("ABK", "ABF")),
    ]
    if claim.clinician is not None:
        out += [_name("82", claim.clinician), f"PRV*PE*PXC*{claim.clinician.taxonomy}"]
    for line in claim.lines:
        out += [
            f"LX*{line.line_no}",
            seg(
                "SV3",
                f"AD:{line.procedure}",
                fmt_amount(line.charge),
                "",
                line.oral_area,
                "",
                str(line.units),
            ),
        ]
        if line.tooth:
            out.append(seg("TOO", "JP", line.tooth, ":".join(line.surfaces)))
        out += _line_common(line)
    return out


CLAIM_WRITERS: dict[str, Callable[[Claim], list[str]]] = {"P": professional, "I": institutional, "D": dental}


def claims_body(
    kind: str, payer: Payer, billing: BillingProvider, claims: list[Claim], reference: str, stats: ClaimStats
) -> list[str]:
    """The body of one 837 transaction set: one billing provider, one payer, up to 5,000 claims."""
    created = max(c.submitted for c in claims)
    body = header(payer, billing, reference, created)
    write = CLAIM_WRITERS[kind]
    hl = 2
    for claim in claims:
        segments, hl = parties(claim, hl)
        body += segments
        body += write(claim)
        stats.claims += 1
        stats.lines += len(claim.lines)
        stats.diagnoses += len(claim.diagnoses)
        stats.total_charge_amt += claim.total_charge
        stats.current_charge_amt += (claim.total_charge if claim.frequency != "8" else 0) - claim.replaces_charge
        stats.replacements += claim.frequency == "7"
        stats.voids += claim.frequency == "8"
    return body
