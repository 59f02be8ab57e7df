"""Portal furniture in plain text: polls, visitor counters, comment forms,
"Các tin khác" lists. It is not part of the document and must not yield facts."""
from __future__ import annotations

import re

# A line that is furniture on its own.
FURNITURE_LINE = re.compile(
    r"^\s*(?:[•·\-*]\s*)?(?:bình\s+chọn|thống\s+kê\s+truy\s+cập|số\s+lượng\s+và\s+lượt\s+người\s+truy\s+cập|"
    r"online\s*:?\s*[\d.]+|hôm\s+nay\s*:?\s*[\d.]+|hôm\s+qua\s*:?\s*[\d.]+|tổng\s*:?\s*[\d.]+|"
    r"đang\s+(?:truy\s+cập|online)\s*:?\s*[\d.]*|tổng\s+(?:số\s+)?lượt\s+truy\s+cập\s*:?\s*[\d.]*|"
    r"lượt\s+truy\s+cập\s*:?\s*[\d.]*|xem\s+với\s+cỡ\s+chữ.*|in\s+bài\s+viết|gửi\s+bài\s+viết|chia\s+sẻ|"
    r"phản\s+hồi|thêm\s+mới|tên\s+bạn\s*:.*|email\s*:.*|tiêu\s+đề\s*:.*|nội\s+dung\s*:.*|mã\s+xác\s+thực.*|"
    r"đánh\s+giá\s*:.*|lượt\s+đánh\s+giá.*|liên\s+kết\s+website|theo\s+bạn.*\?|"
    r"[\d.]+\s+người\s+đã\s+tham\s+gia\s+bình\s+chọn|bình\s+luận|ý\s+kiến\s+bạn\s+đọc)\s*$",
    re.IGNORECASE,
)
# Everything after one of these is a list of other articles.
TAIL_MARKER = re.compile(r"^\s*(?:các\s+tin\s+(?:khác|đã\s+đưa)|tin\s+liên\s+quan|bài\s+viết\s+liên\s+quan|"
                         r"tin\s+cùng\s+chuyên\s+mục)\s*:?\s*$", re.IGNORECASE)
# Markers of a counter or a poll inside a longer line (old table layouts put the sidebar and the
# article in cells of one row).
FURNITURE_INLINE = re.compile(r"(?:lượt\s+truy\s+cập|đang\s+truy\s+cập|thống\s+kê\s+truy\s+cập)\s*:?\s*[\d.]+|"
                              r"thăm\s+dò\s+ý\s+kiến|\(\s*[\d.]+\s+phiếu\s*\)|\bxem\s+kết\s+quả\b", re.IGNORECASE)
CELL_SPLIT = re.compile(r"(?<!\\)\|")
POLL_OPEN = re.compile(r"^\s*(?:bình\s+chọn|theo\s+bạn.*\?)\s*$", re.IGNORECASE)


def _drop_furniture_cells(line: str) -> str:
    """Keep the cells of a table row that are not counters or polls; a plain line is one cell."""
    if not FURNITURE_INLINE.search(line):
        return line
    cells = [c.strip() for c in CELL_SPLIT.split(line)]
    kept = [c for c in cells if c and not FURNITURE_INLINE.search(c)]
    return " | ".join(kept)


def strip_furniture(text: str) -> str:
    """Drop furniture lines (blanking a poll's options too) and everything after a
    "Các tin khác" marker; line count before the body is kept short."""
    out, in_poll = [], False
    for line in text.split("\n"):
        if TAIL_MARKER.match(line):
            break
        if POLL_OPEN.match(line):
            in_poll = True
        if in_poll:
            if re.search(r"tham\s+gia\s+bình\s+chọn", line, re.IGNORECASE):
                in_poll = False
            continue
        if FURNITURE_LINE.match(line):
            continue
        line = _drop_furniture_cells(line)
        if line.strip():
            out.append(line)
    cleaned = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()
