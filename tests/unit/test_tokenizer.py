"""Tokenizer edge cases: delimiters per ISA, encodings, line handling, positions, streaming."""

from __future__ import annotations

import io
import tracemalloc

import pytest

from claimlake.x12.findings import X12SyntaxError
from claimlake.x12.tokenizer import Delimiters, Tokenizer, parse_isa_header


def isa(sep: str = "*", rep: str = "^", comp: str = ":", term: str = "~", control: str = "000000101") -> str:
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "ZZ", "RECEIVER".ljust(15),
              "240115", "1230", rep, "00501", control, "0", "T", comp]
    text = sep.join(fields) + term
    assert len(text) == 106
    return text


def body(sep: str = "*", term: str = "~", control: str = "000000101") -> str:
    segs = ["GS*HC*S*R*20240115*1230*1*X*005010X222A1", "ST*837*0001*005010X222A1", "BHT*0019*00*1*20240115*1230*CH",
            "SE*3*0001", "GE*1*1", f"IEA*1*{control}"]
    return "".join(s.replace("*", sep) + term for s in segs)


def tokens(data: bytes, chunk_size: int = 1 << 20) -> list[list[str]]:
    return [s.elements for s in Tokenizer(io.BytesIO(data), chunk_size=chunk_size)]


def ids(data: bytes, chunk_size: int = 1 << 20) -> list[str]:
    return [e[0] for e in tokens(data, chunk_size)]


EXPECTED_IDS = ["ISA", "GS", "ST", "BHT", "SE", "GE", "IEA"]


def test_basic_interchange_splits_into_segments_and_elements() -> None:
    segs = tokens((isa() + body()).encode())
    assert [s[0] for s in segs] == EXPECTED_IDS
    assert segs[2] == ["ST", "837", "0001", "005010X222A1"]
    assert segs[0][16] == ":" and len(segs[0]) == 17


def test_delimiters_are_read_from_the_fixed_width_isa() -> None:
    delims, fields, length, fixed = parse_isa_header(isa("|", "!", ">", "\n"))
    assert delims == Delimiters(element="|", component=">", repetition="!", segment="\n")
    assert length == 106 and fixed and fields[13] == "000000101"


def test_tilde_as_element_separator_and_other_terminator() -> None:
    data = (isa(sep="~", term="'") + body(sep="~", term="'")).encode()
    segs = tokens(data)
    assert [s[0] for s in segs] == EXPECTED_IDS
    assert segs[3] == ["BHT", "0019", "00", "1", "20240115", "1230", "CH"]


def test_newline_as_segment_terminator_with_crlf() -> None:
    data = (isa(term="\n") + body(term="\r\n").replace("\r\n", "\n").replace("\n", "\r\n")).encode()
    segs = tokens(data)
    assert [s[0] for s in segs] == EXPECTED_IDS
    assert segs[-1] == ["IEA", "1", "000000101"]


def test_crlf_after_terminator_and_lines_wrapped_at_80_columns() -> None:
    flat = isa() + body()
    wrapped = "\r\n".join(flat[i : i + 80] for i in range(0, len(flat), 80))
    assert tokens(wrapped.encode()) == tokens(flat.encode())
    with_newlines = (isa() + "\r\n" + body().replace("~", "~\r\n")).encode()
    assert tokens(with_newlines) == tokens(flat.encode())


def test_several_interchanges_each_with_their_own_delimiters() -> None:
    first = isa() + body()
    second = isa("|", "!", ">", "\n", control="000000202") + body("|", "\n", control="000000202")
    segs = tokens((first + "\n\n" + second).encode())
    assert [s[0] for s in segs] == EXPECTED_IDS * 2
    assert segs[7][13] == "000000202" and segs[-1] == ["IEA", "1", "000000202"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_bom_and_utf16_inputs(encoding: str) -> None:
    text = isa() + body()
    assert ids(text.encode(encoding)) == EXPECTED_IDS


def test_cp1252_bytes_fall_back_without_error() -> None:
    text = isa() + body().replace("BHT*0019*00*1", "BHT*0019*00*CAFÉ")
    segs = tokens(text.encode("cp1252"))
    assert segs[3][3] == "CAFÉ"


def test_utf8_multibyte_characters_are_kept() -> None:
    text = isa() + body().replace("BHT*0019*00*1", "BHT*0019*00*NIÑO")
    assert tokens(text.encode("utf-8"))[3][3] == "NIÑO"


def test_positions_are_ordinals_and_byte_offsets() -> None:
    data = (isa() + "\r\n" + body().replace("~", "~\r\n")).encode()
    segs = list(Tokenizer(io.BytesIO(data)))
    assert [s.ordinal for s in segs] == list(range(1, 8))
    for seg in segs:
        assert data[seg.offset : seg.offset + len(seg.elements[0])] == seg.elements[0].encode()


def test_offsets_with_bom_and_multibyte_text() -> None:
    text = isa() + body().replace("BHT*0019*00*1", "BHT*0019*00*ÅÅ")
    data = text.encode("utf-8-sig")
    for seg in Tokenizer(io.BytesIO(data)):
        assert data[seg.offset : seg.offset + len(seg.elements[0])] == seg.elements[0].encode()


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 105, 106, 107])
def test_tiny_chunks_give_the_same_segments(chunk_size: int) -> None:
    data = (isa() + "\n" + body().replace("~", "~\n") + isa("|", "!", ">", "\n") + body("|", "\n")).encode()
    assert tokens(data, chunk_size) == tokens(data)


def test_missing_final_terminator_still_yields_the_last_segment() -> None:
    data = (isa() + body())[:-1].encode()
    assert tokens(data)[-1] == ["IEA", "1", "000000101"]


def test_isa_that_is_not_fixed_width_is_still_read() -> None:
    text = isa().replace("SENDER         ", "SENDER") + body()
    tok = Tokenizer(io.BytesIO(text.encode()))
    segs = [s.elements for s in tok]
    assert [s[0] for s in segs] == EXPECTED_IDS and segs[0][6] == "SENDER"
    assert not tok.isa_fixed_width


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"hello world, not x12 at all", "does not start with an ISA"),
        (b"ISA*00*   ", "truncated"),
    ],
)
def test_unreadable_input_raises_the_engine_error(data: bytes, message: str) -> None:
    with pytest.raises(X12SyntaxError, match=message):
        tokens(data)


def test_alphanumeric_terminator_is_refused_with_ta1_004() -> None:
    with pytest.raises(X12SyntaxError) as info:
        tokens((isa(term="A") + "GS").encode())
    assert info.value.ta1_code == "004"


def test_junk_between_interchanges_is_skipped_and_reported() -> None:
    found = []
    data = (isa() + body() + "\nGARBAGE\n" + isa() + body()).encode()
    segs = [s.elements[0] for s in Tokenizer(io.BytesIO(data), on_finding=found.append)]
    assert segs == EXPECTED_IDS * 2
    assert [f.code for f in found] == ["022"]


def test_memory_stays_flat_while_streaming_a_large_input() -> None:
    repeat = "NM1*IL*1*DOE*JANE****MI*123456789~" * 20000

    def run(copies: int) -> int:
        head = isa() + "GS*HC*S*R*20240115*1230*1*X*005010X222A1~ST*837*0001~"
        text = head + repeat * copies + "SE*1*1~GE*1*1~IEA*1*1~"
        stream = io.BytesIO(text.encode())
        tracemalloc.start()
        count = sum(1 for _ in Tokenizer(stream, chunk_size=1 << 16))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == 20000 * copies + 6
        return peak

    small, large = run(1), run(8)
    assert large < small * 2  # 8x the data, not 8x the memory
