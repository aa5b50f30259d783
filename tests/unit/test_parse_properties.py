"""Robustness properties of the X12 engine under random damage (hypothesis).

Inputs are the valid interchanges of the mapping tests, then truncated, cut, duplicated, salted with random
bytes, flipped, recounted or re-delimited. Whatever the damage, parsing reports and never raises, the
envelope table has one row per transaction set, and no row of a rejected (or unfinished) set is loaded.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimlake.x12.api import parse_bytes, parse_files
from claimlake.x12.findings import Level, SetStatus, X12SyntaxError
from claimlake.x12.parser import FileResult
from claimlake.x12.registry import default_registry
from claimlake.x12.sinks import MemorySink
from claimlake.x12.tokenizer import Tokenizer
from tests.unit.test_map_834 import build_834
from tests.unit.test_map_835 import build_835
from tests.unit.test_map_837d import build_837d
from tests.unit.test_map_837i import build_837i
from tests.unit.test_map_837p import build_837p

BASES = {"837P": build_837p(), "837I": build_837i(), "837D": build_837d(), "835": build_835(), "834": build_834()}
BASE_LIST = list(BASES.values())
STATUSES = {"accepted", "accepted_with_errors", "rejected"}
DELIMITERS = b"*:~^"
ENVELOPE_IDS = (b"ISA", b"GS", b"ST", b"SE", b"GE", b"IEA")
PROPERTY = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ----- mutations ------------------------------------------------------------------------------------------


def _segments(data: bytes) -> list[bytes]:
    """The file split after each '~' terminator (the terminator and its newline stay with the segment)."""
    return re.findall(rb"[^~]*~\n?|[^~]+$", data)


def _without(data: bytes, *seg_ids: bytes) -> bytes:
    return b"".join(s for s in _segments(data) if not s.startswith(tuple(i + b"*" for i in seg_ids)))


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "delete", "duplicate", "insert", "flip", "recount", "swap"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind in ("delete", "duplicate"):
        segs = _segments(data)
        if not segs:
            return data
        k = draw(st.integers(0, len(segs) - 1))
        segs[k:k + 1] = [] if kind == "delete" else [segs[k], segs[k]]
        return b"".join(segs)
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            if out:
                at = draw(st.integers(0, len(out) - 1))
                out[at] ^= draw(st.integers(1, 255))
        return bytes(out)
    if kind == "recount":
        trailer = draw(st.sampled_from([b"SE", b"GE", b"IEA"]))
        value = str(draw(st.integers(0, 10_000))).encode()
        return re.sub(rb"(?m)^" + trailer + rb"\*[^*~]*", trailer + b"*" + value, data, count=1)
    a, b = draw(st.lists(st.sampled_from(list(DELIMITERS)), min_size=2, max_size=2, unique=True))
    return data.translate(bytes.maketrans(bytes([a, b]), bytes([b, a])))


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(BASE_LIST))
    for _ in range(draw(st.integers(1, 3))):
        data = draw(mutation(data))
    return data


# ----- helpers ----------------------------------------------------------------------------------------------


def parse(data: bytes) -> tuple[FileResult, dict[str, list[dict[str, str]]]]:
    registry = default_registry()
    sink = MemorySink(registry.headers)
    result = parse_bytes(data, sink=sink, registry=registry)
    return result, sink.rows


def parse_via_cli(data: bytes) -> tuple[FileResult, dict[str, list[dict[str, str]]]]:
    """claimlake.x12.api.parse_files on a temporary file; the rows read back from the CSV it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.x12"
        path.write_bytes(data)
        results = parse_files([path], Path(tmp) / "out")
        assert len(results) == 1
        rows = {}
        for table_csv in sorted((Path(tmp) / "out").glob("*.csv")):
            with table_csv.open(newline="", encoding="utf-8") as handle:
                table_rows = list(csv.DictReader(handle))
            if table_rows:
                rows[table_csv.stem] = table_rows
        return results[0], rows


def tokenize(data: bytes, chunk_size: int) -> tuple[list[tuple[list[str], int, int]], object, list[object]]:
    """Segments (elements, ordinal, byte offset), the syntax error if any, and the reported findings."""
    reported: list[object] = []
    tokenizer = Tokenizer(io.BytesIO(data), chunk_size=chunk_size,
                          on_finding=lambda f: reported.append((f.code, f.byte_offset)))
    segments = []
    error = None
    try:
        for seg in tokenizer:
            segments.append((seg.elements, seg.ordinal, seg.offset))
    except X12SyntaxError as exc:
        error = (str(exc), exc.ta1_code)
    return segments, error, reported


def without_file_id(rows: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    return {t: [{k: v for k, v in r.items() if k != "file_id"} for r in rs] for t, rs in rows.items()}


def check_invariants(result: FileResult, rows: dict[str, list[dict[str, str]]]) -> None:
    assert result.status in STATUSES
    assert result.tables == {t: len(r) for t, r in rows.items() if r}
    sets = [(ic.control_number, g.control_number, s) for ic, g, s in result.sets()]
    # the envelope table holds one row per transaction set received, accepted or rejected
    assert len(rows.get("envelope", [])) == len(sets)
    for _, _, tset in sets:
        # a set can only be accepted once its SE trailer was read
        if tset.status is not SetStatus.REJECTED:
            assert tset.segment_count > 0, (tset.control_number, tset.status)
    # rows of rejected sets are rolled back
    loaded = Counter((ic, gs, s.control_number) for ic, gs, s in sets if s.status is not SetStatus.REJECTED)
    for table, table_rows in rows.items():
        if table == "envelope":
            continue
        for row in table_rows:
            key = (row["isa_control_number"], row["gs_control_number"], row["st_control_number"])
            assert loaded[key], (table, key)


# ----- never raises, always consistent ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BASES))
def test_the_base_files_are_clean(name: str) -> None:
    result, rows = parse(BASES[name])
    assert [f.code for f in result.all_findings()] == []
    assert result.status == "accepted"
    check_invariants(result, rows)


@PROPERTY
@given(damaged())
def test_parse_bytes_never_raises_on_damaged_input(data: bytes) -> None:
    result, rows = parse(data)  # any exception fails the property
    check_invariants(result, rows)


@PROPERTY
@given(st.binary(max_size=300))
def test_parse_bytes_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    result, rows = parse(data)
    check_invariants(result, rows)


@PROPERTY
@given(damaged())
def test_cli_path_never_raises_on_damaged_input(data: bytes) -> None:
    result, rows = parse_via_cli(data)  # any exception fails the property
    check_invariants(result, rows)


@pytest.mark.parametrize("damage", [
    (b"*ZZ*SUBMITTER      *", b"*ZZ*SUBMITTER0123456789*"),  # ISA06 wider than 15 (non fixed-width ISA)
    (b"*ZZ*SUBMITTER      *", b"*ZZZ*SUBMITTER     *"),  # ISA05 wider than 2
    (b"*ZZ*SUBMITTER      *", b"*ZZ*               *"),  # ISA06 blank
    (b"IEA*1*000000101~\n", b"IEA*1*000000101~\nISA*00*   "),  # a second interchange cut inside its ISA
], ids=["wide-isa06", "wide-isa05", "blank-isa06", "truncated-second-isa"])
def test_cli_path_never_raises_on_a_damaged_isa(damage: tuple[bytes, bytes]) -> None:
    data = BASES["837P"].replace(*damage)
    assert data != BASES["837P"]
    result, rows = parse_via_cli(data)
    check_invariants(result, rows)


@pytest.mark.parametrize("name", sorted(BASES))
def test_a_set_cut_off_by_iea_is_rejected_and_rolled_back(name: str) -> None:
    """ST ... IEA with neither SE nor GE: the set never ended, so it must be rejected (IK5 2), not loaded."""
    result, rows = parse(_without(BASES[name], b"SE", b"GE"))
    sets = [s for _, _, s in result.sets()]
    assert [s.status for s in sets] == [SetStatus.REJECTED]
    assert (Level.SET, "2") in [(f.level, f.code) for f in sets[0].findings]
    assert [r["ack_status_code"] for r in rows.get("envelope", [])] == ["R"]
    assert set(rows) <= {"envelope"}
    check_invariants(result, rows)


def test_cli_path_does_not_load_a_set_cut_off_by_iea() -> None:
    result, rows = parse_via_cli(_without(BASES["837P"], b"SE", b"GE"))
    assert [s.status for _, _, s in result.sets()] == [SetStatus.REJECTED]
    assert set(rows) == {"envelope"}  # no claim, line, provider ... rows of the unfinished set
    check_invariants(result, rows)


# ----- control counts -----------------------------------------------------------------------------------------


@PROPERTY
@given(st.sampled_from(sorted(BASES)), st.one_of(st.integers(0, 100_000).map(str),
                                                  st.text("ABCXYZ-. 0123456789", min_size=0, max_size=6)))
def test_a_changed_se01_is_reported_with_code_4(name: str, value: str) -> None:
    data = BASES[name]
    actual = re.search(rb"(?m)^SE\*(\d+)\*", data)
    assert actual is not None
    if value.isdigit() and int(value) == int(actual[1]):
        value = str(int(value) + 1)
    changed = data.replace(b"SE*" + actual[1] + b"*", b"SE*" + value.encode() + b"*", 1)
    result, rows = parse(changed)
    assert [(f.level, f.code) for f in result.all_findings()] == [(Level.SET, "4")]
    assert rows["envelope"][0]["declared_segment_count"] == value
    assert rows["envelope"][0]["segment_count"] == actual[1].decode()
    check_invariants(result, rows)


@PROPERTY
@given(st.sampled_from(sorted(BASES)), st.data())
def test_deleting_or_duplicating_body_segments_is_reported_with_code_4(name: str, data: st.DataObject) -> None:
    segs = _segments(BASES[name])
    body = [i for i, s in enumerate(segs) if not s.startswith(ENVELOPE_IDS)]
    picked = data.draw(st.sets(st.sampled_from(body), min_size=1, max_size=3))
    duplicate = data.draw(st.booleans())
    for i in sorted(picked, reverse=True):
        segs[i:i + 1] = [segs[i], segs[i]] if duplicate else []
    result, rows = parse(b"".join(segs))
    assert (Level.SET, "4") in [(f.level, f.code) for f in result.all_findings()]  # SE01 no longer matches
    check_invariants(result, rows)


@PROPERTY
@given(st.sampled_from(sorted(BASES)), st.sampled_from(["GE", "IEA"]), st.integers(0, 50))
def test_a_changed_ge01_or_iea01_is_reported(name: str, trailer: str, value: int) -> None:
    if value == 1:  # every base file has one set in one group
        value = 2
    data = re.sub(rf"(?m)^{trailer}\*1\*".encode(), f"{trailer}*{value}*".encode(), BASES[name], count=1)
    result, rows = parse(data)
    expected = (Level.GROUP, "5") if trailer == "GE" else (Level.INTERCHANGE, "021")
    assert [(f.level, f.code) for f in result.all_findings()] == [expected]
    assert result.status == "accepted_with_errors"
    check_invariants(result, rows)


# ----- delimiters ---------------------------------------------------------------------------------------------


@PROPERTY
@given(st.sampled_from(sorted(BASES)), st.sampled_from([(b"*", b"|"), (b"*", b"!")]),
       st.sampled_from([(b":", b">"), (b":", b"\\")]), st.sampled_from([(b"~", b"'"), (b"~", b"\n")]),
       st.booleans())
def test_consistent_other_delimiters_give_the_same_rows(name: str, element: tuple[bytes, bytes],
                                                        component: tuple[bytes, bytes],
                                                        terminator: tuple[bytes, bytes], crlf: bool) -> None:
    """Delimiters are syntax: the same interchange written with other delimiters loads the same rows."""
    original = BASES[name]
    data = original.replace(b"~\n", b"~")  # one segment per terminator, no line breaks
    for old, new in (element, component, terminator):
        assert new not in data
        data = data.replace(old, new)
    if crlf and terminator[1] != b"\n":
        data = data.replace(terminator[1], terminator[1] + b"\r\n")
    result, rows = parse(data)
    reference_result, reference_rows = parse(original)
    assert [f.code for f in result.all_findings()] == []
    assert result.status == reference_result.status == "accepted"
    assert without_file_id(rows) == without_file_id(reference_rows)


# ----- streaming: chunk sizes -----------------------------------------------------------------------------


def _variants(data: bytes) -> dict[str, bytes]:
    text = data.decode()
    flat = data.replace(b"\n", b"")
    return {"plain": data, "crlf": data.replace(b"\n", b"\r\n"), "bom": b"\xef\xbb\xbf" + data,
            "utf-16": text.encode("utf-16"), "utf-16-le": text.encode("utf-16-le"),
            "wrapped": b"\r\n".join(flat[i:i + 80] for i in range(0, len(flat), 80))}


JUNK_BETWEEN = BASES["834"] + b"JUNK BETWEEN INTERCHANGES\n" + BASES["835"]
CHUNK_INPUTS = [v for base in BASE_LIST for v in _variants(base).values()] + [JUNK_BETWEEN]


@PROPERTY
@given(st.one_of(st.sampled_from(CHUNK_INPUTS), damaged()), st.integers(1, 300))
def test_chunk_size_does_not_change_the_segments(data: bytes, chunk_size: int) -> None:
    assert tokenize(data, chunk_size) == tokenize(data, 1 << 20)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4, 7, 105, 106, 107])
@pytest.mark.parametrize("variant", ["crlf", "bom", "utf-16", "utf-16-le", "wrapped"])
def test_every_encoding_variant_streams_like_the_plain_file(variant: str, chunk_size: int) -> None:
    plain = BASES["837P"]
    segments, error, _ = tokenize(_variants(plain)[variant], chunk_size)
    assert error is None
    assert [s[0] for s in segments] == [s[0] for s in tokenize(plain, 1 << 20)[0]]


@pytest.mark.parametrize("chunk_size", [16, 512, 1024])
def test_utf8_text_before_a_cp1252_byte_decodes_the_same_whatever_the_chunk_size(chunk_size: int) -> None:
    # a UTF-8 name early in the file, a stray cp1252 byte (0xFF) near the end
    data = BASES["837P"].replace(b"SMITH", "SM\u00cfTH".encode()).replace(b"ROE*SALLY", b"ROE*SALL\xff")
    assert tokenize(data, chunk_size) == tokenize(data, 1 << 20)


@pytest.mark.parametrize("chunk_size", [7, 64, 256, 1000])
def test_an_interchange_after_junk_reads_the_same_whatever_the_chunk_size(chunk_size: int) -> None:
    reference = tokenize(JUNK_BETWEEN, 1 << 20)
    assert reference[1] is None
    assert [s[0][0] for s in reference[0]].count("ISA") == 2 and reference[2] == [("022", len(BASES["834"]))]
    assert tokenize(JUNK_BETWEEN, chunk_size) == reference


def _misplaced_offsets(data: bytes) -> list[tuple[str, int, int, bytes]]:
    """Segments (of a UTF-8 / cp1252 file) whose byte offset does not point at the first byte of their id."""
    tokenizer = Tokenizer(io.BytesIO(data))
    if tokenizer.encoding != "utf-8":
        return []
    wrong = []
    try:
        for seg in tokenizer:
            seg_id = seg.elements[0]
            if seg_id.isascii() and seg_id.isalnum() and data[seg.offset:seg.offset + 1] != seg_id[:1].encode():
                wrong.append((seg_id, seg.ordinal, seg.offset, data[seg.offset:seg.offset + 8]))
    except X12SyntaxError:
        pass
    return wrong


@PROPERTY
@given(damaged())
def test_segment_byte_offsets_point_at_the_segment(data: bytes) -> None:
    assert _misplaced_offsets(data) == []


def test_byte_offsets_after_cp1252_bytes_point_at_the_segment() -> None:
    # 0x80 is one byte in the file (cp1252 euro sign) but three once re-encoded as UTF-8
    data = BASES["837P"].replace(b"ROE*SALLY", b"ROE*SALL\x80")
    assert _misplaced_offsets(data) == []


def test_byte_offset_of_an_unterminated_last_segment_points_at_it() -> None:
    data = BASES["837P"][: BASES["837P"].index(b"GS*") + 7]  # ...~\nGS*HC*S  (cut: no terminator)
    segments = list(Tokenizer(io.BytesIO(data)))
    assert [s.elements for s in segments[1:]] == [["GS", "HC", "S"]]
    assert segments[1].offset == data.index(b"GS*")


@pytest.mark.parametrize("chunk_size", [4, 64, 108])
def test_an_isa_wider_than_106_characters_reads_the_same_whatever_the_chunk_size(chunk_size: int) -> None:
    data = BASES["837P"].replace(b"*ZZ*SUBMITTER      *", b"*ZZ*SUBMITTER0123456789*", 1)  # ISA is 110 wide
    reference = tokenize(data, 1 << 20)
    assert reference[1] is None and reference[0][0][0][6] == "SUBMITTER0123456789"
    assert tokenize(data, chunk_size) == reference
