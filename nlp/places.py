"""Administrative places: a level word and a proper name ("xã Thuận Quý",
"tổ dân phố 5", "TP. Hà Tĩnh"), names sharing one level word ("xã Hàm Mỹ, Tân Lập"),
and province names written alone; resolved against the gazetteer."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.gazetteer import MUNICIPALITIES, Unit, gazetteer, key
from nlp.scan import CaselessWords, finditer_at, finditer_where, ignorecase_opener

LEVEL_WORDS = ("thành phố", "tỉnh", "thị xã", "thị trấn", "huyện", "quận", "xã", "phường", "tổ dân phố",
               "khu phố", "khu dân cư", "tiểu khu", "thôn", "bản", "làng", "xóm", "ấp")
ABBREVIATED = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn"}
LEVEL = re.compile(
    r"(?<![\w])(" + "|".join(LEVEL_WORDS) + r"|TP\.?|TX\.|TT\.)(?=\s|:\s)", re.IGNORECASE)
# Where a level word can start (nlp.scan): LEVEL tries every position.
_LEVEL_OPENER = ignorecase_opener(LEVEL_WORDS + ("tp", "tp.", "tx.", "tt."), r"(?=\s|:)")
# The same starts found faster in the lower-cased text (nlp.scan.CaselessWords), where it allows.
_LEVEL_STARTS = CaselessWords(LEVEL_WORDS + ("tp", "tx.", "tt."))


def _levels(text: str, lowered: str | None = None):
    """LEVEL.finditer(text), tried only where a level word can start; lowered: text.lower() if known."""
    starts = _LEVEL_STARTS.starts(text, lowered)
    return finditer_where(LEVEL, text, _LEVEL_OPENER) if starts is None else finditer_at(LEVEL, text, starts)
NUMBERED_LEVELS = {"phường", "quận", "tổ dân phố", "khu phố", "tiểu khu", "thôn", "bản", "xóm", "ấp", "khu dân cư"}
GAZETTEER_LEVELS = {"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"}
# "văn bản Hướng dẫn", "cơ bản": the level word is part of another word here.
COMPOUND_BEFORE = re.compile(r"(?:văn|cơ|phiên|bài|kịch|nguyên|tư|bổn|căn|bộ|từng|mỗi|các|những)\s+$", re.IGNORECASE)
# Capitalized words that open titles, organisations and sentences, not place names.
NOT_NAMES = {"Công", "Ban", "Ủy", "Uỷ", "UBND", "Đảng", "Đoàn", "Mặt", "Bộ", "Phòng", "Chủ", "Bí", "Phó", "Trưởng",
             "Tổ", "Cảnh", "Ông", "Bà", "Anh", "Chị", "Tỉnh", "Huyện", "Xã", "Thôn", "Qua", "Theo", "Tại", "Trong",
             "Với", "Sau", "Hiện", "Đến", "Từ", "Để", "Về", "Các", "Những", "Ngày", "Năm", "Tháng", "Lực", "Giám",
             "Tham", "Chương", "Kế", "Quyết", "Nghị", "Thông", "Chỉ", "Mô", "Số", "Kính", "Nơi", "Căn", "Điều"}
LOW_LEVELS = {"thôn", "bản", "làng", "xóm", "ấp", "khu phố", "tổ dân phố", "tiểu khu", "khu dân cư"}
# "các xã ven biển như Cẩm Lĩnh, Cẩm Dương": names after a plural level word and a short description.
PLURAL_INTRO = re.compile(r"^(?:(?:[^\W\d_]+\s+){0,4}?(?:như|gồm|là)\s*:?\s*|\s*:?\s*)(?=[A-ZĐ])")
NAME_ENDS = re.compile(r"\s*(?:[,;.:)]|và\s|$)")
TOKEN = re.compile(r"\S+")
MAX_NAME_WORDS = 4


@dataclass
class Place:
    name: str
    level: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    province: str | None = None
    district: str | None = None
    lat: float | None = None
    lon: float | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "level": self.level, "province": self.province, "district": self.district,
                "lat": self.lat, "lon": self.lon, "mentions": [list(m) for m in self.mentions]}


@dataclass
class PlaceMention:
    name: str
    level: str
    start: int
    end: int


def _name_tokens(text: str, level: str) -> list[re.Match]:
    first = text[:1]  # the first word opens the text with a capital or a digit, or there is no name
    if not (first.isdigit() or first.isupper() and first.isalpha()):
        return []
    tokens = []
    for m in TOKEN.finditer(text):
        if m.start() != (tokens[-1].end() + 1 if tokens else 0) and not (
                tokens and text[tokens[-1].end():m.start()].isspace() and len(text[tokens[-1].end():m.start()]) <= 2):
            break
        word = m.group().rstrip(",.;:)”\"’!?")
        if not word:
            break
        first = not tokens
        if word.isdigit() and (first and level in NUMBERED_LEVELS or not first and level in LOW_LEVELS
                               or not first and len(word) <= 2 and not counted_after(text[m.end():])):
            tokens.append(_Trimmed(m, word))  # "thôn 3", "bản Huồi Giảng 1", "xã Long Hưng 2"
            break
        if not (word[0].isupper() and word[0].isalpha()) or (len(word) > 1 and word.isupper() and word not in {"II", "IV"}):
            break
        if first and word in NOT_NAMES:
            break
        tokens.append(_Trimmed(m, word))
        if word != m.group() or len(tokens) >= MAX_NAME_WORDS:
            break
    return tokens


class _Trimmed:
    def __init__(self, m: re.Match, word: str):
        self._start, self.word = m.start(), word

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._start + len(self.word)


def _level_name(level_word: str) -> str:
    low = level_word.lower().rstrip(".")
    return ABBREVIATED.get(low, low)


def _best_known_prefix(level: str, words: list[str]) -> int:
    """How many words name a known unit: "Nghệ An Phạm" -> 2."""
    for n in range(len(words), 0, -1):
        if gazetteer().knows(level, " ".join(words[:n])):
            return n
    return len(words)


def _mentions_after_levels(text: str, lowered: str | None = None) -> list[PlaceMention]:
    found: list[PlaceMention] = []
    covered = 0
    for m in _levels(text, lowered):
        level = _level_name(m.group(1))
        if m.start() < covered:
            continue  # inside a name already read ("xã Bản Lầu")
        if text[m.end()] == ":":  # "các xã: Tân Lập, Tân Hòa, Tân Phú"
            found.extend(_plural_list(text, m, level))
            covered = found[-1].end if found else covered
            continue
        if text[m.end()] not in " \t":
            continue  # the name is on another line
        if level == "bản" and COMPOUND_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        mention = _named_after(text, m, level)
        if mention is None:
            found.extend(_plural_list(text, m, level))
            continue
        found.append(mention)
        found.extend(_shared_level(text, mention.end, level))
        found.extend(_parent_in_parentheses(text, found[-1].end, level))
        covered = found[-1].end
    return found


def _named_after(text: str, m: re.Match, level: str) -> PlaceMention | None:
    start = m.end() + 1
    upper = m.group(1).isupper() and len(m.group(1)) > 2
    if upper and level not in GAZETTEER_LEVELS:
        return None
    piece = text[start:start + 80]
    tokens = _name_tokens(piece.title() if upper else piece, level)
    if not tokens:
        return None
    words = [t.word for t in tokens]
    if level in GAZETTEER_LEVELS and not words[0].isdigit():
        known = _best_known_prefix(level, words)
        if not (known == len(words) - 1 and words[-1].isdigit()):  # "xã Long Hưng 2" keeps its number
            words = words[:known]
        tokens = tokens[:len(words)]
        if upper and not gazetteer().knows(level, " ".join(words)):
            return None  # "UBND HUYỆN MỸ TÚ": upper case is trusted only when the gazetteer knows it
        if _not_a_unit(level, words):
            return None
    return PlaceMention(" ".join(words), level, start, start + tokens[-1].end())


# Surnames that open most Vietnamese personal names: "UBND tỉnh Nguyễn Văn Hùng" is an official, no province.
SURNAMES = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Đinh", "Trịnh", "Đoàn", "Lương", "Mai", "Trương", "Lưu", "Cao", "Hà", "Tạ", "Lò"}


def _not_a_unit(level: str, words: list[str]) -> bool:
    """Provinces are a closed list; a lower unit the gazetteer does not know is kept, unless it
    reads as a person's name (a surname and two more words)."""
    name = " ".join(words)
    if gazetteer().knows(level, name):
        return False
    if level == "tỉnh":
        return True
    return words[0] in SURNAMES and len(words) >= 3


_PARENT = {"xã": ("huyện", "thị xã", "thành phố"), "phường": ("quận", "thị xã", "thành phố"),
           "thị trấn": ("huyện",), "huyện": ("tỉnh",), "quận": ("thành phố",), "thị xã": ("tỉnh",)}
_IN_PARENTHESES = re.compile(r"\s*\(\s*([A-ZĐ][^\W\d_]*(?:[ -]+[A-ZĐ][^\W\d_]*){0,3})\s*\)")


def _parent_in_parentheses(text: str, end: int, level: str) -> list[PlaceMention]:
    """ "xã Hoằng Đạt (Hoằng Hóa)": the unit above, named without its level word."""
    m = _IN_PARENTHESES.match(text, end)
    if not m:
        return []
    for parent in _PARENT.get(level, ()):
        if gazetteer().knows(parent, m.group(1)):
            return [PlaceMention(m.group(1), parent, m.start(1), m.end(1))]
    return []


def counted_after(rest: str) -> bool:
    """Whether the words after a number say what it counts ("20 hộ"), not what it names."""
    from nlp.counts import find_unit, is_count_noun

    unit = find_unit(rest)
    return bool(unit) and is_count_noun(unit)


_PLURAL_BEFORE = re.compile(r"(?:các|những)\s+$")


def _plural_list(text: str, m: re.Match, level: str) -> list[PlaceMention]:
    """ "các xã ven biển như Cẩm Lĩnh, Cẩm Dương" (gazetteer levels only)."""
    if level not in GAZETTEER_LEVELS or not _PLURAL_BEFORE.search(text[max(0, m.start() - 8):m.start()]):
        return []
    intro = PLURAL_INTRO.match(text[m.end() + 1:m.end() + 60])
    if not intro or LEVEL.search(intro.group()):
        return []
    start = m.end() + 1 + intro.end()
    tokens = _name_tokens(text[start:start + 60], level)
    words = [t.word for t in tokens]
    n = _best_known_prefix(level, words) if words else 0
    if not words or not gazetteer().knows(level, " ".join(words[:n])) \
            or not NAME_ENDS.match(text, start + tokens[n - 1].end()):
        return []
    first = PlaceMention(" ".join(words[:n]), level, start, start + tokens[n - 1].end())
    return [first, *_shared_level(text, first.end, level)]


_SHARED_SEPARATOR = re.compile(r"\s*(?:,|và|,\s*và)\s+")


def _shared_level(text: str, end: int, level: str) -> list[PlaceMention]:
    """ "xã Hàm Mỹ, Tân Lập": names after the first that the gazetteer knows at this level."""
    found = []
    if level not in GAZETTEER_LEVELS:
        return found
    while True:
        sep = _SHARED_SEPARATOR.match(text[end:end + 6])
        if not sep:
            return found
        start = end + sep.end()
        tokens = _name_tokens(text[start:start + 60], level)
        words = [t.word for t in tokens]
        n = _best_known_prefix(level, words) if words else 0
        if not words or not gazetteer().knows(level, " ".join(words[:n])):
            return found  # also where a new level word starts ("…, huyện X"), unless it is part of a name
        if LEVEL.match(text, start) and n < 2:
            return found
        end = start + tokens[n - 1].end()
        found.append(PlaceMention(" ".join(words[:n]), level, start, end))


_MASTHEAD_BEFORE = re.compile(r"(?:Báo|Đài|Cổng\s+thông\s+tin(?:\s+điện\s+tử)?|Tạp\s+chí|Truyền\s+hình)\s+$",
                             re.IGNORECASE)
_MASTHEAD_AFTER = re.compile(r"\s+(?:điện\s+tử|online|Online)(?!\w)")


@lru_cache(maxsize=1)
def _province_patterns() -> tuple[re.Pattern, re.Pattern]:
    """Province names of two words or more, longest first, as whole words; and the bare alternation,
    which finds where one can start much faster (see nlp.scan)."""
    names = sorted(gazetteer().province_names(), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names if " " in n)
    return re.compile(r"(?<![\w])(" + alternation + r")(?![\w])"), re.compile(alternation)


def _bare_provinces(text: str, taken: list[tuple[int, int]], named: set[str]) -> list[PlaceMention]:
    found = []
    pattern, opener = _province_patterns()
    for m in finditer_where(pattern, text, opener):
        if any(a <= m.start() < b for a, b in taken) or key(m.group(1)) in named:
            continue
        if _MASTHEAD_BEFORE.search(text[max(0, m.start() - 30):m.start()]) or _MASTHEAD_AFTER.match(text, m.end()):
            continue  # "Báo Bình Phước điện tử" names a newspaper
        level = "thành phố" if m.group(1) in MUNICIPALITIES else "tỉnh"
        found.append(PlaceMention(m.group(1), level, m.start(), m.end()))
    return found


def find_place_mentions(text: str, lowered: str | None = None) -> list[PlaceMention]:
    """lowered: text.lower(), when the caller has it (it is only read to find where words may start)."""
    mentions = _mentions_after_levels(text, lowered)
    taken = [(m.start - 20, m.end) for m in mentions]
    named = {key(m.name) for m in mentions}
    mentions += _bare_provinces(text, taken, named)
    return sorted(mentions, key=lambda m: m.start)


def group_places(mentions: list[PlaceMention]) -> list[Place]:
    places: dict[tuple[str, str], Place] = {}
    for m in mentions:
        place = places.setdefault((m.level, key(m.name)), Place(m.name, m.level))
        place.mentions.append((m.start, m.end))
    resolved = list(places.values())
    _resolve(resolved)
    return resolved


def _resolve(places: list[Place]) -> None:
    """Attach province, district and coordinates, preferring units inside the
    provinces and districts the same document names."""
    provinces = Counter(p.name for p in places if p.level == "tỉnh" or p.name in MUNICIPALITIES)
    districts = Counter(p.name for p in places if p.level in {"huyện", "quận", "thị xã", "thành phố"})
    for place in places:
        if place.level not in GAZETTEER_LEVELS:
            continue
        candidates = gazetteer().lookup(place.level, place.name)
        if not candidates:
            candidates = _typo_fix(place, set(districts))
        unit = _pick(candidates, provinces, districts)
        if unit:
            place.province, place.district, place.lat, place.lon = unit.province, unit.district, unit.lat, unit.lon
    for place in places:
        if place.province is None:
            place.province = _only(provinces) or _province_of_districts(places)


def _typo_fix(place: Place, districts: set[str]) -> list[Unit]:
    """ "xã Lê Hóav" in a text about huyện Tuyên Hóa is xã Lê Hóa: a letter glued from the next word."""
    misses = gazetteer().near_misses(place.level, place.name, districts)
    if len({u.name for u in misses}) != 1:
        return []
    place.name = misses[0].name
    return misses


def _pick(candidates: list[Unit], provinces: Counter, districts: Counter) -> Unit | None:
    if not candidates:
        return None
    in_district = [u for u in candidates if u.district in districts]
    in_province = [u for u in candidates if u.province in provinces]
    for pool in (in_district, in_province):
        if pool:
            return pool[0]
    return candidates[0] if len({(u.province, u.district) for u in candidates}) == 1 else None


def _only(counter: Counter) -> str | None:
    return counter.most_common(1)[0][0] if len(counter) == 1 else None


def _province_of_districts(places: list[Place]) -> str | None:
    provinces = {p.province for p in places if p.level in {"huyện", "quận", "thị xã"} and p.province}
    return provinces.pop() if len(provinces) == 1 else None
