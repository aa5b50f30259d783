"""A raw-table CSV through the local ingest and parse steps: archived as sent, raw CSV under raw/csv/<table>/."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from claimlake.contracts.schemas import load_layer
from claimlake.csv_intake import content_columns
from claimlake.local.ingest import detect, ingest, parse_received
from claimlake.local.layout import ARCHIVE, RAW, raw_key
from claimlake.local.store import LocalObjectStore

DAY = date(2026, 3, 7)
COVERAGE = load_layer("raw")["coverage"]


def _coverage_csv(rows: int, *, bad_row: int | None = None) -> bytes:
    columns = content_columns(COVERAGE)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns[::-1], lineterminator="\n")
    writer.writeheader()
    for n in range(rows):
        row = dict.fromkeys(columns, "")
        row.update(subscriber_id=f"S{n:04d}", member_ordinal=str(10 + n), maintenance_type_code="021",
                   insurance_line_code="HLT", benefit_begin_date="2026-01-01", premium_amt="12.50")
        if n == bad_row:
            row["benefit_begin_date"] = "2026-02-30"
        writer.writerow(row)
    return out.getvalue().encode()


def test_a_coverage_csv_is_archived_untouched_and_lands_as_raw_csv(tmp_path: Path) -> None:
    source = tmp_path / "in" / "coverage_2026-03.csv"
    source.parent.mkdir()
    source.write_bytes(_coverage_csv(3, bad_row=1))
    store = LocalObjectStore(tmp_path / "lake")
    assert detect(source) == ("csv", "unknown", [])

    item = ingest(store, source, received=DAY)
    assert item.archive_key == f"x12/unknown/2026/03/07/{item.file_id}.csv"
    assert store.get_bytes(ARCHIVE, item.archive_key) == source.read_bytes()

    parsed = parse_received(tmp_path / "lake", item)
    key = raw_key("csv", "coverage", DAY, "unknown", item.file_id)
    assert (parsed.status, parsed.tables, parsed.raw_keys, parsed.ack_keys) == (
        "accepted_with_errors", {"coverage": 2}, [key], [])
    assert parsed.errors == [f"{source}: row 3: benefit_begin_date is not a date (CCYYMMDD, YYYY-MM-DD or MM/DD/YYYY)"]
    rows = list(csv.DictReader(io.StringIO(store.get_bytes(RAW, key).decode())))
    assert [(r["subscriber_id"], r["benefit_begin_date"], r["segment_ordinal"], r["file_id"]) for r in rows] == [
        ("S0000", "20260101", "2", item.file_id), ("S0002", "20260101", "4", item.file_id)]


def test_a_csv_with_a_wrong_header_is_rejected_but_still_archived(tmp_path: Path) -> None:
    source = tmp_path / "coverage.csv"
    source.write_bytes(b"subscriber_id,shoe_size\nS1,9\n")
    store = LocalObjectStore(tmp_path / "lake")
    item = ingest(store, source, received=DAY)
    parsed = parse_received(tmp_path / "lake", item)
    assert parsed.status == "rejected" and parsed.raw_keys == [] and parsed.tables == {}
    assert "unknown columns: shoe_size" in parsed.errors[0]
    assert "missing columns: member_id, member_ordinal, maintenance_type_code," in parsed.errors[0]
    assert store.get_bytes(ARCHIVE, item.archive_key) == source.read_bytes()
    assert list(store.list_keys(RAW)) == []
