"""The local runner: executes the pipeline's steps in process on the embedded default (files, Spark local)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claimlake.local.ingest import Parsed, Received, ingest, parse_received
from claimlake.local.layout import LakePaths
from claimlake.local.manifest_sqlite import SqliteManifestStore
from claimlake.local.store import LocalObjectStore
from claimlake.manifest import FileRecord, FileStatus, RegisterOutcome, RunRecord, RunStatus, utcnow
from claimlake.pipeline import PIPELINE

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

Progress = Callable[[str, int, int], None]


@dataclass
class RunReport:
    run_id: str
    root: Path
    seconds: dict[str, float] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    parsed: list[Parsed] = field(default_factory=list)
    skipped: list[Received] = field(default_factory=list)  # already loaded (same bytes)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # layer -> table -> rows


def input_files(folder: Path) -> list[Path]:
    """The files of an input folder (recursively), hidden files left out, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(part.startswith(".") for part in
                                                                              p.relative_to(folder).parts))


class LocalRunner:
    def __init__(self, root: Path, *, workers: int | None = None, progress: Progress | None = None) -> None:
        self.root = root
        self.store = LocalObjectStore(root)
        self.paths = LakePaths(root)
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.progress = progress or (lambda step, done, total: None)
        self.manifest = SqliteManifestStore(root / "manifest.db")

    def run(self, files: list[Path]) -> RunReport:
        report = RunReport(run_id=time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:6],
                           root=self.root)
        self.manifest.start_run(RunRecord(run_id=report.run_id, started_at=utcnow()))
        steps: dict[str, Callable[[RunReport, list[Path]], None]] = {
            "ingest": self._ingest, "parse": self._parse, "silver": self._silver, "gold": self._gold,
        }
        status = RunStatus.FAILED
        try:
            for step in PIPELINE:
                start = time.perf_counter()
                steps[step.name](report, files)
                report.seconds[step.name] = time.perf_counter() - start
            status = RunStatus.SUCCEEDED
        finally:
            self.manifest.finish_run(report.run_id, status, report.seconds,
                                     file_ids=tuple(r.file_id for r in report.received))
        return report

    def _ingest(self, report: RunReport, files: list[Path]) -> None:
        for n, path in enumerate(files, start=1):
            item = ingest(self.store, path)
            record = FileRecord(
                file_id=item.file_id, sha256=item.sha256, name=path.name, kind=item.kind, partner=item.partner,
                uploader="local", received_at=utcnow(), size_bytes=item.size,
                control_numbers=tuple(item.control_numbers), status=FileStatus.ARCHIVED,
                archive_key=item.archive_key, run_id=report.run_id,
            )
            outcome = self.manifest.register(record)
            if outcome is RegisterOutcome.DUPLICATE_BYTES:
                report.skipped.append(item)
            else:
                report.received.append(item)
            self.progress("ingest", n, len(files))

    def _parse(self, report: RunReport, files: list[Path]) -> None:
        todo = report.received
        if not todo:
            return
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            for n, parsed in enumerate(pool.map(parse_received, [self.root] * len(todo), todo), start=1):
                report.parsed.append(parsed)
                self._record_parse(parsed, report.run_id)
                self.progress("parse", n, len(todo))

    def _record_parse(self, parsed: Parsed, run_id: str) -> None:
        self.manifest.set_counts(parsed.file_id, parsed.tables)
        self.manifest.add_lineage(parsed.file_id, raw_keys=parsed.raw_keys, ack_keys=parsed.ack_keys)
        if parsed.status == "rejected":
            reasons = ["nothing in the file could be loaded"]
            self.manifest.set_status(parsed.file_id, FileStatus.REJECTED, reasons=reasons, run_id=run_id)
        else:
            self.manifest.set_status(parsed.file_id, FileStatus.PARSED, run_id=run_id)

    def _spark(self) -> SparkSession:
        from claimlake.spark import check_java, local_spark

        check_java()
        spark = local_spark("claimlake-run")
        spark.sparkContext.setLogLevel("ERROR")
        return spark

    def _silver(self, report: RunReport, files: list[Path]) -> None:
        self.progress("silver", 0, 1)
        report.rows["silver"] = silver_step(self._spark(), self.paths)
        self.progress("silver", 1, 1)

    def _gold(self, report: RunReport, files: list[Path]) -> None:
        self.progress("gold", 0, 1)
        report.rows["gold"] = gold_step(self._spark(), self.paths)
        for parsed in report.parsed:
            if parsed.status != "rejected":
                self.manifest.set_status(parsed.file_id, FileStatus.PUBLISHED, run_id=report.run_id)
        self.progress("gold", 1, 1)


def silver_step(spark: SparkSession, paths: LakePaths) -> dict[str, int]:
    """raw CSV objects -> silver Parquet tables (rebuilt from all raw data: idempotent)."""
    from claimlake.local.lakeio import read_raw, write_layer
    from claimlake.transforms.silver import build_silver

    return write_layer(build_silver(read_raw(spark, paths)), paths, "silver")


def gold_step(spark: SparkSession, paths: LakePaths) -> dict[str, int]:
    """silver Parquet -> gold star schema and marts."""
    from claimlake.local.lakeio import read_layer, write_layer
    from claimlake.transforms.gold import build_gold

    return write_layer(build_gold(read_layer(spark, paths, "silver")), paths, "gold")
