"""Streaming X12 tokenizer: bytes in, segments (lists of element strings) out.

Reads in chunks so memory stays flat whatever the file size. Delimiters are detected from every ISA
(fixed width, reference §1.2), so one file may hold several interchanges with different delimiters.
Handles UTF-8 (with or without BOM), UTF-16 (LE/BE, with or without BOM), cp1252, CR/LF after the
terminator, lines wrapped at any width, and newline used as the segment terminator.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from claimlake.x12.findings import Finding, Level, Severity, X12SyntaxError

ISA_LENGTH = 106
# offsets of the 16 element separators inside a fixed-width ISA
_ISA_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
_NEWLINES = "\r\n"
DEFAULT_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str
    component: str
    repetition: str  # "" when the interchange has none (4010 style "U")
    segment: str


@dataclass(slots=True)
class Segment:
    """One segment as read: its elements (``elements[0]`` is the id), file ordinal and byte offset."""

    elements: list[str]
    ordinal: int
    offset: int


FindingSink = Callable[[Finding], None]


def _sniff_encoding(head: bytes) -> tuple[str, int]:
    """Return (codec, bom_length) from the first bytes of a file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le", 0
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be", 0
    return "utf-8", 0


_ESCAPED = re.compile("[\udc80-\udcff]+")


def from_cp1252(text: str) -> str:
    """Bytes that were not valid UTF-8 (kept as surrogate escapes) decoded as cp1252: senders mix the two."""
    return _ESCAPED.sub(lambda m: m.group().encode("utf-8", "surrogateescape").decode("cp1252", "replace"), text)


class _TextReader:
    """Decodes a byte stream chunk by chunk (UTF-8 with per-byte cp1252 fallback, or UTF-16)."""

    def __init__(self, stream: BinaryIO, chunk_size: int) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        head = stream.read(max(chunk_size, 4))
        while 0 < len(head) < 4:  # a stream may return fewer bytes than asked: sniffing needs four
            more = stream.read(4 - len(head))
            if not more:
                break
            head += more
        self.encoding, bom = _sniff_encoding(head)
        self.bom_length = bom
        self._pending = head[bom:]
        errors = "surrogateescape" if self.encoding == "utf-8" else "replace"
        self._decoder = codecs.getincrementaldecoder(self.encoding)(errors)
        self.eof = False

    @property
    def char_width(self) -> int:
        return 2 if self.encoding.startswith("utf-16") else 1

    def read(self) -> str:
        data = self._pending or self._stream.read(self._chunk_size)
        self._pending = b""
        final = not data
        self.eof = final
        return self._decoder.decode(data, final)


def _check_delimiters(delims: Delimiters) -> str | None:
    """Return a TA105 code when the delimiters cannot be used, else None."""
    if not delims.segment.isascii() or delims.segment.isalnum() or delims.segment == " ":
        return "004"
    if not delims.element.isascii() or delims.element.isalnum() or delims.element in (" ", delims.segment):
        return "026"
    if not delims.component.isascii() or delims.component.isalnum() or delims.component in (
        " ", delims.element, delims.segment
    ):
        return "027"
    return None


def parse_isa_header(text: str) -> tuple[Delimiters, list[str], int, bool]:
    """Read the ISA at the start of ``text``: delimiters, its 17 fields, its length and whether it is fixed width.

    Falls back to counting separators when the ISA is not exactly 106 characters wide.
    Raises X12SyntaxError when no usable ISA is there.
    """
    if len(text) < 4 or not text.startswith("ISA"):
        raise X12SyntaxError("the data does not start with an ISA segment (not an X12 interchange)")
    text = text[: 3 * ISA_LENGTH]  # an ISA is never longer: the result must not depend on how much was read
    sep = text[3]
    if not sep.isascii() or sep.isalnum() or sep.isspace():
        raise X12SyntaxError("the ISA delimiters are not usable (TA1 026)", "026")
    fixed = len(text) >= ISA_LENGTH and all(text[i] == sep for i in _ISA_SEPARATOR_OFFSETS)
    if fixed:
        component, terminator, length = text[104], text[105], ISA_LENGTH
    else:
        idx = 3
        for _ in range(15):
            idx = text.find(sep, idx + 1)
            if idx < 0:
                raise X12SyntaxError("the ISA segment is truncated (premature end of file)", "023")
        if len(text) < idx + 3:
            raise X12SyntaxError("the ISA segment is truncated (premature end of file)", "023")
        component, terminator, length = text[idx + 1], text[idx + 2], idx + 3
    fields = text[: length - 1].split(sep)
    if len(fields) != 17:
        raise X12SyntaxError(f"the ISA segment has {len(fields) - 1} elements, 16 expected")
    rep = fields[11]
    repetition = rep if len(rep) == 1 and rep.isascii() and not rep.isalnum() and rep != " " else ""
    delims = Delimiters(element=sep, component=component, repetition=repetition, segment=terminator)
    code = _check_delimiters(delims)
    if code is not None:
        raise X12SyntaxError(f"the ISA delimiters are not usable (TA1 {code})", code)
    return delims, fields, length, fixed


def _read_isa(buf: str) -> tuple[Delimiters, list[str], int, bool]:
    """parse_isa_header, tolerating an ISA broken by line wrapping; the length is in raw characters."""
    window = buf[: ISA_LENGTH * 3]
    head = window[: ISA_LENGTH - 1]
    if "\r" not in head and "\n" not in head:
        return parse_isa_header(buf)
    try:
        delims, fields, length, fixed = parse_isa_header(window.replace("\r", "").replace("\n", ""))
    except X12SyntaxError:
        return parse_isa_header(buf)
    if delims.segment in _NEWLINES or not fixed:
        return parse_isa_header(buf)
    seen = raw = 0
    while seen < length:
        if window[raw] not in _NEWLINES:
            seen += 1
        raw += 1
    return delims, fields, raw, fixed


class Tokenizer:
    """Iterate the segments of one file or byte stream.

    ``delimiters`` always holds those of the interchange being read. Problems that do not stop the
    reading (an ISA that is not fixed width, junk between interchanges) go to ``on_finding``.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        chunk_size: int = DEFAULT_CHUNK,
        on_finding: FindingSink | None = None,
    ) -> None:
        self._reader = _TextReader(stream, chunk_size)
        self._on_finding = on_finding or (lambda f: None)
        self.delimiters: Delimiters | None = None
        self.isa_fixed_width = True
        self.ordinal = 0
        self._pieces: list[str] = []
        self._index = 0
        self._region_offset = 0
        self._term_width = 1
        self._ascii = True
        self._fixed_offset = 0

    @property
    def encoding(self) -> str:
        return self._reader.encoding

    def _width(self, text: str) -> int:
        if text.isascii():
            return len(text) * self._reader.char_width
        if self._reader.char_width == 2:
            return len(text.encode("utf-16-le"))
        return len(text.encode(self._reader.encoding, "surrogateescape"))

    def elements(self) -> Iterator[list[str]]:
        """The fast path: each segment's element list; ``ordinal`` and ``offset`` describe the last one."""
        reader = self._reader
        buf = reader.read()
        offset = reader.bom_length  # byte offset of buf[0]
        while not buf.strip() and not reader.eof:
            buf += reader.read()
        if not buf.strip():
            raise X12SyntaxError("the file is empty", "023")
        first = True
        while True:
            # --- between interchanges: skip blank space, then find and read the next ISA ---
            buf, offset = self._skip_blank(buf, offset)
            if not buf:
                return
            while len(buf) < 3 * ISA_LENGTH and not reader.eof:  # enough for an ISA wider than 106 too
                buf += reader.read()
            if not buf.startswith("ISA"):
                if first:
                    raise X12SyntaxError("the data does not start with an ISA segment (not an X12 interchange)")
                skipped, buf = self._resync(buf)
                self._report_junk(offset)
                offset += self._width(skipped)
                continue
            first = False
            delims, fields, length, fixed = _read_isa(buf)
            fields = [f if f.isascii() else from_cp1252(f) for f in fields]
            self.delimiters, self.isa_fixed_width = delims, fixed
            self.ordinal += 1
            self.offset = offset
            yield fields
            offset += self._width(buf[:length])
            buf = buf[length:]
            # --- inside an interchange: split on the terminator until IEA ---
            buf, offset, ended = yield from self._segments(buf, offset, delims)
            if not ended:
                return

    def __iter__(self) -> Iterator[Segment]:
        for elements in self.elements():
            yield Segment(elements, self.ordinal, self.offset)

    def _skip_blank(self, buf: str, offset: int) -> tuple[str, int]:
        """Drop leading white space (reading on while that is all there is); return the buffer and its offset."""
        while True:
            stripped = buf.lstrip()
            offset += self._width(buf[: len(buf) - len(stripped)])
            buf = stripped
            if buf or self._reader.eof:
                return buf, offset
            buf = self._reader.read()

    def _resync(self, buf: str) -> tuple[str, str]:
        """Skip junk up to the next ISA in the buffer (reading more as needed)."""
        skipped = []
        while True:
            idx = buf.find("ISA", 1)
            if idx >= 0:
                skipped.append(buf[:idx])
                return "".join(skipped), buf[idx:]
            if self._reader.eof:
                skipped.append(buf)
                return "".join(skipped), ""
            skipped.append(buf[:-2])
            buf = buf[-2:] + self._reader.read()

    def _report_junk(self, offset: int) -> None:
        self._on_finding(
            Finding(
                level=Level.INTERCHANGE,
                code="022",
                message="data between interchanges that is not an ISA segment was skipped",
                byte_offset=offset,
                severity=Severity.WARNING,
            )
        )

    def _segments(self, buf: str, offset: int, delims: Delimiters) -> Generator[list[str], None, tuple[str, int, bool]]:
        """Yield segments until IEA; return (rest of buffer, its offset, whether an IEA ended it)."""
        reader = self._reader
        term = delims.segment
        while True:
            end = buf.rfind(term)
            if end < 0:
                if reader.eof:
                    break
                buf += reader.read()
                continue
            region, rest = buf[:end], buf[end + 1 :]
            pieces = region.split(term)
            ended = yield from self._region(region, pieces, offset, delims)
            if ended >= 0:
                offset = self._offset_after(ended)
                remainder = term.join(pieces[ended + 1 :]) + (term if ended + 1 < len(pieces) else "")
                return remainder + rest, offset, True
            offset += self._width(region) + self._width(term)
            buf = rest
            if reader.eof and not buf.strip():
                return "", offset, False
            if not reader.eof:
                buf += reader.read()
            elif term not in buf:
                break
        return (yield from self._tail(buf, offset, delims.element))

    def _region(
        self, region: str, pieces: list[str], offset: int, delims: Delimiters
    ) -> Generator[list[str], None, int]:
        """Yield the segments of complete pieces; return the index of an IEA piece or -1.

        Byte offsets are not added up here: ``offset`` computes them on demand (only envelope segments
        and findings need them), from the pieces and the index of the current one.
        """
        sep = delims.element
        self._pieces, self._region_offset, self._term_width = pieces, offset, self._width(delims.segment)
        self._ascii = ascii_region = self._reader.char_width == 1 and region.isascii()
        line_breaks = "\n" in region or "\r" in region
        i = -1
        for raw in pieces:
            i += 1
            seg = raw.strip()
            if not seg:
                continue
            if line_breaks and ("\n" in seg or "\r" in seg):  # a segment wrapped across lines
                seg = seg.replace("\r", "").replace("\n", "")
            if not ascii_region and not seg.isascii():
                seg = from_cp1252(seg)
            elements = seg.split(sep)
            if not elements[0].isalnum():
                elements[0] = elements[0].strip()
            self.ordinal += 1
            self._index = i
            yield elements
            if elements[0] == "IEA":
                return i
        self._pieces = []
        return -1

    @property
    def offset(self) -> int:
        """Byte offset of the last segment yielded."""
        if not self._pieces:
            return self._fixed_offset
        raw = self._pieces[self._index]
        lead = len(raw) - len(raw.lstrip())
        return self._offset_after(self._index - 1) + self._width(raw[:lead])

    @offset.setter
    def offset(self, value: int) -> None:
        self._pieces = []
        self._fixed_offset = value

    def _offset_after(self, index: int) -> int:
        """Byte offset just after piece ``index`` (and its terminator) of the current region."""
        before = self._pieces[: index + 1]
        width = sum(map(len, before)) if self._ascii else sum(map(self._width, before))
        return self._region_offset + width + len(before) * self._term_width

    def _tail(self, buf: str, offset: int, sep: str) -> Generator[list[str], None, tuple[str, int, bool]]:
        """The last segment when the data ends without a terminator."""
        tail = buf.strip(_NEWLINES + " ")
        if tail:
            elements = from_cp1252(tail.replace("\r", "").replace("\n", "")).split(sep)
            self.ordinal += 1
            self.offset = offset + self._width(buf[: len(buf) - len(buf.lstrip(_NEWLINES + " "))])
            yield elements
            if elements[0] == "IEA":
                return "", offset + self._width(buf), True
        return "", offset, False


def iter_segments(stream: BinaryIO, **kwargs: object) -> Iterator[Segment]:
    """Convenience: the segments of a stream as Segment objects (see Tokenizer)."""
    return iter(Tokenizer(stream, **kwargs))  # type: ignore[arg-type]
