"""Dates as Vietnamese texts write them: 13/4/2018, ngày 5 tháng 3 năm 2022,
"Thứ 5, 31 Tháng 5 2018 10:07", "Thứ Năm, 15/06/2023, 16:21 [GMT+7]"."""
from __future__ import annotations

import datetime as dt
import re

NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d{2})(?![\d/])")
WORDS = re.compile(
    r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,\s*)?(?:năm\s+)?((?:19|20)\d{2})(?!\d)", re.IGNORECASE
)
WEEKDAY = re.compile(r"^\s*(?:thứ\s+(?:\d|hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\b", re.IGNORECASE)
PAGE_DATE_HINT = re.compile(r"^\s*(?:thứ\s+\S+|chủ\s+nhật|cập\s+nhật|ngày\s+đăng|đăng\s+ngày|ngày\s+cập\s+nhật)", re.IGNORECASE)
# "Nghệ An, ngày 5 tháng 3 năm 2022" — the place-and-date line of a directive.
ISSUE_LINE = re.compile(
    r"((?:[A-ZĐ][^\W\d_]*\.?\s?){1,5}),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})"
)


def make_date(day: str | int, month: str | int, year: str | int) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first full date in a short text, as YYYY-MM-DD."""
    found = []
    for pattern, groups in ((NUMERIC, (1, 3, 4)), (WORDS, (1, 2, 3))):
        m = pattern.search(text)
        if m:
            found.append((m.start(), make_date(*(m.group(g) for g in groups))))
    found = [f for f in found if f[1]]
    return min(found)[1] if found else None


def page_date(text: str, head_lines: int = 12) -> str | None:
    """Publication date of an article: the first date line near the top of the page."""
    lines = [line for line in text.splitlines() if line.strip()][:head_lines]
    for line in lines:
        if len(line) < 80 and (PAGE_DATE_HINT.search(line) or _is_date_line(line)):
            date = parse_date(line)
            if date:
                return date
    return None


def _is_date_line(line: str) -> bool:
    stripped = NUMERIC.sub("", WORDS.sub("", line))
    return len(re.sub(r"[\W\d_]+|GMT|tháng|ngày", "", stripped, flags=re.IGNORECASE)) <= 2


def issue_date(text: str) -> tuple[str | None, str | None]:
    """(place, date) from a directive's "Nơi, ngày … tháng … năm …" line."""
    m = ISSUE_LINE.search(text[:3000])
    if not m:
        return None, None
    return m.group(1).strip(), make_date(m.group(2), m.group(3), m.group(4))
