"""Tables rendered as "a | b | c" rows (PDF and DOCX parsers write them so): each number
cell is a count, its unit from the caption "(đơn vị: điểm)" or the column header, its
place from the row's name cell; a caption that names one model ties the counts to it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.counts import Count, parse_number
from nlp.models import ModelMention
from nlp.normalize import match_key

ROW = re.compile(r"^[^\n|]*\|[^\n]*$", re.MULTILINE)
UNIT_IN_CAPTION = re.compile(r"\(\s*đơn\s+vị(?:\s+tính)?\s*:\s*([^)]+?)\s*\)", re.IGNORECASE)
NUMBER_CELL = re.compile(r"^\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*$")
ROW_NUMBER_HEADERS = {"tt", "stt", "số tt", "thứ tự"}


# A footer row counts the table's whole scope, not a place called "Tổng cộng".
FOOTER = re.compile(r"^\s*(?:tổng\s+cộng|tổng\s+số|tổng|cộng|toàn\s+(?:tỉnh|huyện|quận|thành\s+phố|thị\s+xã|xã))\s*:?\s*$",
                    re.IGNORECASE)


@dataclass
class TableCount:
    count: Count
    place: str | None
    model: str | None
    footer: bool = False
    column: str = ""       # the column's header: "Số điểm hiện có", "Chỉ tiêu lắp mới năm 2023"
    caption: str = ""


@dataclass
class _Table:
    caption: tuple[int, int] | None
    header: list[str]
    rows: list[tuple[int, list[tuple[str, int]]]]


def _cells(line: str, offset: int) -> list[tuple[str, int]]:
    cells, start = [], 0
    for part in line.split("|"):
        stripped = part.strip()
        cells.append((stripped, offset + start + (len(part) - len(part.lstrip()))))
        start += len(part) + 1
    return cells


def _tables(text: str) -> list[_Table]:
    tables, current, last_end = [], None, -2
    if "|" not in text:  # (every ROW has one: most texts hold no table)
        return tables
    for m in ROW.finditer(text):
        cells = _cells(m.group(), m.start())
        if current is None or m.start() != last_end + 1:
            caption_start = _caption_start(text, m.start())
            caption = (caption_start, m.start() - 1) if m.start() > 0 else None
            current = _Table(caption, [c for c, _ in cells], [])
            tables.append(current)
        else:
            current.rows.append((m.start(), cells))
        last_end = m.end()
    return [t for t in tables if t.rows]


def _caption_start(text: str, table_start: int, max_lines: int = 3) -> int:
    """A caption may wrap over a few lines ("Bảng chỉ tiêu … mô hình “X” năm\n2024 (đơn vị: …)"): go back
    while the line before does not end a sentence or a list item."""
    start = text.rfind("\n", 0, max(table_start - 1, 0)) + 1
    for _ in range(max_lines - 1):
        if start <= 0:
            break
        previous = text.rfind("\n", 0, start - 1) + 1
        line = text[previous:start - 1].rstrip()
        if not line or line.endswith((".", ";", ":")) or "|" in line:
            break
        start = previous
    return start


def read_tables(text: str, mentions: list[ModelMention]) -> list[TableCount]:
    found = []
    for table in _tables(text):
        caption = text[table.caption[0]:table.caption[1]] if table.caption else ""
        unit_match = UNIT_IN_CAPTION.search(caption)
        caption_models = {match_key(m.name): m.name for m in mentions
                          if table.caption and table.caption[0] <= m.start < table.caption[1]}
        model = next(iter(caption_models.values())) if len(caption_models) == 1 else None
        for _, cells in table.rows:
            for cell in _row_counts(cells, table.header, unit_match.group(1) if unit_match else None, model):
                cell.caption = caption
                found.append(cell)
    return found


def _row_counts(cells, header, caption_unit, model) -> list[TableCount]:
    place = next((c for c, _ in cells if c and not NUMBER_CELL.match(c)), None)
    footer = bool(place and FOOTER.match(place))
    out = []
    for i, (cell, start) in enumerate(cells):
        m = NUMBER_CELL.match(cell)
        column = header[i].strip().lower() if i < len(header) else ""
        if not m or column in ROW_NUMBER_HEADERS:
            continue
        unit = caption_unit or column
        if not unit:
            continue
        count = Count(parse_number(m.group(1), m.group(2)), unit, start, start + len(cell), start + len(cell),
                      text=" | ".join(c for c, _ in cells if c))
        out.append(TableCount(count, None if footer else place, model, footer, header[i].strip() if i < len(header) else ""))
    return out
