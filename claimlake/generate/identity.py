"""Synthetic identities: names, addresses, NPIs, tax ids. Nothing here is a real person's data."""

from __future__ import annotations

import random
from dataclasses import dataclass


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(sep))


FEMALE_NAMES = _words(
    """
    MARY PATRICIA JENNIFER LINDA ELIZABETH BARBARA SUSAN JESSICA SARAH KAREN LISA NANCY BETTY
    SANDRA MARGARET ASHLEY KIMBERLY EMILY DONNA MICHELLE CAROL AMANDA MELISSA DEBORAH STEPHANIE
    REBECCA SHARON LAURA CYNTHIA AMY OLIVIA EMMA AVA SOPHIA ISABELLA MIA CHARLOTTE HARPER EVELYN
    ABIGAIL
    """
)
MALE_NAMES = _words(
    """
    JAMES ROBERT JOHN MICHAEL DAVID WILLIAM RICHARD JOSEPH THOMAS CHARLES CHRISTOPHER DANIEL
    MATTHEW ANTHONY MARK DONALD STEVEN PAUL ANDREW JOSHUA KENNETH KEVIN BRIAN GEORGE TIMOTHY RONALD
    JASON EDWARD JEFFREY RYAN LIAM NOAH OLIVER ELIJAH LUCAS MASON LOGAN ETHAN AIDEN JACKSON
    """
)
LAST_NAMES = _words(
    """
    SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ
    GONZALEZ WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS
    SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN HILL
    FLORES GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL MITCHELL CARTER ROBERTS
    """
)
STREETS = _words(
    "MAIN ST,OAK AVE,MAPLE DR,CEDAR LN,PINE ST,ELM ST,WASHINGTON AVE,LAKE RD,HILL ST,PARK AVE,RIVER RD,"
    "SUNSET BLVD,CHURCH ST,MILL RD,FOREST DR,MEADOW LN",
    ",",
)
# (city, state, zip): real places so N4 passes state/ZIP checks; street numbers are random.
CITIES = (
    ("SPRINGFIELD", "IL", "62701"),
    ("PEORIA", "IL", "61602"),
    ("MADISON", "WI", "53703"),
    ("COLUMBUS", "OH", "43215"),
    ("DAYTON", "OH", "45402"),
    ("INDIANAPOLIS", "IN", "46204"),
    ("LANSING", "MI", "48933"),
    ("DES MOINES", "IA", "50309"),
    ("OMAHA", "NE", "68102"),
    ("SAINT PAUL", "MN", "55102"),
    ("LOUISVILLE", "KY", "40202"),
    ("NASHVILLE", "TN", "37203"),
    ("KANSAS CITY", "MO", "64106"),
    ("TOPEKA", "KS", "66603"),
    ("FORT WAYNE", "IN", "46802"),
    ("GREEN BAY", "WI", "54301"),
    ("ROCKFORD", "IL", "61101"),
    ("TOLEDO", "OH", "43604"),
)


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    zip_code: str


def random_address(rng: random.Random, *, zip_plus4: bool = False) -> Address:
    """A street address in one of CITIES; providers get ZIP+4 (the 837 billing provider loop requires it)."""
    city, state, zip_code = rng.choice(CITIES)
    if zip_plus4:
        zip_code += f"{rng.randint(1, 9999):04d}"
    return Address(f"{rng.randint(10, 9999)} {rng.choice(STREETS)}", city, state, zip_code)


def first_name(rng: random.Random, sex: str) -> str:
    return rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)


def luhn_npi_check_digit(first9: str) -> str:
    """NPI check digit: Luhn over the prefix 80840 plus the first nine digits."""
    total = 0
    for i, ch in enumerate(reversed("80840" + first9)):
        d = int(ch)
        if i % 2 == 0:  # rightmost payload digit is doubled (the check digit will sit to its right)
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def is_valid_npi(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi[0] in "12" and luhn_npi_check_digit(npi[:9]) == npi[9]


class IdFactory:
    """Hands out unique synthetic identifiers (NPIs, EINs) from one RNG."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def _unique(self, make: object) -> str:
        while True:
            value = make()  # type: ignore[operator]
            if value not in self._seen:
                self._seen.add(value)
                return str(value)

    def npi(self, entity_type: int) -> str:
        """Entity type 1 (individual) starts with 1, type 2 (organization) with 2."""

        def make() -> str:
            first9 = f"{entity_type}{self._rng.randrange(10**8):08d}"
            return first9 + luhn_npi_check_digit(first9)

        return self._unique(make)

    def ein(self) -> str:
        return self._unique(lambda: f"{self._rng.randint(10, 98)}{self._rng.randrange(10**7):07d}")

    def digits(self, n: int) -> str:
        return self._unique(lambda: f"{self._rng.randrange(10**n):0{n}d}")
