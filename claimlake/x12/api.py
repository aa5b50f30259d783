"""The X12 engine as a library: parse files into raw CSV tables and acknowledgments."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from claimlake.x12.findings import Finding, Level, Severity
from claimlake.x12.parser import FileParser, FileResult, file_id_of, file_id_of_path
from claimlake.x12.registry import MappingRegistry, default_registry
from claimlake.x12.sinks import CsvDirectorySink, MemorySink, RowSink

DEEP_MAX_SEGMENTS = 200_000  # pyx12 reads ~10k segments/s: beyond this, deep validation is skipped with a note
DeepFindings = dict[tuple[str, str, str], list[Finding]]


def _deep(data: bytes) -> tuple[DeepFindings, list[str]]:
    from claimlake.x12.deep import deep_validate

    findings, notes = deep_validate(data, max_segments=DEEP_MAX_SEGMENTS)
    grouped: DeepFindings = {}
    for item in findings:
        key = (item.isa_control_number, item.gs_control_number, item.st_control_number)
        grouped.setdefault(key, []).append(item.finding)
    return grouped, notes


def parse_bytes(
    data: bytes,
    *,
    sink: RowSink,
    registry: MappingRegistry | None = None,
    path: str = "",
    strict: bool = False,
    deep: bool = False,
) -> FileResult:
    """Parse an in-memory file (with optional pyx12 deep validation)."""
    extra, notes = _deep(data) if deep else ({}, [])
    parser = FileParser(registry or default_registry(), sink, file_id=file_id_of(data), strict=strict, extra=extra)
    result = parser.parse(io.BytesIO(data), path)
    result.notes.extend(notes)
    return result


def parse_file(
    path: Path,
    *,
    sink: RowSink,
    registry: MappingRegistry | None = None,
    strict: bool = False,
    deep: bool = False,
) -> FileResult:
    """Parse one file, streaming it; a file that cannot be read is reported, never raised."""
    registry = registry or default_registry()
    try:
        file_id = file_id_of_path(path)
        extra: DeepFindings = {}
        notes: list[str] = []
        if deep:
            extra, notes = _deep(path.read_bytes())
        parser = FileParser(registry, sink, file_id=file_id, strict=strict, extra=extra)
        with path.open("rb") as handle:
            result = parser.parse(handle, str(path))
        result.notes.extend(notes)
        return result
    except OSError as exc:
        result = FileResult(path=str(path), file_id="")
        reason = exc.strerror or type(exc).__name__
        result.findings.append(Finding(level=Level.INTERCHANGE, code="FILE", message=f"cannot read the file: {reason}"))
        return result


def write_acks(result: FileResult, folder: Path, *, now: datetime | None = None) -> list[str]:
    """Write the file's 999 (one interchange per functional group) and TA1 (when needed); return their paths."""
    from claimlake.x12.acks import render_999, render_ta1

    now = now or datetime.now(UTC)
    stem = result.file_id or Path(result.path).name
    written: list[str] = []
    acks_999 = []
    ta1s = []
    for n, interchange in enumerate(result.interchanges, start=1):
        sender = (interchange.receiver_qualifier or "ZZ", interchange.receiver_id or "CLAIMLAKE")
        for g, group in enumerate(interchange.groups, start=1):
            if group.functional_id == "FA":  # acknowledgments are never acknowledged
                continue
            control = _control_number(interchange.control_number, n * 100 + g)
            acks_999.append(render_999(interchange, group, sender_qualifier=sender[0], sender_id=sender[1],
                                       control_number=control, now=now))
        if interchange.needs_ta1():
            control = _control_number(interchange.control_number, n)
            ta1s.append(render_ta1(interchange, sender_qualifier=sender[0], sender_id=sender[1],
                                   control_number=control, now=now))
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, texts in ((".999", acks_999), (".ta1", ta1s)):
        if texts:
            target = folder / f"{stem}{suffix}"
            target.write_text("".join(texts), encoding="utf-8")
            written.append(str(target))
    result.acks.extend(written)
    return written


def _control_number(received: str, n: int) -> int:
    """A deterministic ack control number derived from the received ISA13."""
    base = int(received) if received.isdigit() else 0
    return (base * 1000 + n) % 1_000_000_000 or n


def parse_files(
    paths: Iterable[Path],
    out_dir: Path,
    *,
    strict: bool = False,
    deep: bool = False,
    now: datetime | None = None,
    on_file: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Parse files into ``out_dir/<table>.csv`` (rows of all files) and ``out_dir/acks/``."""
    registry = default_registry()
    sink = CsvDirectorySink(out_dir, registry.headers)
    results = []
    try:
        sink.ensure_all()
        for path in paths:
            result = parse_file(path, sink=sink, registry=registry, strict=strict, deep=deep)
            if result.interchanges:
                write_acks(result, out_dir / "acks", now=now)
            results.append(result)
            if on_file is not None:
                on_file(result)
    finally:
        sink.close()
    return results


def validate_file(path: Path, *, deep: bool = True, strict: bool = False) -> FileResult:
    """Parse without keeping rows, with pyx12 deep validation by default."""
    registry = default_registry()
    return parse_file(path, sink=MemorySink(registry.headers), registry=registry, deep=deep, strict=strict)


def error_lines(result: FileResult, limit: int = 20) -> list[str]:
    """One PHI-free line per problem, for stderr."""
    lines = []
    problems = [f for f in result.all_findings() if f.severity is Severity.ERROR]
    for finding in problems[:limit]:
        where = f" (segment {finding.segment_id} #{finding.segment_ordinal})" if finding.segment_ordinal else ""
        lines.append(f"{result.path}: {finding.level.value} {finding.code}: {finding.message}{where}")
    if len(problems) > limit:
        lines.append(f"{result.path}: ... and {len(problems) - limit} more problems (see the acks / --json)")
    return lines
