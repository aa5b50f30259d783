"""The ManifestStore contract: the same tests against every adapter (SQLite; DynamoDB via moto)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from pydantic import ValidationError

from claimlake.local.manifest_sqlite import SqliteManifestStore
from claimlake.manifest import (
    FileRecord,
    FileStatus,
    ManifestError,
    ManifestStore,
    RegisterOutcome,
    RunRecord,
    RunStatus,
    can_move,
)
from lambdas.manifest_dynamodb import DynamoManifestStore, create_table

T0 = datetime(2024, 1, 15, 12, 30, tzinfo=UTC)
FINISHED_AT = datetime(2024, 1, 15, 13, 0, tzinfo=UTC)
S = FileStatus


def _clock() -> datetime:
    return FINISHED_AT


OpenStore = Callable[[], ManifestStore]


class SerialClient:
    """One request at a time, as DynamoDB applies each request atomically; moto's in-memory backend does not
    lock, so without this, threaded tests would find moto's races instead of the adapter's."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def serialised(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return serialised


@pytest.fixture(params=["sqlite", "dynamodb"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenStore]:
    """Opens a new store instance over one shared backing (a second instance plays a second worker)."""
    if request.param == "sqlite":
        yield lambda: SqliteManifestStore(tmp_path / "manifest.db", clock=_clock)
        return
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, "manifest")
        serial = SerialClient(client)
        yield lambda: DynamoManifestStore("manifest", serial, clock=_clock)


@pytest.fixture
def store(open_store: OpenStore) -> ManifestStore:
    return open_store()


def make_record(content: bytes, *, partner: str = "ACME", isa13: tuple[str, ...] = ("000000101",),
                received_at: datetime = T0, **fields: object) -> FileRecord:
    digest = hashlib.sha256(content).hexdigest()
    values: dict[str, object] = {
        "file_id": digest[:32], "sha256": digest, "name": f"{partner}_claims.x12", "kind": "837p",
        "partner": partner, "received_at": received_at, "size_bytes": len(content), "control_numbers": isa13,
        **fields,
    }
    return FileRecord.model_validate(values)


# register / get


def test_register_get_round_trip_keeps_every_field(store: ManifestStore) -> None:
    eastern = timezone(-timedelta(hours=5))
    record = make_record(
        b"ISA*round-trip", uploader="sftp:acme", received_at=datetime(2024, 1, 15, 7, 30, tzinfo=eastern),
        isa13=("000000101", "000000102"), status=S.ARCHIVED, reasons=("note",),
        row_counts={"claim": 3, "claim_line": 7},
        archive_key="x12/ACME/2024/01/15/abc.837p", raw_keys=("raw/837p/claim/a.csv",), ack_keys=("acks/ACME/a.999",),
        gold_partitions=("gold/fact_claim/year=2024",), run_id="run-1")

    assert store.register(record) is RegisterOutcome.NEW
    got = store.get(record.file_id)

    assert got == record
    assert got is not None and got.received_at == T0 and got.received_at.tzinfo == UTC
    assert store.get("0" * 32) is None


def test_same_bytes_twice_is_a_duplicate_and_stores_nothing_new(store: ManifestStore) -> None:
    first = make_record(b"same bytes")
    again = first.model_copy(update={"name": "resent.x12", "received_at": T0 + timedelta(days=1)})

    assert store.register(first) is RegisterOutcome.NEW
    assert store.register(again) is RegisterOutcome.DUPLICATE_BYTES

    assert store.get(first.file_id) == first
    assert store.list_files() == [first]


def test_same_partner_control_number_with_other_bytes_is_flagged_ta1_025(store: ManifestStore) -> None:
    first = make_record(b"original")
    second = make_record(b"different bytes, reused ISA13")
    third = make_record(b"a third file, same ISA13 again")

    assert store.register(first) is RegisterOutcome.NEW
    assert store.register(second) is RegisterOutcome.DUPLICATE_CONTROL_NUMBER
    assert store.register(third) is RegisterOutcome.DUPLICATE_CONTROL_NUMBER

    flagged = store.get(second.file_id)
    assert flagged is not None
    assert flagged.reasons == ("TA1 025 duplicate interchange control number 000000101",)
    assert flagged.duplicate_of == first.file_id
    assert flagged.status is S.RECEIVED
    assert store.get(first.file_id) == first
    third_stored = store.get(third.file_id)
    assert third_stored is not None and third_stored.duplicate_of == first.file_id


def test_rejecting_a_flagged_file_keeps_the_ta1_025_reason(store: ManifestStore) -> None:
    store.register(make_record(b"original"))
    second = make_record(b"different bytes, reused ISA13")
    store.register(second)

    rejected = store.set_status(second.file_id, S.REJECTED, reasons=["TA104=R"], run_id="run-9")

    assert rejected.reasons == ("TA1 025 duplicate interchange control number 000000101", "TA104=R")
    assert store.get(second.file_id) == rejected


def test_other_partner_same_control_number_is_new(store: ManifestStore) -> None:
    assert store.register(make_record(b"from acme", partner="ACME")) is RegisterOutcome.NEW
    other = make_record(b"from beta", partner="BETA")

    assert store.register(other) is RegisterOutcome.NEW
    assert store.get(other.file_id) == other


def test_free_control_numbers_of_a_flagged_file_are_still_claimed(store: ManifestStore) -> None:
    first = make_record(b"one", isa13=("000000101",))
    mixed = make_record(b"two", isa13=("000000101", "000000202"))
    later = make_record(b"three", isa13=("000000202",))

    assert store.register(first) is RegisterOutcome.NEW
    assert store.register(mixed) is RegisterOutcome.DUPLICATE_CONTROL_NUMBER
    assert store.register(later) is RegisterOutcome.DUPLICATE_CONTROL_NUMBER

    later_stored = store.get(later.file_id)
    assert later_stored is not None and later_stored.duplicate_of == mixed.file_id
    assert later_stored.reasons == ("TA1 025 duplicate interchange control number 000000202",)


def test_a_second_worker_sees_the_first_workers_registration(open_store: OpenStore) -> None:
    record = make_record(b"shared")

    assert open_store().register(record) is RegisterOutcome.NEW
    assert open_store().register(record) is RegisterOutcome.DUPLICATE_BYTES


def test_concurrent_registration_of_the_same_bytes_registers_once(open_store: OpenStore) -> None:
    record = make_record(b"raced")
    stores = [open_store() for _ in range(6)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda each: each.register(record), stores))

    assert sorted(outcomes) == sorted([RegisterOutcome.NEW] + [RegisterOutcome.DUPLICATE_BYTES] * 5)


# status


def test_status_moves_forward_and_records_the_run(store: ManifestStore) -> None:
    record = make_record(b"forward")
    store.register(record)

    for status in (S.ARCHIVED, S.PARSED, S.PARSED, S.VALIDATED):
        store.set_status(record.file_id, status)
    done = store.set_status(record.file_id, S.PUBLISHED, run_id="run-7")

    assert done.status is S.PUBLISHED and done.run_id == "run-7"
    assert store.get(record.file_id) == done


def test_status_cannot_move_backwards(store: ManifestStore) -> None:
    record = make_record(b"backwards")
    store.register(record)
    parsed = store.set_status(record.file_id, S.PARSED)

    with pytest.raises(ManifestError):
        store.set_status(record.file_id, S.ARCHIVED)
    assert store.get(record.file_id) == parsed


@pytest.mark.parametrize("terminal", [S.REJECTED, S.QUARANTINED])
def test_terminal_states_keep_their_reasons_and_cannot_be_left(store: ManifestStore, terminal: FileStatus) -> None:
    record = make_record(b"bad file")
    store.register(record)
    store.set_status(record.file_id, S.ARCHIVED)
    stopped = store.set_status(record.file_id, terminal, reasons=["999 IK5=R", "2 claims unbalanced"], run_id="r1")

    for target in (S.PARSED, S.PUBLISHED, S.REJECTED, S.QUARANTINED):
        with pytest.raises(ManifestError):
            store.set_status(record.file_id, target, reasons=["later"])
    got = store.get(record.file_id)
    assert got == stopped
    assert got is not None and got.status is terminal and got.reasons == ("999 IK5=R", "2 claims unbalanced")


def test_published_is_terminal(store: ManifestStore) -> None:
    record = make_record(b"published")
    store.register(record)
    store.set_status(record.file_id, S.PUBLISHED)

    with pytest.raises(ManifestError):
        store.set_status(record.file_id, S.QUARANTINED)


def test_updates_to_unknown_files_raise(store: ManifestStore) -> None:
    with pytest.raises(ManifestError):
        store.set_status("f" * 32, S.ARCHIVED)
    with pytest.raises(ManifestError):
        store.set_counts("f" * 32, {"claim": 1})
    with pytest.raises(ManifestError):
        store.add_lineage("f" * 32, raw_keys=["raw/x.csv"])


# counts and lineage


def test_counts_merge_per_table(store: ManifestStore) -> None:
    record = make_record(b"counted")
    store.register(record)
    store.set_counts(record.file_id, {"claim": 2, "claim_line": 5})
    store.set_counts(record.file_id, {"claim_line": 6, "envelope": 1})

    with pytest.raises(ManifestError):
        store.set_counts(record.file_id, {"claim": -1})
    got = store.get(record.file_id)
    assert got is not None and got.row_counts == {"claim": 2, "claim_line": 6, "envelope": 1}


def test_lineage_accumulates_each_key_once_in_order(store: ManifestStore) -> None:
    record = make_record(b"lineage", archive_key="x12/ACME/2024/01/15/id.837p")
    store.register(record)
    store.add_lineage(record.file_id, raw_keys=["raw/837p/claim/a.csv", "raw/837p/envelope/a.csv"],
                      ack_keys=["acks/ACME/id.999"])
    store.add_lineage(record.file_id, raw_keys=["raw/837p/claim/a.csv", "raw/837p/claim_line/a.csv"],
                      gold_partitions=["gold/fact_claim/year=2024/month=01"])

    got = store.get(record.file_id)
    assert got is not None
    assert got.archive_key == "x12/ACME/2024/01/15/id.837p"
    assert got.raw_keys == ("raw/837p/claim/a.csv", "raw/837p/envelope/a.csv", "raw/837p/claim_line/a.csv")
    assert got.ack_keys == ("acks/ACME/id.999",)
    assert got.gold_partitions == ("gold/fact_claim/year=2024/month=01",)


def test_concurrent_updates_lose_nothing(open_store: OpenStore) -> None:
    record = make_record(b"busy")
    open_store().register(record)
    keys = [f"raw/837p/table_{n:02d}/a.csv" for n in range(12)]

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda key: open_store().add_lineage(record.file_id, raw_keys=[key]), keys))

    got = open_store().get(record.file_id)
    assert got is not None and sorted(got.raw_keys) == keys


# listing


def test_list_files_by_status_newest_first_with_limit(store: ManifestStore) -> None:
    records = [make_record(f"file {n}".encode(), isa13=(f"{n:09d}",), received_at=T0 + timedelta(hours=n))
               for n in range(5)]
    for record in records:
        store.register(record)
    for record in records[1:4]:
        store.set_status(record.file_id, S.PARSED)

    parsed = store.list_files(S.PARSED)
    assert [r.file_id for r in parsed] == [records[3].file_id, records[2].file_id, records[1].file_id]
    assert all(r.status is S.PARSED for r in parsed)
    assert [r.file_id for r in store.list_files(S.RECEIVED)] == [records[4].file_id, records[0].file_id]
    assert [r.file_id for r in store.list_files(limit=2)] == [records[4].file_id, records[3].file_id]
    assert store.list_files(S.PUBLISHED) == []


# runs


def test_runs_start_finish_and_round_trip(store: ManifestStore) -> None:
    run = RunRecord(run_id="20240115T123000Z-abc123", started_at=T0, file_ids=("a" * 32,))
    store.start_run(run)
    assert store.get_run(run.run_id) == run

    done = store.finish_run(run.run_id, RunStatus.SUCCEEDED, {"ingest": 0.5, "parse": 2.25}, file_ids=["b" * 32])

    assert done == RunRecord(run_id=run.run_id, started_at=T0, finished_at=FINISHED_AT, status=RunStatus.SUCCEEDED,
                             step_seconds={"ingest": 0.5, "parse": 2.25}, file_ids=("a" * 32, "b" * 32))
    assert store.get_run(run.run_id) == done
    assert store.get_run("missing") is None


def test_runs_start_once_and_finish_once(store: ManifestStore) -> None:
    run = RunRecord(run_id="r1", started_at=T0)
    store.start_run(run)

    with pytest.raises(ManifestError):
        store.start_run(run)
    with pytest.raises(ManifestError):
        store.finish_run("never-started", RunStatus.FAILED, {})
    with pytest.raises(ManifestError):
        store.finish_run("r1", RunStatus.RUNNING, {})
    store.finish_run("r1", RunStatus.FAILED, {"ingest": 1.0})
    with pytest.raises(ManifestError):
        store.finish_run("r1", RunStatus.SUCCEEDED, {})
    got = store.get_run("r1")
    assert got is not None and got.status is RunStatus.FAILED


def test_list_runs_newest_first_with_limit(store: ManifestStore) -> None:
    for n in (2, 0, 3, 1):
        store.start_run(RunRecord(run_id=f"run-{n}", started_at=T0 + timedelta(minutes=n)))

    assert [r.run_id for r in store.list_runs(limit=3)] == ["run-3", "run-2", "run-1"]
    assert [r.run_id for r in store.list_runs()] == ["run-3", "run-2", "run-1", "run-0"]


# the pure rules the adapters rely on


@pytest.mark.parametrize(("current", "target", "allowed"), [
    (S.RECEIVED, S.ARCHIVED, True), (S.ARCHIVED, S.VALIDATED, True), (S.PARSED, S.PARSED, True),
    (S.VALIDATED, S.PUBLISHED, True), (S.PARSED, S.RECEIVED, False), (S.VALIDATED, S.ARCHIVED, False),
    (S.RECEIVED, S.QUARANTINED, True), (S.VALIDATED, S.REJECTED, True), (S.PUBLISHED, S.PUBLISHED, False),
    (S.PUBLISHED, S.REJECTED, False), (S.REJECTED, S.QUARANTINED, False), (S.QUARANTINED, S.RECEIVED, False),
    (S.REJECTED, S.REJECTED, False),
])
def test_can_move(current: FileStatus, target: FileStatus, allowed: bool) -> None:
    assert can_move(current, target) is allowed


def test_records_refuse_naive_times_and_foreign_file_ids() -> None:
    with pytest.raises(ValidationError):
        make_record(b"naive", received_at=datetime(2024, 1, 15, 12, 30))
    with pytest.raises(ValidationError):
        make_record(b"mismatch", file_id="0" * 32)
    with pytest.raises(ValidationError):
        RunRecord(run_id="r", started_at=datetime(2024, 1, 15))
