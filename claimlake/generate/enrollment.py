"""Members, their coverage spans, and the 834 events that announce them (full file + monthly changes)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from claimlake.generate.dates import CHANGE_MONTHS, FULL_FILE_DATE, SERVICE_START, add_days, month_end
from claimlake.generate.identity import LAST_NAMES, Address, IdFactory, first_name, random_address
from claimlake.generate.models import CoverageSpan, Group, Member
from claimlake.generate.pick import Weighted

TIERS = {
    "commercial": (("EMP", 50), ("FAM", 22), ("ESP", 15), ("ECH", 13)),
    "medicare": (("EMP", 70), ("ESP", 30)),
    "medicaid": (("EMP", 25), ("ECH", 45), ("FAM", 20), ("ESP", 10)),
}
CHILDREN = ((1, 25), (2, 40), (3, 22), (4, 13))
# monthly probabilities per family
P_TERMINATE, P_ADDRESS, P_BIRTH, P_DEPENDENT_TERM, P_NEW_HIRE, P_REHIRE = (
    0.007,
    0.015,
    0.002,
    0.002,
    0.004,
    0.3,
)


@dataclass(frozen=True, slots=True)
class Event:
    """One INS loop: who, what maintenance (INS03/INS04) and which HD loops ride along."""

    member: Member
    action: str  # audit | add | birth | rehire | address | term | dep_term
    effective: date
    address: Address
    coverages: tuple[CoverageSpan, ...]


@dataclass(slots=True)
class EnrollmentFile:
    created: date
    is_full: bool
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Household:
    """What the members of one family share: family number (in every member id), group, name, address."""

    number: str
    group: Group
    last_name: str
    address: Address
    tier: str


@dataclass(slots=True)
class Family:
    household: Household
    subscriber: Member
    dependents: list[Member]
    next_seq: int
    active: bool = True
    rehire_month: int = -1

    @property
    def members(self) -> list[Member]:
        return [self.subscriber, *self.dependents]


@dataclass(slots=True)
class Enrollment:
    members: list[Member]
    files: list[EnrollmentFile]


def _birth(rng: random.Random, age: int, on: date = SERVICE_START) -> date:
    return on - timedelta(days=int(age * 365.25) + rng.randrange(365))


def _subscriber_age(rng: random.Random, program: str) -> int:
    if program == "medicare":
        return rng.randint(65, 88)
    if program == "medicaid":
        return rng.randint(18, 45)
    return min(64, max(22, int(rng.gauss(43, 11))))


def _tier(rng: random.Random, group: Group, budget: int) -> tuple[str, int]:
    """Coverage tier and number of children, shrunk to fit the remaining member budget."""
    tiers = TIERS[group.payer.program]
    tier = rng.choices([t for t, _ in tiers], [w for _, w in tiers])[0]
    kids = rng.choices([n for n, _ in CHILDREN], [w for _, w in CHILDREN])[0] if tier in ("ECH", "FAM") else 0
    adults = 2 if tier in ("ESP", "FAM") else 1
    if adults + kids > budget:
        if budget == 1:
            return "EMP", 0
        kids = budget - adults
        if kids <= 0:
            return "ESP", 0
    return tier, kids


class Builder:
    """Creates families and records their 834 events."""

    def __init__(self, rng: random.Random, groups: tuple[Group, ...]) -> None:
        self.rng = rng
        self.ids = IdFactory(rng)
        self.groups = groups
        self.pick_group = Weighted([(g, max(1, int(rng.lognormvariate(0, 1) * 100))) for g in groups])
        self.members: list[Member] = []
        self.families: list[Family] = []

    def _person(
        self,
        home: Household,
        seq: int,
        relation: str,
        sex: str,
        birth: date,
        last_name: str,
        subscriber: Member | None,
    ) -> Member:
        rng = self.rng
        member_id = f"{home.group.payer.member_prefix}{home.number}{seq:02d}"
        member = Member(
            member_id,
            subscriber,
            relation,
            last_name,
            first_name(rng, sex),
            rng.choice("ABCDEFGHJKLMNPRSTW"),
            birth,
            sex,
            home.address,
            home.group,
            home.tier,
        )
        self.members.append(member)
        return member

    def open_spans(self, member: Member, begin: date) -> None:
        lines = ("HLT", "DEN") if member.group.has_dental else ("HLT",)
        member.spans.extend(CoverageSpan(line, max(begin, member.birth_date), None) for line in lines)

    def new_family(self, budget: int, begin: date) -> Family:
        rng = self.rng
        group = self.pick_group(rng)
        tier, kids = _tier(rng, group, budget)
        home = Household(self.ids.digits(7), group, rng.choice(LAST_NAMES), random_address(rng), tier)
        sub_age, sub_sex = _subscriber_age(rng, group.payer.program), rng.choice("FM")
        family = Family(
            home, self._person(home, 1, "18", sub_sex, _birth(rng, sub_age), home.last_name, None), [], 2
        )
        if tier in ("ESP", "FAM"):
            sex = ("M" if sub_sex == "F" else "F") if rng.random() < 0.9 else sub_sex
            age = max(18 if group.payer.program != "medicare" else 60, sub_age + int(rng.gauss(0, 3)))
            last_name = home.last_name if rng.random() < 0.8 else rng.choice(LAST_NAMES)
            self.add_dependent(family, "01", sex, _birth(rng, age), last_name)
        for _ in range(kids):
            age = rng.randint(0, max(0, min(26, sub_age - 18)))
            self.add_dependent(family, "19", rng.choice("FM"), _birth(rng, age), home.last_name)
        for member in family.members:
            self.open_spans(member, begin)
        self.families.append(family)
        return family

    def add_dependent(self, family: Family, relation: str, sex: str, birth: date, last_name: str) -> Member:
        member = self._person(
            family.household, family.next_seq, relation, sex, birth, last_name, family.subscriber
        )
        member.student = (
            relation == "19" and SERVICE_START.year - birth.year >= 19 and self.rng.random() < 0.6
        )
        family.next_seq += 1
        family.dependents.append(member)
        return member


def _event(member: Member, action: str, effective: date, coverages: list[CoverageSpan]) -> Event:
    """Snapshot the spans: a later termination must not leak an end date into an earlier file."""
    return Event(
        member,
        action,
        effective,
        member.address,
        tuple(CoverageSpan(s.line, s.begin, s.end) for s in coverages),
    )


def _open(member: Member) -> list[CoverageSpan]:
    return [s for s in member.spans if s.end is None]


def _terminate(family: Family, end: date) -> list[Event]:
    events = []
    for member in family.members:
        spans = _open(member)
        if not spans:
            continue
        for span in spans:
            span.end = end
        events.append(_event(member, "term", end, spans))
    family.active = False
    return events


def _rehire(builder: Builder, family: Family, begin: date) -> list[Event]:
    family.active, family.rehire_month = True, -1
    events = []
    for member in family.members:
        if member.spans and member.spans[-1].end is not None and member.spans[-1].end < begin:
            if (
                member is not family.subscriber
                and member.relationship == "19"
                and begin.year - member.birth_date.year > 26
            ):
                continue
            before = len(member.spans)
            builder.open_spans(member, begin)
            events.append(_event(member, "rehire", begin, member.spans[before:]))
    return events


def _address_change(builder: Builder, family: Family, effective: date) -> list[Event]:
    new = random_address(builder.rng)
    events = []
    for member in family.members:
        if _open(member):
            member.address = new
            events.append(_event(member, "address", effective, []))
    return events


def _birth_event(builder: Builder, family: Family, month: date) -> list[Event]:
    rng = builder.rng
    born = add_days(month, -rng.randint(1, 28))
    baby = builder.add_dependent(family, "19", rng.choice("FM"), born, family.subscriber.last_name)
    builder.open_spans(baby, born)
    return [_event(baby, "birth", born, baby.spans)]


def _dependent_term(family: Family, end: date) -> list[Event]:
    kids = [m for m in family.dependents if m.relationship == "19" and _open(m)]
    if not kids:
        return []
    oldest = min(kids, key=lambda m: m.birth_date)
    spans = _open(oldest)
    for span in spans:
        span.end = end
    return [_event(oldest, "dep_term", end, spans)]


def _family_change(builder: Builder, family: Family, month_no: int, month: date) -> list[Event]:
    rng = builder.rng
    if not family.active:
        return _rehire(builder, family, month) if family.rehire_month == month_no else []
    roll = rng.random()
    if roll < P_TERMINATE:
        if rng.random() < P_REHIRE:
            family.rehire_month = month_no + rng.randint(2, 6)
        return _terminate(family, month_end(month))
    roll -= P_TERMINATE
    if roll < P_ADDRESS:
        return _address_change(builder, family, month)
    roll -= P_ADDRESS
    if roll < P_BIRTH and family.subscriber.tier in ("ECH", "FAM") and len(family.dependents) < 8:
        return _birth_event(builder, family, month)
    roll -= P_BIRTH
    if roll < P_DEPENDENT_TERM:
        return _dependent_term(family, month_end(month))
    return []


def _change_file(builder: Builder, month_no: int, month: date, initial_families: int) -> EnrollmentFile:
    out = EnrollmentFile(add_days(month, 4), False)
    for family in list(builder.families):
        out.events.extend(_family_change(builder, family, month_no, month))
    hires = sum(1 for _ in range(initial_families) if builder.rng.random() < P_NEW_HIRE)
    for _ in range(hires):
        family = builder.new_family(6, month)
        out.events.extend(_event(m, "add", month, m.spans) for m in family.members)
    return out


def build_enrollment(seed: int, groups: tuple[Group, ...], n_members: int) -> Enrollment:
    """Exactly `n_members` lives in the full file, then monthly change files through the service window."""
    builder = Builder(random.Random(f"{seed}:enrollment"), groups)
    full = EnrollmentFile(FULL_FILE_DATE, True)
    while len(builder.members) < n_members:
        begin = (
            SERVICE_START
            if builder.rng.random() < 0.6
            else date(builder.rng.randint(2015, 2024), builder.rng.randint(1, 12), 1)
        )
        family = builder.new_family(n_members - len(builder.members), begin)
        full.events.extend(_event(m, "audit", FULL_FILE_DATE, m.spans) for m in family.members)
    files = [full]
    initial_families = len(builder.families)
    for month_no, month in enumerate(CHANGE_MONTHS):
        change = _change_file(builder, month_no, month, initial_families)
        if change.events:
            files.append(change)
    return Enrollment(builder.members, files)
