"""Institutional (837I) building blocks: revenue-code items, encounter types and inpatient cases."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RevenueItem:
    revenue_code: str  # NUBC revenue code, 4 digits
    hcpcs: str  # "" when the line carries no procedure code (inpatient room, pharmacy)
    median: float
    sigma: float = 0.5


def _items(spec: str) -> tuple[RevenueItem, ...]:
    out = []
    for token in spec.split():
        rev, code, median = token.split("/")
        out.append(RevenueItem(rev, code, float(median)))
    return tuple(out)


ER_VISIT = _items("0450/99283/700 0450/99284/1200 0450/99285/2100")
CLINIC_VISIT = _items("0510/G0463/250")
LABS = _items("0301/80053/110 0305/85025/60 0300/81001/35 0301/80048/90 0301/84443/95 0306/87804/80")
IMAGING = _items("0320/71046/300 0350/70450/1600 0352/74177/2400 0320/73562/280")
DRUGS = _items("0636/J2405/45 0636/J1885/55 0636/J7030/110 0636/J1100/40 0250//65")
OTHER_OUTPATIENT = _items("0730/93000/180 0260/96374/300")
SURGERY = _items("0360/29881/6200 0360/47562/8400 0360/49505/5600 0360/45378/2900")
SURGERY_SUPPORT = _items("0370//1300 0710//850 0272//320 0250//140")
INPATIENT_ANCILLARY = _items(
    "0250//180 0250//95 0258//240 0270//260 0272//310 0300//210 0301//180 0305//120 0320//450 0324//520 "
    "0350//2400 0410//380 0420//290 0430//260 0730//260 0636//150 0391//600 0460//140"
)
ROOM_SEMI_PRIVATE = RevenueItem("0120", "", 3200.0, 0.3)
ROOM_ICU = RevenueItem("0200", "", 5200.0, 0.3)


@dataclass(frozen=True, slots=True)
class InpatientCase:
    principal: str  # ICD-10-CM, must be in icd10.CODES
    admitting: str
    drg: str
    surgical: bool
    mean_los: float
    sex: str = ""
    min_age: int = 18
    max_age: int = 120


INPATIENT_CASES: tuple[tuple[InpatientCase, int], ...] = (
    (InpatientCase("A419", "R509", "871", False, 6.0, min_age=0), 10),
    (InpatientCase("J189", "R0602", "194", False, 4.5, min_age=5), 10),
    (InpatientCase("I5033", "R0602", "291", False, 5.0, min_age=40), 8),
    (InpatientCase("J441", "R0602", "191", False, 4.0, min_age=40), 7),
    (InpatientCase("I214", "R079", "281", False, 4.0, min_age=35), 5),
    (InpatientCase("I639", "R42", "065", False, 4.5, min_age=40), 5),
    (InpatientCase("N179", "R5383", "683", False, 4.5), 5),
    (InpatientCase("N390", "R509", "690", False, 3.5, min_age=2), 5),
    (InpatientCase("K5732", "R1031", "392", False, 3.5, min_age=40), 4),
    (InpatientCase("L03115", "R509", "603", False, 4.0, min_age=5), 4),
    (InpatientCase("M1611", "M1611", "470", True, 2.5, min_age=45), 6),
    (InpatientCase("K8000", "R1010", "418", True, 3.0), 4),
    (InpatientCase("K3580", "R1031", "343", True, 2.0, min_age=5), 4),
    (InpatientCase("O80", "O80", "807", False, 2.0, sex="F", max_age=45), 8),
)


@dataclass(frozen=True, slots=True)
class FacilityType:
    """An institutional billing provider: taxonomy and which encounters (bill types) it sends."""

    name: str
    taxonomy: str
    encounters: tuple[tuple[str, int], ...]  # encounter kind, weight
    weight: int


FACILITY_TYPES: tuple[FacilityType, ...] = (
    FacilityType(
        "general acute care hospital",
        "282N00000X",
        (("inpatient", 25), ("emergency", 40), ("clinic", 20), ("surgery", 15)),
        6,
    ),
    FacilityType(
        "critical access hospital",
        "282NC0060X",
        (("inpatient_cah", 20), ("emergency_cah", 50), ("clinic_cah", 30)),
        2,
    ),
    FacilityType("ambulatory surgical center", "261QA1903X", (("asc", 100),), 2),
)
# encounter kind -> (bill type facility + classification digits, i.e. CLM05-1)
BILL_TYPE = {
    "inpatient": "11",
    "inpatient_cah": "11",
    "emergency": "13",
    "clinic": "13",
    "surgery": "13",
    "emergency_cah": "85",
    "clinic_cah": "85",
    "asc": "83",
}
