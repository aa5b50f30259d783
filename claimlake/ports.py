"""Ports: the small interfaces the core talks to. Adapters: claimlake.local (filesystem, SQLite) and lambdas/ (AWS)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import IO, BinaryIO, Protocol

from claimlake.manifest import ManifestStore


class ObjectStore(Protocol):
    """Objects addressed as (bucket, key), with the same key layout on S3 and on a local disk."""

    def put_bytes(self, bucket: str, key: str, data: bytes) -> None: ...
    def get_bytes(self, bucket: str, key: str) -> bytes: ...
    def exists(self, bucket: str, key: str) -> bool: ...
    def list_keys(self, bucket: str, prefix: str = "") -> Iterator[str]: ...
    def put_stream(self, bucket: str, key: str, stream: IO[bytes], size: int) -> None:
        """Write an object from a binary stream of `size` bytes without holding it in memory."""
    def open(self, bucket: str, key: str) -> AbstractContextManager[BinaryIO]:
        """The object as a binary stream read as it is consumed (files of any size)."""


__all__ = ["ManifestStore", "ObjectStore"]
