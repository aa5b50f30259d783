"""837D claims: recall visits, restorations and periodontal care, with tooth numbers and quadrants."""

from __future__ import annotations

import random
from datetime import timedelta

from claimlake.generate.claimkit import lag_days, list_price, total_charge
from claimlake.generate.context import Batch
from claimlake.generate.dates import age_on
from claimlake.generate.models import Claim, ClaimLine
from claimlake.generate.pick import Weighted
from claimlake.generate.procedures import DENTAL, DentalService

BY_CODE = {s.code: s for s, _ in DENTAL}
POSTERIOR = ("2", "3", "4", "5", "12", "13", "14", "15", "18", "19", "20", "21", "28", "29", "30", "31")
PRIMARY_POSTERIOR = ("A", "B", "I", "J", "K", "L", "S", "T")
SURFACES = ("M", "O", "D", "B", "L")
QUADRANTS = ("10", "20", "30", "40")
RECALL = (("D0120", 1.0), ("D1110", 0.9), ("D1120", 0.9), ("D0274", 0.4), ("D1206", 0.5), ("D0210", 0.05))
_RESTORATIVE = Weighted(
    [
        ("D2391", 40),
        ("D2392", 25),
        ("D7140", 10),
        ("D2740", 10),
        ("D2750", 5),
        ("D3330", 5),
        ("D7210", 5),
        ("D1351", 5),
    ]
)


def _recall(rng: random.Random, age: int) -> list[DentalService]:
    return [
        BY_CODE[c] for c, p in RECALL if rng.random() < p and BY_CODE[c].min_age <= age <= BY_CODE[c].max_age
    ]


def _restorative(rng: random.Random, age: int) -> list[DentalService]:
    out = [BY_CODE["D0220"]]
    for _ in range(rng.randint(1, 3)):
        service = BY_CODE[_RESTORATIVE(rng)]
        if service.min_age <= age <= service.max_age:
            out.append(service)
    return out


def _perio(rng: random.Random, age: int) -> list[DentalService]:
    if age < 18:
        return _recall(rng, age)
    if rng.random() < 0.4:
        return [BY_CODE["D4910"]]
    return [BY_CODE["D4341"]] * rng.randint(1, 4)


def _placement(
    rng: random.Random, service: DentalService, age: int, used: set[str]
) -> tuple[str, tuple[str, ...], str]:
    """Tooth number, surfaces and oral area for one line (distinct teeth / quadrants within a claim)."""
    if service.area == "quadrant":
        area = next(q for q in QUADRANTS if q not in used)
        used.add(area)
        return "", (), area
    if not service.area:
        return "", (), ""
    teeth = PRIMARY_POSTERIOR if age < 12 else POSTERIOR
    tooth = rng.choice([t for t in teeth if t not in used] or list(teeth))
    used.add(tooth)
    if service.area != "tooth" or service.code[:3] in ("D27", "D33"):
        return tooth, (), ""
    count = 2 if service.code == "D2392" else 1
    return tooth, tuple(rng.sample(SURFACES, count)), ""


def build_dental(batch: Batch) -> Claim:
    rng = batch.rng
    eligible = batch.pools.pick(rng, "DEN")
    member = eligible.member
    dos, _ = eligible.pick_day(rng)
    age = age_on(member.birth_date, dos)
    roll = rng.random()
    services = (
        _recall(rng, age) if roll < 0.6 else (_restorative(rng, age) if roll < 0.9 else _perio(rng, age))
    )
    services = services or [BY_CODE["D0120"]]
    claim_id = batch.next_claim_id()
    used: set[str] = set()
    lines = []
    for n, service in enumerate(services[:6], start=1):
        tooth, surfaces, area = _placement(rng, service, age, used)
        lines.append(
            ClaimLine(
                n,
                f"{claim_id}-{n:02d}",
                service.code,
                "AD",
                list_price(batch.seed, batch.provider, service.code, service.median, 0.3),
                1,
                dos,
                tooth=tooth,
                surfaces=surfaces,
                oral_area=area,
                dental_category=service.category,
            )
        )
    return Claim(
        "D",
        claim_id,
        member,
        batch.payer,
        batch.provider,
        rng.choice(batch.provider.clinicians),
        "11",
        "1",
        total_charge(lines),
        [],
        lines,
        dos,
        dos,
        dos + timedelta(days=lag_days(rng, 4, 1.2, 120)),
    )
