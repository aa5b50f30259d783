"""Code lists shipped in claimlake/data, loaded once: CARC/RARC (current only), POS, HCPCS Level II."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("claimlake") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def current_carc() -> frozenset[str]:
    return frozenset(r["code"] for r in _rows("carc.csv") if r["status"] == "current")


@cache
def current_rarc() -> frozenset[str]:
    return frozenset(r["code"] for r in _rows("rarc.csv") if r["status"] == "current")


@cache
def place_of_service() -> frozenset[str]:
    return frozenset(r["code"] for r in _rows("place_of_service.csv"))


@cache
def hcpcs_level2() -> frozenset[str]:
    return frozenset(r["code"] for r in _rows("hcpcs_level2.csv"))


@cache
def hcpcs_modifiers() -> frozenset[str]:
    return frozenset(r["code"] for r in _rows("hcpcs_modifiers.csv"))


class CodeListError(ValueError):
    """A hand-picked code is missing from (or inactive in) the shipped code list."""


def require(codes: set[str] | frozenset[str], available: frozenset[str], what: str) -> None:
    """Fail fast when a curated list drifts from the data folder."""
    missing = sorted(set(codes) - available)
    if missing:
        raise CodeListError(f"{what} not in the current code list: {', '.join(missing)}")
