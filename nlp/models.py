"""Named models ("mô hình"): quoted and unquoted names, lists of models, and
the grouping of one model's variant spellings in a document."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from nlp.normalize import canonical, match_key
from nlp.resources import read_list
from nlp.segment import Span

TRIGGER = re.compile(r"(?<!\w)mô\s+hình(?!\w)", re.IGNORECASE)
QUOTED = re.compile(r"[“\"«‘]\s*((?:[^“”\"«»‘’\n]|\n(?!\s*\n)){2,200}?)\s*[”\"»’]")
UNCLOSED = re.compile(r"“\s*([^“”\"«»\n]{2,120}?)(?=\s+(?:tại|ở|trên địa bàn)\s|\s*[;,.(]|$)")
# What may stand between "mô hình" and a quoted name: "mô hình điểm", "mô hình: ".
_DIRECT = re.compile(r"mô\s+hình(?:\s+điểm)?(?:\s+(?:câu\s+lạc\s+bộ|CLB|tổ|đội|nhóm))?\s*:?\s*$", re.IGNORECASE)
# "48 “Tổ đoàn kết tàu thuyền an toàn”", "12 nhóm “Zalo an ninh trật tự”", "các “Tổ …”": a counted,
# capitalized name in a document about models.
_COUNTED_NAME = re.compile(r"(?:\d[\d.,]*|các|những)\s+(?:[^\W\d_]+\s+){0,2}$", re.IGNORECASE)
_LIST_GAP = re.compile(r"^\s*(?:,|;|và|hoặc|,\s*và)\s*(?:(?:các\s+)?mô\s+hình(?:\s+điểm)?\s*)?$", re.IGNORECASE)
_INTRO = re.compile(r"(?:như|gồm|là)\s*:?\s*$", re.IGNORECASE)
_COUNT_BEFORE = re.compile(r"\d[\d.,]*\s+[^\d“”\"]{1,40}?\s*$")
_PLACE_AFTER = re.compile(
    r"^\s*(?:được\s+|đã\s+)?(?:xây\s+dựng|triển\s+khai|nhân\s+rộng|thực\s+hiện|duy\s+trì|ra\s+mắt|lắp\s+đặt|"
    r"hoạt\s+động)?\s*(?:tại|ở|trên|ra|đến)\s", re.IGNORECASE)
_BLOCKERS = re.compile(r"(?:phong\s+trào|tiêu\s+chuẩn|chuẩn|danh\s+hiệu|khẩu\s+hiệu|chủ\s+đề|cuộc\s+thi)\s*$",
                       re.IGNORECASE)
_UNQUOTED_STOP = re.compile(
    r"\s+(?:được|đã|đang|sẽ|tại|ở|trên|trong|của|do|nhằm|là|có|cho|góp\s+phần|phát\s+huy|từ|theo|này|đó|"
    r"đến|nhận|không|cần|với|để|thì|mà|vào|ra|gồm|qua|tiếp\s+tục|hoạt\s+động)(?=\s|$)|\s*[.;:()“”\"’?!]|\s+-\s|$",
    re.IGNORECASE)
_SPLIT = re.compile(r"\s*,\s*|\s+và\s+")
MAX_UNQUOTED_WORDS = 12


@dataclass
class Model:
    name: str
    canonical: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"name": self.name, "canonical": self.canonical, "aliases": self.aliases,
                "mentions": [[m.start, m.end] for m in self.mentions]}


@dataclass
class ModelMention:
    name: str
    start: int
    end: int
    quoted: bool


@lru_cache(maxsize=1)
def head_nouns() -> tuple[str, ...]:
    return tuple(sorted(read_list("model_heads.txt"), key=len, reverse=True))


def _opens_name(text: str) -> bool:
    if not text or not text[0].isalpha():
        return False
    if text[0].isupper() and not text.split()[0].isupper():
        return True
    lowered = text.lower()
    return any(lowered.startswith(h + " ") or lowered == h for h in head_nouns())


def _clean(name: str) -> str:
    return " ".join(name.split()).strip(" ,;:.-–")


def _quoted_mentions(sentence: Span, about_models: bool = False) -> list[ModelMention]:
    text = sentence.text
    found: list[ModelMention] = []
    first_trigger = TRIGGER.search(text)
    last_end = None
    for m in QUOTED.finditer(text):
        name = _clean(m.group(1))
        before = text[:m.start()]
        if not _plausible_name(name) or _BLOCKERS.search(before):
            continue
        direct = bool(_DIRECT.search(before))
        listed = last_end is not None and bool(_LIST_GAP.match(text[last_end:m.start()]))
        capitalized = name[0].isupper()
        in_context = first_trigger is not None and first_trigger.start() < m.start() and (
            _INTRO.search(before) or _COUNT_BEFORE.search(before[-60:])
            or (capitalized and _PLACE_AFTER.match(text[m.end():]))
            or (last_end is not None and re.fullmatch(r"[^“”\"]{0,80}[;,]\s*", text[last_end:m.start()]))
        )
        counted = capitalized and about_models and len(name.split()) >= 2 and _COUNTED_NAME.search(before[-40:])
        if direct or listed or in_context or counted:
            found.append(ModelMention(name, sentence.start + m.start(1), sentence.start + m.start(1) + len(name), True))
            last_end = m.end()
    return found


def _unclosed_mentions(sentence: Span, taken: list[tuple[int, int]]) -> list[ModelMention]:
    text, found = sentence.text, []
    for m in UNCLOSED.finditer(text):
        start = sentence.start + m.start()
        if any(a - 1 <= start < b for a, b in taken) or not _DIRECT.search(text[:m.start()]):
            continue
        name = _clean(m.group(1))
        if _plausible_name(name) and '”' not in text[m.end():m.end() + 2]:
            found.append(ModelMention(name, sentence.start + m.start(1), sentence.start + m.start(1) + len(name), True))
    return found


def _unquoted_mentions(sentence: Span) -> list[ModelMention]:
    text, found = sentence.text, []
    for trig in TRIGGER.finditer(text):
        rest = text[trig.end():]
        lead = len(rest) - len(rest.lstrip(" :"))
        rest = rest[lead:]
        if not _opens_name(rest) or rest[:1] in "“\"'‘«" or _DIRECT.search(text[:trig.end() + lead + _head_len(rest)]) \
                and rest[_head_len(rest):].lstrip()[:1] in "“\"«":
            continue
        stop = _UNQUOTED_STOP.search(rest)
        phrase = rest[:stop.start()] if stop else rest
        offset = sentence.start + trig.end() + lead
        for part in _split_list(phrase):
            name, at = part
            if _plausible_name(name) and len(name.split()) <= MAX_UNQUOTED_WORDS:
                found.append(ModelMention(name, offset + at, offset + at + len(name), False))
    return found


def _head_len(text: str) -> int:
    lowered = text.lower()
    return next((len(h) for h in head_nouns() if lowered.startswith(h + " ")), 0)


def _split_list(phrase: str) -> list[tuple[str, int]]:
    """ "tổ liên gia phòng cháy, chữa cháy và chung cư an toàn" -> two names: split only
    where the next piece opens a new name."""
    parts, start = [], 0
    for sep in _SPLIT.finditer(phrase):
        if _opens_name(phrase[sep.end():]):
            parts.append((phrase[start:sep.start()], start))
            start = sep.end()
    parts.append((phrase[start:], start))
    return [(_clean(p), at + (len(p) - len(p.lstrip()))) for p, at in parts if _clean(p)]


def _plausible_name(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 30 and any(c.isalpha() for c in name) and not name[0].isdigit()


def find_model_mentions(sentences: list[Span]) -> list[ModelMention]:
    mentions = []
    about_models = any(TRIGGER.search(s.text) for s in sentences)
    for sentence in sentences:
        quoted = _quoted_mentions(sentence, about_models)
        taken = [(m.start, m.end) for m in quoted]
        quoted += _unclosed_mentions(sentence, taken)
        taken = [(m.start - 1, m.end + 1) for m in quoted]
        unquoted = [m for m in _unquoted_mentions(sentence) if not any(a <= m.start < b for a, b in taken)]
        mentions.extend(sorted(quoted + unquoted, key=lambda m: m.start))
    return _known_names_again(sentences, mentions)


def _known_names_again(sentences: list[Span], mentions: list[ModelMention]) -> list[ModelMention]:
    """A name the document calls a model once is that model wherever it is quoted."""
    known = {match_key(m.name) for m in mentions}
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for sentence in sentences:
        for m in QUOTED.finditer(sentence.text):
            name = _clean(m.group(1))
            start = sentence.start + m.start(1)
            if not _overlaps(start, taken) and match_key(name) in known and not _BLOCKERS.search(sentence.text[:m.start()]):
                extra.append(ModelMention(name, start, start + len(name), True))
    taken += [(m.start, m.end) for m in extra]
    extra += _unquoted_known(sentences, mentions, taken)
    return sorted(mentions + extra, key=lambda m: m.start)


_SHORT_FORMS = [(re.compile(r"an\s+ninh,?\s+trật\s+tự", re.IGNORECASE), "ANTT"),
                (re.compile(r"phòng\s+cháy,?\s+chữa\s+cháy", re.IGNORECASE), "PCCC"),
                (re.compile(r"an\s+ninh\s+Tổ\s+quốc", re.IGNORECASE), "ANTQ")]


def abbreviate(name: str) -> str:
    """The short form texts use for a name: "… về an ninh, trật tự" -> "… về ANTT"."""
    for pattern, short in _SHORT_FORMS:
        name = pattern.sub(short, name)
    return name


def _overlaps(start: int, taken: list[tuple[int, int]]) -> bool:
    return any(a - 1 <= start < b + 1 for a, b in taken)


@lru_cache(maxsize=1)
def known_models() -> tuple[str, ...]:
    return tuple(read_list("known_models.txt"))


def _unquoted_known(sentences: list[Span], mentions: list[ModelMention], taken) -> list[ModelMention]:
    """ "duy trì 126 Tổ liên gia tự quản về ANTT": a capitalized model name written without quotes,
    named so elsewhere in the text or a widely known model."""
    names = {m.name for m in mentions if m.name[:1].isupper() and len(m.name.split()) >= 3}
    if any(TRIGGER.search(s.text) for s in sentences):
        names |= set(known_models())
    names |= {abbreviate(n) for n in names}
    if not names:
        return []
    alternatives = [r"\s+".join(map(re.escape, n.split())) for n in sorted(names, key=len, reverse=True)]
    pattern = re.compile(r"(?<![\w“\"«‘])(" + "|".join(alternatives) + r")(?![\w”\"»’])")
    found = []
    for sentence in sentences:
        for m in pattern.finditer(sentence.text):
            start = sentence.start + m.start()
            if not _overlaps(start, taken):
                found.append(ModelMention(" ".join(m.group(1).split()), start, start + len(m.group(1)), False))
    return found


def same_model(a: str, b: str) -> bool:
    """Variant spellings of one model: equal keys, one a word-prefix of the other,
    or the same opening words and nearly the same vocabulary."""
    ka, kb = match_key(a), match_key(b)
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    if len(short.split()) >= 2 and long.startswith(short + " "):
        return True
    wa, wb = ka.split(), kb.split()
    return wa[:3] == wb[:3] and len(wa) >= 3 and fuzz.token_set_ratio(ka, kb) >= 85


def group_models(mentions: list[ModelMention], text: str) -> list[Model]:
    models: list[Model] = []
    for mention in mentions:
        span = Span(mention.start, mention.end, text[mention.start:mention.end])
        model = next((m for m in models if any(same_model(f, mention.name) for f in [m.name, *m.aliases])), None)
        if model is None:
            models.append(Model(mention.name, canonical(mention.name), [], [span]))
            continue
        model.mentions.append(span)
        if mention.name != model.name and mention.name not in model.aliases:
            model.aliases.append(mention.name)
    return models
