"""Ingest and parse on the local runtime: detect, archive untouched, parse into raw CSV objects, write acks."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from claimlake.csv_intake import CSV_KIND, intake_csv, looks_like_csv
from claimlake.local.layout import ARCHIVE, LAKE, RAW, ack_key, archive_key, raw_key, safe_partner
from claimlake.local.store import LocalObjectStore
from claimlake.x12.findings import X12Error
from claimlake.x12.parser import FILE_ID_LENGTH, sha256_of_path
from claimlake.x12.tokenizer import Tokenizer

_KINDS = {"X222": "837p", "X223": "837i", "X224": "837d", "X221": "835", "X220": "834"}


@dataclass
class Received:
    """One input file after ingest."""

    path: Path
    file_id: str
    sha256: str
    kind: str  # 834, 835, 837p, 837i, 837d, or unknown
    partner: str
    received: date
    size: int
    archive_key: str
    control_numbers: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    """What parsing one received file produced (picklable: it crosses process boundaries)."""

    file_id: str
    path: str
    status: str
    tables: dict[str, int]
    raw_keys: list[str]
    ack_keys: list[str]
    errors: list[str]


def detect(path: Path) -> tuple[str, str, list[str]]:
    """(kind, partner, ISA13s) from the first transaction set; ("csv", "unknown", []) for a raw-table CSV,
    ("unknown", "unknown", []) when neither."""
    kind, partner, controls = _detect_x12(path)
    if kind == "unknown" and not controls and _looks_like_csv(path):
        return CSV_KIND, partner, controls
    return kind, partner, controls


def _looks_like_csv(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return looks_like_csv(path.name, handle.read(1 << 16))
    except OSError:
        return False


def _detect_x12(path: Path) -> tuple[str, str, list[str]]:
    partner, controls = "unknown", list[str]()
    try:
        with path.open("rb") as handle:
            for elements in Tokenizer(handle, chunk_size=1 << 16).elements():
                if elements[0] == "ISA" and len(elements) > 13:
                    partner, controls = safe_partner(elements[6]), [*controls, elements[13].strip()]
                elif elements[0] == "ST":
                    version = elements[3] if len(elements) > 3 else ""
                    return _KINDS.get(version[6:10], elements[1] if len(elements) > 1 else "unknown"), partner, controls
    except (X12Error, OSError):
        return "unknown", partner, controls
    return "unknown", partner, controls


def ingest(store: LocalObjectStore, path: Path, *, received: date | None = None) -> Received:
    """Hash, detect and archive a file (the archive object is written once and never rewritten)."""
    received = received or datetime.now(UTC).date()
    sha256 = sha256_of_path(path)
    file_id = sha256[:FILE_ID_LENGTH]
    kind, partner, controls = detect(path)
    ext = kind if kind != "unknown" else "bin"
    key = archive_key(partner, received, file_id, ext)
    if not store.exists(ARCHIVE, key):
        store.put_file(ARCHIVE, key, path)
    return Received(path, file_id, sha256, kind, partner, received, path.stat().st_size, key, controls)


def parse_received(root: Path, item: Received) -> Parsed:
    """Parse an archived file into raw CSV objects (one per table) and its acks. Runs in a worker process."""
    from claimlake.x12.api import error_lines, write_acks
    from claimlake.x12.parser import FileParser
    from claimlake.x12.registry import default_registry
    from claimlake.x12.sinks import CsvDirectorySink

    store = LocalObjectStore(root)
    if item.kind == CSV_KIND:
        return _intake_received(store, item)
    registry = default_registry()
    with tempfile.TemporaryDirectory(prefix="claimlake-parse-") as tmp:
        work = Path(tmp)
        sink = CsvDirectorySink(work / "tables", registry.headers)
        try:
            with store.path(ARCHIVE, item.archive_key).open("rb") as handle:
                result = FileParser(registry, sink, file_id=item.file_id).parse(handle, str(item.path))
        finally:
            sink.close()
        raw_keys = []
        for table in sorted(result.tables):
            key = raw_key(item.kind, table, item.received, item.partner, item.file_id)
            store.put_file(RAW, key, work / "tables" / f"{table}.csv")
            raw_keys.append(key)
        ack_keys = []
        if result.interchanges:
            for written in write_acks(result, work / "acks"):
                key = ack_key(item.partner, item.file_id, Path(written).suffix)
                store.put_file(LAKE, key, Path(written))
                ack_keys.append(key)
    return Parsed(item.file_id, str(item.path), result.status, dict(result.tables), raw_keys, ack_keys,
                  error_lines(result, limit=5))


def _intake_received(store: LocalObjectStore, item: Received) -> Parsed:
    """A raw-table CSV: checked against its schema, its good rows written as the table's raw CSV object."""
    with tempfile.TemporaryDirectory(prefix="claimlake-csv-") as tmp:
        target = Path(tmp) / "table.csv"
        with store.path(ARCHIVE, item.archive_key).open("rb") as source, target.open("wb") as out:
            result = intake_csv(source, out, name=item.path.name, file_id=item.file_id)
        raw_keys = []
        if result.status != "rejected":
            key = raw_key(CSV_KIND, result.table, item.received, item.partner, item.file_id)
            store.put_file(RAW, key, target)
            raw_keys.append(key)
    tables = {result.table: result.rows_written} if raw_keys else {}
    return Parsed(item.file_id, str(item.path), result.status, tables, raw_keys, [],
                  [f"{item.path}: {line}" for line in result.error_lines(limit=5)])
