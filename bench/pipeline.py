"""Pipeline benchmark (issue: lakehouse). Prints one JSON object.

    python bench/pipeline.py --claims 1000000 [--members 100000] [--scales 100000,1000000]

Generates linked 834/837/835 data, runs the local pipeline (ingest, parse, silver, gold) into a fresh
root, and reports seconds per stage, claims/s end to end and the peak memory of the whole process tree
(the driver JVM included). Several --scales show how time grows.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path


def _peak_rss_mb() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024)


def _jvm_rss_mb() -> int:
    """Resident memory of the Spark driver JVM right now (it is a child process of this one)."""
    import os

    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"org.apache.spark.deploy.SparkSubmit" in cmdline:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024)


def run_once(claims: int, members: int, seed: int) -> dict[str, object]:
    from claimlake.generate import generate_dataset
    from claimlake.local.runner import LocalRunner, input_files

    with tempfile.TemporaryDirectory(prefix="claimlake-bench-") as tmp:
        data, root = Path(tmp) / "input", Path(tmp) / "root"
        start = time.perf_counter()
        generate_dataset(data, members=members, claims=claims, seed=seed)
        generated = time.perf_counter() - start
        files = input_files(data)
        start = time.perf_counter()
        report = LocalRunner(root).run(files)
        total = time.perf_counter() - start
        return {
            "claims": claims,
            "members": members,
            "generate_seconds": round(generated, 1),
            "stage_seconds": {k: round(v, 1) for k, v in report.seconds.items()},
            "pipeline_seconds": round(total, 1),
            "claims_per_s": round(claims / total),
            "silver_rows": report.rows.get("silver", {}),
            "gold_rows": report.rows.get("gold", {}),
            "driver_jvm_peak_rss_mb": _jvm_rss_mb(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=0, help="default: claims / 10")
    parser.add_argument("--scales", default="", help="comma-separated claim counts, e.g. 100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s] or [args.claims]
    runs = [run_once(n, args.members or max(1000, n // 10), args.seed) for n in scales]
    print(json.dumps({"runs": runs, "peak_rss_mb_python": _peak_rss_mb()}, indent=2))


if __name__ == "__main__":
    main()
