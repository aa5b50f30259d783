"""834 transaction set bodies: one per plan sponsor (employer group) per file."""

from __future__ import annotations

from claimlake.generate.dates import d8
from claimlake.generate.enrollment import EnrollmentFile, Event
from claimlake.generate.models import Group
from claimlake.generate.stats import EnrollStats
from claimlake.generate.x12 import seg

VERSION = "005010X220A1"
SENDER, RECEIVER = "BENEFITSHUB", "CLAIMLAKE"
# action -> INS03 maintenance type, INS04 reason, HD01 maintenance type
MAINTENANCE = {
    "audit": ("030", "AI", "030"),
    "add": ("021", "28", "021"),
    "birth": ("021", "02", "021"),
    "rehire": ("021", "41", "021"),
    "address": ("001", "43", "001"),
    "term": ("024", "08", "024"),
    "dep_term": ("024", "07", "024"),
}


def _ins(event: Event) -> str:
    member = event.member
    ins03, ins04, _ = MAINTENANCE[event.action]
    if member.is_subscriber:
        employment = (
            "TE" if event.action == "term" else ("RT" if member.group.payer.program == "medicare" else "FT")
        )
        return seg("INS", "Y", "18", ins03, ins04, "A", "", "", employment)
    student = ""
    if member.relationship == "19" and event.effective.year - member.birth_date.year >= 19:
        student = "F" if member.student else "N"
    return seg("INS", "N", member.relationship, ins03, ins04, "A", "", "", "", student)


def member_loop(event: Event) -> list[str]:
    """2000 (INS, REF, DTP), 2100A (NM1, N3, N4, DMG) and one 2300 (HD, DTP) per coverage."""
    member, a = event.member, event.address
    out = [_ins(event), f"REF*0F*{member.subscriber_member.member_id}", f"REF*1L*{member.group.group_number}"]
    if event.action != "audit":
        out.append(f"DTP*303*D8*{d8(event.effective)}")
    out += [
        seg(
            "NM1",
            "IL",
            "1",
            member.last_name,
            member.first_name,
            member.middle_initial,
            "",
            "",
            "ZZ",
            member.member_id,
        ),
        f"N3*{a.line1}",
        f"N4*{a.city}*{a.state}*{a.zip_code}",
        f"DMG*D8*{d8(member.birth_date)}*{member.sex}",
    ]
    hd01 = MAINTENANCE[event.action][2]
    for span in event.coverages:
        plan = member.group.medical_plan if span.line == "HLT" else member.group.dental_plan
        out += [f"HD*{hd01}**{span.line}*{plan}*{member.tier}", f"DTP*348*D8*{d8(span.begin)}"]
        if span.end is not None:
            out.append(f"DTP*349*D8*{d8(span.end)}")
    return out


def sponsor_body(
    file: EnrollmentFile, group: Group, events: list[Event], reference: str, stats: EnrollStats
) -> list[str]:
    subscribers = sum(1 for e in events if e.member.is_subscriber)
    body = [
        seg("BGN", "00", reference, d8(file.created), "0900", "", "", "", "RX" if file.is_full else "2"),
        f"REF*38*{group.group_number}",
        f"DTP*007*D8*{d8(file.created)}",
        f"QTY*ET*{subscribers}",
        f"QTY*DT*{len(events) - subscribers}",
        f"QTY*TO*{len(events)}",
        f"N1*P5*{group.name}*FI*{group.ein}",
        f"N1*IN*{group.payer.name}*FI*{group.payer.ein}",
    ]
    for event in events:
        body += member_loop(event)
        stats.coverages += len(event.coverages)
    stats.members += len(events)
    stats.subscribers += subscribers
    stats.dependents += len(events) - subscribers
    return body
