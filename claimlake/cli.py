"""`claimlake ...`: the command line (Typer + Rich). Thin: every command calls the core."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import TaskID
from rich.table import Table

from claimlake.x12.findings import SetStatus
from claimlake.x12.parser import FileResult

T = TypeVar("T")
app = typer.Typer(add_completion=False, no_args_is_help=True, help="claimlake: X12 claims lakehouse.")
out = Console()
err = Console(stderr=True)

_SET_STATUS = {SetStatus.ACCEPTED: "accepted", SetStatus.ACCEPTED_WITH_ERRORS: "accepted_with_errors",
               SetStatus.REJECTED: "rejected"}


def _file_json(result: FileResult) -> dict[str, object]:
    return {
        "path": result.path,
        "file_id": result.file_id,
        "status": result.status,
        "transaction_sets": [
            {"set": _set_name(tset.set_id, tset.version), "version": tset.version,
             "control_number": tset.control_number, "status": _SET_STATUS[tset.status]}
            for _, _, tset in result.sets()
        ],
        "tables": dict(sorted(result.tables.items())),
        "errors": [
            {"level": f.level.value, "code": f.code, "message": f.message, "segment": f.segment_id,
             "segment_ordinal": f.segment_ordinal, "severity": f.severity.value, "snip": f.snip}
            for f in result.all_findings()
        ],
        "notes": result.notes,
        "acks": result.acks,
    }


def _set_name(set_id: str, version: str) -> str:
    if set_id == "837":
        return {"X222": "837P", "X223": "837I", "X224": "837D"}.get(version[6:10], "837")
    return set_id


def _check_inputs(files: list[Path]) -> None:
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        for name in missing:
            err.print(f"claimlake: {name}: no such file", markup=False, highlight=False)
        raise typer.Exit(2)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="X12 files to parse.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for <table>.csv and acks/.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object describing every file.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Reject a transaction set on any SNIP 1-2 error.")] = False,
    deep: Annotated[bool, typer.Option("--deep", help="Add pyx12 implementation-guide (SNIP 2) checks.")] = False,
) -> None:
    """Parse X12 834/835/837 files into raw CSV tables and write 999/TA1 acknowledgments."""
    from claimlake.x12.api import error_lines, parse_files

    _check_inputs(files)
    results = parse_files(files, out_dir, strict=strict, deep=deep or strict)
    for result in results:
        for line in error_lines(result):
            err.print(line, markup=False, highlight=False, soft_wrap=True)
    if as_json:
        sys.stdout.write(json.dumps({"files": [_file_json(r) for r in results]}, indent=2) + "\n")
    else:
        _print_summary(results, out_dir)
    if all(r.status == "rejected" for r in results):
        raise typer.Exit(1)


def _print_summary(results: list[FileResult], out_dir: Path) -> None:
    table = Table(title=f"Parsed into {out_dir}")
    for column in ("file", "status", "sets", "rows", "errors"):
        table.add_column(column)
    for r in results:
        errors = sum(1 for f in r.all_findings() if f.severity.value == "error")
        table.add_row(Path(r.path).name, r.status, str(sum(1 for _ in r.sets())), str(sum(r.tables.values())),
                      str(errors))
    out.print(table)
    totals: Counter[str] = Counter()
    for r in results:
        totals.update(r.tables)
    out.print("rows: " + ", ".join(f"{t} {n:,}" for t, n in sorted(totals.items())))


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="X12 file to validate.")],
    ack: Annotated[Path | None, typer.Option("--ack", help="Folder to write the 999/TA1 into.")] = None,
    deep: Annotated[bool, typer.Option("--deep/--no-deep", help="Run pyx12 implementation-guide checks.")] = True,
) -> None:
    """Print the findings of one file grouped by SNIP type, and write its acknowledgments."""
    from claimlake.x12.api import validate_file, write_acks

    _check_inputs([file])
    result = validate_file(file, deep=deep)
    if ack is not None and result.interchanges:
        write_acks(result, ack)
    by_snip: dict[int, list[str]] = {}
    for f in result.all_findings():
        where = f" segment {f.segment_id} #{f.segment_ordinal}" if f.segment_ordinal else ""
        by_snip.setdefault(f.snip, []).append(f"  [{f.severity.value}] {f.level.value} {f.code}: {f.message}{where}")
    out.print(f"{file}: {result.status} ({sum(1 for _ in result.sets())} transaction sets)", highlight=False)
    for snip in sorted(by_snip):
        out.print(f"SNIP {snip}:", highlight=False)
        for line in by_snip[snip]:
            out.print(line, markup=False, highlight=False)
    for note in result.notes:
        out.print(f"note: {note}", markup=False, highlight=False)
    for path in result.acks:
        out.print(f"ack: {path}", highlight=False)
    if result.status == "rejected":
        raise typer.Exit(1)


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the generated files.")],
    members: Annotated[int, typer.Option("--members", min=1, help="Covered lives in the 834.")] = 5000,
    claims: Annotated[int, typer.Option("--claims", min=1, help="Claims across 837P/I/D.")] = 50000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same bytes).")] = 0,
) -> None:
    """Generate linked synthetic 834/837P/837I/837D/835 files and a manifest.json."""
    from rich.progress import Progress

    from claimlake.generate import generate_dataset

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("generating claims", total=claims)

        def advance(kind: str, done: int) -> None:
            progress.update(task, completed=min(done, claims), description=f"generating {kind}")

        manifest = generate_dataset(out_dir, members=members, claims=claims, seed=seed, progress=advance)
    kinds = manifest.get("kinds", {})
    table = Table(title=f"Generated into {out_dir}")
    table.add_column("kind")
    table.add_column("files")
    table.add_column("contents")
    for kind, info in kinds.items():
        detail = ", ".join(f"{k} {v}" for k, v in info.items() if k != "files")
        table.add_row(kind, str(info.get("files", "")), detail)
    out.print(table)


def _default_root() -> Path:
    import os

    return Path(os.environ.get("CLAIMLAKE_ROOT", ".claimlake"))


@app.command()
def demo(
    root: Annotated[Path | None, typer.Option("--root", help="Lake folder (default .claimlake or $CLAIMLAKE_ROOT).")]
    = None,
    members: Annotated[int, typer.Option("--members", min=1)] = 5000,
    claims: Annotated[int, typer.Option("--claims", min=1)] = 50000,
    seed: Annotated[int, typer.Option("--seed")] = 42,
) -> None:
    """Generate a linked synthetic dataset, run it through the whole local pipeline, reconcile, print a summary."""
    from claimlake.demo import run_demo

    root = root or _default_root()
    report = _with_progress(lambda advance: run_demo(root, members=members, claims=claims, seed=seed,
                                                     on_progress=advance), root)
    _print_demo(report)
    if not report.reconciled:
        raise typer.Exit(1)


def _with_progress(work: Callable[[Callable[[str, int, int], None]], T], root: Path) -> T:
    """Run a long job with a Rich progress bar per step; known environment problems become one-line errors."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from claimlake.spark import JavaMissingError

    try:
        root.mkdir(parents=True, exist_ok=True)
        with Progress(TextColumn("{task.description:>8}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=err) as progress:
            tasks: dict[str, TaskID] = {}

            def advance(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(stage, total=total)
                progress.update(tasks[stage], completed=done, total=total)

            return work(advance)
    except JavaMissingError as exc:
        err.print(f"claimlake: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except PermissionError as exc:
        err.print(f"claimlake: cannot write to {exc.filename or root}: permission denied", markup=False,
                  highlight=False)
        raise typer.Exit(2) from None


def _print_demo(report: object) -> None:
    from claimlake.demo import EXAMPLE_QUERIES, DemoReport
    from claimlake.local.query import run_sql

    assert isinstance(report, DemoReport)
    statuses = Counter(p.status for p in report.run.parsed)
    out.print(f"[bold]claimlake demo[/bold]: {len(report.run.parsed)} files generated into {report.input_dir} and "
              f"loaded into {report.root} (" + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) + ")")
    for layer in ("silver", "gold"):
        counts = report.run.rows.get(layer, {})
        out.print(f"{layer}: " + ", ".join(f"{t} {n:,}" for t, n in sorted(counts.items())), highlight=False)
    table = Table(title="Reconciliation: generated vs loaded")
    for column in ("measure", "generated", "loaded", ""):
        table.add_column(column)
    for check in report.checks:
        table.add_row(check.measure, check.expected, check.actual, "ok" if check.ok else "MISMATCH")
    out.print(table)
    out.print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items()), highlight=False)
    for query in EXAMPLE_QUERIES:
        columns, rows = run_sql(report.root, query)
        result = Table(title=f'claimlake sql "{query}" --root {report.root}', title_justify="left")
        for column in columns:
            result.add_column(column)
        for row in rows:
            result.add_row(*("" if v is None else str(v) for v in row))
        out.print(result)
    out.print(f"lineage of one file: claimlake status --root {report.root}", highlight=False)


@app.command()
def run(
    input_dir: Annotated[Path, typer.Option("--input", help="Folder of X12 files to load.")],
    root: Annotated[Path | None, typer.Option("--root", help="Lake folder (default .claimlake or $CLAIMLAKE_ROOT).")]
    = None,
) -> None:
    """Take a folder of X12 files through ingest, parse, silver and gold on this machine."""
    from claimlake.local.runner import LocalRunner, input_files

    if not input_dir.is_dir():
        err.print(f"claimlake: {input_dir}: not a folder", markup=False, highlight=False)
        raise typer.Exit(2)
    root = root or _default_root()
    files = input_files(input_dir)
    if not files:
        err.print(f"claimlake: {input_dir}: no files to load", markup=False, highlight=False)
        raise typer.Exit(2)
    report = _with_progress(lambda advance: LocalRunner(root, progress=advance).run(files), root)
    _print_run(report)


def _print_run(report: object) -> None:
    from claimlake.local.runner import RunReport

    assert isinstance(report, RunReport)
    statuses = Counter(p.status for p in report.parsed)
    out.print(f"[bold]run {report.run_id}[/bold]: {len(report.received)} new files, {len(report.skipped)} already "
              f"loaded; " + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())))
    for parsed in report.parsed:
        for line in parsed.errors:
            err.print(line, markup=False, highlight=False)
    for layer, counts in report.rows.items():
        out.print(f"{layer}: " + ", ".join(f"{t} {n:,}" for t, n in sorted(counts.items())), highlight=False)
    out.print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items()), highlight=False)
    out.print(f"lake: {report.root}/buckets/lake   query it: claimlake sql \"SELECT ...\" --root {report.root}",
              highlight=False)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL over the gold and silver tables (DuckDB dialect).")],
    root: Annotated[Path | None, typer.Option("--root", help="Lake folder (default .claimlake or $CLAIMLAKE_ROOT).")]
    = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Query the lake with DuckDB: every gold and silver table is a view."""
    import csv as csv_module

    import duckdb

    from claimlake.local.query import run_sql

    if fmt not in ("table", "csv", "json"):
        err.print("claimlake: --format must be table, csv or json", markup=False, highlight=False)
        raise typer.Exit(2)
    try:
        columns, rows = run_sql(root or _default_root(), query)
    except duckdb.Error as exc:
        err.print(f"claimlake: {str(exc).splitlines()[0]}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    if fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str) + "\n")
    elif fmt == "csv":
        writer = csv_module.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table()
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        out.print(table)


@app.command()
def status(
    file_id: Annotated[str | None, typer.Argument(help="Show one file's record and lineage.")] = None,
    root: Annotated[Path | None, typer.Option("--root", help="Lake folder (default .claimlake or $CLAIMLAKE_ROOT).")]
    = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
) -> None:
    """List received files and pipeline runs, or show one file's lineage from archive to gold."""
    from claimlake.local.manifest_sqlite import SqliteManifestStore

    root = root or _default_root()
    database = root / "manifest.db"
    if not database.is_file():
        err.print(f"claimlake: no lake at {root} yet (run `claimlake run --input DIR` first)", markup=False,
                  highlight=False)
        raise typer.Exit(2)
    store = SqliteManifestStore(database)
    if file_id:
        _print_file(store, file_id)
        return
    files = Table(title="Files")
    for column in ("file_id", "name", "kind", "partner", "received", "status", "rows"):
        files.add_column(column)
    for record in store.list_files(limit=limit):
        rows = sum(record.row_counts.values())
        files.add_row(record.file_id[:12], record.name, record.kind, record.partner,
                      f"{record.received_at:%Y-%m-%d %H:%M}", record.status.value, f"{rows:,}")
    out.print(files)
    runs = Table(title="Runs")
    for column in ("run_id", "started", "status", "files", "seconds"):
        runs.add_column(column)
    for run_record in store.list_runs(limit=limit):
        runs.add_row(run_record.run_id, f"{run_record.started_at:%Y-%m-%d %H:%M:%S}", run_record.status.value,
                     str(len(run_record.file_ids)), f"{sum(run_record.step_seconds.values()):.1f}")
    out.print(runs)


def _print_file(store: object, file_id: str) -> None:
    from claimlake.local.manifest_sqlite import SqliteManifestStore

    assert isinstance(store, SqliteManifestStore)
    matches = [r for r in store.list_files(limit=100_000) if r.file_id.startswith(file_id)]
    if len(matches) != 1:
        err.print(f"claimlake: {'no file' if not matches else 'several files'} with id {file_id}", markup=False,
                  highlight=False)
        raise typer.Exit(1)
    record = matches[0]
    out.print(f"[bold]{record.name}[/bold]  {record.file_id}  {record.kind}  from {record.partner}  "
              f"{record.status.value}")
    for reason in record.reasons:
        out.print(f"  reason: {reason}", markup=False, highlight=False)
    out.print(f"  archive: archive/{record.archive_key}", highlight=False)
    for key in record.raw_keys:
        out.print(f"  raw:     raw/{key}", highlight=False)
    for key in record.ack_keys:
        out.print(f"  ack:     lake/{key}", highlight=False)
    for partition in record.gold_partitions:
        out.print(f"  gold:    lake/{partition}", highlight=False)
    out.print("  rows: " + ", ".join(f"{t} {n:,}" for t, n in sorted(record.row_counts.items())), highlight=False)
    out.print(f"  run: {record.run_id}", highlight=False)


schema_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Things derived from schemas/.")
app.add_typer(schema_app, name="schema")


@schema_app.command("docs")
def schema_docs(
    out_path: Annotated[Path | None, typer.Option("--out", help="Where to write (default docs/data-dictionary.md).")]
    = None,
    check: Annotated[bool, typer.Option("--check", help="Only check that the file is up to date (exit 1 if not).")]
    = False,
) -> None:
    """Write the data dictionary generated from schemas/ (raw, silver, gold)."""
    from claimlake.contracts.dictionary import DICTIONARY_PATH, render_data_dictionary, write_data_dictionary

    target = out_path or DICTIONARY_PATH
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != render_data_dictionary():
            err.print(f"{target} is out of date: run `claimlake schema docs`", markup=False, highlight=False)
            raise typer.Exit(1)
        out.print(f"{target} is up to date", highlight=False)
        return
    changed = write_data_dictionary(target)
    out.print(f"{target} {'written' if changed else 'already up to date'}", highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
