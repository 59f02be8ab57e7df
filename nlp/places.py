"""Administrative places: a level word and a proper name ("xã Thuận Quý",
"tổ dân phố 5", "TP. Hà Tĩnh"), names sharing one level word ("xã Hàm Mỹ, Tân Lập"),
and province names written alone; resolved against the gazetteer."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from nlp.gazetteer import MUNICIPALITIES, Unit, gazetteer, key

LEVEL_WORDS = ("thành phố", "tỉnh", "thị xã", "thị trấn", "huyện", "quận", "xã", "phường", "tổ dân phố",
               "khu phố", "khu dân cư", "tiểu khu", "thôn", "bản", "làng", "xóm", "ấp")
ABBREVIATED = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn"}
LEVEL = re.compile(
    r"(?<![\w])(" + "|".join(LEVEL_WORDS) + r"|TP\.?|TX\.|TT\.)(?=\s)", re.IGNORECASE)
NUMBERED_LEVELS = {"phường", "quận", "tổ dân phố", "khu phố", "tiểu khu", "thôn", "bản", "xóm", "ấp", "khu dân cư"}
GAZETTEER_LEVELS = {"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"}
# "văn bản Hướng dẫn", "cơ bản": the level word is part of another word here.
COMPOUND_BEFORE = re.compile(r"(?:văn|cơ|phiên|bài|kịch|nguyên|tư|bổn|căn|bộ|từng|mỗi|các|những)\s+$", re.IGNORECASE)
NOT_NAMES = {"Công", "Ban", "Ủy", "Uỷ", "UBND", "Hội", "Đảng", "Đoàn", "Mặt", "Chi", "Trường", "Bộ", "Phòng",
             "Đồng", "Chủ", "Bí", "Phó", "Trưởng", "Thượng", "Trung", "Đại", "Thiếu", "Nhân", "Tổ", "Cảnh",
             "Ông", "Bà", "Anh", "Chị", "Tỉnh", "Huyện", "Xã", "Thôn", "Bản", "Nhà", "Qua", "Theo", "Tại", "Trong",
             "Với", "Sau", "Hiện", "Đến", "Từ", "Để", "Về", "Các", "Những", "Ngày", "Năm", "Tháng", "Lực",
             "Hội nghị", "Giám", "Thường", "Tham", "Chương", "Kế", "Quyết", "Nghị", "Thông", "Chỉ", "Mô"}
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
    tokens = []
    for m in TOKEN.finditer(text):
        if m.start() != (tokens[-1].end() + 1 if tokens else 0) and not (
                tokens and text[tokens[-1].end():m.start()].isspace() and len(text[tokens[-1].end():m.start()]) <= 2):
            break
        word = m.group().rstrip(",.;:)”\"’!?")
        if not word:
            break
        first = not tokens
        if first and word.isdigit() and level in NUMBERED_LEVELS:
            tokens.append(_Trimmed(m, word))
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


def _mentions_after_levels(text: str) -> list[PlaceMention]:
    found = []
    for m in LEVEL.finditer(text):
        level = _level_name(m.group(1))
        if level == "bản" and COMPOUND_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        start = m.end() + 1
        tokens = _name_tokens(text[start:start + 80], level)
        if not tokens:
            continue
        words = [t.word for t in tokens]
        if level in GAZETTEER_LEVELS and not words[0].isdigit():
            words = words[:_best_known_prefix(level, words)]
            tokens = tokens[:len(words)]
        end = start + tokens[-1].end()
        found.append(PlaceMention(" ".join(words), level, start, end))
        found.extend(_shared_level(text, end, level))
    return found


def _shared_level(text: str, end: int, level: str) -> list[PlaceMention]:
    """ "xã Hàm Mỹ, Tân Lập": names after the first that the gazetteer knows at this level."""
    found = []
    if level not in GAZETTEER_LEVELS:
        return found
    while True:
        sep = re.match(r"\s*(?:,|và|,\s*và)\s+", text[end:end + 6])
        if not sep:
            return found
        start = end + sep.end()
        if LEVEL.match(text, start):
            return found
        tokens = _name_tokens(text[start:start + 60], level)
        words = [t.word for t in tokens]
        n = _best_known_prefix(level, words) if words else 0
        if not words or not gazetteer().knows(level, " ".join(words[:n])):
            return found
        end = start + tokens[n - 1].end()
        found.append(PlaceMention(" ".join(words[:n]), level, start, end))


def _bare_provinces(text: str, taken: list[tuple[int, int]], named: set[str]) -> list[PlaceMention]:
    found = []
    names = sorted(gazetteer().province_names(), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names if " " in n) + r")(?![\w])")
    for m in pattern.finditer(text):
        if any(a <= m.start() < b for a, b in taken) or key(m.group(1)) in named:
            continue
        level = "thành phố" if m.group(1) in MUNICIPALITIES else "tỉnh"
        found.append(PlaceMention(m.group(1), level, m.start(), m.end()))
    return found


def find_place_mentions(text: str) -> list[PlaceMention]:
    mentions = _mentions_after_levels(text)
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
        unit = _pick(candidates, provinces, districts)
        if unit:
            place.province, place.district, place.lat, place.lon = unit.province, unit.district, unit.lat, unit.lon
    for place in places:
        if place.province is None:
            place.province = _only(provinces) or _province_of_districts(places)


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
