"""What a model count means and when it holds (replication.md, section 1).

status: "achieved" (exists at the time described), "target" (a plan, goal or assignment)
or "increase" (a change against an earlier time). The nearest cue before the count
decides; a plan's sections and the document's kind decide when no cue does.

as_of: the date the statement gives, a target's deadline, else the document's date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp import dates

ACHIEVED, TARGET, INCREASE = "achieved", "target", "increase"

# Cues, nearest first wins. "Kế hoạch số …" and "Thực hiện kế hoạch" name a document, not a plan.
_TARGET_CUES = (r"phấn\s+đấu|chỉ\s+tiêu|mục\s+tiêu|dự\s+kiến|sẽ|đề\s+ra|(?:được\s+)?giao(?:\s+cho)?|ít\s+nhất|"
                r"tối\s+thiểu|hướng\s+tới|đặt\s+ra|cần\s+(?:xây\s+dựng|nhân\s+rộng|thành\s+lập)|phải|"
                r"(?<!thực\s\w{3}\s)kế\s+hoạch(?!\s+(?:số|\d))|đăng\s+ký|đề\s+nghị|yêu\s+cầu|thời\s+gian\s+tới|tới\s+đây|"
                r"hoàn\s+thành\s+việc|tiếp\s+tục\s+(?:xây\s+dựng|nhân\s+rộng|thành\s+lập)")
_INCREASE_CUES = (r"tăng(?:\s+thêm)?|thêm|mới\s+(?:thành\s+lập|xây\s+dựng|ra\s+mắt)|"
                  r"(?:thành\s+lập|xây\s+dựng|lắp\s+đặt|lắp|ra\s+mắt)\s+mới")
_ACHIEVED_CUES = (r"đã|hiện\s+có|hiện\s+nay|hiện\s+tại|đến\s+nay|tính\s+đến|được\s+công\s+nhận|đạt|có|"
                  r"duy\s+trì|ra\s+mắt|toàn\s+(?:tỉnh|huyện|quận|thành\s+phố|thị\s+xã|xã)\s+có")
_CUES = re.compile(rf"(?<!\w)(?:(?P<target>{_TARGET_CUES})|(?P<increase>{_INCREASE_CUES})|"
                   rf"(?P<achieved>{_ACHIEVED_CUES}))(?!\w)", re.IGNORECASE)
_ACHIEVED_AFTER = re.compile(r"^\W{0,3}(?:[^\W\d_]+\s+){0,6}?(?:hiện\s+có|đang\s+hoạt\s+động|hiện\s+nay)(?!\w)",
                             re.IGNORECASE)
_COMPARED = re.compile(r"^[^;.]{0,60}?so\s+với", re.IGNORECASE)
# Plan sections ("II. CHỈ TIÊU") and report sections ("I. KẾT QUẢ ĐẠT ĐƯỢC").
_SECTION = re.compile(r"^\s*(?:[IVX]{1,4}|[A-Z])\s*[.)/-]\s*(.{3,120})$", re.MULTILINE)
_TARGET_SECTION = re.compile(r"chỉ\s+tiêu|mục\s+tiêu|nhiệm\s+vụ|phương\s+hướng|kế\s+hoạch|giải\s+pháp", re.IGNORECASE)
_ACHIEVED_SECTION = re.compile(r"kết\s+quả|tình\s+hình|thực\s+trạng|đánh\s+giá", re.IGNORECASE)
_PLAN_KIND = re.compile(r"^\s*(?:KẾ\s+HOẠCH|PHƯƠNG\s+ÁN|CHƯƠNG\s+TRÌNH|ĐỀ\s+ÁN)\s*$", re.MULTILINE)
_PLAN_SYMBOL = re.compile(r"/(?:KH|PA|CTr|ĐA)(?:-|$)", re.IGNORECASE)


@dataclass
class Context:
    """What the whole document says about its counts."""
    date: str | None                     # published date of an article, issue date of a directive
    is_plan: bool = False
    plan_year: str | None = None         # "Kế hoạch … năm 2023": the year a plan's targets are for
    sections: list[tuple[int, str]] = field(default_factory=list)  # (offset, status) of headed sections

    def section_status(self, offset: int) -> str | None:
        status = None
        for start, kind in self.sections:
            if start > offset:
                break
            status = kind
        return status


def document_context(text: str, kind: str, number: str | None, title: str | None, date: str | None) -> Context:
    is_plan = kind == "directive" and bool(
        (number and _PLAN_SYMBOL.search(number)) or _PLAN_KIND.search(text[:3000]))
    plan_year = None
    if is_plan:  # "Kế hoạch … năm 2023", "… giai đoạn 2023 - 2025": the time its targets are for
        times = times_in(title or "", 0, len(title or ""), [])
        plan_year = times[-1].value[:4] if times else None
    sections = []
    for m in _sections(text):
        heading = m.group(1)
        if _TARGET_SECTION.search(heading):
            sections.append((m.start(), TARGET))
        elif _ACHIEVED_SECTION.search(heading):
            sections.append((m.start(), ACHIEVED))
        else:
            sections.append((m.start(), ""))
    return Context(date, is_plan, plan_year, sections)


def _sections(text: str):
    """_SECTION.finditer(text), tried only at line starts (where its ^ can match, its matches are never
    empty and end before a line break)."""
    start = 0
    while True:
        m = _SECTION.match(text, start)
        if m:
            yield m
        newline = text.find("\n", m.end() if m else start)
        if newline < 0:
            return
        start = newline + 1


def status_of(text: str, clause_start: int, count_start: int, count_end: int, context: Context,
              inherited: str | None = None) -> str:
    """clause_start: where the count's clause begins (the statement, or the previous count's end)."""
    window = text[clause_start:count_start]
    cues = list(_CUES.finditer(window))
    after = text[count_end:count_end + 80]
    planned = context.is_plan or context.section_status(count_start) == TARGET
    if cues:
        nearest = cues[-1].lastgroup
        if nearest == INCREASE:
            earlier_target = any(c.lastgroup == TARGET for c in cues[:-1])
            return TARGET if earlier_target or (planned and not _said_done(window)) else INCREASE
        if nearest == TARGET:
            return TARGET
        if nearest == ACHIEVED and not (planned and _weak_achieved(cues[-1].group())):
            return ACHIEVED
    if _ACHIEVED_AFTER.match(after):
        return ACHIEVED
    if _COMPARED.match(after):
        return INCREASE
    if inherited:
        return inherited
    section = context.section_status(count_start)
    if section:
        return section
    return TARGET if context.is_plan else ACHIEVED


_DONE = re.compile(r"(?<!\w)(?:đã|hiện\s+có)(?!\w)", re.IGNORECASE)


def _said_done(window: str) -> bool:
    return bool(_DONE.search(window))


def _weak_achieved(cue: str) -> bool:
    """In a plan "có", "đạt", "duy trì" and "ra mắt" describe what is to be, not what is."""
    return cue.lower() in {"có", "đạt", "duy trì", "ra mắt"}


# --- as_of ---------------------------------------------------------------------------------

_FULL = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d{2})(?!\d)|"
                   r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*(?:/|năm|-)\s*((?:19|20)\d{2})(?!\d)|"
                    r"(\d{1,2})\s+tháng\s+đầu\s+năm\s+((?:19|20)\d{2})(?!\d)|"
                    r"(?<=\s)(\d{1,2})/((?:19|20)\d{2})(?![\d/])", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?![\d/])")
_GIAI_DOAN = re.compile(r"giai\s+đoạn\s+(?:19|20)\d{2}\s*[-–]\s*((?:19|20)\d{2})", re.IGNORECASE)
# A time that starts something ("ra đời từ năm 2016") is not the time a count describes.
_START_BEFORE = re.compile(r"(?:từ|ra\s+đời|bắt\s+đầu|khởi\s+đầu|thành\s+lập|triển\s+khai\s+từ)\s+"
                           r"(?:(?:năm|ngày|tháng|cuối|đầu)\s+){0,2}$", re.IGNORECASE)
_TIME_AFTER = re.compile(r"(?:đến|trong|vào|năm)\s+(?:\S+\s+){0,2}$", re.IGNORECASE)
_YEARISH = re.compile(r"(?:19|20)\d\d")
_NOW = re.compile(r"(?<!\w)(?:đến\s+nay|hiện\s+nay|hiện\s+tại|hiện\s+có|tới\s+nay)(?!\w)", re.IGNORECASE)


@dataclass
class _Time:
    start: int
    end: int
    value: str


def times_in(text: str, start: int, end: int, masked: list[tuple[int, int]]) -> list[_Time]:
    """Dates, months and years in text[start:end], outside masked spans (document references)."""
    piece = text[start:end]
    found: list[_Time] = []
    if _YEARISH.search(piece) is None:
        return found  # every time below has a year of four digits (19xx, 20xx)
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, value: str | None) -> None:
        a, b = start + m.start(), start + m.end()
        if value and not any(x <= a < y for x, y in masked + taken) and not _START_BEFORE.search(text[max(0, a - 30):a]):
            found.append(_Time(a, b, value))
            taken.append((a, b))

    for m in _FULL.finditer(piece):
        g = m.groups()
        day, month, year = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
        add(m, dates.make_date(day, month, year))
    for m in _GIAI_DOAN.finditer(piece):
        add(m, m.group(1))
    for m in _MONTH.finditer(piece):
        month, year = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i))
        add(m, f"{year}-{int(month):02d}" if 1 <= int(month) <= 12 else None)
    for m in _YEAR.finditer(piece):
        add(m, m.group(1))
    return sorted(found, key=lambda t: t.start)


_COMPARED_WITH = re.compile(r"so\s+với", re.IGNORECASE)


def as_of(text: str, statement: tuple[int, int], sentence_start: int, count_start: int, count_end: int,
          status: str, context: Context, masked: list[tuple[int, int]], times: list[_Time] | None = None) -> str | None:
    """times: times_in(text, *statement, masked) when the caller has it already (it is only read)."""
    if times is None:
        times = times_in(text, statement[0], statement[1], masked)
    before = [t for t in times if t.end <= count_start and not _NOW.search(text[t.end:count_start])]
    after = [t for t in times if t.start >= count_end]
    if status == TARGET:
        chosen = (before[-1:] or after[:1])
        if chosen:
            return chosen[0].value
        return context.plan_year or _leading_time(text, sentence_start, statement[0], masked) or context.date
    if before:
        return before[-1].value
    if after and _TIME_AFTER.search(text[max(count_end, after[0].start - 25):after[0].start]) \
            and not _COMPARED_WITH.search(text[count_end:after[0].start]):
        return after[0].value  # "… 45 điểm tính đến tháng 6/2024"
    if not _NOW.search(text[statement[0]:count_start]):
        leading = _leading_time(text, sentence_start, statement[0], masked)
        if leading:
            return leading
    return context.date


def _leading_time(text: str, sentence_start: int, statement_start: int, masked) -> str | None:
    """ "Năm 2023, …; …": a time that opens the sentence holds for its later statements too."""
    if statement_start <= sentence_start:
        return None
    times = times_in(text, sentence_start, min(statement_start, sentence_start + 40), masked)
    return times[0].value if times and times[0].start - sentence_start < 25 else None


def later_than(value: str | None, date: str | None) -> bool:
    """Whether a time lies after the document's date at their common precision."""
    if not value or not date:
        return False
    n = min(len(value), len(date))
    return value[:n] > date[:n]
