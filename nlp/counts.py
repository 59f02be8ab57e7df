"""Counts with the noun they count: "33.446 lượt người", "57,5%", "hơn 300 tin báo",
"1,2 tỷ đồng". Dates, durations, document numbers, list numbering, ordinals and
names that carry a number ("Ban chỉ đạo 138", "PV28", "thôn 3") are not counts."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from nlp.normalize import fold
from nlp.resources import read_list
from nlp.scan import (CaselessWords, caseless_class, finditer_at, finditer_at_digit_runs, finditer_where,
                      ignorecase_opener, last_words_start)

NUMBER = re.compile(r"(?<![\w.,:])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+)(?!\.\d))?(?![\w/:]|\.\d|,\d)")
MULTIPLIERS = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}
DURATIONS = {"năm", "tháng", "ngày", "giờ", "phút", "giây", "tuần", "quý", "đêm", "tiếng"}
# Words after which a number is a name or a label, not a count.
LABEL_WORDS = (
    "ngày", "tháng", "năm", "thứ", "lần", "khóa", "khoá", "số", "điều", "khoản", "mục", "chương", "phụ lục",
    "giai đoạn", "đợt", "kỳ", "thôn", "xóm", "tổ", "khu phố", "phường", "quận", "ấp", "bản", "tiểu khu", "khối",
    "đội", "phòng", "quốc lộ", "tỉnh lộ", "đường", "km", "lớp", "hẻm", "ngõ", "kiệt", "căn hộ", "covid",
    "sars-cov", "ban chỉ đạo", "bcđ", "chỉ thị", "nghị quyết", "quyết định", "kế hoạch", "đề án", "dự án",
    "trang", "tập", "câu", "bước", "tầng", "ô", "lô", "thửa", "biển số", "hotline", "điện thoại", "sđt", "đt",
    "fax", "lúc", "vào lúc", "khu", "cụm", "mã", "hạng", "top",
)


def _alternation(phrases, backwards: bool = False) -> str:
    r""" "phụ lục" -> "phụ\s+lục" (or "cụl\s+ụhp", to match a reversed text)."""
    if backwards:
        phrases = (" ".join(word[::-1] for word in reversed(phrase.split())) for phrase in phrases)
    return "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases)


LABEL_BEFORE = re.compile(r"(?:(?<!\w)(?:" + _alternation(LABEL_WORDS) + r")\s*[-–]?\s*$)", re.IGNORECASE)


def _trie_alternation(phrases, backwards: bool = False, caseless: bool = False) -> str:
    r"""The strings of _alternation(phrases, backwards) as a prefix tree ("ngày|ngõ" -> "ng(?:ày|õ)"): the
    same strings match, but a failing match gives up after a character or two instead of trying every
    branch (which with IGNORECASE costs a case-insensitive comparison each). caseless: each character as
    the class of those re.IGNORECASE matches it with (nlp.scan.caseless_class), for a pattern compiled
    without IGNORECASE that matches the same strings (and skips failing branches faster still)."""
    token_of = caseless_class if caseless else re.escape
    tree: dict = {}
    for phrase in phrases:
        words = [word[::-1] for word in reversed(phrase.split())] if backwards else phrase.split()
        node = tree
        for i, word in enumerate(words):
            for token in ([r"\s+"] if i else []) + [token_of(char) for char in word]:
                node = node.setdefault(token, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [token + emit(child) for token, child in node.items() if token]
        if "" in node:
            return "(?:" + "|".join(branches) + ")?" if branches else ""
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(tree)


# LABEL_BEFORE read backwards, on the reversed text: one match anchored at the text's end instead of
# a search that tries the whole alternation at every character (the same strings match). Its letters are
# classes of their cases, without IGNORECASE: the same strings match (tests check against IGNORECASE).
_LABEL_BEFORE_REVERSED = re.compile(r"\s*[-–]?\s*(?:" + _trie_alternation(LABEL_WORDS, backwards=True, caseless=True)
                                    + r")(?!\w)")


def ends_with_label(text: str) -> bool:
    """Whether the text ends with a word that makes the number after it a name or a label."""
    return _LABEL_BEFORE_REVERSED.match(text[::-1]) is not None


NOT_UNITS = {
    "và", "của", "là", "đã", "được", "với", "trong", "trên", "dưới", "tại", "ở", "cho", "đến", "từ", "theo",
    "về", "các", "những", "này", "đó", "thì", "mà", "nhưng", "hoặc", "hay", "so", "lên", "xuống", "trở",
    "sau", "trước", "khi", "nếu", "để", "do", "bởi", "vì", "nên", "cũng", "đều", "vẫn", "còn", "có",
    "giảm", "tăng", "đạt", "bằng", "tuổi", "km", "m", "kg", "gmt",
}
# Nouns that need the next word to say what they count ("lượt người", "nhóm thanh niên").
CLASSIFIERS = {"lượt", "nhóm", "loại", "mắt", "bộ", "chiếc", "cái", "con", "điểm", "tổ", "ban", "đội", "câu"}
ADMIN_NOUNS = ("xã", "phường", "thị trấn", "thôn", "bản", "làng", "xóm", "ấp", "khu phố", "tổ dân phố",
               "tiểu khu", "khối xóm", "khối phố", "khối", "huyện", "quận", "thị xã", "thành phố", "tỉnh", "họ đạo", "THCS", "THPT")
TOTAL_BEFORE = re.compile(r"(?:tổng|với|có|gồm)\s+số(?:\s+lượng)?\s*(?:là|:)?\s*$", re.IGNORECASE)
MONEY_BEFORE = re.compile(r"(?:kinh\s+phí|trị\s+giá|số\s+tiền|hỗ\s+trợ|ủng\s+hộ|đầu\s+tư|thu\s+nhập|tổng\s+cộng)"
                          r"(?:\s+(?:là|khoảng|hơn|trên|gần|gần|đạt|:))?\s*$", re.IGNORECASE)
# Nouns a "triệu"/"nghìn" can multiply other than money ("6 triệu con", "1,5 triệu lượt người").
COUNTED_IN_MILLIONS = {"con", "người", "lượt", "cây", "tấn", "hộ", "lít", "bản", "tờ", "cuốn", "liều", "lượt người"}
# "Huồi Giảng 1", "QT 90123": a number that closes a name or a code.
NAME_BEFORE = re.compile(r"(?:(?<=\s)|^)(?:[A-ZĐ][^\W\d_]*\s+)+[A-ZĐ][^\W\d_]*\s+$|(?<![\w])[A-ZĐ]{2,5}\s*[-–]?\s*$")
FRACTION = re.compile(r"(?<![\w.,/])(\d{1,3}(?:\.\d{3})+|\d+)\s*/\s*(\d{1,3}(?:\.\d{3})+|\d+)(?![\w/]|[.,]\d)")
# "48 “Tổ đoàn kết tàu thuyền an toàn”": a quoted name is what is counted.
QUOTED_UNIT = re.compile(r"\s*[“\"«]([A-ZĐÀ-Ỹ][^”\"»\n]{1,80})[”\"»]")
QUOTED_SPAN = re.compile(r"[“\"«][^“”\"«»\n]{1,120}[”\"»]")
_QUOTE_MARKS = re.compile(r"[“\"«]")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass
class Count:
    value: float
    unit: str
    start: int
    end: int
    number_end: int
    text: str = ""
    whole: bool = False  # the "158" of "152/158": a total, not what a model reached

    def as_dict(self) -> dict:
        value = int(self.value) if float(self.value).is_integer() else self.value
        unit = " ".join(self.unit.split())  # a unit wrapped across lines reads as one phrase
        return {"value": value, "unit": unit, "text": self.text, "start": self.start, "end": self.end}


@lru_cache(maxsize=1)
def unit_lexicon() -> tuple[str, ...]:
    return tuple(sorted(read_list("units.txt"), key=len, reverse=True))


def parse_number(integer: str, decimals: str | None) -> float:
    value = float(integer.replace(".", ""))
    if decimals:
        value += float("0." + decimals)
    return value


def _is_label(before: str, rest: str = "") -> bool:
    tail = before[-40:]
    if ("ố" in tail or "Ố" in tail) and TOTAL_BEFORE.search(tail):  # (the letters IGNORECASE matches "ố" with)
        return False  # "tổng số 112 mắt camera" counts
    if ends_with_label(tail):
        return True
    # "thôn Nà Lũng 2 cách …" names; "xã Long Hưng 20 hộ dân" counts
    return _closes_name(tail) and not (rest and is_count_noun(find_unit(rest) or ""))


_CAPITAL = re.compile(r"[A-ZĐ]")


def _closes_name(tail: str) -> bool:
    # NAME_BEFORE ends in a capitalized last word or in capitals and a dash: without a capital in the
    # last two words the search over the whole tail cannot match.
    if not _CAPITAL.search(tail, last_words_start(tail, 2)):
        return False
    m = NAME_BEFORE.search(tail)
    if not m:
        return False
    head = tail[:m.start()].rstrip()
    if not head:
        return len(m.group().split()) >= 2
    # After a sentence end one capitalized word may just open the sentence; two make a name.
    return not head.endswith((".", ":", "!", "?")) or len(m.group().split()) >= 2


def _lexicon_unit(rest: str) -> str | None:
    # A match reads at most the longest unit and one character after it: lower-case only those (and one
    # more, so that no character it reads is the last of the piece lower-cased).
    m = _unit_pattern().match(rest[:_unit_window()].lower())
    return rest[:m.end()] if m else None


# Up to three words opening a text: maximal letter runs, each after white space or a comma (a word
# after any other gap is not read).
_THREE_WORDS = re.compile(r"([^\W\d_]+)(?:(\s+|\s*,\s*)([^\W\d_]+)(?:(?:\s+|\s*,\s*)([^\W\d_]+))?)?")


@lru_cache(maxsize=1)
def _unit_window() -> int:
    return max(map(len, unit_lexicon())) + 2


@lru_cache(maxsize=1)
def _unit_pattern() -> re.Pattern:
    """The longest lexicon unit opening a text and not followed by a letter (one C-speed match
    instead of a startswith per unit)."""
    return re.compile("(?:" + "|".join(re.escape(u) for u in unit_lexicon()) + r")(?![^\W\d_])")


_ADMIN_LIST_ITEM = re.compile(r"\s*,\s*(" + "|".join(r"\s+".join(a.split()) for a in ADMIN_NOUNS) + r")(?!\w)")


def _extend_admin_list(rest: str, unit: str) -> str:
    """ "18 xã, thị trấn": a count of places of several levels keeps them all."""
    pos = len(unit)  # (the unit opens rest: _ADMIN_LIST_ITEM matched at pos as on rest[pos:], no look-behind)
    while True:
        m = _ADMIN_LIST_ITEM.match(rest, pos)
        if not m or not any(unit.lower().startswith(a) or unit.lower().endswith(a) for a in ADMIN_NOUNS):
            return unit
        unit = unit + rest[pos:m.end()]
        pos = m.end()


@lru_cache(maxsize=1)
def _word_tokenize():
    from underthesea import word_tokenize  # loaded on first use

    return word_tokenize


@lru_cache(maxsize=16384)  # the same few words follow numbers again and again ("hộ gia đình", "trường hợp")
def _first_token(window: str) -> str | None:
    tokens = _word_tokenize()(window)
    return tokens[0] if tokens else None


def find_unit(rest: str) -> str | None:
    """The noun phrase a number counts, read from the text right after it."""
    rest = rest.lstrip()
    if _unit_lexicon_pattern is None:
        _load_units()
    m = _unit_lexicon_pattern.match(rest[:_unit_lexicon_window].lower())
    if m is not None:
        unit = rest[:m.end()]
    else:
        # Up to three words, the first opening the text (it was lstripped): None when it opens otherwise.
        words = _THREE_WORDS.match(rest)
        if words is None:
            return None
        first = unit = words.group(1)
        if words.lastindex > 1 and first.lower() not in NOT_UNITS:  # the first word as underthesea reads it
            window = rest[:words.end()]
            token = _first_token(window) or first
            if window.startswith(token) and not token[-1:].isdigit():
                unit = token
        if (words.lastindex > 1 and unit.lower() in CLASSIFIERS and not words.group(2).strip()
                and words.group(3).lower() not in NOT_UNITS):
            unit = rest[:words.end(3)]
    head = unit.split()[0].lower()
    if head in NOT_UNITS or head in DURATIONS:
        return None
    return _extend_admin_list(rest, unit)


_unit_lexicon_pattern: re.Pattern | None = None
_unit_lexicon_window = 0
_unit_lexicon_prefix: re.Pattern | None = None
_unit_lexicon_prefixes: frozenset[str] = frozenset()


def _load_units() -> None:
    """The lexicon's patterns as module globals (find_unit runs for every number)."""
    global _unit_lexicon_pattern, _unit_lexicon_window, _unit_lexicon_prefix, _unit_lexicon_prefixes
    _unit_lexicon_window = _unit_window()
    _unit_lexicon_prefix = re.compile("|".join(re.escape(u) for u in unit_lexicon()))
    _unit_lexicon_prefixes = frozenset(u[:i] for u in unit_lexicon() for i in range(len(u) + 1))
    _unit_lexicon_pattern = _unit_pattern()


# Nouns that open a count when no lexicon unit does: households, people, cases, places, measures.
COUNT_HEADS = {"hộ", "người", "nhân", "khẩu", "đối", "vụ", "trường", "thôn", "xã", "bản", "ấp", "xóm", "làng",
               "tổ", "đội", "nhóm", "ban", "điểm", "mô", "camera", "mắt", "chiếc", "cái", "con", "lượt", "em",
               "học", "thành", "cán", "chiến", "đồng", "km", "ha", "tấn", "kg", "dòng", "gia", "hội", "đoàn",
               "lớp", "buổi", "cuộc", "tin", "bài", "phòng", "cơ", "doanh", "km2", "m", "m2", "thanh", "phụ",
               "cháu", "thiếu", "bị", "nạn", "xe", "khẩu", "quả", "viên", "bộ", "tập", "cá"}
# Numbers written as words ("hai thanh niên", "ba tổ"): two to ten, when a count noun follows.
WORD_NUMBERS = {"hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
WORD_NUMBER = re.compile(r"(?<![\w-])(" + "|".join(WORD_NUMBERS) + r")(?=\s+[^\W\d_])", re.IGNORECASE)
# Where a word number can start (nlp.scan): WORD_NUMBER tries every position.
_WORD_NUMBER_OPENER = ignorecase_opener(WORD_NUMBERS, r"(?=\s)")
# Where word numbers can start in a whole document (nlp.scan.CaselessWords): see find_counts.
WORD_NUMBER_STARTS = CaselessWords(WORD_NUMBERS)


def is_count_noun(unit: str) -> bool:
    words = unit.split()
    if not words:
        return False
    head = words[0].lower()
    if head in COUNT_HEADS or head in CLASSIFIERS:
        return True
    if _unit_lexicon_pattern is None:
        _load_units()
    # a lexicon unit opens with the unit, or the unit with a lexicon unit
    lowered = unit.lower()
    return lowered in _unit_lexicon_prefixes or _unit_lexicon_prefix.match(lowered) is not None


_MULTIPLIER = re.compile(r"\s*(nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)(\s*(?:đồng|VNĐ|VND|đ)(?!\w))?")


def _money(rest: str, before: str) -> tuple[int, str, int] | None:
    m = _MULTIPLIER.match(rest)
    if not m:
        return None
    after = rest[m.end():].lstrip()
    noun = find_unit(after) if not m.group(2) and not MONEY_BEFORE.search(before) else None
    if noun and (noun.lower() in COUNTED_IN_MILLIONS or noun.split()[0].lower() in CLASSIFIERS
                 or _lexicon_unit(after)):
        return MULTIPLIERS[m.group(1)], None, m.end()
    return MULTIPLIERS[m.group(1)], "đồng", m.end()


_PERCENT = re.compile(r"\s*%")
_DIGIT_RUNS = re.compile(r"\d\d*").finditer  # (\d+, but opening with a class lets re skip ahead to digits)
_NUMBER_AT = NUMBER.match


def find_counts(text: str, start: int = 0, word_number_starts: list[int] | None = None) -> list[Count]:
    """Counts in a piece of text (a sentence); offsets are shifted by `start`. word_number_starts: where
    word numbers may start in the piece (shifted by `start` too), from WORD_NUMBER_STARTS over a text the
    piece was cut from, at least every position WORD_NUMBER matches at; found here when not given."""
    # (_is_label, _slash_date, _line_numbering, parse_number and _is_year inline: this runs for every number)
    quoted_text = _QUOTE_MARKS.search(text) is not None  # (QUOTED_SPAN and QUOTED_UNIT open with these marks)
    quote_spans = [(q.start(), q.end()) for q in QUOTED_SPAN.finditer(text)] if quoted_text else []
    percent_text = "%" in text
    counts = _fractions(text, start) if "/" in text else []
    unordered = bool(counts)  # the digit runs' counts come in text order, the fractions' before them
    end = 0
    for run in _DIGIT_RUNS(text):  # finditer_at_digit_runs(NUMBER, text), inline
        number_start = run.start()
        if number_start < end or (m := _NUMBER_AT(text, number_start)) is None:
            continue
        pos = end = m.end()
        if quote_spans and any(a < number_start < b for a, b in quote_spans):
            continue  # a number inside a quoted name ("Tổ hoà giải 3 giỏi")
        before = text[:number_start]
        rest = text[pos:]
        tail = before[-40:]  # _is_label(before, rest)
        if not (("ố" in tail or "Ố" in tail) and _TOTAL_BEFORE_SEARCH(tail)):
            if _LABEL_BEFORE_REVERSED_MATCH(tail[::-1]) is not None:
                continue
            if _closes_name(tail) and not (rest and is_count_noun(find_unit(rest) or "")):
                continue
        if before.rstrip()[-1:] in _SLASH_OR_DASH and _DATE_OR_RANGE_OPEN.search(before, last_words_start(before, 2)):
            continue  # _slash_date(before)
        if text[pos:pos + 1] in _NUMBERING_MARKS and _NUMBERING_MARK_AT(text, pos, pos + 2) and (number_start == 0 or text[number_start - 1] == "\n"
                                                       or before.isspace()):
            continue  # _line_numbering(text, m)
        integer, decimals = m.group(1, 2)
        value = float(integer.replace(".", ""))  # parse_number(integer, decimals)
        if decimals:
            value += float("0." + decimals)
        percent = _PERCENT_AT(text, pos) if percent_text else None
        if percent:
            counts.append(Count(value, "%", start + number_start, start + percent.end(), start + pos))
            continue
        unit = None
        if _MULTIPLIER_AT(text, pos):  # (_money matches it first)
            money = _money(rest, before)
            if money:
                multiplier, unit, used = money
                value *= multiplier
                pos += used
                rest = text[pos:]
        quoted = _QUOTED_UNIT_AT(text, pos) if unit is None and quoted_text else None
        if quoted and quoted.group(1)[0].isupper():
            unit = quoted.group(1).strip()
            pos = quoted.end()
        elif unit is None:
            unit = find_unit(rest)
            if unit is None:
                continue
            pos += len(rest) - len(rest.lstrip()) + len(unit)
        if len(integer) == 4 and 1900 <= value <= 2100 and fold(unit) in _YEAR_UNITS:
            continue  # _is_year(value, unit, integer)
        counts.append(Count(value, unit, start + number_start, start + pos, start + end))
    if word_number_starts is None or word_number_starts:
        words = _word_numbers(text, start, quote_spans, word_number_starts)
        if words:
            counts += words
            unordered = True
    return sorted(counts, key=_START) if unordered else counts


_START = attrgetter("start")
_YEAR_UNITS = frozenset({"", "nam"})
_TOTAL_BEFORE_SEARCH = TOTAL_BEFORE.search
_LABEL_BEFORE_REVERSED_MATCH = _LABEL_BEFORE_REVERSED.match
_PERCENT_AT = _PERCENT.match
_MULTIPLIER_AT = _MULTIPLIER.match
_QUOTED_UNIT_AT = QUOTED_UNIT.match


_SCHOOL_OR_FISCAL = re.compile(r"\s*(?:học|tài\s+chính)(?!\s+(?:sinh|viên))", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"\s*(?:\S+\s+){0,2}(?:19|20)\d{2}(?!\d)")


def _word_numbers(text: str, start: int, quote_spans, starts: list[int] | None = None) -> list[Count]:
    found = []
    if starts is None:
        matches = finditer_where(WORD_NUMBER, text, _WORD_NUMBER_OPENER)
    elif not starts:
        return found
    else:
        matches = finditer_at(WORD_NUMBER, text, starts, start)
    for m in matches:
        word = m.group(1)
        if any(a < m.start() < b for a, b in quote_spans) or (word[0].isupper() and m.start() > 0
                                                                and text[m.start() - 2:m.start()].strip() not in ("", ".", ":")):
            continue  # inside a name, or a capitalized word mid-sentence ("Năm Căn", "Ba Vì")
        rest = text[m.end():]
        unit = find_unit(rest)
        if not unit or not is_count_noun(unit) or ends_with_label(text[max(0, m.start() - 40):m.start()]):
            continue  # "thứ hai", "tháng ba", "hai bên", "ba mẹ"
        if word.lower() == "năm" and (_SCHOOL_OR_FISCAL.match(rest) or _YEAR_AFTER.match(rest)):
            continue  # "năm học 2023": "năm" is a year here
        end = m.end() + len(rest) - len(rest.lstrip()) + len(unit)
        found.append(Count(WORD_NUMBERS[word.lower()], unit, start + m.start(), start + end, start + m.end()))
    return found


_DATE_WORD_BEFORE = re.compile(r"(?:ngày|tháng|đến|từ|năm)\s*$", re.IGNORECASE)


def _fractions(text: str, start: int) -> list[Count]:
    """ "152/158 thôn, tổ dân phố": two counts of one unit, the part first."""
    found = []
    if "/" not in text:
        return found
    for m in finditer_at_digit_runs(FRACTION, text):
        part, whole = parse_number(m.group(1), None), parse_number(m.group(2), None)
        before = text[:m.start()]
        if part > whole or _is_label(before) or _DATE_WORD_BEFORE.search(before):
            continue
        unit = find_unit(text[m.end():])
        if unit is None or unit.split()[0].lower() in DURATIONS:
            continue
        end = m.end() + len(text[m.end():]) - len(text[m.end():].lstrip()) + len(unit)
        found.append(Count(part, unit, start + m.start(), start + end, start + m.start() + len(m.group(1))))
        found.append(Count(whole, unit, start + m.end() - len(m.group(2)), start + end, start + m.end(), whole=True))
    return found


_DATE_OR_RANGE_OPEN = re.compile(r"\d\s*(?:/|\s[-–]|–)\s*$|\d-$")  # also "2019-12"


def _slash_date(before: str) -> bool:
    """The second half of a date (13/4) or of a range (2021 - 2026)."""
    # A match ends in a slash or a dash and white space: most numbers follow neither. And a match spans the
    # last two words at most ("13 /", "2021 -"): no need to scan the text before.
    if before.rstrip()[-1:] not in _SLASH_OR_DASH:
        return False
    return bool(_DATE_OR_RANGE_OPEN.search(before, last_words_start(before, 2)))


_SLASH_OR_DASH = ("/", "-", "–")


_NUMBERING_MARK = re.compile(r"[.)]\s")
_NUMBERING_MARK_AT = _NUMBERING_MARK.match
_NUMBERING_MARKS = (".", ")")  # (a tuple: "" is not in it)


def _line_numbering(text: str, m: re.Match) -> bool:
    if not _NUMBERING_MARK.match(text, m.end(), m.end() + 2):
        return False
    start = m.start()  # the text before: blank, or the end of a line
    return start == 0 or text[start - 1] == "\n" or text[:start].isspace()


def _is_year(value: float, unit: str, raw: str) -> bool:
    return len(raw) == 4 and 1900 <= value <= 2100 and fold(unit) in {"", "nam"}
