"""The manifest and lineage store: one record per received file, one per pipeline run (pure: models, rules, port).

Adapters (claimlake.local.manifest_sqlite, lambdas.manifest_dynamodb) only store and fetch; every rule that
decides what a record becomes (status transitions, duplicate control numbers, merging lineage) lives here so
both adapters apply it identically. No field may hold PHI: control numbers, counts, keys and reasons only,
never segment text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from claimlake.x12.parser import FILE_ID_LENGTH

DUPLICATE_CONTROL_REASON = "TA1 025"  # TA1 note code 025: duplicate interchange control number


class ManifestError(Exception):
    """A manifest operation that breaks the contract (unknown id, illegal transition, finished run)."""


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]


def utcnow() -> datetime:
    return datetime.now(UTC)


def sortable_time(value: datetime) -> str:
    """Fixed-width UTC text that sorts like the instant (both adapters order lists with it)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FileStatus(StrEnum):
    RECEIVED = "received"
    ARCHIVED = "archived"
    PARSED = "parsed"
    VALIDATED = "validated"
    PUBLISHED = "published"
    REJECTED = "rejected"
    QUARANTINED = "quarantined"


_FORWARD = (FileStatus.RECEIVED, FileStatus.ARCHIVED, FileStatus.PARSED, FileStatus.VALIDATED, FileStatus.PUBLISHED)
TERMINAL = frozenset({FileStatus.PUBLISHED, FileStatus.REJECTED, FileStatus.QUARANTINED})


def can_move(current: FileStatus, target: FileStatus) -> bool:
    """Forward along the happy path (steps may be skipped; the same status again is an idempotent retry),
    or to rejected / quarantined from any non-terminal state. Nothing leaves a terminal state."""
    if current in TERMINAL:
        return False
    if target in TERMINAL and target not in _FORWARD:
        return True
    return _FORWARD.index(target) >= _FORWARD.index(current)


class RegisterOutcome(StrEnum):
    NEW = "new"
    DUPLICATE_BYTES = "duplicate_bytes"  # same file_id already registered: nothing stored
    DUPLICATE_CONTROL_NUMBER = "duplicate_control_number"  # stored, flagged with TA1 025


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class FileRecord(BaseModel):
    """One received file: what it is, where it is in the pipeline, and what it fed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file_id: str = Field(min_length=FILE_ID_LENGTH, max_length=FILE_ID_LENGTH)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1)
    kind: str = Field(min_length=1)  # 834, 835, 837p, 837i, 837d, csv, unknown (as ingest detects it)
    partner: str = Field(min_length=1)  # the sender (ISA06 made key-safe) or the CSV source
    uploader: str | None = None  # portal user, SFTP user or "watch-folder"
    received_at: UtcDatetime
    size_bytes: int = Field(ge=0)
    control_numbers: tuple[str, ...] = ()  # ISA13 of every interchange in the file
    status: FileStatus = FileStatus.RECEIVED
    reasons: tuple[str, ...] = ()  # why rejected / quarantined / flagged; codes and counts, never segments
    duplicate_of: str | None = None  # file that first used one of our control numbers (TA1 025)
    row_counts: dict[str, int] = Field(default_factory=dict)  # raw table -> rows
    archive_key: str | None = None
    raw_keys: tuple[str, ...] = ()
    ack_keys: tuple[str, ...] = ()
    gold_partitions: tuple[str, ...] = ()  # e.g. "gold/fact_claim/year=2024/month=01"
    run_id: str | None = None  # the pipeline run that consumed the file

    @model_validator(mode="after")
    def _file_id_is_hash_prefix(self) -> FileRecord:
        if not self.sha256.startswith(self.file_id):
            raise ValueError("file_id must be the prefix of sha256")
        return self


class RunRecord(BaseModel):
    """One pipeline run: when, how it ended, how long each step took, which files it consumed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str = Field(min_length=1)
    started_at: UtcDatetime
    finished_at: UtcDatetime | None = None
    status: RunStatus = RunStatus.RUNNING
    step_seconds: dict[str, float] = Field(default_factory=dict)
    file_ids: tuple[str, ...] = ()


def _union(current: Sequence[str], extra: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*current, *extra]))


def control_keys(record: FileRecord) -> tuple[str, ...]:
    """The ISA13s a record claims for its partner, each once."""
    return _union((), (number for number in record.control_numbers if number))


def flag_duplicate_controls(record: FileRecord, taken: Mapping[str, str]) -> tuple[FileRecord, RegisterOutcome]:
    """The record to store, and the outcome, given which of its ISA13s other files own (isa13 -> file_id)."""
    others = {number: owner for number, owner in taken.items() if owner != record.file_id}
    if not others:
        return record, RegisterOutcome.NEW
    numbers = sorted(others)
    reason = f"{DUPLICATE_CONTROL_REASON} duplicate interchange control number {', '.join(numbers)}"
    flagged = record.model_copy(update={"reasons": _union(record.reasons, [reason]),
                                        "duplicate_of": others[numbers[0]]})
    return flagged, RegisterOutcome.DUPLICATE_CONTROL_NUMBER


def moved(record: FileRecord, status: FileStatus, reasons: Iterable[str] = (), run_id: str | None = None) -> FileRecord:
    """The record after a status change; reasons accumulate, run_id is kept unless a new one is given."""
    if not can_move(record.status, status):
        raise ManifestError(f"file {record.file_id}: cannot move from {record.status} to {status}")
    return record.model_copy(update={"status": status, "reasons": _union(record.reasons, reasons),
                                     "run_id": run_id or record.run_id})


def with_counts(record: FileRecord, tables: Mapping[str, int]) -> FileRecord:
    """Row counts merged in (a table counted again is replaced)."""
    if any(rows < 0 for rows in tables.values()):
        raise ManifestError(f"file {record.file_id}: row counts cannot be negative")
    return record.model_copy(update={"row_counts": {**record.row_counts, **tables}})


def with_lineage(record: FileRecord, *, raw_keys: Iterable[str] = (), ack_keys: Iterable[str] = (),
                 gold_partitions: Iterable[str] = ()) -> FileRecord:
    """Lineage appended, each key once, in the order first seen."""
    return record.model_copy(update={"raw_keys": _union(record.raw_keys, raw_keys),
                                     "ack_keys": _union(record.ack_keys, ack_keys),
                                     "gold_partitions": _union(record.gold_partitions, gold_partitions)})


def finished(run: RunRecord, status: RunStatus, step_seconds: Mapping[str, float], *, at: datetime,
             file_ids: Iterable[str] = ()) -> RunRecord:
    """The run once it has ended (a run ends once, with succeeded or failed)."""
    if run.status is not RunStatus.RUNNING:
        raise ManifestError(f"run {run.run_id} already finished ({run.status})")
    if status is RunStatus.RUNNING:
        raise ManifestError(f"run {run.run_id}: finish with succeeded or failed")
    return run.model_copy(update={"status": status, "finished_at": _require_utc(at),
                                  "step_seconds": {**run.step_seconds, **step_seconds},
                                  "file_ids": _union(run.file_ids, file_ids)})


class ManifestStore(Protocol):
    """Files and runs of the lake. Lists are newest first (received_at / started_at, then id)."""

    def register(self, record: FileRecord) -> RegisterOutcome: ...
    def get(self, file_id: str) -> FileRecord | None: ...
    def set_status(self, file_id: str, status: FileStatus, *, reasons: Sequence[str] = (),
                   run_id: str | None = None) -> FileRecord: ...
    def set_counts(self, file_id: str, tables: Mapping[str, int]) -> FileRecord: ...
    def add_lineage(self, file_id: str, *, raw_keys: Sequence[str] = (), ack_keys: Sequence[str] = (),
                    gold_partitions: Sequence[str] = ()) -> FileRecord: ...
    def list_files(self, status: FileStatus | None = None, limit: int = 100) -> list[FileRecord]: ...
    def start_run(self, run: RunRecord) -> None: ...
    def finish_run(self, run_id: str, status: RunStatus, step_seconds: Mapping[str, float], *,
                   file_ids: Sequence[str] = ()) -> RunRecord: ...
    def get_run(self, run_id: str) -> RunRecord | None: ...
    def list_runs(self, limit: int = 20) -> list[RunRecord]: ...
