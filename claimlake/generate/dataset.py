"""generate_dataset: the whole run. Members stay in memory; claims stream batch by batch (flat memory),
one job per payer, in parallel processes when there is enough work."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import fields
from pathlib import Path
from typing import Any

from claimlake.generate import write834
from claimlake.generate.allocate import allocate
from claimlake.generate.claimkit import Pools
from claimlake.generate.enrollment import Enrollment, Event, build_enrollment
from claimlake.generate.output import KINDS, Files, Written, clear_previous, digest, file_entries, publish
from claimlake.generate.payer_job import KIND_NAME, JobInput, JobResult, run_payer
from claimlake.generate.stats import ClaimStats, EnrollStats, RemitStats
from claimlake.generate.world import build_world
from claimlake.generate.x12 import Envelope

Progress = Callable[[str, int], None]
PARALLEL_MIN_CLAIMS = 20_000  # below this, process start-up costs more than it saves

_shared: JobInput | None = None  # handed to forked workers by inheritance, never pickled
_queue: Any = None


def write_enrollment(root: Path, enrollment: Enrollment) -> tuple[EnrollStats, list[Written]]:
    """834 files: the full file, then one change file per month with changes; one ST per plan sponsor."""
    stats = EnrollStats()
    files = Files(root, 0, temporary=False)
    for enrollment_file in enrollment.files:
        writer = files.open(
            "834",
            Envelope(write834.SENDER, write834.RECEIVER, "BE", write834.VERSION, enrollment_file.created),
        )
        by_group: dict[int, list[Event]] = {}
        for event in enrollment_file.events:
            by_group.setdefault(event.member.group.index, []).append(event)
        for index in sorted(by_group):
            events = by_group[index]
            reference = f"{writer.control_no}{writer.next_set_control()}"
            body = write834.sponsor_body(enrollment_file, events[0].member.group, events, reference, stats)
            writer.transaction("834", write834.VERSION, body)
        stats.transaction_sets += writer.transaction_sets
        writer.close()
    stats.files = len(files.written)
    return stats, [(kind, name, digest(root / name)) for kind, name in files.written]


def _worker(root: Path, payer_index: int) -> JobResult:
    assert _shared is not None
    return run_payer(root, _shared, payer_index, _queue.put)


def _run_parallel(
    root: Path, job: JobInput, order: list[int], workers: int, report: Callable[[int], None]
) -> list[JobResult]:
    global _shared, _queue
    context = multiprocessing.get_context("fork")
    _shared, _queue = job, context.SimpleQueue()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending: set[Future[JobResult]] = {pool.submit(_worker, root, i) for i in order}
            results = []
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                while not _queue.empty():
                    report(_queue.get())
                results += [f.result() for f in done]
            while not _queue.empty():
                report(_queue.get())
            return results
    finally:
        _shared, _queue = None, None


def _workers(requested: int | None, claims: int, payers: int) -> int:
    """Processes for the payer jobs: forked workers only (they inherit the members instead of pickling)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested is not None:
        return max(1, min(requested, payers))
    if claims < PARALLEL_MIN_CLAIMS:
        return 1
    return max(1, min(os.cpu_count() or 1, payers))


def _merge(target: Any, source: Any) -> None:
    for f in fields(target):
        setattr(target, f.name, getattr(target, f.name) + getattr(source, f.name))


def generate_dataset(
    out_dir: Path,
    *,
    members: int,
    claims: int,
    seed: int = 0,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Write linked 834/837P/837I/837D/835 files + manifest.json into out_dir; return the manifest.

    Deterministic: the same arguments give byte-identical files, whatever `workers` is. `members` is the
    number of lives in the first (full) 834 file; `claims` the number of CLM segments over all 837 files
    (originals, replacements and voids). Files this generator names (`<kind>-<n>.x12`, manifest.json)
    already in out_dir are removed first. `progress(kind, n_done)` reports cumulative counts: ("834", INS
    segments written) once, then ("837", CLM segments written so far) now and then, ending at `claims`.
    `workers`: processes for the claim files (default: one per CPU, up to one per payer, for big runs).
    """
    if members < 1 or claims < 0:
        raise ValueError("members must be >= 1 and claims >= 0")
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    clear_previous(root)
    world = build_world(seed, members, claims)
    enrollment = build_enrollment(seed, world.groups, members)
    enroll_stats, enrollment_files = write_enrollment(root, enrollment)
    if progress:
        progress("834", enroll_stats.members)
    pools = {p.index: Pools.for_payer(p, enrollment.members) for p in world.payers}
    job = JobInput(seed, world, pools, allocate(claims, world.payers, world.providers, pools))
    done = 0

    def report(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("837", done)

    order = sorted(
        range(len(world.payers)), key=lambda i: -sum(n for (p, _), n in job.shares.items() if p == i)
    )
    n_workers = _workers(workers, claims, len(world.payers))
    if n_workers == 1:
        results = [run_payer(root, job, i, report) for i in order]
    else:
        results = _run_parallel(root, job, order, n_workers, report)
    return _finish(root, seed, members, claims, enroll_stats, enrollment_files, results)


def _finish(
    root: Path,
    seed: int,
    members: int,
    claims: int,
    enroll_stats: EnrollStats,
    enrollment_files: list[Written],
    results: list[JobResult],
) -> dict[str, Any]:
    claim_stats = {name: ClaimStats() for name in KIND_NAME.values()}
    remit_stats = RemitStats()
    parts: list[Written] = []
    for result in sorted(results, key=lambda r: r.payer_index):
        for name, stats in result.claim_stats.items():
            _merge(claim_stats[name], stats)
        _merge(remit_stats, result.remit_stats)
        parts += result.parts
    files = enrollment_files + publish(root, parts)
    kinds: dict[str, Any] = {name: s.as_dict() for name, s in claim_stats.items()}
    kinds["835"] = remit_stats.as_dict()
    kinds["834"] = enroll_stats.as_dict()
    manifest = {
        "seed": seed,
        "members_requested": members,
        "claims_requested": claims,
        "kinds": {k: kinds[k] for k in KINDS},
        "files": file_entries(files),
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="ascii")
    return manifest
