"""`claimlake ...`: the command line (Typer + Rich). Thin: every command calls the core."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from claimlake.x12.findings import SetStatus
from claimlake.x12.parser import FileResult

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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
