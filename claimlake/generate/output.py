"""Output files: `<kind>-<n>.x12` series with unique interchange control numbers, and the file manifest.

Payer jobs may run in parallel processes, so each writes `.part-*` files with control numbers derived
from (payer, sequence); the parts are renamed to their final `<kind>-<n>.x12` names in payer order
afterwards. The bytes therefore never depend on how many processes ran."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from claimlake.generate.x12 import Envelope, InterchangeWriter

KINDS = ("837p", "837i", "837d", "835", "834")
FILE_NAME = re.compile(r"^(?:(834|837p|837i|837d|835)-\d+\.x12|manifest\.json|\.part-\d+-\d+\.x12)$")
CONTROL_BLOCK = 100_000  # ISA13 of payer p's files: (p + 1) * CONTROL_BLOCK + n; 834 files use 1, 2, ...


@dataclass(slots=True)
class Files:
    """Opens interchange files for one producer (the enrollment writer or one payer job)."""

    root: Path
    control_base: int
    temporary: bool
    written: list[tuple[str, str]] = field(default_factory=list)  # (kind, file name) in creation order

    def open(self, kind: str, env: Envelope) -> InterchangeWriter:
        n = len(self.written) + 1
        if self.temporary:
            name = f".part-{self.control_base // CONTROL_BLOCK}-{n}.x12"
        else:
            name = f"{kind}-{sum(1 for k, _ in self.written if k == kind) + 1}.x12"
        self.written.append((kind, name))
        return InterchangeWriter(self.root / name, env, self.control_base + n)


def clear_previous(root: Path) -> None:
    """Remove files a previous run left under our own names, so the directory matches the manifest."""
    for path in root.iterdir():
        if path.is_file() and FILE_NAME.match(path.name):
            path.unlink()


Digest = tuple[int, str]  # (bytes, sha256 hex)
Written = tuple[str, str, Digest]  # (kind, file name, digest)


def digest(path: Path) -> Digest:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return path.stat().st_size, sha.hexdigest()


def publish(root: Path, parts: list[Written]) -> list[Written]:
    """Rename part files, in the order given, to `<kind>-<n>.x12` with n counting from 1 per kind."""
    numbers: dict[str, int] = {}
    final = []
    for kind, part, size_sha in parts:
        numbers[kind] = numbers.get(kind, 0) + 1
        name = f"{kind}-{numbers[kind]}.x12"
        (root / part).replace(root / name)
        final.append((kind, name, size_sha))
    return final


def file_entries(files: list[Written]) -> list[dict[str, object]]:
    """Manifest rows ordered by kind, then file number."""
    order = {k: i for i, k in enumerate(KINDS)}
    ordered = sorted(files, key=lambda f: (order[f[0]], int(f[1][len(f[0]) + 1 : -4])))
    return [{"name": name, "kind": kind, "bytes": size, "sha256": sha} for kind, name, (size, sha) in ordered]


class Series:
    """Consecutive files of one kind for one trading partner, rotated when a file would pass `limit` items."""

    def __init__(self, files: Files, kind: str, env: Envelope, limit: int) -> None:
        self.files, self.kind, self.env, self.limit = files, kind, env, limit
        self.writer: InterchangeWriter | None = None
        self.items = 0
        self.count = 0

    def writer_for(self, items: int) -> InterchangeWriter:
        if self.writer is not None and self.items + items > self.limit:
            self.close()
        if self.writer is None:
            self.writer = self.files.open(self.kind, self.env)
            self.items = 0
            self.count += 1
        self.items += items
        return self.writer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
