"""Where things live in a lake root (DESIGN.md §5), locally and, with the same keys, on S3."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ARCHIVE, RAW, LAKE = "archive", "raw", "lake"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_partner(name: str) -> str:
    """A partner id usable in a key (ISA06 can hold spaces and odd characters)."""
    return _SAFE.sub("_", name.strip()).strip("_")[:40] or "unknown"


def archive_key(partner: str, received: date, file_id: str, ext: str) -> str:
    return f"x12/{partner}/{received:%Y/%m/%d}/{file_id}.{ext}"


def raw_key(kind: str, table: str, received: date, partner: str, file_id: str) -> str:
    return (f"raw/{kind}/{table}/year={received:%Y}/month={received:%m}/day={received:%d}/"
            f"source={partner}/{file_id}.csv")


def ack_key(partner: str, file_id: str, suffix: str) -> str:
    return f"acks/{partner}/{file_id}{suffix}"


@dataclass(frozen=True)
class LakePaths:
    root: Path

    @property
    def buckets(self) -> Path:
        return self.root / "buckets"

    def bucket(self, name: str) -> Path:
        return self.buckets / name

    def table(self, layer: str, table: str) -> Path:
        """Folder of a silver or gold table (Parquet)."""
        return self.bucket(LAKE) / layer / table

    def raw_table_glob(self, table: str) -> str:
        return str(self.bucket(RAW) / "raw" / "*" / table / "**" / "*.csv")
