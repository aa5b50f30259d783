"""Where parsed rows go. Rows of a transaction set are written as they come and rolled back if the set is rejected."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Protocol


def _printable(value: str) -> str:
    """X12 data never holds line breaks or NUL; damaged input might, and a CSV row must stay one line."""
    return value.replace("\r", " ").replace("\n", " ").replace("\x00", "")


class RowSink(Protocol):
    def begin_set(self) -> None: ...
    def write(self, table: str, row: list[str]) -> None: ...
    def commit_set(self) -> None: ...
    def rollback_set(self) -> None: ...
    def counts(self) -> dict[str, int]: ...


class MemorySink:
    """Rows in memory as dicts (tests, small files)."""

    def __init__(self, headers: dict[str, list[str]]) -> None:
        self.headers = headers
        self.rows: dict[str, list[dict[str, str]]] = {}
        self._staged: list[tuple[str, list[str]]] = []
        self._in_set = False

    def begin_set(self) -> None:
        self._in_set = True
        self._staged = []

    def write(self, table: str, row: list[str]) -> None:
        if self._in_set:
            self._staged.append((table, row))
        else:
            self._store(table, row)

    def _store(self, table: str, row: list[str]) -> None:
        self.rows.setdefault(table, []).append(dict(zip(self.headers[table], row, strict=True)))

    def commit_set(self) -> None:
        for table, row in self._staged:
            self._store(table, row)
        self._staged, self._in_set = [], False

    def rollback_set(self) -> None:
        self._staged, self._in_set = [], False

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.rows.items()}


class CsvDirectorySink:
    """One CSV file per table (header row first) in a folder; a rejected set is truncated away."""

    def __init__(self, folder: Path, headers: dict[str, list[str]]) -> None:
        self.folder = folder
        self.headers = headers
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, csv._writer] = {}  # type: ignore[name-defined]
        self._marks: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        self._set_counts: dict[str, int] = {}
        self._in_set = False
        folder.mkdir(parents=True, exist_ok=True)

    def _writer(self, table: str) -> csv._writer:  # type: ignore[name-defined]
        writer = self._writers.get(table)
        if writer is None:
            handle = open(self.folder / f"{table}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(self.headers[table])
            self._files[table], self._writers[table] = handle, writer
        return writer

    def begin_set(self) -> None:
        self._marks, self._set_counts, self._in_set = {}, {}, True

    def _emit(self, table: str, writer: csv._writer, row: list[str]) -> None:  # type: ignore[name-defined]
        """Join directly when no value needs CSV quoting (the common case); the csv module otherwise."""
        line = ",".join(row)
        if '"' in line or "\n" in line or "\r" in line or "\x00" in line or line.count(",") != len(row) - 1:
            writer.writerow([_printable(v) for v in row])
        else:
            self._files[table].write(line + "\n")

    def write(self, table: str, row: list[str]) -> None:
        writer = self._writer(table)
        if not self._in_set:
            self._emit(table, writer, row)
            self._counts[table] = self._counts.get(table, 0) + 1
            return
        if table not in self._marks:
            self._files[table].flush()
            self._marks[table] = self._files[table].tell()
        self._emit(table, writer, row)
        self._set_counts[table] = self._set_counts.get(table, 0) + 1

    def commit_set(self) -> None:
        for table, n in self._set_counts.items():
            self._counts[table] = self._counts.get(table, 0) + n
        self._marks, self._set_counts, self._in_set = {}, {}, False

    def rollback_set(self) -> None:
        for table, mark in self._marks.items():
            handle = self._files[table]
            handle.flush()
            handle.seek(mark)
            handle.truncate()
        self._marks, self._set_counts, self._in_set = {}, {}, False

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def ensure_all(self) -> None:
        """Create every table's file (header only when empty), so readers find a stable set of files."""
        for table in self.headers:
            self._writer(table)

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files, self._writers = {}, {}
