"""References to legal and administrative documents: 111/2013/NĐ-CP, 953/KH-BCĐ-CAT,
01/BCĐ, 521/TTg, 22/2008/QH12, 09-CT/TW.

A symbol needs at least one letter code after the number, so dates (13/4/2018),
phone numbers and fractions never match; a number is never cut out of a longer
one (26/2020/NĐ-CP inside 126/2020/NĐ-CP).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nlp import dates
from nlp.normalize import nfc, number_key
from nlp.resources import read_table
from nlp.scan import finditer_at, finditer_where, ignorecase_opener

_CODE = r"[A-ZĐ][A-Za-zĐđ]*\d*"
_SEP = r"(?:\s?-\s?(?=[A-ZĐ0-9]{2})|-)"
STATE = rf"\d{{1,5}}\s?/\s?(?:(?:19|20)\d{{2}}\s?/\s?)?{_CODE}(?:{_SEP}{_CODE})*"
PARTY = r"\d{1,4}\s?-\s?[A-ZĐ][A-Za-zĐ]{1,4}\s?/\s?[A-ZĐ]{2,6}"
SYMBOL = re.compile(rf"(?<![\w/.\-])(?:{PARTY}|{STATE})(?![\w/])")

TYPE_WORDS = (
    "Nghị quyết liên tịch", "Thông tư liên tịch", "Nghị quyết", "Nghị định", "Quyết định",
    "Chỉ thị", "Thông tư", "Kế hoạch", "Công văn", "Thông báo", "Hướng dẫn", "Kết luận",
    "Chương trình", "Phương án", "Đề án", "Báo cáo", "Tờ trình", "Quy chế", "Quy định",
    "Pháp lệnh", "Công điện", "Thông tri", "Điều lệ", "Luật",
)
_NAME_BEFORE = re.compile(r"(?:ban\s+chỉ\s+đạo|bcđ)\s*$", re.IGNORECASE)
_TYPE_WORD = re.compile(r"(?<!\w)(" + "|".join(TYPE_WORDS) + r")(?!\w)", re.IGNORECASE)
# Where a _TYPE_WORD can start (nlp.scan): with IGNORECASE it tries the whole alternation at every position.
_TYPE_WORD_OPENER = ignorecase_opener(TYPE_WORDS)
# Between a type word and its number: at most a short name ("Luật Công an nhân dân số").
_TYPE_GAP = re.compile(r"(?:\s+[^\s,;.\d/]+){0,6}?\s*(?:số\s*:?\s*)?", re.IGNORECASE)
_ISSUER_BEFORE = re.compile(
    r"((?:Ban|Bộ|UBND|Ủy ban|Uỷ ban|Công an|Hội đồng|HĐND|Chính phủ|Thủ tướng|Tỉnh ủy|Huyện ủy|Thành ủy)"
    r"[^,.;:]{0,60}?)\s+(?:đã\s+)?ban\s+hành\s*$"
)
_ISSUER = re.compile(
    r"^\s*(?:,\s*)?của\s+(.+?)(?=\s*(?:[,;.():]|\s(?:về|quy định|ban hành|trong đó|hướng dẫn|v/v|V/v|và|nhằm|đã|lấy|"
    r"thì|để|cho|với)\s|$))"
)
_DATE_AFTER = re.compile(
    r"^\s*(?:,\s*|\(\s*)?(?:ban\s+hành\s+)?ngày\s+(?:(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d{2})"
    r"|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2}))",
    re.IGNORECASE,
)


@dataclass
class DocRef:
    number: str
    type: str | None
    date: str | None
    issuer: str | None
    text: str
    start: int
    end: int
    key: str = ""
    parts: dict = field(default_factory=dict)
    ocr_written: str | None = None  # the symbol as OCR read it, when a confusion was repaired

    def as_dict(self) -> dict:
        out = {"number": self.number, "type": self.type, "date": self.date, "issuer": self.issuer,
               "text": self.text, "key": self.key, "parts": self.parts, "start": self.start, "end": self.end}
        if self.ocr_written:
            out["repaired_from"] = self.ocr_written  # provenance: what the scan said
        return out


@lru_cache(maxsize=1)
def type_codes() -> dict[str, str]:
    return read_table("doc_types.tsv")


_SPACES = re.compile(r"\s+")
_PARTY_NUMBER = re.compile(r"(\d+)-([^/]+)/(.+)")
_YEAR = re.compile(r"(19|20)\d{2}")
_TRAILING_DIGITS = re.compile(r"\d+$")
_TWO_CAPITALS = re.compile(r"[A-ZĐ]{2}")
_ISSUER_CODE_PATTERN = re.compile(r"[A-ZĐ]{1,3}\d{1,3}|PV\d+")
_CODE_SEPARATOR = re.compile(r"[-/]")
_JOINED = re.compile(r"\s*(?:,|và|,\s*và)\s*")


def clean_number(raw: str) -> str:
    return _SPACES.sub("", nfc(raw)).upper()


def parse_number(number: str) -> dict:
    """Split a symbol into serial, year, type code and issuer code."""
    party = _PARTY_NUMBER.fullmatch(number)
    if party:
        return {"serial": int(party.group(1)), "year": None, "type_code": party.group(2), "issuer_code": party.group(3)}
    serial, _, rest = number.partition("/")
    year = None
    head, _, tail = rest.partition("/")
    if _YEAR.fullmatch(head) and tail:
        year, rest = int(head), tail
    codes = rest.split("-")
    first = _TRAILING_DIGITS.sub("", codes[0])
    if _code_type(first):
        return {"serial": int(serial), "year": year, "type_code": first, "issuer_code": "-".join(codes[1:]) or None}
    return {"serial": int(serial), "year": year, "type_code": None, "issuer_code": rest}


@lru_cache(maxsize=1)
def _type_codes_upper() -> dict[str, str]:
    return {k.upper(): v for k, v in type_codes().items()}


def _code_type(code: str) -> str | None:
    return type_codes().get(code) or _type_codes_upper().get(code.upper())


def _type_from_words(before: str) -> tuple[str | None, int]:
    """The nearest type word before a number, with at most a short name between."""
    offset = max(0, len(before) - 80)
    window = before[offset:]
    for m in reversed(list(finditer_where(_TYPE_WORD, window, _TYPE_WORD_OPENER))):
        if _TYPE_GAP.fullmatch(window[m.end():]):
            canonical = next(t for t in TYPE_WORDS if t.lower() == m.group(1).lower())
            return canonical, offset + m.start()
    return None, len(before)


def _date_after(after: str) -> tuple[str | None, int]:
    m = _DATE_AFTER.match(after)
    if not m:
        return None, 0
    groups = m.groups()
    day, month, year = groups[0:3] if groups[0] else groups[3:6]
    return dates.make_date(day, month, year), m.end()


# SYMBOL opens with a run of digits, then a slash or a dash (a space between at most): runs that neither
# follows never start one, and a scan for a digit before a slash or a dash is faster than one for runs.
_SEPARATOR_AFTER_DIGIT = re.compile(r"\d\s?[-/]")


def _symbols(text: str):
    """SYMBOL's matches as nlp.scan.finditer_at_digit_runs(SYMBOL, text) finds them, tried only at the
    digit runs a slash or a dash follows."""
    return finditer_at(SYMBOL, text, _runs_before_separators(text))


def _runs_before_separators(text: str):
    for hit in _SEPARATOR_AFTER_DIGIT.finditer(text):
        start = hit.start()
        while start and text[start - 1].isdecimal():  # back to the start of the run (\d is isdecimal)
            start -= 1
        yield start


def find_doc_refs(text: str) -> list[DocRef]:
    refs = []
    for m in _symbols(text):
        if _NAME_BEFORE.search(text[max(0, m.start() - 20):m.start()]):
            continue  # "Ban Chỉ đạo 138/CP" is a name, not a reference
        number = clean_number(m.group())
        repaired = repair_symbol(number)
        written, number = (number, repaired) if repaired else (None, number)
        parts = parse_number(number)
        if parts["type_code"] is None and not _TWO_CAPITALS.search(parts["issuer_code"] or ""):
            continue  # "5/Tết": a lone capitalized word is not a document symbol
        doc_type, start = _type_from_words(text[:m.start()])
        if doc_type is None:
            code_type = _code_type(parts["type_code"] or "")
            doc_type = code_type or "Công văn"
            start = m.start()
        date, used = _date_after(text[m.end():m.end() + 60])
        end = m.end() + used
        issuer_match = _ISSUER.match(text[end:end + 160])
        issuer = issuer_match.group(1).strip() if issuer_match else None
        if issuer_match:
            end += issuer_match.end()
        else:
            before = _ISSUER_BEFORE.search(text[max(0, start - 120):start])
            issuer = before.group(1).strip() if before else None
        refs.append(DocRef(number, doc_type, date, issuer, text[start:end], start, end, number_key(number), parts,
                           written))
    refs += _refs_without_symbol(text, [(r.start, r.end) for r in refs])
    _share_issuers(refs, text)
    return sorted(refs, key=lambda r: r.start)


# "Chỉ thị số 12 của UBND tỉnh", "Đề án 06": a capitalized type word and a serial, no symbol.
_BARE_REF = re.compile(r"(?<!\w)(" + "|".join(TYPE_WORDS) + r")\s+(số\s*:?\s*)?(\d{1,5})(?![\w/.,\-]|\s*/|\s*-\s*[A-ZĐ])")
_TYPE_WORD_OPENS = re.compile("|".join(TYPE_WORDS))  # where a _BARE_REF can start (see nlp.scan)


def _refs_without_symbol(text: str, taken: list[tuple[int, int]]) -> list[DocRef]:
    from nlp.counts import DURATIONS, find_unit, is_count_noun

    found = []
    for m in finditer_where(_BARE_REF, text, _TYPE_WORD_OPENS):
        if not m.group(1)[0].isupper() or any(a <= m.start() < b for a, b in taken):
            continue  # "kế hoạch 5 năm" is a plan of five years, not a document
        serial = m.group(3)
        if len(serial) == 4 and serial[:2] in ("19", "20"):
            continue
        unit = find_unit(text[m.end():m.end() + 40])
        if unit and (unit.split()[0].lower() in DURATIONS or is_count_noun(unit)):
            continue
        doc_type = next(t for t in TYPE_WORDS if t.lower() == m.group(1).lower())
        date, used = _date_after(text[m.end():m.end() + 60])
        end = m.end() + used
        issuer_match = _ISSUER.match(text[end:end + 160])
        if issuer_match:
            end += issuer_match.end()
        found.append(DocRef(serial, doc_type, date, issuer_match.group(1).strip() if issuer_match else None,
                            text[m.start():end], m.start(), end, f"{number_key(doc_type).replace(' ', '')}:{int(serial)}",
                            {"serial": int(serial), "year": None, "type_code": None, "issuer_code": None}))
    return found


def _share_issuers(refs: list[DocRef], text: str) -> None:
    """ "Thông báo số 1/TB, ngày … và Hướng dẫn số 2/HD … của X": X issued both."""
    for left, right in zip(refs, refs[1:]):
        same_code = left.parts.get("issuer_code") == right.parts.get("issuer_code")
        if left.issuer is None and right.issuer and same_code and _JOINED.fullmatch(text[left.end:right.start]
                                                                  .replace(right.type or "", "", 1).replace("số", "", 1)):
            left.issuer = right.issuer


# OCR confusions of a scanned symbol: "07/CEUBND" was "07/CT-UBND" (a T and a dash read as E).
OCR_CONFUSIONS = (("E", "T-"), ("O", "0"), ("0", "O"), ("I", "1"), ("l", "1"), ("1", "I"), ("D", "Đ"), ("Đ", "D"))
ISSUER_CODES = {"UBND", "BCĐ", "CAT", "CAH", "CAX", "TW", "TTG", "CP", "BCA", "HĐND", "TU", "HU", "BCH", "VPCP",
                "BTC", "BQP", "BNV", "MTTQ", "ĐTN", "HLHPN", "QH", "VPTW", "BTGTW", "BTCTW", "UBKTTW"}


def _plausible_symbol(number: str) -> bool:
    try:
        parts = parse_number(number)
    except ValueError:
        return False
    if parts["type_code"] is None:
        return False
    issuer = parts["issuer_code"] or ""
    return not issuer or all(c.upper() in ISSUER_CODES or _ISSUER_CODE_PATTERN.fullmatch(c.upper())
                             for c in _CODE_SEPARATOR.split(issuer) if c)


def repair_symbol(number: str) -> str | None:
    """The symbol a single OCR confusion explains, when exactly one does; None when the symbol is fine
    or no single confusion (or more than one) makes it a known type and issuer."""
    serial, slash, code = number.partition("/")
    if _plausible_symbol(number) or not serial.isdigit():
        return None
    candidates = set()
    for wrong, right in OCR_CONFUSIONS:
        for i in range(len(code)):
            if code.startswith(wrong, i):
                fixed = f"{serial}{slash}{code[:i]}{right}{code[i + len(wrong):]}"
                if _plausible_symbol(fixed):
                    candidates.add(fixed)
    return candidates.pop() if len(candidates) == 1 else None


def unique_refs(refs: list[DocRef]) -> list[DocRef]:
    """Once per document by key, keeping the mention that says the most."""
    best: dict[str, DocRef] = {}
    for ref in refs:
        kept = best.get(ref.key)
        if kept is None:
            best[ref.key] = ref
        else:
            kept.date = kept.date or ref.date
            kept.issuer = kept.issuer or ref.issuer
    return list(best.values())
