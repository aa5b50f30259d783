"""Loaders for the executable contracts: mappings/ (X12 -> raw) and schemas/ (every table of every layer)."""

from __future__ import annotations

from pathlib import Path


def contracts_root() -> Path:
    """The folder holding mappings/ and schemas/: inside the installed package, or the source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_contracts", here.parent):
        if (candidate / "mappings").is_dir() and (candidate / "schemas").is_dir():
            return candidate
    raise FileNotFoundError("claimlake contracts (mappings/, schemas/) not found next to the package")
