"""Ingest and parse on the local runtime: the shared steps of claimlake.ingest over the filesystem store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from claimlake.ingest import HEAD_BYTES, UNKNOWN, Parsed, Received, detect_head, ingest_stream, parse_archived
from claimlake.local.store import LocalObjectStore

__all__ = ["Parsed", "Received", "detect", "ingest", "parse_received"]


def detect(path: Path) -> tuple[str, str, list[str]]:
    """(kind, partner, ISA13s) from the first transaction set; ("csv", "unknown", []) for a raw-table CSV,
    ("unknown", "unknown", []) when neither (or unreadable)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return UNKNOWN, UNKNOWN, []
    return detect_head(head, path.name)


def ingest(store: LocalObjectStore, path: Path, *, received: date | None = None) -> Received:
    """Hash, detect and archive a file (the archive object is written once and never rewritten)."""
    with path.open("rb") as handle:
        return ingest_stream(store, handle, path=path, received=received)


def parse_received(root: Path, item: Received) -> Parsed:
    """Parse an archived file into raw CSV objects (one per table) and its acks. Runs in a worker process."""
    return parse_archived(LocalObjectStore(root), item)
