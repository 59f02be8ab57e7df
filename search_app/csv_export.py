"""CSV (and JSON) of figures and model counts: UTF-8 with BOM (Excel shows Vietnamese),
formula-injection safe, produced line by line so large exports stream."""
from __future__ import annotations

import csv
import json
import io
from collections.abc import Iterable, Iterator

COLUMNS = ("fact", "model", "value", "unit", "place", "text", "document_id", "title", "published", "source")
HEADER = ("loai", "mo_hinh", "gia_tri", "don_vi", "dia_ban", "cau_van", "ma_tai_lieu", "tieu_de", "ngay", "nguon")
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.startswith(DANGEROUS_START) and not isinstance(value, (int, float)):
        return "'" + text
    return text


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(HEADER)
    yield "\ufeff" + flush()
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in COLUMNS])
        yield flush()


def json_lines(rows: Iterable[dict]) -> Iterator[str]:
    """The same rows as one JSON array, produced row by row."""
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + "\n" + json.dumps({c: row.get(c) for c in COLUMNS}, ensure_ascii=False)
    yield "\n]\n"
