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
    return issuing_body(lines)


# The bodies a header names, as they open a line: the issuer is the last body, the lines above
# it are its superiors ("BỘ CÔNG AN / CÔNG AN TỈNH QUẢNG TRỊ"). Written as Vietnamese writes them.
BODY_HEADS = {
    "ĐẢNG ỦY CÔNG AN": "Đảng ủy Công an", "ĐẢNG UỶ CÔNG AN": "Đảng ủy Công an", "ĐẢNG ỦY": "Đảng ủy",
    "ĐẢNG UỶ": "Đảng ủy", "BỘ CÔNG AN": "Bộ Công an", "BỘ QUỐC PHÒNG": "Bộ Quốc phòng", "CÔNG AN": "Công an",
    "ỦY BAN NHÂN DÂN": "Ủy ban nhân dân", "UỶ BAN NHÂN DÂN": "Ủy ban nhân dân", "UBND": "UBND",
    "HỘI ĐỒNG NHÂN DÂN": "Hội đồng nhân dân", "HĐND": "HĐND", "BAN CHỈ ĐẠO": "Ban Chỉ đạo",
    "BAN THƯỜNG VỤ": "Ban Thường vụ", "TỈNH ỦY": "Tỉnh ủy", "TỈNH UỶ": "Tỉnh ủy", "THÀNH ỦY": "Thành ủy",
    "THÀNH UỶ": "Thành ủy", "HUYỆN ỦY": "Huyện ủy", "HUYỆN UỶ": "Huyện ủy", "BỘ CHỈ HUY QUÂN SỰ": "Bộ Chỉ huy Quân sự",
}
# Only at the start of a line: inside a name they are ordinary words ("BAN CHỈ ĐẠO PHÒNG, CHỐNG …").
LINE_HEADS = ("CỤC", "PHÒNG", "SỞ", "VĂN PHÒNG", "ĐỘI", "TRƯỜNG", "TRUNG TÂM", "BAN", "HỘI", "ĐOÀN", "BỘ")
_HEAD = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, BODY_HEADS), key=len, reverse=True)) + r")(?!\w)")
LEVELS = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "TỈNH", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG")
# An area's name runs to the end of the body: "… TỆ NẠN XÃ HỘI VÀ …" names no commune.
_AREA = re.compile(r"(?<!\w)(" + "|".join(LEVELS) + r")\s+((?:[^\W_]+\s*){1,4})$")
_NOT_NAMES = {"VÀ", "CỦA", "VỀ", "HỘI", "PHÒNG", "CHỐNG", "TỔ", "NHÂN", "DÂN"}
# "TỈNH ỦY QUẢNG TRỊ": these heads are followed by the area's name alone.
NAMED_HEADS = {"TỈNH ỦY": "TỈNH", "TỈNH UỶ": "TỈNH", "THÀNH ỦY": "THÀNH PHỐ", "THÀNH UỶ": "THÀNH PHỐ",
               "HUYỆN ỦY": "HUYỆN", "HUYỆN UỶ": "HUYỆN"}
PROPER = {"TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC": "Toàn dân bảo vệ an ninh Tổ quốc", "TỔ QUỐC": "Tổ quốc",
          "VIỆT NAM": "Việt Nam", "CẢNH SÁT": "Cảnh sát", "AN NINH ĐIỀU TRA": "An ninh điều tra"}
ACRONYMS = {"UBND", "HĐND", "ANTT", "ANQG", "TTATXH", "TTXH", "PCCC", "CAND", "BCĐ", "QLHC", "MTTQ"}


def issuing_body(lines: list[str] | str | None) -> str | None:
    """The body that issues the document, in sentence case: lines "CÔNG AN TỈNH QUẢNG TRỊ",
    "CÔNG AN HUYỆN CAM LỘ" -> "Công an huyện Cam Lộ". A string is one line (layout readers join them)."""
    if isinstance(lines, str):
        lines = [lines]
    bodies = _bodies([" ".join(line.split()) for line in lines or [] if line.strip()])
    if not bodies:
        return None
    *superiors, body = bodies
    issuer = _sentence_case(body)
    if superiors and not _HEAD.match(body) and body.startswith(tuple(h + " " for h in LINE_HEADS)):
        return f"{issuer} {_sentence_case(superiors[-1])}"  # "Phòng Cảnh sát hình sự Công an tỉnh Quảng Trị"
    if _area(body) or body.startswith("BỘ "):
        return issuer
    # "UBND HUYỆN PHÙ MỸ / BAN CHỈ ĐẠO …": the committee is the district's, or every district's
    # committee would share one label.
    area = next((a for a in map(_area, reversed(superiors)) if a), None)
    return f"{issuer} {_case_area(area)}" if area else issuer


def _bodies(lines: list[str]) -> list[str]:
    """A new body opens a line with a head word, or follows a head inside a line; other lines
    continue the body above ("ỦY BAN NHÂN DÂN / HUYỆN THỌ XUÂN")."""
    bodies: list[str] = []
    for line in lines:
        starts = [m.start() for m in _HEAD.finditer(line)]
        if not bodies or (starts and starts[0] == 0) or line.startswith(tuple(h + " " for h in LINE_HEADS)):
            bodies.append("")
        cuts = [0, *[s for s in starts if s > 0], len(line)]
        for i, (start, end) in enumerate(zip(cuts, cuts[1:])):
            if i:
                bodies.append("")
            bodies[-1] = f"{bodies[-1]} {line[start:end].strip()}".strip()
    return [b for b in bodies if b]


def _area(body: str) -> str | None:
    """ "… HUYỆN CAM LỘ" at the end of a body ("HUYỆN ỦY CAM LỘ" too); not "… TỆ NẠN XÃ HỘI VÀ …"."""
    head = _HEAD.match(body)
    if head and head.group(1) in NAMED_HEADS:
        return f"{NAMED_HEADS[head.group(1)]} {body[head.end():].strip()}"
    m = _AREA.search(body)
    return m.group(0).strip() if m and not set(m.group(2).split()) & _NOT_NAMES else None


def _case_area(area: str) -> str:
    level, name = _AREA.search(area).groups()
    return f"{level.lower()} {name.strip().title()}"


def _sentence_case(body: str) -> str:
    head = _HEAD.match(body)
    rest = body[head.end():].strip() if head else body
    named = bool(head) and head.group(1) in NAMED_HEADS
    area = None if named else _area(rest)
    middle = rest[:len(rest) - len(area)] if area else rest
    words = [BODY_HEADS[head.group(1)]] if head else []
    words += [w if w in ACRONYMS else w.title() if named else w.lower() for w in middle.split()]
    text = " ".join(words)
    for upper, proper in PROPER.items():
        text = re.sub(r"(?<!\w)" + re.escape(upper.lower()) + r"(?!\w)", proper, text)
    text = f"{text} {_case_area(area)}" if area else text
    return text[:1].upper() + text[1:]


# Inside a subject, a capitalized word between lower-case ones opens the body that a layout reader
# ran on into ("… ven biển Thời gian qua, thực hiện …"); names keep going ("tỉnh Quảng Ninh").
MAX_SUBJECT_WORDS = 45
_NAME_HEADS = {"Tổ", "Công", "Ủy", "Ban", "Đảng", "Nhân", "Mặt", "Hội", "Đoàn", "Bộ", "Chính"}


def trim_subject(subject: str | None) -> str | None:
    """The subject line of a directive without the first paragraph of its body."""
    if not subject:
        return subject
    words = subject.split()
    for i in range(6, len(words) - 1):
        before, word, after = words[i - 1], words[i], words[i + 1]
        if (word[0].isupper() and not word.isupper() and before[0].islower() and after[0].islower()
                and not before.endswith(("“", "\"")) and word not in _NAME_HEADS and not word.startswith(("“", "\""))):
            words = words[:i]
            break
    return " ".join(words[:MAX_SUBJECT_WORDS]).rstrip(" ,;")


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
    # NUMBER_LINE opens with "Số" or with the white space or line start just before it: searched from
    # there (and not at all without it) instead of trying each of 2,500 positions.
    at = head.find("Số")
    number = NUMBER_LINE.search(head, max(at - 1, 0)) if at >= 0 else None
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
    subject = trim_subject(fields.get("subject") or (parsed.subject if parsed else None))
    title = f"{doc_type} {subject[0].lower() + subject[1:]}" if doc_type and subject else (doc_type or subject)
    return Header(number, doc_type, issuing_body(fields.get("issuer")) or (parsed.issuer if parsed else None),
                  fields.get("date") or (parsed.date if parsed else None),
                  fields.get("place") or (parsed.place if parsed else None), subject, title, start, end)
