"""Tabular exports for researchers: rows (dicts) to CSV text and XLSX bytes.

Headers are Vietnamese (the JSON API keeps the English keys); status and fact
codes are shown as Vietnamese words. Both formats are formula-injection safe:
a text cell starting with = + - @ TAB or CR gets a leading "'", so neither Excel
nor LibreOffice evaluates it, while real numbers stay numbers. CSV is produced
one chunk per row and XLSX in openpyxl's write-only mode, so large exports
stream with little memory."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

KINDS = ("text", "number", "date", "int")
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767                  # Excel refuses longer cells
DATE_FORMAT = "dd/mm/yyyy"         # how Vietnamese readers write dates
# Characters XML 1.0 forbids (openpyxl raises IllegalCharacterError on them), plus
# lone surrogates and U+FFFE/U+FFFF, which cannot be encoded at all. TAB, LF and CR
# are legal and kept: sentences may contain line breaks.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?")

FACT_LABELS = {"figure": "số liệu", "model_count": "số liệu mô hình"}
STATUS_LABELS = {"achieved": "đã đạt", "target": "chỉ tiêu", "increase": "tăng thêm"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"
    labels: Mapping[str, str] | None = None   # raw code -> word shown in the file
    width: float | None = None                # XLSX width; None = a default by kind

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


FACT_COLUMNS = (
    Column("fact", "Loại", labels=FACT_LABELS),
    Column("model", "Mô hình", width=30),
    Column("value", "Giá trị", "number"),
    Column("unit", "Đơn vị"),
    Column("place", "Địa bàn", width=24),
    Column("status", "Trạng thái", labels=STATUS_LABELS),
    Column("as_of", "Thời điểm", "date"),
    Column("sentence", "Câu nguồn", width=80),
    Column("document_id", "Mã tài liệu", "int"),
    Column("title", "Tiêu đề", width=50),
    Column("published", "Ngày đăng", "date"),
    Column("source", "Nguồn", width=30),
)

REPLICATION_COLUMNS = (
    Column("model", "Mô hình", width=30),
    Column("scope", "Địa bàn", width=24),
    Column("province", "Tỉnh/thành", width=20),
    Column("unit", "Đơn vị"),
    Column("value", "Số lượng", "number"),
    Column("as_of", "Thời điểm", "date"),
    Column("status", "Trạng thái", labels=STATUS_LABELS),
    Column("partial", "Cộng từ các địa bàn con", width=22),
    Column("target_value", "Chỉ tiêu", "number"),
    Column("target_as_of", "Hạn chỉ tiêu", "date"),
    Column("history", "Lịch sử", width=40),
    Column("sources", "Số nguồn", "int"),
    Column("sentence", "Câu nguồn", width=80),
    Column("source", "Nguồn", width=30),
    Column("document_id", "Mã tài liệu", "int"),
)


def display(row: Mapping[str, Any], column: Column) -> Any:
    """The value shown for `column`: None (empty), str, int, float or datetime.date.

    Shared by CSV, XLSX and HTML. Codes are mapped to words and values are typed by
    the column kind; a value that does not fit its kind falls back to text rather
    than being dropped. No formula neutralising here: that belongs to file output."""
    if column.key == "partial":
        return _partial_text(row)
    value = row.get(column.key)
    if value is None or value == "":
        return None
    if column.kind in ("number", "int"):
        return _number(value)                 # integral values come back as int
    if column.kind == "date":
        return _date(value)
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value if item not in (None, ""))
    text = str(value)
    return column.labels.get(text, text) if column.labels else text


def display_text(row: Mapping[str, Any], column: Column) -> str:
    """`display` as a string for HTML: dates as dd/mm/yyyy, empty as ""."""
    value = display(row, column)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return _number_text(value) if isinstance(value, (int, float)) else str(value)


def _partial_text(row: Mapping[str, Any]) -> str | None:
    # A total summed from child places (districts of a province) is flagged so a
    # researcher does not mistake it for a reported figure.
    if not row.get("partial"):
        return None
    children = row.get("children")
    return f"có ({children} địa bàn)" if children else "có"


def _number(value: Any) -> int | float | str | None:
    """int when integral, float otherwise; text that is not a plain decimal stays text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and not _DECIMAL.fullmatch(value.strip()):
        return value                          # "-2+3", "1e5", "nan" stay text
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(value):
        return None                           # NaN/inf: no figure, not a word "nan"
    return int(value) if value.is_integer() else value


def _date(value: Any) -> dt.date | str:
    """A full date becomes a date; "YYYY-MM" -> "12/2023" and "YYYY" stay text,
    since they are not a day and a date cell would invent the 1st of the month."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _DATE.fullmatch(text)
    if not match:
        return text
    year, month, day = match.groups()
    try:
        if day:
            return dt.date(int(year), int(month), int(day))
        if month:
            return dt.date(int(year), int(month), 1).strftime("%m/%Y")
    except ValueError:
        return text                           # "2023-13-45": show what the source said
    return year


def _number_text(value: int | float) -> str:
    # repr is the shortest round-tripping form and always uses "." as the point.
    return str(value) if isinstance(value, int) else repr(value)


def safe_text(text: str) -> str:
    """Text fit for a spreadsheet cell: illegal XML characters removed, a leading
    formula character neutralised with "'", capped at Excel's 32,767 characters.
    Characters are removed first, so "\\x00=1" cannot slip past the check."""
    text = _ILLEGAL.sub("", text)
    if text.startswith(DANGEROUS_START):
        text = "'" + text
    return text[:MAX_CELL]


def _file_value(row: Mapping[str, Any], column: Column) -> Any:
    value = display(row, column)
    return safe_text(value) if isinstance(value, str) else value


def csv_lines(rows: Iterable[Mapping[str, Any]], columns: Iterable[Column]) -> Iterator[str]:
    """CSV text, one chunk per row (the first: UTF-8 BOM + header) for streaming.

    The BOM makes Excel read the file as UTF-8, so diacritics survive. Numbers are
    written bare ("12", "1.5", "-2"); full dates as ISO "YYYY-MM-DD", which every
    Excel locale reads the same way, unlike "05/12/2023"."""
    columns = tuple(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return chunk

    writer.writerow([safe_text(c.header) for c in columns])
    yield "\ufeff" + flush()
    for row in rows:
        writer.writerow([_csv_cell(_file_value(row, c)) for c in columns])
        yield flush()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _number_text(value) if isinstance(value, (int, float)) else value


def write_xlsx(rows: Iterable[Mapping[str, Any]], columns: Iterable[Column], fh: IO[bytes],
               sheet_title: str = "policekb") -> None:
    """Write an .xlsx to the binary file `fh`, rows streamed (write-only mode)."""
    columns = tuple(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_text(sheet_title)[:31] or "policekb")
    # Widths, frozen header and filter must be set before the first row is written.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(column)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}1"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, safe_text(c.header), font=bold) for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, _file_value(row, c)) for c in columns])
    workbook.save(fh)


def xlsx_bytes(rows: Iterable[Mapping[str, Any]], columns: Iterable[Column],
               sheet_title: str = "policekb") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, columns, buffer, sheet_title)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: Any, font: Font | None = None) -> WriteOnlyCell | None:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl would store a str starting with "=" as a formula; safe_text already
        # prefixed "'", and forcing the string type makes sure nothing is evaluated.
        cell.data_type = "s"
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def _width(column: Column) -> float:
    if column.width:
        return column.width
    return {"number": 12, "int": 12, "date": 12}.get(column.kind, 16)
