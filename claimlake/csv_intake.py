"""CSV intake: a partner's CSV for one raw table, checked against `schemas/raw` and rewritten as parser-shaped raw CSV.

Which table: the file name (`claim_line.csv`, `claim_line_2024-06.csv`: the longest raw table name the stem starts
with), else the header (the one table whose columns it names exactly). The header must name every content column of
the table and nothing else (case, surrounding blanks and column order do not matter); a file that fails is rejected
with a reason naming the missing and unknown columns.

Rows are checked the way silver will type them (required values, dates, amounts, integers, booleans, allowed codes,
patterns). A row that fails is left out of the output and reported by row number, column and rule, never with its
value (PHI). Good rows are written in the schema's column order with the parser's value formats (dates CCYYMMDD,
booleans true/false), so everything downstream reads them exactly like parser output.

Lineage for CSV (there is no ISA/GS/ST envelope and no segment):
- `file_id` is always the CSV file's own id (its content hash), whatever the file holds;
- `isa_control_number`, `gs_control_number`, `st_control_number` keep the values the file sends in optional columns of
  those names, else `CSV` (a marker no X12 control number can equal: they are numeric);
- `segment_ordinal` keeps a sent value, else the row's record number in the file (header = row 1), unique per file;
- `dq_flags` keeps a sent value, else empty.
Columns that point at other rows by ordinal (`claim_ordinal`, `member_ordinal`, ...) are taken as sent: they join only
within one file_id, so a child table sent as its own CSV must carry ordinals that match its parent in that file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, cast

from claimlake.contracts.schemas import ENGINE_COLUMNS, LINEAGE_COLUMNS, Column, TableSchema, load_layer

CSV_KIND = "csv"
NO_ENVELOPE = "CSV"  # control-number columns of a CSV row that sends none
FILLED_COLUMNS = (*LINEAGE_COLUMNS, *ENGINE_COLUMNS)  # optional in a CSV header: claimlake fills them when absent
MAX_REPORTED_ROW_ERRORS = 100
_DELIMITERS = ",|\t;"
_AMOUNT = re.compile(r"^-?([0-9]{1,16}([.][0-9]{0,2})?|[.][0-9]{1,2})$")
_NUMBER = re.compile(r"^-?([0-9]{1,12}([.][0-9]*)?|[.][0-9]+)$")
_INTEGER = {"int": re.compile(r"^-?[0-9]{1,9}$"), "bigint": re.compile(r"^-?[0-9]{1,18}$")}
_BOOLEAN = {"TRUE": "true", "Y": "true", "1": "true", "FALSE": "false", "N": "false", "0": "false"}
_X12_DATE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{4})?$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_US_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
RULE_TEXT = {
    "required": "is required but empty",
    "invalid_date": "is not a date (CCYYMMDD, YYYY-MM-DD or MM/DD/YYYY)",
    "invalid_amount": "is not an amount with at most 2 decimals",
    "invalid_number": "is not a number",
    "invalid_integer": "is not an integer",
    "invalid_boolean": "is not true/false or Y/N",
    "invalid_code": "is not an allowed code",
    "invalid_format": "is not well formed",
    "field_count": "has a different number of fields than the header",
}


class CsvIntakeError(ValueError):
    """A CSV that cannot be taken in at all (its reason is safe to log: it never quotes a value)."""


@dataclass(frozen=True)
class RowError:
    """One failed check: where, and which rule. Never the value (it may be PHI)."""

    row: int  # record number in the file, the header being row 1
    column: str
    rule: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column} {RULE_TEXT[self.rule]}"


@dataclass
class CsvIntakeResult:
    table: str
    rows_read: int = 0
    rows_written: int = 0
    rows_rejected: int = 0
    row_errors: list[RowError] = field(default_factory=list)  # the first MAX_REPORTED_ROW_ERRORS
    reasons: list[str] = field(default_factory=list)  # file-level reasons: why nothing was loaded

    @property
    def status(self) -> str:
        """accepted | accepted_with_errors | rejected (same words as the X12 parser's FileResult.status)."""
        if self.reasons or self.rows_written == 0:
            return "rejected"
        return "accepted_with_errors" if self.rows_rejected else "accepted"

    def error_lines(self, limit: int = 20) -> list[str]:
        """One PHI-free line per problem."""
        lines = list(self.reasons) + [str(error) for error in self.row_errors[:limit]]
        more = self.rows_rejected - min(limit, len(self.row_errors))
        if self.row_errors and more > 0:
            lines.append(f"... and more rows rejected ({self.rows_rejected} in all)")
        return lines


# --- which table ----------------------------------------------------------------------------------------------------


def normalise_header(header: list[str]) -> list[str]:
    """Header names as compared with the schema: blanks trimmed, lower case (a leading BOM is already decoded away)."""
    return [name.strip().lower() for name in header]


def content_columns(schema: TableSchema) -> list[str]:
    """The columns a CSV for the table must send (every column claimlake does not fill itself)."""
    return [name for name in schema.column_names if name not in FILLED_COLUMNS]


def table_from_name(name: str) -> str | None:
    """The raw table a file name names: the longest table name the stem equals or starts with before a separator."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip().lower()
    matches = [table for table in load_layer("raw")
               if stem == table or (stem.startswith(table) and not stem[len(table)].isalnum())]
    return max(matches, key=len) if matches else None


def header_problems(schema: TableSchema, header: list[str]) -> list[str]:
    """Why a header does not fit the table (empty when it does): missing, unknown and repeated columns, by name."""
    names = normalise_header(header)
    problems = []
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        problems.append(f"repeated columns: {', '.join(repeated)}")
    missing = [c for c in content_columns(schema) if c not in names]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    unknown = [n for n in dict.fromkeys(names) if n not in schema.column_names]
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    return problems


def table_from_header(header: list[str]) -> str | None:
    """The one raw table whose columns the header names exactly (None when none or several do)."""
    fits = [name for name, schema in load_layer("raw").items() if not header_problems(schema, header)]
    return fits[0] if len(fits) == 1 else None


def identify_table(name: str, header: list[str]) -> TableSchema:
    """The table a CSV is for, with a header that fits it; CsvIntakeError naming the problem otherwise."""
    tables = load_layer("raw")
    table = table_from_name(name) or table_from_header(header)
    if table is None:
        raise CsvIntakeError("cannot tell which raw table the CSV is for: name it after the table "
                             f"(one of {', '.join(sorted(tables))}) or send exactly one table's columns")
    problems = header_problems(tables[table], header)
    if problems:
        raise CsvIntakeError(f"header does not match raw table {table}: " + "; ".join(problems))
    return tables[table]


# --- values ---------------------------------------------------------------------------------------------------------


def _valid_date(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).strftime("%Y%m%d")
    except ValueError:
        return None


def _date(text: str) -> str | None:
    x12 = _X12_DATE.match(text)
    if x12:
        return text if _valid_date(*x12.group(1, 2, 3)) else None
    iso = _ISO_DATE.match(text)
    if iso:
        return _valid_date(*iso.group(1, 2, 3))
    us = _US_DATE.match(text)
    return _valid_date(us.group(3), us.group(1), us.group(2)) if us else None


def _typed(col: Column, text: str) -> tuple[str | None, str]:
    """(value as the parser writes it, or None when it does not parse; the rule a failure breaks)."""
    if col.type == "date":
        return _date(text), "invalid_date"
    if col.type.startswith("decimal"):
        pattern, rule = (_AMOUNT, "invalid_amount") if col.type == "decimal(18,2)" else (_NUMBER, "invalid_number")
        return (text if pattern.match(text) else None), rule
    if col.type in _INTEGER:
        return (text if _INTEGER[col.type].match(text) else None), "invalid_integer"
    if col.type == "boolean":
        return _BOOLEAN.get(text.upper()), "invalid_boolean"
    return text, ""


def _code_text(name: str, text: str) -> str:
    """The text as silver compares it with the allowed codes (codes upper case; ICD codes without dots/blanks)."""
    if name == "diagnosis_code":
        return re.sub(r"[. ]", "", text.upper())
    return text.upper() if name.endswith("_code") or name.startswith("modifier_") else text


def check_value(col: Column, text: str) -> tuple[str, str | None]:
    """(the value to write, the rule it breaks or None). Empty text is a missing value."""
    text = text.strip()
    if not text:
        return "", None if col.nullable else "required"
    value, rule = _typed(col, text)
    if value is None:
        return "", rule
    if col.values and _code_text(col.name, value) not in col.values:
        return "", "invalid_code"
    if col.pattern and not re.search(col.pattern, _code_text(col.name, value)):
        return "", "invalid_format"
    return value, None


# --- rows -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    schema: TableSchema
    source_index: dict[str, int]  # schema column -> position in the CSV row
    width: int


def _filled(name: str, row_number: int, file_id: str) -> str:
    if name == "file_id":
        return file_id
    if name == "segment_ordinal":
        return str(row_number)
    return NO_ENVELOPE if name.endswith("_control_number") else ""


def convert_row(layout: _Layout, fields: list[str], row_number: int, file_id: str) -> tuple[list[str], list[RowError]]:
    """One CSV record -> the raw row in schema order, or the errors that keep it out."""
    if len(fields) != layout.width:
        return [], [RowError(row_number, "(row)", "field_count")]
    out, errors = [], []
    for col in layout.schema.columns:
        at = layout.source_index.get(col.name)
        text = fields[at].strip() if at is not None else ""
        if col.name == "file_id" or (col.name in FILLED_COLUMNS and not text):
            out.append(_filled(col.name, row_number, file_id))
            continue
        value, rule = check_value(col, text)
        if rule:
            errors.append(RowError(row_number, col.name, rule))
        out.append(value)
    return out, errors


def _sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _records(text: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """(record number, fields) of every non-blank record; the header is record 1."""
    first = text.readline()
    if not first.strip():
        raise CsvIntakeError("the CSV is empty or its first line is blank: a header is required")
    delimiter = _sniff_delimiter(first)
    rest = csv.reader(text, delimiter=delimiter)
    yield 1, next(csv.reader([first], delimiter=delimiter))
    for number, fields in enumerate(rest, start=2):
        if any(f.strip() for f in fields):
            yield number, fields


def _layout(schema: TableSchema, header: list[str]) -> _Layout:
    names = normalise_header(header)
    return _Layout(schema, {name: names.index(name) for name in schema.column_names if name in names}, len(header))


def _copy_rows(records: Iterator[tuple[int, list[str]]], layout: _Layout, writer: Writer, file_id: str,
               result: CsvIntakeResult) -> None:
    for number, fields in records:
        result.rows_read += 1
        row, errors = convert_row(layout, fields, number, file_id)
        if errors:
            result.rows_rejected += 1
            result.row_errors.extend(errors[: MAX_REPORTED_ROW_ERRORS - len(result.row_errors)])
        else:
            writer.writerow(row)
            result.rows_written += 1


class Writer:
    """Raw CSV as the parser's sink writes it: UTF-8, comma separated, minimal quoting, LF line ends."""

    def __init__(self, out: IO[bytes]) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        self._csv = csv.writer(self._text, lineterminator="\n")

    def writerow(self, row: list[str]) -> None:
        self._csv.writerow(row)

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


def intake_csv(source: IO[bytes], out: IO[bytes], *, name: str, file_id: str) -> CsvIntakeResult:
    """Check a CSV (streamed) and write its good rows to `out` as raw CSV. `out` holds a usable table only when the
    result is not rejected; the caller keeps it in a temporary place until then."""
    text = cast(IO[str], codecs.getreader("utf-8-sig")(source))  # any binary stream, read as it is consumed
    try:
        records = _records(text)
        _, header = next(records)
        schema = identify_table(name, header)
    except CsvIntakeError as error:
        return CsvIntakeResult(table=table_from_name(name) or "", reasons=[str(error)])
    except (UnicodeDecodeError, csv.Error):
        return CsvIntakeResult(table=table_from_name(name) or "", reasons=["the CSV header is not readable UTF-8 text"])
    result = CsvIntakeResult(table=schema.table)
    writer = Writer(out)
    writer.writerow(schema.column_names)
    try:
        _copy_rows(records, _layout(schema, header), writer, file_id, result)
    except (UnicodeDecodeError, csv.Error):
        result.reasons.append(f"the CSV is not readable UTF-8 text after row {result.rows_read + 1}")
    finally:
        writer.close()
    if not result.reasons and result.rows_read == 0:
        result.reasons.append("the CSV has a header but no rows")
    elif not result.reasons and result.rows_written == 0:
        result.reasons.append(f"no row of the CSV passed the checks of raw table {schema.table}")
    return result


def looks_like_csv(name: str, head: bytes) -> bool:
    """A cheap test for ingest: a .csv name, or a first line that is a raw table's header."""
    if name.lower().endswith(".csv"):
        return True
    first = head.decode("utf-8-sig", errors="replace").splitlines()[0] if head.strip() else ""
    if not first.strip():
        return False
    header = next(csv.reader([first], delimiter=_sniff_delimiter(first)))
    return table_from_header(header) is not None
