"""The ingest and parse steps over any ObjectStore: the one implementation the local runner and the Lambdas share.

Ingest reads the incoming bytes once (hashing them and spooling them to a temporary file), detects the kind from the
first bytes, and writes the archive object once: an object already under its key (same bytes: the key holds the
content hash) is never rewritten. Parse streams the archived object through the X12 parser or the CSV intake into
temporary files and puts one raw CSV object per table and the acks. Nothing here knows whether the store is a disk
or S3; the adapters decide how an object is written (atomically on disk, with Object Lock on an S3 archive).
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePath
from typing import IO

from claimlake.csv_intake import CSV_KIND, intake_csv, looks_like_csv
from claimlake.local.layout import ARCHIVE, LAKE, RAW, ack_key, archive_key, raw_key, safe_partner
from claimlake.manifest import TERMINAL, FileRecord, FileStatus, ManifestStore, RegisterOutcome
from claimlake.ports import ObjectStore
from claimlake.x12.findings import X12Error
from claimlake.x12.parser import FILE_ID_LENGTH
from claimlake.x12.tokenizer import Tokenizer

UNKNOWN = "unknown"
HEAD_BYTES = 1 << 16  # enough for the ISA, GS and first ST of any interchange, and a CSV header
_BLOCK = 1 << 20
_SPOOL_IN_MEMORY = 8 << 20  # incoming files up to this size never touch the disk while ingesting
_KINDS = {"X222": "837p", "X223": "837i", "X224": "837d", "X221": "835", "X220": "834"}
NOT_LOADABLE = "nothing in the file could be loaded"


@dataclass
class Received:
    """One input file after ingest. `path` says where it came from: a local path, or the landing object's key."""

    path: PurePath
    file_id: str
    sha256: str
    kind: str  # 834, 835, 837p, 837i, 837d, csv, or unknown
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
    status: str  # accepted | accepted_with_errors | rejected
    tables: dict[str, int]
    raw_keys: list[str]
    ack_keys: list[str]
    errors: list[str]


# --- detect ---------------------------------------------------------------------------------------------------------


def detect_x12(head: bytes) -> tuple[str, str, list[str]]:
    """(kind, partner, ISA13s) from the first transaction set in the head of a file; kind "unknown" when not X12."""
    partner, controls = UNKNOWN, list[str]()
    try:
        for elements in Tokenizer(io.BytesIO(head), chunk_size=HEAD_BYTES).elements():
            if elements[0] == "ISA" and len(elements) > 13:
                partner, controls = safe_partner(elements[6]), [*controls, elements[13].strip()]
            elif elements[0] == "ST":
                version = elements[3] if len(elements) > 3 else ""
                return _KINDS.get(version[6:10], elements[1] if len(elements) > 1 else UNKNOWN), partner, controls
    except X12Error:
        return UNKNOWN, partner, controls
    return UNKNOWN, partner, controls


def detect_head(head: bytes, name: str) -> tuple[str, str, list[str]]:
    """(kind, partner, ISA13s): X12 from its envelope, else "csv" for a raw-table CSV, else "unknown"."""
    kind, partner, controls = detect_x12(head)
    if kind == UNKNOWN and not controls and looks_like_csv(name, head):
        return CSV_KIND, partner, controls
    return kind, partner, controls


# --- ingest ---------------------------------------------------------------------------------------------------------


def _spool(source: IO[bytes], spool: IO[bytes]) -> tuple[str, int, bytes]:
    """Copy the source into the spool: (sha256, size, first HEAD_BYTES bytes)."""
    digest, size, head = hashlib.sha256(), 0, b""
    while block := source.read(_BLOCK):
        digest.update(block)
        spool.write(block)
        if len(head) < HEAD_BYTES:
            head += block[: HEAD_BYTES - len(head)]
        size += len(block)
    spool.flush()
    return digest.hexdigest(), size, head


def ingest_stream(store: ObjectStore, source: IO[bytes], *, path: PurePath, received: date | None = None,
                  partner: str | None = None) -> Received:
    """Hash, detect and archive a file read from a stream (read once). `partner` names the sender when the file
    does not (a CSV): e.g. the landing folder it was dropped in."""
    received = received or datetime.now(UTC).date()
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
        sha256, size, head = _spool(source, spool)
        kind, found_partner, controls = detect_head(head, path.name)
        if found_partner == UNKNOWN and partner:
            found_partner = safe_partner(partner)
        file_id = sha256[:FILE_ID_LENGTH]
        key = archive_key(found_partner, received, file_id, kind if kind != UNKNOWN else "bin")
        if not store.exists(ARCHIVE, key):
            spool.seek(0)
            store.put_stream(ARCHIVE, key, spool, size)
    return Received(path, file_id, sha256, kind, found_partner, received, size, key, controls)


# --- parse ----------------------------------------------------------------------------------------------------------


def parse_archived(store: ObjectStore, item: Received) -> Parsed:
    """Parse an archived file into raw CSV objects (one per table) and its acks; CSV files go through the intake."""
    if item.kind == CSV_KIND:
        return _intake_archived(store, item)
    with tempfile.TemporaryDirectory(prefix="claimlake-parse-") as tmp:
        return _parse_x12(store, item, Path(tmp))


def _put_file(store: ObjectStore, bucket: str, key: str, path: Path) -> None:
    with path.open("rb") as handle:
        store.put_stream(bucket, key, handle, path.stat().st_size)


def _parse_x12(store: ObjectStore, item: Received, work: Path) -> Parsed:
    from claimlake.x12.api import error_lines, write_acks
    from claimlake.x12.parser import FileParser
    from claimlake.x12.registry import default_registry
    from claimlake.x12.sinks import CsvDirectorySink

    registry = default_registry()
    sink_folder = work / "tables"
    sink = CsvDirectorySink(sink_folder, registry.headers)
    try:
        with store.open(ARCHIVE, item.archive_key) as handle:
            result = FileParser(registry, sink, file_id=item.file_id).parse(handle, str(item.path))
    finally:
        sink.close()
    raw_keys = []
    for table in sorted(result.tables):
        key = raw_key(item.kind, table, item.received, item.partner, item.file_id)
        _put_file(store, RAW, key, sink_folder / f"{table}.csv")
        raw_keys.append(key)
    ack_keys = []
    if result.interchanges:
        for written in write_acks(result, work / "acks"):
            key = ack_key(item.partner, item.file_id, Path(written).suffix)
            _put_file(store, LAKE, key, Path(written))
            ack_keys.append(key)
    return Parsed(item.file_id, str(item.path), result.status, dict(result.tables), raw_keys, ack_keys,
                  error_lines(result, limit=5))


def _intake_archived(store: ObjectStore, item: Received) -> Parsed:
    """A raw-table CSV: checked against its schema, its good rows written as the table's raw CSV object."""
    with tempfile.TemporaryDirectory(prefix="claimlake-csv-") as tmp:
        target = Path(tmp) / "table.csv"
        with store.open(ARCHIVE, item.archive_key) as source, target.open("wb") as out:
            result = intake_csv(source, out, name=item.path.name, file_id=item.file_id)
        raw_keys = []
        if result.status != "rejected":
            key = raw_key(CSV_KIND, result.table, item.received, item.partner, item.file_id)
            _put_file(store, RAW, key, target)
            raw_keys.append(key)
    tables = {result.table: result.rows_written} if raw_keys else {}
    return Parsed(item.file_id, str(item.path), result.status, tables, raw_keys, [],
                  [f"{item.path}: {line}" for line in result.error_lines(limit=5)])


# --- manifest -------------------------------------------------------------------------------------------------------


def file_record(item: Received, *, uploader: str, received_at: datetime, run_id: str | None = None,
                status: FileStatus = FileStatus.ARCHIVED) -> FileRecord:
    """The manifest record of a freshly archived file."""
    return FileRecord(
        file_id=item.file_id, sha256=item.sha256, name=item.path.name or str(item.path), kind=item.kind,
        partner=item.partner, uploader=uploader, received_at=received_at, size_bytes=item.size,
        control_numbers=tuple(item.control_numbers), status=status, archive_key=item.archive_key, run_id=run_id,
    )


def rejection_reasons(kind: str, errors: Sequence[str], path: str) -> list[str]:
    """Why a file was not loaded, without the local path (it may name a person's upload folder)."""
    if kind == UNKNOWN:
        return ["not an X12 interchange nor a raw-table CSV"]
    lines = [line.removeprefix(f"{path}: ") for line in errors]
    return lines or [NOT_LOADABLE]


def record_parsed(manifest: ManifestStore, parsed: Parsed, *, kind: str, run_id: str | None = None) -> FileRecord:
    """Counts, lineage and the resulting status (parsed, or rejected with its reasons) of a parsed file."""
    manifest.set_counts(parsed.file_id, parsed.tables)
    record = manifest.add_lineage(parsed.file_id, raw_keys=parsed.raw_keys, ack_keys=parsed.ack_keys)
    if record.status in TERMINAL:  # a retried parse of a file already settled: counts and lineage are all it adds
        return record
    if parsed.status == "rejected":
        reasons = rejection_reasons(kind, parsed.errors, parsed.path)
        return manifest.set_status(parsed.file_id, FileStatus.REJECTED, reasons=reasons, run_id=run_id)
    findings = [line.removeprefix(f"{parsed.path}: ") for line in parsed.errors]  # accepted with errors: why
    return manifest.set_status(parsed.file_id, FileStatus.PARSED, reasons=findings, run_id=run_id)


@dataclass(frozen=True)
class Admission:
    """What registering a freshly archived file decided."""

    outcome: RegisterOutcome
    record: FileRecord

    @property
    def to_process(self) -> bool:
        """Parse it? Not when the same bytes were already taken in, nor when it was rejected on arrival."""
        return self.outcome is not RegisterOutcome.DUPLICATE_BYTES and self.record.status is not FileStatus.REJECTED


def admit(manifest: ManifestStore, item: Received, *, uploader: str, received_at: datetime,
          run_id: str | None = None) -> Admission:
    """Register an archived file in the manifest. Same bytes again: a duplicate, nothing changes. A file that is
    neither X12 nor a raw-table CSV is rejected at once (it stays in the archive)."""
    outcome = manifest.register(file_record(item, uploader=uploader, received_at=received_at, run_id=run_id))
    record = manifest.get(item.file_id)
    if record is None:
        raise RuntimeError(f"file {item.file_id} vanished from the manifest right after registering")
    if outcome is not RegisterOutcome.DUPLICATE_BYTES and item.kind == UNKNOWN:
        record = manifest.set_status(item.file_id, FileStatus.REJECTED, reasons=rejection_reasons(UNKNOWN, [], ""),
                                     run_id=run_id)
    return Admission(outcome, record)
