"""Generator benchmark (issue: synthetic X12 data). Prints one JSON object.

    python bench/generate.py --claims 100000 --members 10000 [--seed 0] [--workers N] [--out DIR]

Times claimlake.generate.generate_dataset end to end (834 + 837P/I/D + 835 + manifest with sha256),
and reports claims/s, bytes written and peak RSS of this process and of its worker processes (each
worker's peak, not their sum). Without --out the files go to a temporary directory that is removed.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimlake.generate import generate_dataset


def _mb(kilobytes: int) -> float:
    return round(kilobytes / 1024, 1)


def run(out: Path, claims: int, members: int, seed: int, workers: int | None) -> dict[str, object]:
    start = time.perf_counter()
    manifest = generate_dataset(out, members=members, claims=claims, seed=seed, workers=workers)
    seconds = time.perf_counter() - start
    files = manifest["files"]
    written = sum(int(f["bytes"]) for f in files)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "claims": claims,
        "members": members,
        "workers": workers,
        "seconds": round(seconds, 2),
        "claims_per_s": round(claims / seconds),
        "bytes_written": written,
        "mb_per_s": round(written / seconds / 1e6, 1),
        "files": len(files),
        "peak_rss_mb": _mb(max(own, children)),
        "peak_rss_main_mb": _mb(own),
        "peak_rss_worker_mb": _mb(children),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=None, help="default: claims / 10")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None, help="default: one per CPU, up to one per payer")
    parser.add_argument("--out", type=Path, default=None, help="keep the files here")
    args = parser.parse_args()
    members = args.members or max(1, args.claims // 10)
    if args.out is not None:
        result = run(args.out, args.claims, members, args.seed, args.workers)
    else:
        with tempfile.TemporaryDirectory(prefix="claimlake-bench-") as tmp:
            result = run(Path(tmp), args.claims, members, args.seed, args.workers)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
