"""Parse benchmark (issue: X12 engine). Prints one JSON object.

    python bench/parse.py [--claims 100000] [--pyx12-claims 5000] [--big-gb 1.0]

- claimlake: parse an 837P of N claims to CSV on one core (claims/s, MB/s, segments/s).
- floor: read + decode + split into segments and elements, nothing else (the bare split-only floor).
- pyx12: its validation (x12n_document) on the first K claims of the same file, as segments/s; the
  speed-up compares segments/s (running pyx12 on the whole file would take minutes).
- big: a file of about --big-gb GB parsed to CSV in a child process; its peak RSS shows whether memory
  grows with the file.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture837 import write_837p


def _claimlake(path: Path, out: Path) -> dict[str, float]:
    from claimlake.x12.api import parse_files

    start, cpu = time.perf_counter(), time.process_time()
    [result] = parse_files([path], out)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    claims = result.tables.get("claim", 0)
    size = path.stat().st_size
    return {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "claims": claims,
            "claims_per_s": round(claims / wall), "mb_per_s": round(size / wall / 1e6, 1),
            "segments_per_s": round(result.segments / wall), "status": result.status}  # type: ignore[dict-item]


def _floor(path: Path) -> dict[str, float]:
    start = time.perf_counter()
    segments = 0
    with path.open("rb") as handle:
        rest = ""
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            text = rest + chunk.decode("ascii")
            pieces = text.split("~")
            rest = pieces.pop()
            for piece in pieces:
                piece.strip().split("*")
            segments += len(pieces)
    wall = time.perf_counter() - start
    return {"seconds": round(wall, 2), "segments_per_s": round(segments / wall)}


def _pyx12(path: Path, claims: int, sample: Path) -> dict[str, float]:
    write_837p(sample, claims)
    data = sample.read_bytes()
    segments = data.count(b"~")
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12n_document

    params = pyx12.params.params()
    start = time.perf_counter()
    pyx12.x12n_document.x12n_document(param=params, src_file=io.StringIO(data.decode()),
                                      fd_997=None, fd_html=None, fd_xmldoc=None, xslt_files=None)
    wall = time.perf_counter() - start
    del path
    return {"claims": claims, "segments": segments, "seconds": round(wall, 2),
            "segments_per_s": round(segments / wall)}


def _big(folder: Path, gigabytes: float) -> dict[str, float]:
    big = folder / "big.x12"
    claims = int(gigabytes * 1e9 / 476)  # ~476 bytes per claim in the fixture
    write_837p(big, claims)
    code = ("import resource,sys,time;from pathlib import Path;from claimlake.x12.api import parse_files;"
            "t=time.perf_counter();r=parse_files([Path(sys.argv[1])],Path(sys.argv[2]));"
            "print(r[0].tables.get('claim',0), time.perf_counter()-t,"
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(big), str(folder / "big-out")], check=True,
                         capture_output=True, text=True).stdout.split()
    return {"bytes": big.stat().st_size, "claims": int(out[0]), "seconds": round(float(out[1]), 1),
            "peak_rss_mb": round(int(out[2]) / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--pyx12-claims", type=int, default=5_000)
    parser.add_argument("--big-gb", type=float, default=0.0, help="also parse a file of this size (GB)")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bench.837p"
        size = write_837p(path, args.claims)
        report: dict[str, object] = {"file": {"claims": args.claims, "bytes": size}}
        report["floor"] = _floor(path)
        report["claimlake"] = _claimlake(path, folder / "out")
        report["claimlake_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        report["pyx12"] = _pyx12(path, args.pyx12_claims, folder / "sample.837p")
        ours = report["claimlake"]["segments_per_s"]  # type: ignore[index]
        report["speedup_vs_pyx12"] = round(ours / report["pyx12"]["segments_per_s"], 1)  # type: ignore[index]
        if args.big_gb:
            report["big"] = _big(folder, args.big_gb)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
