"""A curated list of common, billable (leaf) ICD-10-CM codes, sent without the dot.

Each code carries the tags claim builders draw from, and the sex / age range it is plausible for, so a
prostate code never lands on a female patient and a well-child visit never on an adult.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from claimlake.generate.pick import choose

# code, tags (comma separated), sex (F/M/-), min age, max age
_TABLE = """
Z0000 wellness - 18 120
Z0001 wellness - 18 120
Z00121 wellness_child - 0 17
Z00129 wellness_child - 0 17
Z23 wellness,wellness_child - 0 120
Z1231 screening_f,imaging F 35 120
Z124 screening_f F 21 65
Z1211 screening,gi - 45 85
Z01419 obgyn F 18 120
Z01411 obgyn F 18 120
Z3400 pregnancy F 15 49
Z3480 pregnancy F 15 49
Z125 screening_m M 40 120
Z13220 screening - 18 120
Z136 screening - 18 120
Z794 status - 18 120
Z7984 status - 18 120
Z87891 status - 25 120
Z6841 status - 18 120
I10 chronic,cardio - 25 120
E119 chronic - 25 120
E1165 chronic - 25 120
E1122 chronic - 40 120
E785 chronic,cardio - 25 120
E782 chronic - 25 120
E7800 chronic - 25 120
E039 chronic - 18 120
E6601 chronic - 18 120
E669 chronic - 10 120
E559 chronic,lab - 5 120
D649 chronic,lab - 0 120
D509 chronic,lab - 0 120
J449 chronic,resp - 40 120
J441 resp,inpatient - 40 120
J45909 chronic,resp,acute_child - 2 120
J4520 chronic,resp - 5 120
I2510 chronic,cardio - 40 120
I480 cardio - 40 120
I4891 cardio - 40 120
I5022 cardio - 40 120
I509 cardio - 40 120
N1830 chronic - 30 120
N189 chronic - 30 120
K219 chronic,gi - 10 120
K5900 acute,acute_child,gi - 0 120
K589 gi - 12 120
M5450 ortho,pt - 16 120
M5416 ortho,pt - 20 120
M25561 ortho,pt,imaging - 10 120
M25562 ortho,pt,imaging - 10 120
M1711 ortho,surgery - 40 120
M170 ortho,imaging - 40 120
M62830 ortho,pt - 16 120
G4733 chronic - 18 120
G43909 acute - 10 120
G44209 acute - 10 120
R519 acute,symptom - 5 120
F329 mental - 12 120
F331 mental - 18 120
F411 mental - 12 120
F419 mental - 12 120
F4310 mental - 12 120
F909 mental,acute_child - 4 40
F17210 status - 18 120
G8929 ortho,pt - 18 120
G5600 ortho - 18 120
J069 acute,acute_child - 0 120
J029 acute,acute_child - 2 120
J020 acute,acute_child,lab - 2 120
J0190 acute - 5 120
J209 acute,acute_child - 0 120
J189 acute,resp,inpatient,imaging - 0 120
J111 acute,acute_child,lab - 0 120
U071 acute,lab - 0 120
R051 acute,acute_child,symptom - 0 120
R0602 symptom,resp,imaging - 5 120
R509 acute_child,symptom - 0 120
R1010 symptom,gi - 5 120
R109 symptom,gi - 5 120
R1031 symptom,gi,imaging - 5 120
R079 symptom,cardio - 18 120
R0789 symptom,cardio - 18 120
R42 symptom - 12 120
R112 symptom,gi - 0 120
R197 symptom,gi - 0 120
A084 acute_child,gi - 0 120
A09 acute,gi - 0 120
N390 acute,lab,inpatient - 2 120
H6690 acute_child - 0 17
H1033 acute,acute_child - 0 120
L0390 acute,derm - 2 120
L03115 acute,derm,inpatient - 5 120
L309 derm - 0 120
L700 derm - 11 40
B349 acute_child - 0 120
R21 derm,acute_child - 0 120
T7840XA acute - 0 120
J302 acute - 5 120
J309 acute,acute_child - 2 120
S93401A injury,ortho,imaging - 5 120
S060X0A injury - 2 120
S52501A injury,ortho,imaging - 2 120
S0181XA injury - 1 120
T1490XA injury - 1 120
S8390XA injury,ortho - 10 120
S6990XA injury - 5 120
W19XXXA ext_cause - 0 120
W010XXA ext_cause - 0 120
W1830XA ext_cause - 0 120
X58XXXA ext_cause - 0 120
V892XXA ext_cause - 16 120
A419 inpatient - 0 120
I214 inpatient,cardio - 35 120
I5033 inpatient,cardio - 40 120
I110 inpatient,cardio - 40 120
I639 inpatient - 40 120
N179 inpatient,lab - 18 120
E871 inpatient,lab - 18 120
K8000 inpatient,gi,surgery - 18 120
K3580 inpatient,gi,surgery - 5 120
M1611 inpatient,ortho,surgery - 45 120
J9601 inpatient,resp - 18 120
O80 delivery F 18 45
O701 delivery F 18 45
O24410 pregnancy F 18 45
O133 pregnancy F 18 45
Z370 delivery F 18 45
O4703 pregnancy F 18 45
N400 male M 40 120
N401 male M 40 120
C61 male M 50 120
R9720 male,lab M 40 120
N5201 male M 40 120
N529 male M 25 120
N951 obgyn F 40 120
N926 obgyn F 14 55
N946 obgyn F 14 50
N760 obgyn F 16 120
Z30011 obgyn F 16 50
Z3041 obgyn F 16 50
C50911 obgyn,imaging F 30 120
D259 obgyn,imaging F 25 120
C3490 chronic,imaging - 40 120
C189 chronic,gi - 40 120
D696 lab - 18 120
N186 chronic - 30 120
Z992 status - 30 120
K5730 gi - 40 120
K5732 gi,inpatient - 40 120
K2970 gi - 18 120
K625 gi - 30 120
K649 gi - 25 120
R739 lab - 18 120
R7303 chronic,lab - 18 120
R5383 symptom,lab - 18 120
R531 symptom - 50 120
R296 symptom - 65 120
M6281 pt - 50 120
M810 chronic,imaging - 50 120
M1990 ortho - 40 120
M542 ortho,pt - 16 120
M7541 ortho,pt - 25 120
M25511 ortho,pt,imaging - 16 120
M722 ortho - 20 120
H5213 chronic - 8 120
H2513 chronic - 55 120
H9190 chronic - 40 120
H6121 acute - 5 120
I739 cardio - 50 120
I872 cardio - 40 120
Z7901 status - 40 120
Z7982 status - 40 120
Z8673 status - 45 120
Z79899 status - 18 120
Z20822 lab,acute - 0 120
Z1152 lab - 0 120
Z113 lab,screening - 15 65
Z114 lab,screening - 15 65
Z01810 screening - 40 120
Z01818 screening - 18 120
Z09 chronic - 18 120
Z5181 lab - 18 120
J0300 acute_child - 2 17
B09 acute_child - 0 17
B084 acute_child - 0 10
L22 acute_child - 0 3
R6251 acute_child - 0 5
F840 mental - 3 40
L209 derm,acute_child - 0 120
R0600 symptom,resp - 5 120
R0902 symptom,resp - 30 120
R2689 symptom,pt - 50 120
E1140 chronic - 40 120
E1151 chronic - 50 120
I4820 cardio - 50 120
J45901 resp,acute_child - 2 120
N3000 acute,lab F 12 120
R319 lab - 18 120
"""


@dataclass(frozen=True, slots=True)
class Icd10:
    code: str
    tags: frozenset[str]
    sex: str  # "F", "M" or "" for both
    min_age: int
    max_age: int

    def fits(self, sex: str, age: int) -> bool:
        return (not self.sex or self.sex == sex) and self.min_age <= age <= self.max_age


def _parse(table: str) -> tuple[Icd10, ...]:
    entries = []
    for line in table.strip().splitlines():
        code, tags, sex, lo, hi = line.split()
        entries.append(Icd10(code, frozenset(tags.split(",")), "" if sex == "-" else sex, int(lo), int(hi)))
    return tuple(entries)


CODES: tuple[Icd10, ...] = _parse(_TABLE)
FALLBACK = next(c for c in CODES if c.code == "J069")  # fits everyone


_BY_CODE = {c.code: c for c in CODES}


def by_code(code: str) -> Icd10:
    return _BY_CODE[code]


@cache
def by_tag(tag: str) -> tuple[Icd10, ...]:
    return tuple(c for c in CODES if tag in c.tags)


def pick(rng: random.Random, tags: tuple[str, ...], sex: str, age: int, exclude: set[str]) -> Icd10:
    """A code from one of `tags` that fits the patient; falls back to a universal code."""
    for _ in range(12):
        entry = choose(rng, by_tag(choose(rng, tags)))
        if entry.code not in exclude and entry.fits(sex, age):
            return entry
    pool = [c for t in tags for c in by_tag(t) if c.code not in exclude and c.fits(sex, age)]
    return rng.choice(pool) if pool else FALLBACK


def pick_many(
    rng: random.Random, tags: tuple[str, ...], sex: str, age: int, n: int, exclude: set[str]
) -> list[Icd10]:
    """Up to `n` distinct codes (fewer when the pool runs dry)."""
    chosen: list[Icd10] = []
    for _ in range(n):
        entry = pick(rng, tags, sex, age, exclude)
        if entry.code in exclude:
            break
        exclude.add(entry.code)
        chosen.append(entry)
    return chosen
