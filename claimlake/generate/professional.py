"""837P claims: office visits, procedures, labs and imaging billed by professional groups."""

from __future__ import annotations

import random
from datetime import date, timedelta

from claimlake.generate import icd10
from claimlake.generate.claimkit import (
    Eligible,
    diagnoses,
    dx_count,
    lag_days,
    line_count,
    list_price,
    pointers,
    total_charge,
)
from claimlake.generate.context import Batch
from claimlake.generate.dates import age_on
from claimlake.generate.models import Claim, ClaimLine
from claimlake.generate.pick import Weighted, choose
from claimlake.generate.procedures import PREVENTIVE, PROFESSIONAL, SPECIALTIES, Service, Specialty

SPECIALTY = {s.name: s for s in SPECIALTIES}
WEEK = timedelta(days=7)
_PICKERS: dict[int, Weighted[str]] = {}


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    picker = _PICKERS.get(id(options))
    if picker is None:
        picker = _PICKERS[id(options)] = Weighted(options)
    return picker(rng)


def _service(rng: random.Random, options: tuple[tuple[str, int], ...], sex: str, age: int) -> Service | None:
    """A service from a weighted list that fits the patient (PREVENTIVE resolves by age)."""
    for _ in range(6):
        code = _weighted(rng, options)
        if code == "PREVENTIVE":
            return next(PROFESSIONAL[c] for c in PREVENTIVE if PROFESSIONAL[c].fits(sex, age))
        service = PROFESSIONAL[code]
        if service.fits(sex, age):
            return service
    return None


def _services(rng: random.Random, spec: Specialty, sex: str, age: int) -> list[Service]:
    first = _service(rng, spec.primary, sex, age) or PROFESSIONAL["99213"]
    chosen = [first]
    for _ in range(line_count(rng) - 1):
        extra = _service(rng, spec.addons, sex, age)
        if extra is not None:
            chosen.append(extra)
    return chosen


def _dated(services: list[Service], dos: date, last_day: date) -> list[tuple[Service, date]]:
    """Same code twice on one day would look like a duplicate: repeat it a week later instead."""
    seen: dict[str, int] = {}
    out = []
    for service in services:
        week = seen.get(service.code, -1) + 1
        seen[service.code] = week
        day = dos + WEEK * week
        if day <= last_day:
            out.append((service, day))
    return out


def _diagnoses(rng: random.Random, spec: Specialty, first: Service, sex: str, age: int) -> list[icd10.Icd10]:
    exclude: set[str] = set()
    principal = icd10.pick(rng, first.dx_tags or spec.dx_tags, sex, age, exclude)
    exclude.add(principal.code)
    others = icd10.pick_many(rng, (*spec.dx_tags, "chronic", "status"), sex, age, dx_count(rng) - 1, exclude)
    return [principal, *others]


def build_professional(batch: Batch, eligible: Eligible | None = None) -> Claim:
    rng = batch.rng
    spec = SPECIALTY[batch.provider.specialty]
    eligible = eligible or batch.pools.pick(rng, "HLT", spec.patient_sex, spec.max_patient_age)
    member = eligible.member
    dos, last_day = eligible.pick_day(rng)
    age = age_on(member.birth_date, dos)
    dated = _dated(_services(rng, spec, member.sex, age), dos, last_day)
    codes = _diagnoses(rng, spec, dated[0][0], member.sex, age)
    claim_id = batch.next_claim_id()
    lines = []
    for n, (service, day) in enumerate(dated, start=1):
        units = rng.randint(1, service.max_units) if service.max_units > 1 else 1
        modifiers = (rng.choice(service.modifiers),) if service.modifiers and rng.random() < 0.7 else ()
        price = list_price(batch.seed, batch.provider, service.code, service.median, service.sigma)
        lines.append(
            ClaimLine(
                n,
                f"{claim_id}-{n:02d}",
                service.code,
                "HC",
                price * units,
                units,
                day,
                modifiers,
                dx_pointers=pointers(rng, len(codes), n == 1),
                is_visit=service.is_visit,
            )
        )
    clinicians = batch.provider.clinicians
    rendering = None if batch.provider.provider.entity_type == 1 else choose(rng, clinicians)
    last = max(line.service_date or dos for line in lines)
    return Claim(
        "P",
        claim_id,
        member,
        batch.payer,
        batch.provider,
        rendering,
        _weighted(rng, spec.pos),
        "1",
        total_charge(lines),
        diagnoses(codes),
        lines,
        dos,
        last,
        last + timedelta(days=lag_days(rng, 5, 1.35, 120)),
    )
