"""Hand-made procedure catalogs: a few well-known CPT codes (AMA-licensed, so only a short hand list),
HCPCS Level II codes checked against claimlake/data, and CDT dental codes (ADA; `D` + 4 digits)."""

from __future__ import annotations

from dataclasses import dataclass

from claimlake.generate.codesets import hcpcs_level2, hcpcs_modifiers, place_of_service, require


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    median: float  # typical billed charge per unit (dollars), lognormal across providers
    sigma: float  # sigma of ln(charge) across providers
    dx_tags: tuple[str, ...] = ()  # diagnosis families this service is usually billed with
    sex: str = ""
    min_age: int = 0
    max_age: int = 120
    max_units: int = 1
    is_visit: bool = False  # an office visit: copay applies
    modifiers: tuple[str, ...] = ()  # candidate HCPCS Level II modifiers (RT/LT...)

    def fits(self, sex: str, age: int) -> bool:
        return (not self.sex or self.sex == sex) and self.min_age <= age <= self.max_age


EM, LAB, IMG, SURG = 0.35, 0.8, 0.9, 1.0
_S = Service
PROFESSIONAL: dict[str, Service] = {
    s.code: s
    for s in (
        _S("99202", 120, EM, is_visit=True),
        _S("99203", 175, EM, is_visit=True),
        _S("99204", 265, EM, is_visit=True),
        _S("99212", 95, EM, is_visit=True),
        _S("99213", 160, EM, is_visit=True),
        _S("99214", 225, EM, is_visit=True),
        _S("99215", 300, EM, is_visit=True),
        _S("99391", 210, EM, ("wellness_child",), max_age=0, is_visit=True),
        _S("99392", 215, EM, ("wellness_child",), min_age=1, max_age=4, is_visit=True),
        _S("99393", 215, EM, ("wellness_child",), min_age=5, max_age=11, is_visit=True),
        _S("99394", 230, EM, ("wellness_child",), min_age=12, max_age=17, is_visit=True),
        _S("99395", 240, EM, ("wellness",), min_age=18, max_age=39, is_visit=True),
        _S("99396", 260, EM, ("wellness",), min_age=40, max_age=64, is_visit=True),
        _S("99397", 280, EM, ("wellness",), min_age=65, is_visit=True),
        _S("99283", 310, EM, ("acute", "injury", "symptom")),
        _S("99284", 520, EM, ("acute", "injury", "symptom")),
        _S("99285", 780, EM, ("symptom", "inpatient", "injury")),
        _S("99232", 180, EM, ("inpatient",)),
        _S("99233", 260, EM, ("inpatient",)),
        _S("80053", 45, LAB, ("lab", "chronic")),
        _S("80048", 35, LAB, ("lab", "chronic")),
        _S("85025", 30, LAB, ("lab", "chronic")),
        _S("80061", 55, LAB, ("chronic", "screening")),
        _S("83036", 40, LAB, ("chronic",)),
        _S("84443", 60, LAB, ("chronic", "lab")),
        _S("81001", 20, LAB, ("lab",)),
        _S("87880", 35, LAB, ("acute_child", "acute")),
        _S("87804", 40, LAB, ("acute",)),
        _S("82306", 70, LAB, ("lab", "chronic")),
        _S("84153", 60, LAB, ("screening_m", "male"), sex="M", min_age=40),
        _S("36415", 15, LAB, ("lab",)),
        _S("71046", 160, IMG, ("imaging", "resp")),
        _S("73562", 150, IMG, ("ortho", "imaging"), modifiers=("RT", "LT")),
        _S("72100", 140, IMG, ("ortho",)),
        _S("70450", 850, IMG, ("injury", "symptom")),
        _S("74177", 1500, IMG, ("gi", "symptom")),
        _S("72148", 1400, IMG, ("ortho",)),
        _S("77067", 260, IMG, ("screening_f",), sex="F", min_age=35),
        _S("76856", 310, IMG, ("obgyn",), sex="F"),
        _S("76805", 330, IMG, ("pregnancy",), sex="F", min_age=15, max_age=49),
        _S("93000", 60, LAB, ("cardio", "screening")),
        _S("93306", 800, IMG, ("cardio",), min_age=18),
        _S("90471", 28, EM, ("wellness", "wellness_child")),
        _S("90686", 32, EM, ("wellness", "wellness_child")),
        _S("96372", 45, EM, ("acute", "chronic")),
        _S("29881", 3200, SURG, ("ortho", "surgery"), min_age=16, modifiers=("RT", "LT")),
        _S("47562", 2600, SURG, ("surgery", "gi"), min_age=18),
        _S("49505", 1900, SURG, ("surgery",), min_age=18),
        _S("11042", 320, SURG, ("derm",)),
        _S("12001", 260, SURG, ("injury",)),
        _S("17110", 160, SURG, ("derm",)),
        _S("20610", 220, SURG, ("ortho",), min_age=18, modifiers=("RT", "LT")),
        _S("10060", 260, SURG, ("derm",)),
        _S("45378", 1250, SURG, ("gi",), min_age=18),
        _S("43239", 1050, SURG, ("gi",), min_age=18),
        _S("97161", 160, EM, ("pt",), is_visit=True),
        _S("97110", 60, EM, ("pt",), max_units=4),
        _S("97140", 55, EM, ("pt",), max_units=3),
        _S("97530", 65, EM, ("pt",), max_units=3),
        _S("90791", 260, EM, ("mental",), min_age=4, is_visit=True),
        _S("90834", 150, EM, ("mental",), min_age=4, is_visit=True),
        _S("90837", 200, EM, ("mental",), min_age=4, is_visit=True),
        # HCPCS Level II (CMS, public domain), checked against claimlake/data/hcpcs_level2.csv at import
        _S("G0439", 190, EM, ("wellness",), min_age=65),
        _S("G2211", 25, EM, ("chronic",), min_age=18),
        _S("G0008", 30, EM, ("wellness",), min_age=65),
        _S("J3420", 25, LAB, ("chronic",), min_age=18),
        _S("J1030", 30, LAB, ("ortho", "acute"), min_age=12),
        _S("J1885", 20, LAB, ("ortho", "acute")),
        _S("Q0091", 60, LAB, ("obgyn", "screening_f"), sex="F", min_age=21, max_age=65),
        _S("G0121", 1100, SURG, ("screening", "gi"), min_age=45),
        _S("G0103", 45, LAB, ("screening_m",), sex="M", min_age=50),
        _S("E0114", 45, LAB, ("injury", "ortho")),
    )
}
PREVENTIVE = tuple(c for c in PROFESSIONAL if c.startswith("993"))


@dataclass(frozen=True, slots=True)
class Specialty:
    """A professional billing group: its taxonomy, where it sees patients, what it bills."""

    name: str
    taxonomy: str
    pos: tuple[tuple[str, int], ...]
    primary: tuple[tuple[str, int], ...]  # first line ("PREVENTIVE" resolves by age)
    addons: tuple[tuple[str, int], ...]  # further lines
    dx_tags: tuple[str, ...]
    patient_sex: str = ""
    max_patient_age: int = 120
    weight: int = 10  # share of professional billing groups


SPECIALTIES: tuple[Specialty, ...] = (
    Specialty(
        "family medicine",
        "207Q00000X",
        (("11", 92), ("02", 4), ("10", 4)),
        (
            ("99213", 40),
            ("99214", 28),
            ("99212", 8),
            ("99215", 4),
            ("99203", 5),
            ("99204", 3),
            ("PREVENTIVE", 10),
            ("G0439", 2),
        ),
        (
            ("36415", 20),
            ("80053", 10),
            ("85025", 10),
            ("80061", 8),
            ("83036", 8),
            ("84443", 5),
            ("81001", 5),
            ("90471", 5),
            ("90686", 5),
            ("96372", 3),
            ("J3420", 2),
            ("93000", 4),
            ("G2211", 5),
            ("87880", 3),
            ("82306", 3),
        ),
        ("chronic", "acute", "symptom", "status", "mental", "screening"),
        weight=30,
    ),
    Specialty(
        "internal medicine",
        "207R00000X",
        (("11", 95), ("02", 5)),
        (("99213", 35), ("99214", 35), ("99215", 8), ("99204", 5), ("PREVENTIVE", 12), ("G0439", 5)),
        (
            ("36415", 20),
            ("80053", 12),
            ("85025", 10),
            ("80061", 10),
            ("83036", 10),
            ("84443", 5),
            ("93000", 6),
            ("G2211", 8),
            ("G0008", 2),
            ("84153", 3),
        ),
        ("chronic", "cardio", "status", "symptom", "screening"),
        weight=20,
    ),
    Specialty(
        "pediatrics",
        "208000000X",
        (("11", 100),),
        (("99213", 35), ("99214", 15), ("99212", 10), ("PREVENTIVE", 40)),
        (("90471", 20), ("90686", 15), ("87880", 12), ("87804", 8), ("85025", 4), ("36415", 4)),
        ("acute_child", "wellness_child"),
        max_patient_age=17,
        weight=12,
    ),
    Specialty(
        "obstetrics and gynecology",
        "207V00000X",
        (("11", 100),),
        (("99213", 35), ("99214", 20), ("PREVENTIVE", 25), ("76856", 10), ("76805", 10)),
        (("Q0091", 20), ("81001", 15), ("36415", 10), ("85025", 10), ("77067", 8), ("84443", 5)),
        ("obgyn", "pregnancy", "screening_f"),
        patient_sex="F",
        weight=8,
    ),
    Specialty(
        "emergency medicine",
        "207P00000X",
        (("23", 100),),
        (("99283", 35), ("99284", 40), ("99285", 25)),
        (("12001", 10), ("96372", 10), ("J1885", 8), ("93000", 10), ("71046", 5)),
        ("acute", "injury", "symptom"),
        weight=8,
    ),
    Specialty(
        "diagnostic radiology",
        "2085R0202X",
        (("22", 50), ("11", 30), ("19", 20)),
        (
            ("71046", 30),
            ("73562", 15),
            ("72100", 10),
            ("70450", 12),
            ("74177", 10),
            ("72148", 10),
            ("77067", 13),
        ),
        (("71046", 5), ("72100", 5), ("73562", 5)),
        ("imaging", "ortho", "symptom"),
        weight=6,
    ),
    Specialty(
        "clinical laboratory",
        "291U00000X",
        (("81", 100),),
        (
            ("80053", 25),
            ("85025", 25),
            ("80061", 15),
            ("83036", 10),
            ("84443", 10),
            ("81001", 10),
            ("82306", 5),
        ),
        (
            ("36415", 30),
            ("85025", 10),
            ("80061", 10),
            ("84443", 10),
            ("83036", 10),
            ("82306", 10),
            ("81001", 10),
            ("84153", 5),
            ("80048", 5),
        ),
        ("lab", "chronic", "screening"),
        weight=6,
    ),
    Specialty(
        "orthopaedic surgery",
        "207X00000X",
        (("11", 70), ("22", 15), ("24", 15)),
        (("99213", 35), ("99214", 25), ("99203", 10), ("29881", 10), ("20610", 20)),
        (("73562", 30), ("J1030", 25), ("20610", 10), ("E0114", 10), ("J1885", 5)),
        ("ortho", "injury"),
        weight=5,
    ),
    Specialty(
        "general surgery",
        "208600000X",
        (("22", 40), ("24", 40), ("11", 20)),
        (("47562", 25), ("49505", 25), ("10060", 15), ("11042", 15), ("17110", 10), ("99213", 10)),
        (("99213", 5),),
        ("surgery", "derm", "gi"),
        weight=3,
    ),
    Specialty(
        "gastroenterology",
        "207RG0100X",
        (("24", 60), ("22", 30), ("11", 10)),
        (("45378", 40), ("43239", 30), ("G0121", 20), ("99214", 10)),
        (("43239", 5),),
        ("gi", "screening"),
        weight=3,
    ),
    Specialty(
        "physical therapy",
        "225100000X",
        (("11", 100),),
        (("97110", 50), ("97161", 20), ("97140", 30)),
        (("97140", 30), ("97530", 30), ("97110", 20)),
        ("pt", "ortho"),
        weight=5,
    ),
    Specialty(
        "psychology",
        "103T00000X",
        (("11", 60), ("02", 20), ("10", 20)),
        (("90834", 55), ("90837", 30), ("90791", 15)),
        (("90834", 1),),
        ("mental",),
        weight=4,
    ),
)


@dataclass(frozen=True, slots=True)
class DentalService:
    code: str
    median: float
    category: str  # preventive / basic / major: drives the 100/80/50 coinsurance tiers
    area: str = ""  # "tooth" (TOO with surfaces), "extraction" (TOO, no surface), "quadrant" (SV304)
    min_age: int = 0
    max_age: int = 120


DENTAL: tuple[tuple[DentalService, int], ...] = (
    (DentalService("D0120", 65, "preventive"), 30),
    (DentalService("D0150", 110, "preventive"), 5),
    (DentalService("D0274", 75, "preventive", min_age=10), 14),
    (DentalService("D0210", 150, "preventive"), 4),
    (DentalService("D0220", 35, "preventive"), 6),
    (DentalService("D1110", 110, "preventive", min_age=14), 22),
    (DentalService("D1120", 80, "preventive", max_age=13), 8),
    (DentalService("D1206", 40, "preventive", max_age=18), 6),
    (DentalService("D1351", 55, "preventive", "tooth", min_age=5, max_age=16), 3),
    (DentalService("D2391", 200, "basic", "tooth"), 8),
    (DentalService("D2392", 250, "basic", "tooth"), 5),
    (DentalService("D7140", 200, "basic", "extraction"), 3),
    (DentalService("D4341", 250, "basic", "quadrant", 18), 3),
    (DentalService("D4910", 150, "basic", min_age=18), 3),
    (DentalService("D2740", 1300, "major", "tooth", 16), 2),
    (DentalService("D2750", 1250, "major", "tooth", 16), 1),
    (DentalService("D3330", 1100, "major", "tooth", 12), 1),
    (DentalService("D7210", 350, "major", "extraction", 14), 1),
)

require({c for c in PROFESSIONAL if not c.isdigit()}, hcpcs_level2(), "HCPCS Level II code")
require({m for s in PROFESSIONAL.values() for m in s.modifiers}, hcpcs_modifiers(), "HCPCS modifier")
require({pos for s in SPECIALTIES for pos, _ in s.pos}, place_of_service(), "place of service")
