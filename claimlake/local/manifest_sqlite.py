"""ManifestStore on SQLite (the local default): WAL, one write transaction per operation, JSON for lists/dicts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from claimlake.manifest import (
    FileRecord,
    FileStatus,
    ManifestError,
    RegisterOutcome,
    RunRecord,
    RunStatus,
    control_keys,
    finished,
    flag_duplicate_controls,
    moved,
    sortable_time,
    utcnow,
    with_counts,
    with_lineage,
)

# Column lists are derived from the models, so a new field is a new column without a second list to edit.
_FILE_COLUMNS = tuple(FileRecord.model_fields)
_RUN_COLUMNS = tuple(RunRecord.model_fields)
_JSON = frozenset({"control_numbers", "reasons", "row_counts", "raw_keys", "ack_keys", "gold_partitions",
                   "step_seconds", "file_ids"})


def _ddl(table: str, columns: Sequence[str], key: str) -> str:
    body = ", ".join(f"{name} {'TEXT PRIMARY KEY' if name == key else ''}".strip() for name in columns)
    return f"CREATE TABLE IF NOT EXISTS {table} ({body}, sort_key TEXT NOT NULL)"


_SCHEMA = (
    _ddl("files", _FILE_COLUMNS, "file_id"),
    _ddl("runs", _RUN_COLUMNS, "run_id"),
    # One owner per (partner, ISA13): the primary key makes a second claim fail even across processes.
    "CREATE TABLE IF NOT EXISTS control_numbers (partner TEXT NOT NULL, isa13 TEXT NOT NULL, "
    "file_id TEXT NOT NULL REFERENCES files(file_id), PRIMARY KEY (partner, isa13))",
    "CREATE INDEX IF NOT EXISTS files_by_status ON files (status, sort_key)",
    "CREATE INDEX IF NOT EXISTS runs_by_start ON runs (sort_key)",
)


def _to_row(model: BaseModel, sort_key: str) -> dict[str, Any]:
    row = {name: json.dumps(value) if name in _JSON else value for name, value in model.model_dump(mode="json").items()}
    return {**row, "sort_key": sort_key}


def _from_row(row: sqlite3.Row) -> dict[str, Any]:
    values = dict(row)  # sqlite3.Row iterates over values; dict() goes through its keys
    return {name: json.loads(value) if name in _JSON else value for name, value in values.items() if name != "sort_key"}


def _file_sort_key(record: FileRecord) -> str:
    return f"{sortable_time(record.received_at)}#{record.file_id}"


def _run_sort_key(run: RunRecord) -> str:
    return f"{sortable_time(run.started_at)}#{run.run_id}"


def _insert(table: str, row: Mapping[str, Any], *, replace: bool = True) -> str:
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    return f"{verb} INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + name for name in row)})"


class SqliteManifestStore:
    """Safe for several worker processes on one file: writers serialise on BEGIN IMMEDIATE."""

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.path = Path(path)
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            for statement in _SCHEMA:
                conn.execute(statement)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: a crash or an error inside leaves the database as it was."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # files

    def register(self, record: FileRecord) -> RegisterOutcome:
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM files WHERE file_id = ?", (record.file_id,)).fetchone():
                return RegisterOutcome.DUPLICATE_BYTES
            numbers = control_keys(record)
            taken = {row["isa13"]: row["file_id"] for row in conn.execute(
                f"SELECT isa13, file_id FROM control_numbers WHERE partner = ? AND isa13 IN "
                f"({', '.join('?' * len(numbers))})", (record.partner, *numbers))}
            stored, outcome = flag_duplicate_controls(record, taken)
            row = _to_row(stored, _file_sort_key(stored))
            conn.execute(_insert("files", row, replace=False), row)
            conn.executemany("INSERT INTO control_numbers (partner, isa13, file_id) VALUES (?, ?, ?)",
                             [(record.partner, number, record.file_id) for number in numbers if number not in taken])
        return outcome

    def get(self, file_id: str) -> FileRecord | None:
        with self._connect() as conn:
            return self._get(conn, file_id)

    @staticmethod
    def _get(conn: sqlite3.Connection, file_id: str) -> FileRecord | None:
        row = conn.execute("SELECT * FROM files WHERE file_id = ?", (file_id,)).fetchone()
        return FileRecord.model_validate(_from_row(row)) if row else None

    def _update(self, file_id: str, change: Callable[[FileRecord], FileRecord]) -> FileRecord:
        with self._transaction() as conn:
            current = self._get(conn, file_id)
            if current is None:
                raise ManifestError(f"file {file_id} is not registered")
            record = change(current)
            row = _to_row(record, _file_sort_key(record))
            conn.execute(_insert("files", row), row)
        return record

    def set_status(self, file_id: str, status: FileStatus, *, reasons: Sequence[str] = (),
                   run_id: str | None = None) -> FileRecord:
        return self._update(file_id, lambda record: moved(record, status, reasons, run_id))

    def set_counts(self, file_id: str, tables: Mapping[str, int]) -> FileRecord:
        return self._update(file_id, lambda record: with_counts(record, tables))

    def add_lineage(self, file_id: str, *, raw_keys: Sequence[str] = (), ack_keys: Sequence[str] = (),
                    gold_partitions: Sequence[str] = ()) -> FileRecord:
        return self._update(file_id, lambda record: with_lineage(
            record, raw_keys=raw_keys, ack_keys=ack_keys, gold_partitions=gold_partitions))

    def list_files(self, status: FileStatus | None = None, limit: int = 100) -> list[FileRecord]:
        where, args = ("WHERE status = ?", (str(status),)) if status else ("", ())
        with self._connect() as conn:
            rows = conn.execute(f"SELECT * FROM files {where} ORDER BY sort_key DESC LIMIT ?", (*args, limit))
            return [FileRecord.model_validate(_from_row(row)) for row in rows]

    # runs

    def start_run(self, run: RunRecord) -> None:
        row = _to_row(run, _run_sort_key(run))
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (run.run_id,)).fetchone():
                raise ManifestError(f"run {run.run_id} already started")
            conn.execute(_insert("runs", row), row)

    def finish_run(self, run_id: str, status: RunStatus, step_seconds: Mapping[str, float], *,
                   file_ids: Sequence[str] = ()) -> RunRecord:
        with self._transaction() as conn:
            current = self._get_run(conn, run_id)
            if current is None:
                raise ManifestError(f"run {run_id} was never started")
            run = finished(current, status, step_seconds, at=self.clock(), file_ids=file_ids)
            row = _to_row(run, _run_sort_key(run))
            conn.execute(_insert("runs", row), row)
        return run

    def get_run(self, run_id: str) -> RunRecord | None:
        with self._connect() as conn:
            return self._get_run(conn, run_id)

    @staticmethod
    def _get_run(conn: sqlite3.Connection, run_id: str) -> RunRecord | None:
        row = conn.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return RunRecord.model_validate(_from_row(row)) if row else None

    def list_runs(self, limit: int = 20) -> list[RunRecord]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM runs ORDER BY sort_key DESC LIMIT ?", (limit,))
            return [RunRecord.model_validate(_from_row(row)) for row in rows]
