"""The fixed cast of a dataset: payers, employer groups and billing providers with their clinicians."""

from __future__ import annotations

import random
from dataclasses import dataclass

from claimlake.generate.facility import FACILITY_TYPES
from claimlake.generate.identity import LAST_NAMES, Address, IdFactory, first_name, random_address
from claimlake.generate.models import BillingProvider, Group, Payer, Provider
from claimlake.generate.procedures import SPECIALTIES

_PAYERS = (
    # name, prefix, filing code, program, allowed range, copay, coinsurance, dental, unique ids, weight
    ("SUMMIT HEALTH PLAN", "SMH", "12", "commercial", (0.40, 0.65), (20, 60), (0.10, 0.30), True, True, 32),
    (
        "LAKESHORE MUTUAL INSURANCE",
        "LKM",
        "12",
        "commercial",
        (0.42, 0.62),
        (25, 50),
        (0.10, 0.25),
        True,
        False,
        24,
    ),
    ("PRAIRIE CARE HMO", "PCH", "HM", "commercial", (0.45, 0.60), (20, 40), (0.0, 0.10), True, False, 16),
    (
        "SILVERAGE MEDICARE ADVANTAGE",
        "SMA",
        "16",
        "medicare",
        (0.25, 0.45),
        (0, 20),
        (0.20, 0.20),
        False,
        True,
        16,
    ),
    (
        "HEARTLAND COMMUNITY MEDICAID",
        "HCM",
        "MC",
        "medicaid",
        (0.20, 0.40),
        (0, 0),
        (0.0, 0.0),
        False,
        True,
        12,
    ),
)
_EMPLOYER_WORDS = (
    "NORTHWIND",
    "BLUE RIVER",
    "CEDAR",
    "IRONWOOD",
    "SUMMIT",
    "PRAIRIE",
    "LAKEVIEW",
    "GRANITE",
    "MERIDIAN",
    "OAKRIDGE",
    "PIONEER",
    "HARBOR",
    "KEYSTONE",
    "SILVER CREEK",
    "TRI COUNTY",
)
_EMPLOYER_KINDS = (
    "LOGISTICS INC",
    "MANUFACTURING CO",
    "SCHOOL DISTRICT",
    "FOODS LLC",
    "CREDIT UNION",
    "ENGINEERING GROUP",
    "RETAIL INC",
    "COUNTY GOVERNMENT",
    "HEALTH SYSTEM",
    "TECHNOLOGIES",
)
_PRACTICE_WORDS = {
    "family medicine": "FAMILY MEDICINE",
    "internal medicine": "INTERNAL MEDICINE",
    "pediatrics": "PEDIATRICS",
    "obstetrics and gynecology": "WOMENS HEALTH",
    "emergency medicine": "EMERGENCY PHYSICIANS",
    "diagnostic radiology": "IMAGING",
    "clinical laboratory": "LABORATORY",
    "orthopaedic surgery": "ORTHOPAEDICS",
    "general surgery": "SURGICAL ASSOCIATES",
    "gastroenterology": "GASTROENTEROLOGY",
    "physical therapy": "PHYSICAL THERAPY",
    "psychology": "BEHAVIORAL HEALTH",
}
_CLINICIAN_TAXONOMY = {"282N00000X": "207R00000X", "282NC0060X": "207Q00000X", "261QA1903X": "208600000X"}
DENTIST_TAXONOMY = "1223G0001X"


@dataclass(frozen=True, slots=True)
class World:
    payers: tuple[Payer, ...]
    groups: tuple[Group, ...]
    providers: tuple[BillingProvider, ...]


def build_payers(rng: random.Random, ids: IdFactory) -> tuple[Payer, ...]:
    payers = []
    for i, (name, prefix, filing, program, allowed, copay, coins, dental, unique, weight) in enumerate(
        _PAYERS
    ):
        payers.append(
            Payer(
                i,
                name,
                f"{60100 + 37 * (i + 1)}",
                ids.ein(),
                prefix,
                filing,
                program,
                allowed,
                copay,
                coins,
                dental,
                unique,
                random_address(rng),
                weight,
            )
        )
    return tuple(payers)


def build_groups(
    rng: random.Random, ids: IdFactory, payers: tuple[Payer, ...], n_members: int
) -> tuple[Group, ...]:
    """At least one group per payer, about one per 400 members."""
    n_groups = max(len(payers), n_members // 400)
    weights = [p.weight for p in payers]
    groups = []
    for i in range(n_groups):
        payer = payers[i] if i < len(payers) else rng.choices(payers, weights)[0]
        name = f"{rng.choice(_EMPLOYER_WORDS)} {rng.choice(_EMPLOYER_KINDS)}"
        if payer.program == "medicare":
            name = f"{rng.choice(_EMPLOYER_WORDS)} RETIREE HEALTH TRUST"
        elif payer.program == "medicaid":
            name = f"STATE MEDICAID AGENCY REGION {i + 1}"
        has_dental = payer.offers_dental and rng.random() < 0.75
        groups.append(
            Group(
                i,
                name,
                ids.ein(),
                f"G{ids.digits(7)}",
                payer,
                has_dental,
                f"{payer.member_prefix} {rng.choice(('GOLD', 'SILVER', 'BRONZE'))} PLAN",
                f"{payer.member_prefix} DENTAL PPO",
            )
        )
    return tuple(groups)


def _person(rng: random.Random, ids: IdFactory, taxonomy: str, address: Address) -> Provider:
    sex = rng.choice("FM")
    return Provider(ids.npi(1), 1, rng.choice(LAST_NAMES), first_name(rng, sex), taxonomy, address, ids.ein())


def _org(ids: IdFactory, name: str, taxonomy: str, address: Address) -> Provider:
    return Provider(ids.npi(2), 2, name, "", taxonomy, address, ids.ein())


def _professional(rng: random.Random, ids: IdFactory, index: int, _first: bool) -> BillingProvider:
    spec = rng.choices(SPECIALTIES, [s.weight for s in SPECIALTIES])[0]
    address = random_address(rng, zip_plus4=True)
    if rng.random() < 0.2:  # solo practitioner billing under an individual NPI
        solo = _person(rng, ids, spec.taxonomy, address)
        return BillingProvider(index, "P", solo, spec.name, [solo], _volume(rng), _price(rng))
    org = _org(
        ids,
        f"{address.city} {_PRACTICE_WORDS[spec.name]} {rng.choice(('ASSOCIATES', 'GROUP', 'PC'))}",
        spec.taxonomy,
        address,
    )
    clinicians = [_person(rng, ids, spec.taxonomy, address) for _ in range(rng.randint(1, 8))]
    return BillingProvider(index, "P", org, spec.name, clinicians, _volume(rng), _price(rng))


def _institutional(rng: random.Random, ids: IdFactory, index: int, first: bool) -> BillingProvider:
    """Mostly hospitals; the first institutional provider always is one, so there are inpatient stays."""
    ftype = FACILITY_TYPES[0] if first else rng.choices(FACILITY_TYPES, [f.weight for f in FACILITY_TYPES])[0]
    address = random_address(rng, zip_plus4=True)
    suffix = {
        "282N00000X": "GENERAL HOSPITAL",
        "282NC0060X": "COMMUNITY HOSPITAL",
        "261QA1903X": "SURGERY CENTER",
    }[ftype.taxonomy]
    org = _org(ids, f"{address.city} {suffix}", ftype.taxonomy, address)
    attendings = [
        _person(rng, ids, _CLINICIAN_TAXONOMY[ftype.taxonomy], address) for _ in range(rng.randint(3, 15))
    ]
    volume = _volume(rng) * (1 if ftype.taxonomy == "261QA1903X" else 3)
    return BillingProvider(index, "I", org, ftype.name, attendings, volume, _price(rng))


def _dental(rng: random.Random, ids: IdFactory, index: int, _first: bool) -> BillingProvider:
    address = random_address(rng, zip_plus4=True)
    org = _org(ids, f"{rng.choice(LAST_NAMES)} FAMILY DENTISTRY", DENTIST_TAXONOMY, address)
    dentists = [_person(rng, ids, DENTIST_TAXONOMY, address) for _ in range(rng.randint(1, 4))]
    return BillingProvider(index, "D", org, "general dentistry", dentists, _volume(rng), _price(rng))


def _volume(rng: random.Random) -> int:
    return max(1, int(rng.lognormvariate(3.0, 0.8)))


def _price(rng: random.Random) -> float:
    return rng.lognormvariate(0.0, 0.2)


def provider_counts(claims: int) -> dict[str, int]:
    """Billing providers per claim type: a handful for a small dataset, a few hundred at a million claims."""
    return {
        "P": min(250, max(8, claims // 1000)),
        "I": min(30, max(3, claims // 10000)),
        "D": min(50, max(3, claims // 5000)),
    }


def build_providers(rng: random.Random, ids: IdFactory, claims: int) -> tuple[BillingProvider, ...]:
    counts = provider_counts(claims)
    makers = {"P": _professional, "I": _institutional, "D": _dental}
    providers: list[BillingProvider] = []
    for kind in ("P", "I", "D"):
        for i in range(counts[kind]):
            providers.append(makers[kind](rng, ids, len(providers), i == 0))
    return tuple(providers)


def build_world(seed: int, members: int, claims: int) -> World:
    rng = random.Random(f"{seed}:world")
    ids = IdFactory(rng)
    payers = build_payers(rng, ids)
    return World(payers, build_groups(rng, ids, payers, members), build_providers(rng, ids, claims))
