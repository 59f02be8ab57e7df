"""Counts tied to a model named in the same statement:
"“Camera an ninh” xây dựng tại 32 điểm", "49 mô hình “Dòng họ …”",
"27 xã thực hiện “Tiếng kẻng …”", "“A” và “B” xây dựng tại 19 điểm".
A count of a list of different models ("03 mô hình: “A”, “B” và “C”") is not one."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.counts import Count
from nlp.models import ModelMention
from nlp.normalize import match_key
from nlp.scan import finditer_where, ignorecase_opener
from nlp.segment import Span

_VERBS = (r"(?:xây\s+dựng|triển\s+khai|nhân\s+rộng|thực\s+hiện|duy\s+trì|ra\s+mắt|lắp\s+đặt|hoạt\s+động|"
          r"thành\s+lập|áp\s+dụng|tham\s+gia|có|công\s+nhận|đạt|đạt\s+chuẩn|đăng\s+ký|được)"
          r"(?:\s+(?:xây\s+dựng|thực\s+hiện|là|đạt))?")
# model … [verb] tại|ở … N unit
_MODEL_THEN_COUNT = re.compile(
    rf"^[”\"’»]?\s*(?:(?:được|đã|đang|cũng|sẽ|vẫn)\s+){{0,3}}(?:(?:{_VERBS})\s+)?(?:tại|ở|ra|đến|trên)\s+"
    r"(?:(?:các|gần|hơn|trên|khoảng|tổng\s+số)\s+)?$", re.IGNORECASE)
# N unit [verb] [mô hình] model
_COUNT_THEN_MODEL = re.compile(
    rf"^\s*(?:(?:đã|đang|được|cùng|cũng|sẽ)\s+){{0,3}}(?:(?:{_VERBS})\s+)?(?:(?:các\s+)?mô\s+hình(?:\s+điểm)?\s*:?)?\s*[“\"«‘]?$",
    re.IGNORECASE)
_WITH = re.compile(r"^[”\"’»]?\s*,?\s*(?:với|gồm|có)\s+(?:(?:tổng\s+số|hơn|gần|khoảng|trên)\s+)?$", re.IGNORECASE)
# "115 tổ liên gia thuộc 115 tổ dân phố …": the first count shares the second's model.
_CHAIN = re.compile(r"^\s*(?:thuộc|tại|ở|của|trong|gồm|với)\s+$", re.IGNORECASE)
_JOINED = re.compile(r"^[”\"’»]?\s*(?:,|và|,\s*và)\s*(?:mô\s+hình\s*)?[“\"«‘]?$", re.IGNORECASE)
# Units that carry a model: places and groups where it is built, not people it rewards.
CARRIERS = re.compile(r"^(?!trường\s+hợp|tổ\s+chức|đội\s+viên|nhóm\s+(?:thanh\s+niên|đối\s+tượng|người))(?:ban|tổ|cụm|đội|câu lạc bộ|xã|phường|thị trấn|thôn|bản|buôn|làng|xóm|ấp|khu|khối|điểm|"
                      r"địa bàn|dòng họ|giáo xứ|giáo họ|họ đạo|trường|chợ|tuyến|bến|cơ sở|doanh nghiệp|nhóm|"
                      r"huyện|quận|thị xã|mô hình)(?!\w)", re.IGNORECASE)
# A statement that names no model but refers back to one: "mô hình đã có ở 14 bến đò", "mô hình này".
_BACK_REFERENCE = re.compile(r"(?<!\w)mô\s+hình(?:\s+(?:này|trên|nói\s+trên|đó|điểm))?(?!\s*[“\"«‘:]|\s+(?-i:[A-ZĐ\d]))"
                             r"(?!\s+(?:tự\s+quản|điển\s+hình|khác|mới|hiệu\s+quả))", re.IGNORECASE)
_EXPLICIT_BACK = re.compile(r"mô\s+hình\s+(?:này|trên|nói\s+trên|đó)(?!\w)", re.IGNORECASE)
# Where "mô hình" and "các"/"những" before white space can start (nlp.scan): what either back reference needs.
_MODEL_OPENER = ignorecase_opener(["mô"], r"\s")
_PLURAL_OPENER = ignorecase_opener(["các", "những"], r"\s")
# "54 thôn và 6 tổ dân phố": counts joined in one statement share their model.
_COUNTS_JOINED = re.compile(r"^\s*(?:,|và|,\s*và|cùng|cùng\s+với)\s*$", re.IGNORECASE)


@dataclass
class ModelCount:
    model: str
    count: Count
    place: str | None = None

    def as_dict(self) -> dict:
        data = {"model": self.model, **self.count.as_dict(), "place": self.place}
        return data


def link(text: str, sentence: Span, counts: list[Count], mentions: list[ModelMention]) -> list[ModelCount]:
    if not mentions or not counts:
        return []
    owners = {i: _owner_before(text, c, mentions) for i, c in enumerate(counts)}
    targets = {i: _target_after(text, c, mentions) for i, c in enumerate(counts)}
    owned = {id(m) for m in owners.values() if m}
    targeted = {id(m) for m in targets.values() if m}
    linked: dict[int, list[str]] = {}
    for i, count in enumerate(counts):
        if count.whole:
            continue
        next_start = counts[i + 1].start if i + 1 < len(counts) else sentence.end
        if targets[i] and not _is_list(text, count, mentions, next_start, owned):
            linked[i] = [targets[i].name]
        elif owners[i]:
            linked[i] = [m.name for m in _joined_back(text, owners[i], mentions, targeted)]
    for i in range(len(counts) - 2, -1, -1):
        nxt = counts[i + 1]
        if i not in linked and i + 1 in linked and _CHAIN.match(text[counts[i].end:nxt.start]):
            linked[i] = linked[i + 1]
    _link_single_model(sentence, counts, mentions, linked)
    _link_joined(text, counts, linked)
    _drop_percentages(counts, linked)
    return [ModelCount(name, counts[i]) for i in sorted(linked) for name in linked[i]]


_OPEN_QUOTE_GAP = re.compile(r"\s*[“\"«‘]?")


def _target_after(text: str, count: Count, mentions: list[ModelMention]) -> ModelMention | None:
    named = [m for m in mentions if count.number_end <= m.start < count.end + 2]
    if named and _OPEN_QUOTE_GAP.fullmatch(text[count.number_end:named[0].start]):
        return named[0]  # "48 “Tổ đoàn kết tàu thuyền an toàn”": the model names what is counted
    after = [m for m in mentions if m.start >= count.end]
    if after and _COUNT_THEN_MODEL.match(text[count.end:after[0].start]):
        return after[0]
    return None


def _owner_before(text: str, count: Count, mentions: list[ModelMention]) -> ModelMention | None:
    before = [m for m in mentions if m.end <= count.start]
    if not before:
        return None
    gap = text[before[-1].end:count.start]
    if _MODEL_THEN_COUNT.match(gap):
        return before[-1]
    if _WITH.match(gap) and (is_instance_unit(count.unit, before[-1].name) or
                             (CARRIERS.match(count.unit) and count.unit.lower() != "mô hình")):
        return before[-1]  # "mô hình “Camera an ninh” với 36 mắt camera", "“Zalo an ninh” với 1.018 nhóm"
    return None


def _is_list(text: str, count: Count, mentions: list[ModelMention], until: int, owned: set) -> bool:
    """ "03 mô hình: “A”, “B” và “C”": the count numbers the names that follow it,
    leaving out names that carry a count of their own ("“C” xây dựng tại 32 điểm")."""
    following = [m for m in mentions if count.end <= m.start < until and id(m) not in owned]
    names = {m.name for m in following}
    if len(names) < 2:
        return False
    return int(count.value) == len(names) or bool(_JOINED.match(text[following[0].end:following[1].start]))


def _joined_back(text: str, owner: ModelMention, mentions: list[ModelMention], targeted: set) -> list[ModelMention]:
    """ "“A” và “B” xây dựng tại 19 điểm": the count holds for every joined name,
    but not for a name that has a count of its own before it."""
    before = [m for m in mentions if m.end <= owner.start]
    group = [owner]
    for m in reversed(before):
        if id(group[0]) in targeted or id(m) in targeted or not _JOINED.match(text[m.end:group[0].start]):
            break
        group.insert(0, m)
    return group


def _link_single_model(sentence: Span, counts: list[Count], mentions: list[ModelMention],
                       linked: dict[int, list[str]]) -> None:
    """A sentence about one model: the places and groups it counts after naming it."""
    names = {match_key(m.name) for m in mentions}
    if len(names) != 1:
        return
    mention = mentions[0]
    others_linked = bool(linked)
    for i, count in enumerate(counts):
        if i in linked or count.start <= mention.end or count.unit == "%" or count.whole:
            continue
        if (CARRIERS.match(count.unit) and not others_linked) or is_instance_unit(count.unit, mention.name):
            linked[i] = [mention.name]


def _drop_percentages(counts: list[Count], linked: dict[int, list[str]]) -> None:
    for i in [i for i in linked if counts[i].unit == "%"]:
        del linked[i]


_NOT_CONTENT = {"về", "và", "của", "có", "không", "an", "ninh", "trật", "tự", "tổ", "mô", "hình", "với", "các"}


def is_instance_unit(unit: str, model: str) -> bool:
    """ "112 mắt camera" of “Camera an ninh”, "04 chiếc kẻng" of “Tiếng kẻng an ninh”: the unit's
    head noun opens the model's name."""
    head = unit.lower().replace(",", " ").split()[-1]
    return head not in _NOT_CONTENT and head in model.lower().split()[:2]


def _link_joined(text: str, counts: list[Count], linked: dict[int, list[str]]) -> None:
    """ "54 thôn và 6 tổ dân phố xây dựng mô hình X": the joined count of places is X's too."""
    changed = True
    while changed:
        changed = False
        for i in range(len(counts) - 1):
            a, b = counts[i], counts[i + 1]
            if (i in linked) == (i + 1 in linked) or not _COUNTS_JOINED.match(text[a.end:b.start]):
                continue
            new = i + 1 if i in linked else i
            if counts[new].whole or counts[new].unit == "%" or not CARRIERS.match(counts[new].unit):
                continue
            linked[new] = linked[i if new == i + 1 else i + 1]
            changed = True


_DEVICES_OR_PEOPLE = re.compile(r"^(?:mắt\s+|chiếc\s+|bộ\s+|bóng\s+|cụm\s+)?(?:camera|đèn|loa|kẻng|người|phụ\s+nữ|"
                                r"thanh\s+niên|hộ|thành\s+viên|hội\s+viên|đoàn\s+viên|cá\s+nhân|em|học\s+sinh|ngư\s+dân|chủ\s+tàu)(?!\w)",
                                re.IGNORECASE)


_WITHOUT_IT = re.compile(r"(?<!\w)còn\s+(?:lại\s+)?$", re.IGNORECASE)


def _names_the_model(unit: str, model: str) -> bool:
    """ "tổ" of “Tổ tự quản biên giới”, "ngôi chùa" of “Chùa bình yên”, "khu phố" of “Ấp, khu phố an toàn”:
    the counted noun is one of the nouns the model's name opens with."""
    return _names_opening(unit, model.lower().replace(",", " ").split()[:3])


def _names_opening(unit: str, opening: list[str]) -> bool:
    """_names_the_model(unit, model) with the model's opening words given."""
    words = unit.lower().replace(",", " ").split()
    return bool(words) and words[-1] in opening and (len(words) == 1 or words[-2] in opening or words[0] == "ngôi")


def _says(pattern: re.Pattern, text: str, opener: re.Pattern) -> bool:
    """Whether pattern.search(text) finds a match, tried only where opener finds one can start."""
    return opener.search(text) is not None and next(finditer_where(pattern, text, opener), None) is not None


@lru_cache(maxsize=256)
def _plural_of(head: str) -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:các|những)\s+{re.escape(head)}(?!\w)", re.IGNORECASE)


def refer_back(text: str, statement: Span, counts: list[Count], model: str, taken: set[int]) -> list[ModelCount]:
    """Counts of a statement that names no model, tied to the model last named in the paragraph:
    "đến nay mô hình đã có ở 14 bến đò", "toàn quận có 90 tuyến hẻm" for a model about tuyến hẻm."""
    model_words = model.lower().replace(",", " ").split()
    head, opening = model_words[0], model_words[:3]  # (the opening words for _names_the_model)
    # The back references (read only when a count needs one, once for the statement) need "mô hình", the
    # plural cue "các" or "những": their patterns are tried only where these start (IGNORECASE would try
    # them at every position).
    cue = explicit = None
    linked: dict[int, list[str]] = {}
    for i, count in enumerate(counts):
        if id(count) in taken or count.whole or count.unit == "%" or _WITHOUT_IT.search(
                text[max(statement.start, count.start - 12):count.start]) or "chưa" in text[count.end:count.end + 40]:
            continue  # "còn 21 xóm chưa đạt": the places still without the model
        own_unit = _names_opening(count.unit, opening)
        # Without a word for the model, only its own places and groups ("96 tổ", "56 ngôi chùa") refer back;
        # devices and people ("13 camera", "52 phụ nữ") need "mô hình" to say whose they are.
        if own_unit and not _DEVICES_OR_PEOPLE.match(count.unit):
            linked[i] = [model]
            continue
        carrier = bool(CARRIERS.match(count.unit))
        if carrier and count.unit.lower() == "mô hình":
            if explicit is None:
                explicit = _says(_EXPLICIT_BACK, statement.text, _MODEL_OPENER)
            carrier = explicit
        if carrier or own_unit:
            if cue is None:
                cue = _says(_BACK_REFERENCE, statement.text, _MODEL_OPENER) or _says(
                    _plural_of(head), statement.text, _PLURAL_OPENER)
            if cue:
                linked[i] = [model]
    _link_joined(text, counts, linked)
    return [ModelCount(name, counts[i]) for i in sorted(linked) for name in linked[i]]
