"""The local runtime without Spark: object store, key layout, ingest and the parse step, DuckDB queries."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import interchange, transaction_set

from claimlake.local.ingest import detect, ingest, parse_received
from claimlake.local.layout import ARCHIVE, LAKE, RAW, LakePaths, archive_key, raw_key, safe_partner
from claimlake.local.query import run_sql
from claimlake.local.store import LocalObjectStore

CLAIM = transaction_set(
    "837", "0001", "005010X222A1",
    "BHT*0019*00*B1*20240115*1230*CH", "NM1*41*2*SUBMITTER*****46*S1", "PER*IC*DESK*TE*5555550100",
    "NM1*40*2*RECEIVER*****46*R1", "HL*1**20*1", "NM1*85*2*CLINIC*****XX*1234567893", "N3*1 MAIN ST",
    "N4*AUSTIN*TX*78701", "REF*EI*741234567", "HL*2*1*22*0", "SBR*P*18*G1******CI",
    "NM1*IL*1*DOE*JANE****MI*M0001", "NM1*PR*2*PLAN*****PI*P1", "CLM*PCN1*150***11:B:1*Y*A*Y*Y",
    "HI*ABK:E119", "LX*1", "SV1*HC:99213*150*UN*1***1", "DTP*472*D8*20240110",
)


def test_store_round_trips_objects_and_lists_keys(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    store.put_bytes("lake", "a/b/c.txt", b"one")
    store.put_bytes("lake", "a/d.txt", b"two")
    assert store.get_bytes("lake", "a/b/c.txt") == b"one"
    assert store.exists("lake", "a/d.txt") and not store.exists("lake", "a/x.txt")
    assert list(store.list_keys("lake", "a/")) == ["a/b/c.txt", "a/d.txt"]
    assert (tmp_path / "buckets" / "lake" / "a" / "b" / "c.txt").read_bytes() == b"one"
    assert not list((tmp_path / "buckets" / "lake").rglob(".tmp-*"))


def test_store_refuses_keys_that_escape_their_bucket(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="escapes"):
        LocalObjectStore(tmp_path).put_bytes("lake", "../archive/x", b"")


def test_keys_follow_the_design_layout() -> None:
    day = date(2026, 3, 7)
    assert archive_key("ACME", day, "abc", "837p") == "x12/ACME/2026/03/07/abc.837p"
    assert raw_key("837p", "claim", day, "ACME", "abc") == (
        "raw/837p/claim/year=2026/month=03/day=07/source=ACME/abc.csv")
    assert safe_partner(" SUBMITTER  01 ") == "SUBMITTER_01" and safe_partner("  ") == "unknown"


def test_detect_reads_kind_and_partner_from_the_envelope(tmp_path: Path) -> None:
    path = tmp_path / "c.x12"
    path.write_bytes(interchange(*CLAIM))
    assert detect(path) == ("837p", "SUBMITTER", ["000000101"])
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    assert detect(other)[0] == "unknown"


def test_ingest_archives_once_and_parse_writes_raw_objects_and_acks(tmp_path: Path) -> None:
    source = tmp_path / "in" / "c.x12"
    source.parent.mkdir()
    source.write_bytes(interchange(*CLAIM))
    root = tmp_path / "root"
    store = LocalObjectStore(root)
    item = ingest(store, source, received=date(2026, 3, 7))
    assert store.get_bytes(ARCHIVE, item.archive_key) == source.read_bytes()
    again = ingest(store, source, received=date(2026, 3, 7))
    assert again.archive_key == item.archive_key and again.file_id == item.file_id
    parsed = parse_received(root, item)
    assert parsed.status == "accepted" and parsed.tables["claim"] == 1
    assert f"raw/837p/claim/year=2026/month=03/day=07/source=SUBMITTER/{item.file_id}.csv" in parsed.raw_keys
    claim_csv = store.get_bytes(RAW, raw_key("837p", "claim", date(2026, 3, 7), "SUBMITTER", item.file_id))
    assert b"PCN1,P,150" in claim_csv
    [ack] = parsed.ack_keys
    assert ack == f"acks/SUBMITTER/{item.file_id}.999" and b"AK9*A*1*1*1" in store.get_bytes(LAKE, ack)


def test_sql_queries_the_gold_and_silver_tables_as_views(tmp_path: Path) -> None:
    paths = LakePaths(tmp_path)
    folder = paths.table("gold", "fact_claim")
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"claim_id": ["A", "B"], "billed_amt": [10, 32]}), folder / "part-00000.parquet")
    columns, rows = run_sql(tmp_path, "SELECT count(*) AS n, sum(billed_amt) AS billed FROM fact_claim")
    assert columns == ["n", "billed"] and rows == [(2, 42)]
    done = subprocess.run([sys.executable, "-m", "claimlake.cli", "sql", "SELECT claim_id FROM gold.fact_claim "
                           "ORDER BY 1", "--root", str(tmp_path), "--format", "json"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and json.loads(done.stdout) == [{"claim_id": "A"}, {"claim_id": "B"}]
    bad = subprocess.run([sys.executable, "-m", "claimlake.cli", "sql", "SELECT nope FROM fact_claim", "--root",
                          str(tmp_path)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and bad.stderr.startswith("claimlake:")


def test_status_lists_files_and_shows_one_files_lineage(tmp_path: Path) -> None:
    from claimlake.local.manifest_sqlite import SqliteManifestStore
    from claimlake.manifest import FileRecord, FileStatus, RunRecord, RunStatus, utcnow

    store = SqliteManifestStore(tmp_path / "manifest.db")
    sha = "ab" * 32
    store.start_run(RunRecord(run_id="run-1", started_at=utcnow()))
    store.register(FileRecord(file_id=sha[:32], sha256=sha, name="claims.x12", kind="837p", partner="ACME",
                              received_at=utcnow(), size_bytes=10, status=FileStatus.ARCHIVED,
                              archive_key="x12/ACME/2026/01/02/f.837p"))
    store.add_lineage(sha[:32], raw_keys=["raw/837p/claim/k.csv"], ack_keys=["acks/ACME/f.999"])
    store.set_counts(sha[:32], {"claim": 3})
    store.finish_run("run-1", RunStatus.SUCCEEDED, {"parse": 1.0}, file_ids=(sha[:32],))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "claimlake.cli", "status", *args, "--root", str(tmp_path)],
                              capture_output=True, text=True, check=False, env={"COLUMNS": "200", "PATH": "/usr/bin"})

    listing = cli()
    assert listing.returncode == 0 and "claims.x12" in listing.stdout and "run-1" in listing.stdout
    one = cli(sha[:8])
    assert one.returncode == 0
    assert "archive: archive/x12/ACME/2026/01/02/f.837p" in one.stdout
    assert "raw:     raw/raw/837p/claim/k.csv" in one.stdout
    assert cli("ffff").returncode == 1
