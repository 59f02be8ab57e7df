"""The header block of an official document (Nghị định 30/2020/NĐ-CP layout):
issuer, "Số: …", place and date, document type, "V/v" subject."""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp import dates
from nlp.docrefs import SYMBOL, TYPE_WORDS, clean_number, type_codes, parse_number

MOTTO = re.compile(r"c[oộ]ng\s+h[oò]a\s+x[aã]\s+h[oộ]i\s+ch[uủ]\s+ngh[iĩ]a\s+vi[eệ]t\s+nam|độc\s+lập\s*-\s*tự\s+do\s*-\s*"
                   r"hạnh\s+phúc", re.IGNORECASE)
NUMBER_LINE = re.compile(r"(?:^|\s)Số\s*:\s*(" + SYMBOL.pattern + r")", re.MULTILINE)
SUBJECT = re.compile(r"^\s*V/v\s*:?\s*(.+)$", re.MULTILINE | re.IGNORECASE)
HEAD_CHARS = 2500


@dataclass
class Header:
    number: str
    type: str | None
    issuer: str | None
    date: str | None
    place: str | None
    subject: str | None
    title: str | None
    start: int
    end: int


def _type_line(head: str, after: int) -> tuple[str | None, re.Match | None]:
    words = sorted(TYPE_WORDS, key=len, reverse=True)
    pattern = re.compile(r"^\s*(" + "|".join(w.upper() for w in words) + r")\s*$", re.MULTILINE)
    m = pattern.search(head, after)
    if not m:
        return None, None
    return next(w for w in words if w.upper() == m.group(1)), m


def _issuer(head: str, number_at: int) -> str | None:
    lines = []
    for line in head[:number_at].splitlines():
        line = MOTTO.sub(" ", line).strip(" -_")
        if line and line.upper() == line and any(c.isalpha() for c in line):
            lines.append(" ".join(line.split()))
    return " ".join(lines) or None


def _subject(head: str, type_match: re.Match | None) -> str | None:
    m = SUBJECT.search(head)
    if m:
        return m.group(1).strip()
    if type_match is None:
        return None
    following = [ln.strip() for ln in head[type_match.end():].splitlines() if ln.strip()][:3]
    subject = []
    for line in following:
        if line.startswith(("Căn cứ", "Thực hiện", "Kính gửi", "I.", "1.")) or line.upper() == line:
            break
        subject.append(line)
    return " ".join(subject) or None


def parse_header(text: str) -> Header | None:
    """The header of a directive, or None when the text does not open like one."""
    head = text[:HEAD_CHARS]
    number = NUMBER_LINE.search(head)
    if not number or not (MOTTO.search(head) or _type_line(head, 0)[0]):
        return None
    symbol = clean_number(number.group(1))
    doc_type, type_match = _type_line(head, number.end())
    if doc_type is None:
        code = parse_number(symbol)["type_code"]
        doc_type = type_codes().get(code or "", "Công văn")
    place, date = dates.issue_date(head)
    subject = _subject(head, type_match)
    title = f"{doc_type} {subject[0].lower() + subject[1:]}" if subject else doc_type
    return Header(symbol, doc_type, _issuer(head, number.start()), date, place, subject, title,
                  number.start(1), number.end(1))


def from_fields(fields: dict, text: str) -> Header | None:
    """A header the PDF or DOCX parser read from the page layout (issuer and motto in two
    columns), completed from the text where a field is missing."""
    if not fields or not fields.get("number"):
        return None
    parsed = parse_header(text)
    number = clean_number(fields["number"])
    at = text.find(fields["number"])
    start, end = (at, at + len(fields["number"])) if at >= 0 else (parsed.start, parsed.end) if parsed else (0, 0)
    doc_type = fields.get("type") or (parsed.type if parsed else None)
    subject = fields.get("subject") or (parsed.subject if parsed else None)
    title = f"{doc_type} {subject[0].lower() + subject[1:]}" if doc_type and subject else (doc_type or subject)
    return Header(number, doc_type, fields.get("issuer") or (parsed.issuer if parsed else None),
                  fields.get("date") or (parsed.date if parsed else None),
                  fields.get("place") or (parsed.place if parsed else None), subject, title, start, end)
