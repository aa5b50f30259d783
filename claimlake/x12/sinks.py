"""Where parsed rows go. Rows of a transaction set are written as they come and rolled back if the set is rejected."""

from __future__ import annotations

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


class _TableFile:
    """One table's CSV file: lines not yet written, rows written, rows committed, where the open set began."""

    __slots__ = ("committed", "handle", "lines", "mark", "set_start", "written")

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.lines: list[str] = []
        self.written = 0
        self.committed = 0
        self.mark = handle.tell()
        self.set_start = 0

    def flush(self) -> None:
        if self.lines:
            self.handle.write("\n".join(self.lines) + "\n")
            self.written += len(self.lines)
            self.lines.clear()


def _csv_field(value: str) -> str:
    value = _printable(value)
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


class CsvDirectorySink:
    """One CSV file per table (header row first) in a folder; a rejected set is truncated away.

    Lines are buffered per table and written in blocks; at the start of each transaction set the buffers
    are written and the file positions noted, so a rollback is a truncate.
    """

    BLOCK = 4096  # lines per write

    def __init__(self, folder: Path, headers: dict[str, list[str]]) -> None:
        self.folder = folder
        self.headers = headers
        self._tables: dict[str, _TableFile] = {}
        self._in_set = False
        folder.mkdir(parents=True, exist_ok=True)

    def _open(self, table: str) -> _TableFile:
        handle = open(self.folder / f"{table}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
        handle.write(",".join(_csv_field(c) for c in self.headers[table]) + "\n")
        target = self._tables[table] = _TableFile(handle)
        return target

    def begin_set(self) -> None:
        for target in self._tables.values():
            target.flush()
            target.mark, target.set_start = target.handle.tell(), target.written
        self._in_set = True

    def write(self, table: str, row: list[str]) -> None:
        target = self._tables.get(table) or self._open(table)
        line = ",".join(row)
        if line.count(",") != len(row) - 1 or '"' in line or "\n" in line or "\r" in line or "\x00" in line:
            line = ",".join(map(_csv_field, row))
        target.lines.append(line)
        if not self._in_set:
            target.committed += 1
        if len(target.lines) >= self.BLOCK:
            target.flush()

    def commit_set(self) -> None:
        for target in self._tables.values():
            target.committed = target.written + len(target.lines)
        self._in_set = False

    def rollback_set(self) -> None:
        for target in self._tables.values():
            target.lines.clear()
            target.handle.flush()
            target.handle.seek(target.mark)
            target.handle.truncate()
            target.written = target.committed = target.set_start
        self._in_set = False

    def counts(self) -> dict[str, int]:
        return {table: t.committed for table, t in self._tables.items() if t.committed}

    def ensure_all(self) -> None:
        """Create every table's file (header only when empty), so readers find a stable set of files."""
        for table in self.headers:
            if table not in self._tables:
                self._open(table)

    def close(self) -> None:
        for target in self._tables.values():
            target.flush()
            target.handle.close()
        self._tables = {}
