"""CSV intake: partner CSVs checked against schemas/raw and rewritten exactly like the parser's raw CSV."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime
from pathlib import Path

import pytest

from claimlake.contracts.schemas import LINEAGE_COLUMNS, load_layer
from claimlake.csv_intake import (
    NO_ENVELOPE,
    CsvIntakeResult,
    content_columns,
    intake_csv,
    looks_like_csv,
    table_from_header,
    table_from_name,
)
from claimlake.generate import generate_dataset
from claimlake.x12.api import parse_file
from claimlake.x12.registry import default_registry
from claimlake.x12.sinks import CsvDirectorySink

RAW = load_layer("raw")
FILE_ID = "f" * 32


@pytest.fixture(scope="module")
def parsed_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    """Raw rows the X12 parser wrote for one generated 835 and one 834 (the reference for CSV output)."""
    root = tmp_path_factory.mktemp("gen")
    generate_dataset(root / "x12", members=20, claims=30, seed=3, workers=1)
    registry = default_registry()
    tables: dict[str, list[dict[str, str]]] = {}
    for name in ("835-1.x12", "834-1.x12"):
        out = root / name
        sink = CsvDirectorySink(out, registry.headers)
        try:
            parse_file(root / "x12" / name, sink=sink, registry=registry, deep=False)
        finally:
            sink.close()
        for path in out.glob("*.csv"):
            with path.open(newline="", encoding="utf-8") as handle:
                tables[path.stem] = list(csv.DictReader(handle))
    return tables


def _partner_csv(rows: list[dict[str, str]], columns: list[str], *, delimiter: str = ",",
                 header: list[str] | None = None, convert: dict[str, object] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header or columns)
    for row in rows:
        writer.writerow([convert[c](row[c]) if convert and c in convert and row[c] else row[c]  # type: ignore[operator]
                         for c in columns])
    return out.getvalue().encode("utf-8")


def _run(data: bytes, name: str) -> tuple[CsvIntakeResult, list[list[str]]]:
    out = io.BytesIO()
    result = intake_csv(io.BytesIO(data), out, name=name, file_id=FILE_ID)
    return result, list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"))))


def _iso(ccyymmdd: str) -> str:
    return datetime.strptime(ccyymmdd[:8], "%Y%m%d").strftime("%Y-%m-%d")


def _us(ccyymmdd: str) -> str:
    return datetime.strptime(ccyymmdd[:8], "%Y%m%d").strftime("%m/%d/%Y")


def test_a_reordered_csv_with_iso_dates_comes_out_as_the_parser_wrote_it(parsed_tables: dict) -> None:
    schema = RAW["claim_payment"]
    reference = parsed_tables["claim_payment"]
    assert len(reference) > 3
    columns = content_columns(schema)
    random.Random(7).shuffle(columns)
    header = [f" {c.upper()} " for c in columns]
    dates = {c.name: _iso for c in schema.columns if c.type == "date"}
    result, rows = _run(_partner_csv(reference, columns, header=header, convert=dates), "claim_payment.csv")

    assert (result.status, result.table, result.rows_read, result.rows_written) == (
        "accepted", "claim_payment", len(reference), len(reference))
    assert rows[0] == schema.column_names
    for number, (got, want) in enumerate(zip(rows[1:], reference, strict=True), start=2):
        got_row = dict(zip(rows[0], got, strict=True))
        for name in schema.column_names:
            if name == "file_id":
                assert got_row[name] == FILE_ID
            elif name == "segment_ordinal":
                assert got_row[name] == str(number)
            elif name in LINEAGE_COLUMNS:
                assert got_row[name] == NO_ENVELOPE
            elif name == "dq_flags":
                assert got_row[name] == ""
            else:
                assert got_row[name] == want[name], name


def test_booleans_us_dates_tabs_and_a_bom_are_normalised(parsed_tables: dict) -> None:
    schema = RAW["member"]
    reference = parsed_tables["member"]
    columns = content_columns(schema)
    convert: dict[str, object] = {c.name: _us for c in schema.columns if c.type == "date"}
    convert["is_subscriber"] = lambda v: "Y" if v == "true" else "n"
    data = b"\xef\xbb\xbf" + _partner_csv(reference, columns, delimiter="\t", convert=convert)
    result, rows = _run(data, "member-2024-06.txt")
    assert result.status == "accepted" and result.rows_written == len(reference)
    got = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["is_subscriber"] for r in got] == [r["is_subscriber"] for r in reference]
    assert [r["birth_date"] for r in got] == [r["birth_date"] for r in reference]
    assert {r["is_subscriber"] for r in got} == {"true", "false"}


def test_lineage_columns_sent_are_kept_but_file_id_is_always_ours(parsed_tables: dict) -> None:
    schema = RAW["claim_payment"]
    reference = parsed_tables["claim_payment"][:2]
    result, rows = _run(_partner_csv(reference, schema.column_names), "claim_payment.csv")
    assert result.status == "accepted"
    got = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    for g, want in zip(got, reference, strict=True):
        assert g["file_id"] == FILE_ID != want["file_id"]
        for name in ("isa_control_number", "gs_control_number", "st_control_number", "segment_ordinal"):
            assert g[name] == want[name]


def test_header_with_missing_and_unknown_columns_is_rejected_naming_them() -> None:
    columns = content_columns(RAW["remittance"])
    header = [c for c in columns if c not in ("payer_name", "trace_id")] + ["favourite_colour"]
    result, rows = _run((",".join(header) + "\n").encode(), "remittance.csv")
    assert result.status == "rejected" and rows == []
    (reason,) = result.reasons
    assert reason == ("header does not match raw table remittance: missing columns: trace_id, payer_name; "
                      "unknown columns: favourite_colour")


def test_the_table_comes_from_the_file_name_or_else_from_the_header() -> None:
    assert table_from_name("claim_line_2024-06.csv") == "claim_line"
    assert table_from_name("uploads/CLAIM.csv") == "claim"
    assert table_from_name("claimsfile.csv") is None
    assert table_from_header(content_columns(RAW["service_payment"])) == "service_payment"
    assert table_from_header(RAW["service_payment"].column_names) == "service_payment"
    assert table_from_header(["claim_id", "paid"]) is None
    result, _ = _run(b"claim_id,paid\nX,1\n", "export.csv")
    assert result.status == "rejected" and "cannot tell which raw table" in result.reasons[0]


def test_bad_rows_are_reported_by_row_and_column_without_their_values(parsed_tables: dict) -> None:
    schema = RAW["claim_payment"]
    good = parsed_tables["claim_payment"][:4]
    bad = [dict(good[0], paid_amt="12.345"), dict(good[1], received_date="20241399", status_code="ZZ"),
           dict(good[2], claim_id=""), dict(good[3], charge_amt="SECRET-9")]
    columns = content_columns(schema)
    data = _partner_csv(good + bad, columns) + b"only,three,fields\n"
    result, rows = _run(data, "claim_payment.csv")

    assert result.status == "accepted_with_errors"
    assert (result.rows_read, result.rows_written, result.rows_rejected) == (9, 4, 5)
    assert [(e.row, e.column, e.rule) for e in result.row_errors] == [
        (6, "paid_amt", "invalid_amount"), (7, "status_code", "invalid_code"), (7, "received_date", "invalid_date"),
        (8, "claim_id", "required"), (9, "charge_amt", "invalid_amount"), (10, "(row)", "field_count")]
    text = "\n".join(result.error_lines())
    assert "row 6: paid_amt is not an amount" in text
    for value in ("12.345", "20241399", "ZZ", "SECRET-9", good[2]["claim_id"]):
        assert value not in text
    assert [r[schema.column_names.index("segment_ordinal")] for r in rows[1:]] == ["2", "3", "4", "5"]


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "the CSV is empty"),
    (("\n" + ",".join(content_columns(RAW["envelope"]))).encode(), "the CSV is empty or its first line is blank"),
    ((",".join(content_columns(RAW["envelope"])) + "\n").encode(), "the CSV has a header but no rows"),
    (b"\xff\xfe\x00c\x00l\x00a\x00i\x00m", "not readable UTF-8"),
])
def test_files_with_nothing_to_load_are_rejected_with_a_reason(data: bytes, reason: str) -> None:
    result, _ = _run(data, "envelope.csv")
    assert result.status == "rejected" and reason in result.reasons[0]


def test_a_file_whose_rows_all_fail_is_rejected(parsed_tables: dict) -> None:
    rows = [dict(r, paid_amt="abc") for r in parsed_tables["claim_payment"][:2]]
    result, _ = _run(_partner_csv(rows, content_columns(RAW["claim_payment"])), "claim_payment.csv")
    assert result.status == "rejected" and result.rows_rejected == 2
    assert result.reasons == ["no row of the CSV passed the checks of raw table claim_payment"]


def test_ingest_recognises_csv_by_name_or_header(tmp_path: Path) -> None:
    header = ",".join(content_columns(RAW["coverage"])).encode()
    assert looks_like_csv("coverage.CSV", b"")
    assert looks_like_csv("upload.dat", header + b"\n1,2\n")
    assert not looks_like_csv("upload.dat", b"ISA*00*          *00*")
    assert not looks_like_csv("upload.dat", b"")
