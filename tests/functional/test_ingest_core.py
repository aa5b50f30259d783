"""The shared ingest rules (claimlake.ingest) on the local adapters: admission, parse outcome, retried steps."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from claimlake.ingest import admit, ingest_stream, parse_archived, record_parsed
from claimlake.local.layout import ARCHIVE
from claimlake.local.manifest_sqlite import SqliteManifestStore
from claimlake.local.store import LocalObjectStore
from claimlake.manifest import FileStatus, RegisterOutcome
from tests.conftest import interchange, transaction_set

DAY = date(2026, 3, 7)
AT = datetime(2026, 3, 7, 9, 30, tzinfo=UTC)
REMIT = interchange(*transaction_set(
    "835", "0001", "005010X221A1",
    "BPR*I*100*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20240131",
    "TRN*1*12345*1512345678", "N1*PR*PAYER*XV*P1", "N1*PE*CLINIC*XX*1234567893", "LX*1",
    "CLP*PCN1*1*150*100*50*12*PAYERCLAIM1", "CAS*PR*1*50",
), functional_id="HP", version="005010X221A1")


def _setup(tmp_path: Path) -> tuple[LocalObjectStore, SqliteManifestStore]:
    return LocalObjectStore(tmp_path / "lake"), SqliteManifestStore(tmp_path / "manifest.db")


def test_a_new_file_is_admitted_and_the_same_bytes_again_are_not(tmp_path: Path) -> None:
    store, manifest = _setup(tmp_path)
    first = ingest_stream(store, io.BytesIO(REMIT), path=PurePosixPath("in/a.x12"), received=DAY)
    admission = admit(manifest, first, uploader="sftp-acme", received_at=AT)
    assert (admission.outcome, admission.record.status, admission.to_process) == (
        RegisterOutcome.NEW, FileStatus.ARCHIVED, True)
    assert (admission.record.name, admission.record.kind, admission.record.uploader) == ("a.x12", "835", "sftp-acme")
    again = ingest_stream(store, io.BytesIO(REMIT), path=PurePosixPath("in/b.x12"), received=DAY)
    assert again.archive_key == first.archive_key
    duplicate = admit(manifest, again, uploader="sftp-acme", received_at=AT)
    assert (duplicate.outcome, duplicate.to_process, duplicate.record.name) == (
        RegisterOutcome.DUPLICATE_BYTES, False, "a.x12")


def test_an_unknown_file_is_rejected_on_arrival_and_kept(tmp_path: Path) -> None:
    store, manifest = _setup(tmp_path)
    item = ingest_stream(store, io.BytesIO(b"\x00\x01not x12"), path=PurePosixPath("scan.pdf"), received=DAY,
                         partner="Acme Health")
    admission = admit(manifest, item, uploader="portal", received_at=AT)
    assert item.partner == "Acme_Health" and item.archive_key.endswith(".bin")
    assert (admission.record.status, admission.record.reasons, admission.to_process) == (
        FileStatus.REJECTED, ("not an X12 interchange nor a raw-table CSV",), False)
    assert store.get_bytes(ARCHIVE, item.archive_key) == b"\x00\x01not x12"


def test_the_partner_hint_never_overrides_the_interchange_sender(tmp_path: Path) -> None:
    store, _ = _setup(tmp_path)
    item = ingest_stream(store, io.BytesIO(REMIT), path=PurePosixPath("x.x12"), received=DAY, partner="someone")
    assert item.partner == "SUBMITTER"


def test_a_parse_settles_the_file_once_even_when_retried(tmp_path: Path) -> None:
    store, manifest = _setup(tmp_path)
    bad = b"subscriber_id,shoe_size\nS1,9\n"
    item = ingest_stream(store, io.BytesIO(bad), path=PurePosixPath("coverage.csv"), received=DAY)
    admit(manifest, item, uploader="portal", received_at=AT)
    parsed = parse_archived(store, item)
    settled = record_parsed(manifest, parsed, kind=item.kind, run_id="run-1")
    assert settled.status is FileStatus.REJECTED and settled.run_id == "run-1"
    (reason,) = settled.reasons
    assert reason.startswith("header does not match raw table coverage: missing columns: ")
    assert "coverage.csv" not in reason  # the file's path stays out of the reasons
    assert record_parsed(manifest, parsed, kind=item.kind, run_id="run-2") == settled
