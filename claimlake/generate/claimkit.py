"""Shared claim-building tools: who is eligible when, list prices, ids, dates and diagnosis pointers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimlake.generate.dates import SERVICE_END, SERVICE_START, age_on
from claimlake.generate.icd10 import Icd10
from claimlake.generate.models import BillingProvider, ClaimLine, Diagnosis, Member, Payer
from claimlake.generate.money import ZERO, cents
from claimlake.generate.pick import choose

WINDOW_FIRST, WINDOW_LAST = SERVICE_START.toordinal(), SERVICE_END.toordinal()


@dataclass(frozen=True, slots=True)
class Eligible:
    """A member and the days (ordinals, inclusive) they are covered for one insurance line, in the window."""

    member: Member
    ranges: tuple[tuple[int, int], ...]

    def pick_day(self, rng: random.Random) -> tuple[date, date]:
        """A covered day, and the last covered day of its span (so multi-day services stay inside)."""
        first, last = (
            self.ranges[0]
            if len(self.ranges) == 1
            else rng.choices(self.ranges, [b - a + 1 for a, b in self.ranges])[0]
        )
        day = rng.randint(first, last)
        return date.fromordinal(day), date.fromordinal(last)

    def pick_stay(self, rng: random.Random, days: int) -> tuple[date, int]:
        """A first day with `days` covered days after it (shortened when no span is that long)."""
        longest = max(b - a for a, b in self.ranges)
        days = min(days, longest)
        fitting = [(a, b) for a, b in self.ranges if b - a >= days]
        first, last = rng.choice(fitting)
        return date.fromordinal(rng.randint(first, last - days)), days


def _ranges(member: Member, line: str) -> tuple[tuple[int, int], ...]:
    out = []
    for span in member.spans:
        if span.line != line:
            continue
        first = max(span.begin.toordinal(), WINDOW_FIRST)
        last = min(span.end.toordinal() if span.end else WINDOW_LAST, WINDOW_LAST)
        if first <= last:
            out.append((first, last))
    return tuple(out)


@dataclass(slots=True)
class Pools:
    """Eligible members of one payer by insurance line, with the subsets specialties ask for."""

    by_line: dict[str, list[Eligible]]
    _subsets: dict[tuple[str, str, int], list[Eligible]] = field(default_factory=dict)

    @classmethod
    def for_payer(cls, payer: Payer, members: list[Member]) -> Pools:
        by_line: dict[str, list[Eligible]] = {"HLT": [], "DEN": []}
        for member in members:
            if member.group.payer is not payer:
                continue
            for line, pool in by_line.items():
                ranges = _ranges(member, line)
                if ranges:
                    pool.append(Eligible(member, ranges))
        return cls(by_line)

    def size(self, line: str) -> int:
        return len(self.by_line[line])

    def pick(self, rng: random.Random, line: str, sex: str = "", max_age: int = 120) -> Eligible:
        key = (line, sex, max_age)
        pool = self._subsets.get(key)
        if pool is None:
            pool = [
                e
                for e in self.by_line[line]
                if (not sex or e.member.sex == sex) and age_on(e.member.birth_date, SERVICE_START) <= max_age
            ]
            self._subsets[key] = pool or self.by_line[line]
            pool = self._subsets[key]
        return choose(rng, pool)


def list_price(seed: int, provider: BillingProvider, code: str, median: float, sigma: float) -> Decimal:
    """The provider's charge-master price for a code: fixed per provider, lognormal across providers."""
    price = provider.prices.get(code)
    if price is None:
        draw = random.Random(f"{seed}:price:{provider.index}:{code}").lognormvariate(0.0, sigma)
        price = cents(max(1.0, median * provider.price_factor * draw))
        provider.prices[code] = price
    return price


def lag_days(rng: random.Random, median: float, sigma: float, cap: int) -> int:
    return min(cap, max(1, int(rng.lognormvariate(0.0, sigma) * median)))


def diagnoses(codes: list[Icd10], qualifier_first: str = "ABK", other: str = "ABF") -> list[Diagnosis]:
    return [Diagnosis(qualifier_first if i == 0 else other, c.code) for i, c in enumerate(codes)]


def pointers(rng: random.Random, n_dx: int, first_line: bool) -> tuple[int, ...]:
    """SV107 pointers (1-based HI positions): the first line points at the principal diagnosis."""
    if n_dx <= 1:
        return (1,)
    head = 1 if first_line else rng.randint(1, n_dx)
    extra = [i for i in range(1, min(n_dx, 4) + 1) if i != head and rng.random() < 0.3]
    return (head, *extra[:3])


def line_count(rng: random.Random, p_single: float = 0.45, p_more: float = 0.65, cap: int = 50) -> int:
    """Median 2, about 45% single-line, geometric tail up to the cap."""
    if rng.random() < p_single:
        return 1
    n = 2
    while n < cap and rng.random() < p_more:
        n += 1
    return n


def dx_count(rng: random.Random) -> int:
    """Professional claims: 1-4 diagnoses (mean about 2.2), rarely up to 12."""
    roll = rng.random()
    if roll < 0.98:
        return 1 + sum(rng.random() < p for p in (0.6, 0.35, 0.15))
    return rng.randint(5, 12)


def total_charge(lines: list[ClaimLine]) -> Decimal:
    """CLM02: the sum of the line charges."""
    return sum((line.charge for line in lines), ZERO)
