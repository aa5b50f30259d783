"""One ObjectStore contract, run against the filesystem store and the S3 store (moto)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from claimlake.local.store import LocalObjectStore
from claimlake.ports import ObjectStore
from lambdas.s3_store import S3ObjectStore

BUCKETS = {"archive": "cl-test-archive", "raw": "cl-test-raw", "lake": "cl-test-lake"}
NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def _s3_store(retention_days: int | None = None) -> S3ObjectStore:
    client = boto3.client("s3", region_name="us-east-1")
    for logical, real in BUCKETS.items():
        client.create_bucket(Bucket=real, ObjectLockEnabledForBucket=logical == "archive")
    return S3ObjectStore(BUCKETS, client, retention_days=retention_days, clock=lambda: NOW)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    if request.param == "local":
        yield LocalObjectStore(tmp_path)
    else:
        request.getfixturevalue("aws")
        yield _s3_store()


def test_bytes_round_trip_and_overwrite(store: ObjectStore) -> None:
    store.put_bytes("lake", "acks/P1/f.999", b"first")
    assert store.get_bytes("lake", "acks/P1/f.999") == b"first"
    store.put_bytes("lake", "acks/P1/f.999", b"second")
    assert store.get_bytes("lake", "acks/P1/f.999") == b"second"
    store.put_bytes("lake", "empty", b"")
    assert store.get_bytes("lake", "empty") == b""


def test_exists_only_for_objects(store: ObjectStore) -> None:
    store.put_bytes("raw", "raw/835/claim_payment/x.csv", b"a,b\n")
    assert store.exists("raw", "raw/835/claim_payment/x.csv")
    assert not store.exists("raw", "raw/835/claim_payment/y.csv")
    assert not store.exists("raw", "raw/835")  # a "folder" is not an object
    assert not store.exists("lake", "raw/835/claim_payment/x.csv")  # buckets are separate


def test_list_keys_in_byte_order_under_a_prefix(store: ObjectStore) -> None:
    for key in ("a/b/c.txt", "a/b.txt", "a/a", "b/z", "a/b-x/1"):
        store.put_bytes("lake", key, key.encode())
    assert list(store.list_keys("lake")) == ["a/a", "a/b-x/1", "a/b.txt", "a/b/c.txt", "b/z"]
    assert list(store.list_keys("lake", "a/b")) == ["a/b-x/1", "a/b.txt", "a/b/c.txt"]
    assert list(store.list_keys("lake", "a/b/")) == ["a/b/c.txt"]
    assert list(store.list_keys("lake", "nothing/")) == []
    assert list(store.list_keys("raw")) == []


def test_missing_objects_raise_file_not_found(store: ObjectStore) -> None:
    with pytest.raises(FileNotFoundError):
        store.get_bytes("lake", "no/such/key")
    with pytest.raises(FileNotFoundError), store.open("lake", "no/such/key"):
        pass


def test_streams_in_and_out_without_changing_a_byte(store: ObjectStore) -> None:
    data = os.urandom(9 << 20)  # above boto3's 8 MiB multipart threshold
    store.put_stream("archive", "x12/P1/2026/03/07/big.835", io.BytesIO(data), len(data))
    with store.open("archive", "x12/P1/2026/03/07/big.835") as handle:
        first = handle.read(1000)
        rest = handle.read()
    assert first + rest == data and len(first) == 1000


def test_keys_with_spaces_and_non_ascii_characters(store: ObjectStore) -> None:
    store.put_bytes("raw", "source=ACME CO/é.csv", b"x")
    assert store.get_bytes("raw", "source=ACME CO/é.csv") == b"x"
    assert list(store.list_keys("raw")) == ["source=ACME CO/é.csv"]


# --- S3 only: Object Lock on the archive -----------------------------------------------------------------------------


def test_archive_writes_are_locked_in_compliance_mode(aws: None) -> None:
    store = _s3_store(retention_days=2555)
    store.put_stream("archive", "x12/P1/f.835", io.BytesIO(b"ISA*..."), 7)
    store.put_bytes("archive", "x12/P1/g.835", b"ISA*...")
    for key in ("x12/P1/f.835", "x12/P1/g.835"):
        head = store.client.head_object(Bucket=BUCKETS["archive"], Key=key)
        assert head["ObjectLockMode"] == "COMPLIANCE"
        assert head["ObjectLockRetainUntilDate"] == NOW + timedelta(days=2555)
    version = store.client.head_object(Bucket=BUCKETS["archive"], Key="x12/P1/f.835")["VersionId"]
    with pytest.raises(ClientError, match="AccessDenied"):
        store.client.delete_object(Bucket=BUCKETS["archive"], Key="x12/P1/f.835", VersionId=version)


def test_buckets_without_object_lock_are_written_plainly(aws: None) -> None:
    store = _s3_store(retention_days=30)
    store.put_bytes("raw", "raw/x.csv", b"a")
    assert "ObjectLockMode" not in store.client.head_object(Bucket=BUCKETS["raw"], Key="raw/x.csv")
    assert not store.object_lock_enabled(BUCKETS["raw"]) and store.object_lock_enabled(BUCKETS["archive"])
