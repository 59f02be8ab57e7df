"""Structured header and signature of a Vietnamese directive, read by column.

Nghị định 30/2020/NĐ-CP lays the header out in two columns: issuer and "Số: …"
(and "V/v …" for a Công văn) on the left, the national motto and "…, ngày …
tháng … năm …" on the right; the type line ("KẾ HOẠCH") and subject follow,
centred. The signature block is the right column beside "Nơi nhận:". Reading by
column keeps the fields apart where plain text interleaves them."""
from __future__ import annotations

import re

from ingest.layout import Segment, group_lines, line_text

MOTTO = re.compile(r"^(?:CỘNG HÒA|CỘNG HOÀ|Độc lập|ĐỘC LẬP)", re.IGNORECASE)
NUMBER = re.compile(r"^Số\s*[:.]?\s*(\S*[\d/]\S*)", re.IGNORECASE)  # "Số: 245/KH-CAT", not "Số điểm"
DATE = re.compile(r"^(?:(.+?),\s*)?ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
SUBJECT_PREFIX = re.compile(r"^(?:V/v|Về\s+việc)\s*:?\s*", re.IGNORECASE)
BODY_START = re.compile(r"^(?:Căn cứ|Thực hiện|Kính gửi|Để |Theo |Nhằm |Xét |Qua |[IVX]+\.|\d+\.|Điều \d)",
                        re.IGNORECASE)
RECIPIENTS = re.compile(r"^Kính\s+gửi\s*:\s*(.+)$", re.IGNORECASE)
SIGNATURE_NOTE = re.compile(r"^\(.*\)$|^\[.*\]$")
NOI_NHAN = re.compile(r"^Nơi\s+nhận", re.IGNORECASE)
PAGE_NUMBER = re.compile(r"^(?:Trang\s+)?\d+(?:\s*(?:/|trên)\s*\d+)?$", re.IGNORECASE)
HEADER_LINES = 14  # the header block sits in the first lines of page one


def read_header(segments: list[Segment], page_width: float) -> dict[str, str]:
    """issuer, number, place, date (ISO), date_text, type, subject, recipients."""
    lines = group_lines(segments)
    left, right, end = _columns(lines, page_width / 2)
    return header_from_columns(left, right, [line_text(line) for line in lines[end:end + 12]])


def header_from_columns(left: list[str], right: list[str], following: list[str]) -> dict[str, str]:
    """The header fields from the lines of each column and the lines under them."""
    left = [text.strip() for text in left if text.strip()]
    right = [text.strip() for text in right if text.strip()]
    if not any(NUMBER.match(text) for text in left):
        return {}
    fields = _left_fields(left)
    fields.update(_right_fields(right))
    fields.update(_title_fields(following, fields))
    return {key: value for key, value in fields.items() if value}


def read_signature(pages: list[tuple[list[Segment], float]]) -> dict[str, str]:
    """signer_title and signer_name: the right column from the last "Nơi nhận:" on;
    pages are (segments, width) of the last pages, as the name may spill over."""
    right: list[str] = []
    for segments, width in pages:
        lines = group_lines(segments)
        start = next((i for i, line in reversed(list(enumerate(lines))) if NOI_NHAN.match(line[0].text)), None)
        if start is not None:
            right = []
        elif not right:
            continue
        right += [s.text for line in lines[start or 0:] for s in line if s.center > width / 2]
    return signature_from_column(right)


def signature_from_column(right: list[str]) -> dict[str, str]:
    """signer_title (the capitalised lines) and signer_name (the line under them)
    from the right column of the signature block."""
    right = [text.strip() for text in right if text.strip()]
    right = [text for text in right if not SIGNATURE_NOTE.match(text) and not PAGE_NUMBER.match(text)]
    last_title = max((i for i, text in enumerate(right) if text.upper() == text), default=None)
    if last_title is None:
        return {}
    titles = [text for text in right[:last_title + 1] if text.upper() == text]
    names = [text for text in right[last_title + 1:] if text.upper() != text]
    fields = {"signer_title": " ".join(titles), "signer_name": names[0] if names else ""}
    return {key: value for key, value in fields.items() if value}


def _columns(lines: list[list[Segment]], middle: float) -> tuple[list[str], list[str], int]:
    """Texts of the left and right header columns, and the index of the first line
    after the header (a centred or full-width line)."""
    left: list[str] = []
    right: list[str] = []
    for index, line in enumerate(lines[:HEADER_LINES]):
        spans_middle = any(s.x0 < middle - 20 and s.x1 > middle + 20 for s in line)
        if spans_middle and (left or right):
            return left, right, index
        for segment in line:
            (left if segment.center < middle else right).append(segment.text)
    return left, right, min(len(lines), HEADER_LINES)


def _left_fields(left: list[str]) -> dict[str, str]:
    number_at = next(i for i, text in enumerate(left) if NUMBER.match(text))
    issuer = [text for text in left[:number_at] if not set(text) <= set("-_ ")]
    subject = left[number_at + 1:]
    fields = {"issuer": " ".join(issuer), "number": NUMBER.match(left[number_at]).group(1).strip()}
    if subject and SUBJECT_PREFIX.match(subject[0]):
        fields["subject"] = SUBJECT_PREFIX.sub("", " ".join(subject)).strip()
    return fields


def _right_fields(right: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for text in right:
        match = DATE.match(text)
        if match:
            place, day, month, year = match.groups()
            fields["place"] = (place or "").strip()
            fields["date"] = f"{year}-{int(month):02d}-{int(day):02d}"
            fields["date_text"] = text.strip()
    return fields


def _title_fields(texts: list[str], found: dict[str, str]) -> dict[str, str]:
    """The type line (all capitals), the subject lines under it, and "Kính gửi"."""
    fields: dict[str, str] = {}
    texts = [text.strip() for text in texts if text.strip()]
    for index, text in enumerate(texts):
        recipients = RECIPIENTS.match(text)
        if recipients:
            fields["recipients"] = recipients.group(1).strip()
            break
        if "type" not in fields and _is_type_line(text):
            fields["type"] = text[0] + text[1:].lower()
            subject = _subject_after(texts[index + 1:])
            if subject and "subject" not in found:
                fields["subject"] = subject
            continue
        if BODY_START.match(text):
            break
    if "type" not in fields and "subject" in found:
        fields["type"] = "Công văn"  # a Công văn has no type line, only "V/v" under its number
    return fields


def _is_type_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 40 and text.upper() == text and not MOTTO.match(text)


def _subject_after(texts: list[str]) -> str:
    subject = []
    for text in texts:
        if BODY_START.match(text) or (text.upper() == text and any(c.isalpha() for c in text)):
            break
        subject.append(text)
    return SUBJECT_PREFIX.sub("", " ".join(subject)).strip()
