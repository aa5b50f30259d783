"""ObjectStore on S3: the same (bucket, key) contract as claimlake.local.store.LocalObjectStore.

The core names buckets logically (archive, raw, lake: claimlake.local.layout); a deployment maps them to its real
bucket names (ARCHIVE_BUCKET, RAW_BUCKET, LAKE_BUCKET). Writes go through boto3's managed transfer (multipart for big
files, never the whole object in memory). A bucket created with Object Lock gets every write locked in COMPLIANCE
mode until now + `retention_days`: the archive is write-once in law, not only by convention.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import IO, Any, BinaryIO, cast

from botocore.exceptions import ClientError

from claimlake.manifest import utcnow

_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})
_NO_LOCK = frozenset({"ObjectLockConfigurationNotFoundError", "ObjectLockConfigurationNotFound"})


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3ObjectStore:
    def __init__(self, buckets: Mapping[str, str], client: Any = None, *, retention_days: int | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.client = client
        self.buckets = dict(buckets)
        self.retention_days = retention_days
        self.clock = clock
        self._locked: dict[str, bool] = {}

    def bucket(self, name: str) -> str:
        """The real bucket of a logical one (a name not mapped is taken as a real bucket name)."""
        return self.buckets.get(name, name)

    def object_lock_enabled(self, bucket: str) -> bool:
        """Whether the real bucket was created with Object Lock (asked once per bucket)."""
        if bucket not in self._locked:
            try:
                config = self.client.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
                self._locked[bucket] = config.get("ObjectLockEnabled") == "Enabled"
            except ClientError as error:
                if _code(error) not in _NO_LOCK:
                    raise
                self._locked[bucket] = False
        return self._locked[bucket]

    def _put_args(self, bucket: str) -> dict[str, Any]:
        if self.retention_days is None or not self.object_lock_enabled(bucket):
            return {}
        return {"ObjectLockMode": "COMPLIANCE",
                "ObjectLockRetainUntilDate": self.clock() + timedelta(days=self.retention_days)}

    def put_bytes(self, bucket: str, key: str, data: bytes) -> None:
        real = self.bucket(bucket)
        self.client.put_object(Bucket=real, Key=key, Body=data, **self._put_args(real))

    def put_stream(self, bucket: str, key: str, stream: IO[bytes], size: int) -> None:
        real = self.bucket(bucket)
        self.client.upload_fileobj(stream, real, key, ExtraArgs=self._put_args(real) or None)

    def _get(self, bucket: str, key: str) -> Any:
        try:
            return self.client.get_object(Bucket=self.bucket(bucket), Key=key)["Body"]
        except ClientError as error:
            if _code(error) in _MISSING:
                raise FileNotFoundError(f"no object {key!r} in bucket {bucket!r}") from None
            raise

    def get_bytes(self, bucket: str, key: str) -> bytes:
        body = self._get(bucket, key)
        with contextlib.closing(body):
            return cast(bytes, body.read())

    def open(self, bucket: str, key: str) -> contextlib.closing[BinaryIO]:
        """The object's body, streamed as it is read."""
        return contextlib.closing(self._get(bucket, key))

    def exists(self, bucket: str, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket(bucket), Key=key)
        except ClientError as error:
            if _code(error) in _MISSING:
                return False
            raise
        return True

    def list_keys(self, bucket: str, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket(bucket), Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"]
