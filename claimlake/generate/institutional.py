"""837I claims: inpatient stays (bill type 0111) and outpatient encounters (013x, 083x, 085x)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from claimlake.generate import icd10
from claimlake.generate.claimkit import Eligible, lag_days, list_price, total_charge
from claimlake.generate.context import Batch
from claimlake.generate.dates import SERVICE_END, SERVICE_START, age_on
from claimlake.generate.facility import (
    BILL_TYPE,
    CLINIC_VISIT,
    DRUGS,
    ER_VISIT,
    FACILITY_TYPES,
    IMAGING,
    INPATIENT_ANCILLARY,
    INPATIENT_CASES,
    LABS,
    OTHER_OUTPATIENT,
    ROOM_ICU,
    ROOM_SEMI_PRIVATE,
    SURGERY,
    SURGERY_SUPPORT,
    InpatientCase,
    RevenueItem,
)
from claimlake.generate.models import Claim, ClaimLine, Diagnosis, Member
from claimlake.generate.money import cents
from claimlake.generate.pick import Weighted

FACILITY = {f.name: f for f in FACILITY_TYPES}
# encounter -> (item pools with (min, max) lines each, diagnosis tags)
OUTPATIENT = {
    "emergency": (
        ((ER_VISIT, 1, 1), (LABS, 2, 6), (IMAGING, 0, 1), (DRUGS, 0, 4), (OTHER_OUTPATIENT, 0, 2)),
        ("acute", "injury", "symptom"),
    ),
    "clinic": (
        ((CLINIC_VISIT, 1, 1), (LABS, 1, 5), (IMAGING, 0, 1), (OTHER_OUTPATIENT, 0, 2)),
        ("chronic", "lab", "imaging"),
    ),
    "surgery": (
        ((SURGERY, 1, 1), (SURGERY_SUPPORT, 3, 4), (LABS, 0, 2), (DRUGS, 1, 3)),
        ("surgery", "gi", "ortho"),
    ),
}
OUTPATIENT |= {
    "emergency_cah": OUTPATIENT["emergency"],
    "clinic_cah": OUTPATIENT["clinic"],
    "asc": OUTPATIENT["surgery"],
}
_DISCHARGE = Weighted([("01", 80), ("06", 8), ("03", 6), ("02", 2), ("07", 1), ("20", 1), ("62", 2)])
_CASES = Weighted(INPATIENT_CASES)
_ENCOUNTERS = {f.name: Weighted(f.encounters) for f in FACILITY_TYPES}


def _charge(rng: random.Random, batch: Batch, item: RevenueItem, units: int = 1) -> ClaimLine:
    amount = cents(item.median * batch.provider.price_factor * rng.lognormvariate(0.0, item.sigma)) * units
    return ClaimLine(
        0, "", item.hcpcs, "HC" if item.hcpcs else "", amount, units, None, revenue_code=item.revenue_code
    )


def _poa(rng: random.Random, code: str) -> str:
    """Present-on-admission: blank for exempt status / external-cause codes."""
    if code[0] in "VWXYZ":
        return ""
    roll = rng.random()
    return "Y" if roll < 0.9 else ("N" if roll < 0.98 else "U")


def _number(lines: list[ClaimLine], claim_id: str, day: date | None) -> list[ClaimLine]:
    for n, line in enumerate(lines, start=1):
        line.line_no, line.control_no, line.service_date = n, f"{claim_id}-{n:02d}", day
    return lines


def _case(rng: random.Random, batch: Batch) -> tuple[InpatientCase, Eligible] | None:
    """An inpatient case and a patient it fits (sex, age, at least one night of coverage)."""
    for _ in range(20):
        case = _CASES(rng)
        eligible = batch.pools.pick(rng, "HLT", case.sex)
        member = eligible.member
        if (
            (not case.sex or member.sex == case.sex)
            and age_on(member.birth_date, SERVICE_START) >= case.min_age
            and age_on(member.birth_date, SERVICE_END) <= case.max_age
            and max(last - first for first, last in eligible.ranges) >= 1  # room for one night
        ):
            return case, eligible
    return None


def _inpatient_lines(rng: random.Random, batch: Batch, case: InpatientCase, los: int) -> list[ClaimLine]:
    icu = rng.randint(1, los) if los > 2 and rng.random() < 0.2 else 0
    day_rate = list_price(batch.seed, batch.provider, "0120", ROOM_SEMI_PRIVATE.median, 0.3)
    lines = [
        ClaimLine(
            0, "", "", "", day_rate * (los - icu), los - icu, None, revenue_code="0120", unit_basis="DA"
        )
    ]
    if icu:
        icu_rate = list_price(batch.seed, batch.provider, "0200", ROOM_ICU.median, 0.3)
        lines.append(
            ClaimLine(0, "", "", "", icu_rate * icu, icu, None, revenue_code="0200", unit_basis="DA")
        )
    if case.surgical:
        lines += [_charge(rng, batch, RevenueItem("0360", "", 9000, 0.4))] + [
            _charge(rng, batch, item) for item in SURGERY_SUPPORT
        ]
    for _ in range(min(38 - len(lines), rng.randint(8, 12 + 3 * los))):
        item = rng.choice(INPATIENT_ANCILLARY)
        lines.append(_charge(rng, batch, item, rng.randint(1, 6)))
    return lines


def _inpatient_dx(rng: random.Random, case: InpatientCase, member: Member, age: int) -> list[Diagnosis]:
    exclude = {case.principal, case.admitting}
    others = icd10.pick_many(
        rng, ("chronic", "status", "cardio", "symptom"), member.sex, age, rng.randint(4, 18), exclude
    )
    dx = [Diagnosis("ABK", case.principal, "Y")]
    if case.admitting != case.principal:
        dx.append(Diagnosis("ABJ", case.admitting))
    return dx + [Diagnosis("ABF", c.code, _poa(rng, c.code)) for c in others]


def build_inpatient(batch: Batch, encounter: str, found: tuple[InpatientCase, Eligible]) -> Claim:
    rng = batch.rng
    case, eligible = found
    wanted = min(30, max(1, int(rng.expovariate(1 / case.mean_los)) + 1))
    admit, los = eligible.pick_stay(rng, wanted)
    los = max(1, los)
    discharge = admit + timedelta(days=los)
    member = eligible.member
    claim_id = batch.next_claim_id()
    lines = _number(_inpatient_lines(rng, batch, case, los), claim_id, None)
    status = _DISCHARGE(rng)
    return Claim(
        "I",
        claim_id,
        member,
        batch.payer,
        batch.provider,
        rng.choice(batch.provider.clinicians),
        BILL_TYPE[encounter],
        "1",
        total_charge(lines),
        _inpatient_dx(rng, case, member, age_on(member.birth_date, admit)),
        lines,
        admit,
        discharge,
        discharge + timedelta(days=lag_days(rng, 7, 1.2, 180)),
        admission_type="3" if case.surgical else rng.choice("112"),
        admission_source=rng.choice("1122"),
        discharge_status=status,
        drg=case.drg,
        inpatient=True,
        encounter=encounter,
    )


def _outpatient_dx(
    rng: random.Random, tags: tuple[str, ...], member: Member, age: int, emergency: bool
) -> list[Diagnosis]:
    exclude: set[str] = set()
    principal = icd10.pick(rng, tags, member.sex, age, exclude)
    exclude.add(principal.code)
    dx = [Diagnosis("ABK", principal.code)]
    if emergency:
        dx += [
            Diagnosis("APR", c.code)
            for c in icd10.pick_many(rng, ("symptom",), member.sex, age, rng.randint(1, 3), exclude)
        ]
        if "injury" in icd10.by_code(principal.code).tags:
            dx.append(Diagnosis("ABN", icd10.pick(rng, ("ext_cause",), member.sex, age, exclude).code))
    others = icd10.pick_many(rng, ("chronic", "status", *tags), member.sex, age, rng.randint(1, 6), exclude)
    return dx + [Diagnosis("ABF", c.code) for c in others]


def build_outpatient(batch: Batch, encounter: str) -> Claim:
    rng = batch.rng
    pools, tags = OUTPATIENT[encounter]
    eligible = batch.pools.pick(rng, "HLT")
    member = eligible.member
    dos, _ = eligible.pick_day(rng)
    lines: list[ClaimLine] = []
    for items, low, high in pools:
        for item in rng.sample(items, min(len(items), rng.randint(low, high))):
            lines.append(_charge(rng, batch, item))
    claim_id = batch.next_claim_id()
    _number(lines, claim_id, dos)
    emergency = encounter.startswith("emergency")
    dx = _outpatient_dx(rng, tags, member, age_on(member.birth_date, dos), emergency)
    return Claim(
        "I",
        claim_id,
        member,
        batch.payer,
        batch.provider,
        rng.choice(batch.provider.clinicians),
        BILL_TYPE[encounter],
        "1",
        total_charge(lines),
        dx,
        lines,
        dos,
        dos,
        dos + timedelta(days=lag_days(rng, 7, 1.2, 180)),
        admission_type="1" if emergency else "3",
        admission_source="1" if emergency else "2",
        discharge_status="01",
        encounter=encounter,
    )


def build_institutional(batch: Batch) -> Claim:
    ftype = FACILITY[batch.provider.specialty]
    encounter = _ENCOUNTERS[ftype.name](batch.rng)
    if encounter.startswith("inpatient"):
        found = _case(batch.rng, batch)
        if found is not None:
            return build_inpatient(batch, encounter, found)
        encounter = "emergency" if encounter == "inpatient" else "emergency_cah"
    return build_outpatient(batch, encounter)
