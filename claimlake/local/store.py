"""The filesystem ObjectStore: <root>/buckets/<bucket>/<key>, the tree a deployment leaves on S3."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO


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
        with source.open("rb") as handle:
            self.put_stream(bucket, key, handle, source.stat().st_size)

    def put_stream(self, bucket: str, key: str, stream: IO[bytes], size: int) -> None:
        """Copy a stream in blocks to a temporary file, then swap it in (atomic, like put_bytes)."""
        target = self.path(bucket, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as dst:
            while block := stream.read(1 << 20):
                dst.write(block)
        os.replace(tmp, target)

    def open(self, bucket: str, key: str) -> BinaryIO:
        """The object's file, opened for reading (a file object is its own context manager)."""
        return self.path(bucket, key).open("rb")

    def get_bytes(self, bucket: str, key: str) -> bytes:
        return self.path(bucket, key).read_bytes()

    def exists(self, bucket: str, key: str) -> bool:
        return self.path(bucket, key).is_file()

    def list_keys(self, bucket: str, prefix: str = "") -> Iterator[str]:
        """Keys in byte order of their text, as S3 lists them (not path order: "a/b.txt" < "a/b/c")."""
        base = self.root / "buckets" / bucket
        if not base.is_dir():
            return
        keys = (path.relative_to(base).as_posix() for path in base.rglob("*")
                if path.is_file() and not path.name.startswith(".tmp-"))
        yield from sorted(key for key in keys if key.startswith(prefix))
