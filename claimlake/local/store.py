"""The filesystem ObjectStore: <root>/buckets/<bucket>/<key>, the tree a deployment leaves on S3."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


class LocalObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, bucket: str, key: str) -> Path:
        target = (self.root / "buckets" / bucket / key).resolve()
        base = (self.root / "buckets" / bucket).resolve()
        if base not in target.parents and target != base:
            raise ValueError("object key escapes its bucket")
        return target

    def put_bytes(self, bucket: str, key: str, data: bytes) -> None:
        """Write atomically: a reader never sees half an object."""
        target = self.path(bucket, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)

    def put_file(self, bucket: str, key: str, source: Path) -> None:
        target = self.path(bucket, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        os.close(fd)
        with source.open("rb") as src, open(tmp, "wb") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
        os.replace(tmp, target)

    def get_bytes(self, bucket: str, key: str) -> bytes:
        return self.path(bucket, key).read_bytes()

    def exists(self, bucket: str, key: str) -> bool:
        return self.path(bucket, key).is_file()

    def list_keys(self, bucket: str, prefix: str = "") -> Iterator[str]:
        base = self.root / "buckets" / bucket
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(base).as_posix()
                if key.startswith(prefix):
                    yield key
