"""Named models ("mô hình"): quoted and unquoted names, lists of models, and
the grouping of one model's variant spellings in a document."""
from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from nlp.normalize import canonical, fold, match_key, unify_tones
from nlp.resources import read_list
from nlp.scan import finditer_where, ignorecase_opener, last_words_start
from nlp.segment import Span

TRIGGER = re.compile(r"(?<!\w)mô\s+hình(?!\w)", re.IGNORECASE)
# Words that, like "mô hình", announce a quoted name: "sáng kiến “X”", "cách làm “X”".
_CUE = r"(?<!\w)(?:mô\s+hình|sáng\s+kiến|cách\s+làm)(?!\w)"
CUE = re.compile(_CUE, re.IGNORECASE)
# Where TRIGGER and CUE can start (nlp.scan): with IGNORECASE they try every position of a sentence.
_TRIGGER_OPENER = ignorecase_opener(["mô"], r"\s")
_CUE_OPENER = ignorecase_opener(["mô", "sáng", "cách"], r"\s")


def _triggers(text: str):
    """TRIGGER.finditer(text), tried only where "mô hình" can start."""
    return finditer_where(TRIGGER, text, _TRIGGER_OPENER)


def _has_trigger(text: str) -> bool:
    return _TRIGGER_OPENER.search(text) is not None and next(_triggers(text), None) is not None
QUOTED = re.compile(r"[“\"«‘]\s*((?:[^“”\"«»‘’\n]|\n(?!\s*\n)){2,200}?)\s*[”\"»’]")
# Typographic pairs; straight quotes open and close alike, so they never prove that a run is quoted.
_PAIRS = {"“": "”", "«": "»", "‘": "’"}
# Words that make a run of text a clause, not a name ("… được lắp tại 5 điểm"): a run quoted with
# marks that do not pair, or a long one, is no name when it has one, and an unclosed name stops there.
_CLAUSE = r"được|đã|đang|sẽ|bị|góp\s+phần|nhằm|giúp|thì|mà|nên|phải|cần"
_CLAUSE_WORD = re.compile(rf"(?<!\w)(?:{_CLAUSE})(?!\w)", re.IGNORECASE)
# Never inside a name, however quoted: a sentence break, the trigger itself, a connective opening it.
_NOT_IN_NAME = re.compile(r"[.!?;:]\s|(?<!\w)mô\s+hình(?!\w)|^(?:và|của|với|tại|ở|cho|trong)(?!\w)", re.IGNORECASE)
MAX_CLAUSE_FREE_WORDS = 8   # a properly paired name may hold "được" only when it is short
UNCLOSED = re.compile(rf"[“«]\s*([^“”\"«»\n]{{2,120}}?)(?=\s+(?:tại|ở|trên\s+địa\s+bàn|mô\s+hình|{_CLAUSE})(?!\w)"
                      r"|\s*[;,.(:!?]|$)", re.IGNORECASE)
# Words that never qualify "mô hình" before its quoted name ("mô hình điểm “X”", "mô hình kiểu mới “X”"
# do): connectives, determiners, verbs, and verbs of awards ("mô hình nhận “Bằng khen”").
_NOT_QUALIFIER = (r"và|hoặc|của|với|cho|tại|ở|trong|theo|là|có|này|đó|như|gồm|về|do|bởi|từ|để|các|những|một|"
                  rf"nhận|đạt|giành|đoạt|tặng|trao|vinh\s+danh|mô\s+hình|{_CLAUSE}")
_DIRECT = re.compile(rf"{_CUE}(?:\s+(?!(?:{_NOT_QUALIFIER})(?!\w))[^\W\d_]+){{0,3}}\s*:?\s*$", re.IGNORECASE)
# "48 “Tổ đoàn kết tàu thuyền an toàn”", "12 nhóm “Zalo an ninh trật tự”", "các “Tổ …”": a counted,
# capitalized name in a document about models.
_COUNTED_NAME = re.compile(r"(?:\d[\d.,]*|các|những)\s+(?:[^\W\d_]+\s+){0,2}$", re.IGNORECASE)
_LIST_GAP = re.compile(r"^\s*(?:,|;|và|hoặc|,\s*và)\s*(?:(?:các\s+)?mô\s+hình(?:\s+điểm)?\s*)?$", re.IGNORECASE)
_INTRO = re.compile(r"(?:như|gồm|là|có(?=\s*:))\s*:?\s*$", re.IGNORECASE)
_AFTER_LA = re.compile(r"(?<!\w)là\s*:?\s*$", re.IGNORECASE)
_COUNT_BEFORE = re.compile(r"\d[\d.,]*\s+[^\d“”\"]{1,40}?\s*$")
_PLACE_AFTER = re.compile(
    r"^\s*(?:được\s+|đã\s+)?(?:xây\s+dựng|triển\s+khai|nhân\s+rộng|thực\s+hiện|duy\s+trì|ra\s+mắt|lắp\s+đặt|"
    r"hoạt\s+động)?\s*(?:tại|ở|trên|ra|đến)\s", re.IGNORECASE)
# Quotes after these are slogans, titles, newspapers or speech, not model names.
_BLOCKERS = re.compile(
    r"(?:phong\s+trào|tiêu\s+chuẩn|chuẩn|danh\s+hiệu|khẩu\s+hiệu|phương\s+châm|thông\s+điệp|chủ\s+đề|cuộc\s+thi|"
    r"báo|tạp\s+chí|chuyên\s+mục|bản\s+tin|giải\s+thưởng|bằng\s+khen|giấy\s+khen|cờ\s+thi\s+đua|hội\s+thi|"
    r"(?:đạt|đoạt|giành)\s+giải(?:\s+[^\W\d_]+)?|"
    r"(?:nói|cho\s+biết|chia\s+sẻ|khẳng\s+định|phát\s+biểu|nhấn\s+mạnh)\s*:)"
    r"\s*$", re.IGNORECASE)
BLOCKER_WORDS = 3  # the most words a _BLOCKERS match spans ("cờ thi đua", "đạt giải nhất", "khẳng định :")
DIRECT_WORDS = 6  # and a _DIRECT one: the cue's two, three qualifying words, a colon


def _after_blocker(before: str) -> bool:
    return bool(_BLOCKERS.search(before, last_words_start(before, BLOCKER_WORDS)))


def _directly_after_cue(before: str) -> bool:
    return bool(_DIRECT.search(before, last_words_start(before, DIRECT_WORDS)))


_UNQUOTED_STOP = re.compile(
    r"\s+(?:được|đã|đang|sẽ|tại|ở|trên|trong|của|do|nhằm|là|(?<!không\s)có|cho|góp\s+phần|phát\s+huy|từ|theo|"
    r"này|đó|đến|nhận|không(?!\s+có)|cần|với|để|thì|mà|vào|ra|gồm|qua|tiếp\s+tục|hoạt\s+động|giúp|"
    r"mang\s+lại|đem\s+lại|trở\s+thành)(?=\s|$)"
    # the next "mô hình" of a list opens the next name
    r"|\s*[,;]?\s+(?:và\s+|hoặc\s+)?(?:các\s+)?mô\s+hình(?!\w)"
    r"|\s*[.;:()“”\"’?!]|\s+-\s|$",
    re.IGNORECASE)
# "mô hình điểm “X”", "mô hình tổ “X”": a few words that qualify a quoted name are not a name.
_QUALIFIES_QUOTE = re.compile(r"(?:(?!(?:và|hoặc)\s)[^\s,;.“”\"]+\s+){1,3}[“\"«‘]", re.IGNORECASE)
_SPLIT = re.compile(r"\s*,\s*|\s+và\s+")
# "“3 không”", "“4 an toàn”": a small number opening a name, not a quoted figure like "“100%”".
_NUMBERED = re.compile(r"\d{1,2}\s+[^\W\d_]")
MAX_UNQUOTED_WORDS = 12
MAX_UNCLOSED_WORDS = 12


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
    written: str = ""   # the bare noun as written ("Camera") when name is the model it stands for

    @property
    def form(self) -> str:
        return self.written or self.name


@lru_cache(maxsize=1)
def head_nouns() -> tuple[str, ...]:
    return tuple(sorted(read_list("model_heads.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Vietnamese words (underthesea's Viet74K list), to tell a head noun used as a word ("tổ liên
    gia") from the first syllable of another word ("tổ chức", "đội ngũ"). Empty when it is missing."""
    spec = importlib.util.find_spec("underthesea")
    path = Path(spec.origin).parent / "corpus" / "data" / "Viet74K.txt" if spec and spec.origin else None
    if path is None or not path.exists():
        return frozenset()
    words = unify_tones(path.read_text(encoding="utf-8").lower())  # one pass over the file is fast
    return frozenset(line.strip() for line in words.splitlines() if " " in line.strip())


def _syllables(text: str) -> list[str]:
    return unify_tones(text.lower()).replace(",", " ").split()


def _head_word(lowered: str) -> str | None:
    """The head noun a lower-case phrase opens with, if its syllables do not run on into a
    longer word: "tổ liên gia …" -> "tổ", "tổ chức mới" -> None."""
    head = next((h for h in head_nouns() if lowered == h or lowered.startswith(h + " ")), None)
    if head is None:
        return None
    syllables, size = _syllables(lowered), len(head.split())
    for longer in range(min(len(syllables), size + 3), size, -1):
        word = " ".join(syllables[:longer])
        if word in head_nouns():
            return word
        # "tổ phụ nữ": "tổ phụ" is a word, but "phụ nữ" reaches further, so "tổ" stands alone.
        if word in dictionary_words() and not _word_runs_on(syllables, size, longer):
            return None
    return head


def _word_runs_on(syllables: list[str], start: int, end: int) -> bool:
    """Whether a dictionary word opens at syllables[start] and goes on past syllables[end - 1]."""
    reach = min(len(syllables), start + 4)
    return any(" ".join(syllables[start:k]) in dictionary_words() for k in range(end + 1, reach + 1))


def _opens_name(text: str) -> bool:
    if not text or not text[0].isalpha():
        return False
    if text[0].isupper() and not text.split()[0].isupper():
        return True
    return _head_word(text.lower()) is not None


def _clean(name: str) -> str:
    return " ".join(name.split()).strip(" ,;:.-–")


def _plausible_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 30 or not any(c.isalpha() for c in name) or _generic(name):
        return False
    return not name[0].isdigit() or bool(_NUMBERED.match(name))


def _generic(name: str) -> bool:
    """A lower-case phrase of one or two common words that opens with no head noun is a description,
    not a name: "mắt xích quan trọng", "tổ chức mới", "điểm nóng". Names that list qualities
    ("tự phòng, tự quản") have commas and are kept."""
    if not name[:1].islower() or "," in name or _head_word(name.lower()):
        return False
    return len(_dictionary_segments(_syllables(name))) <= 2


def _dictionary_segments(syllables: list[str]) -> list[str]:
    """Greedy longest-match split into dictionary words (a syllable not in one stands alone)."""
    words, i = [], 0
    while i < len(syllables):
        size = next((k for k in range(min(4, len(syllables) - i), 1, -1)
                     if " ".join(syllables[i:i + k]) in dictionary_words()), 1)
        words.append(" ".join(syllables[i:i + size]))
        i += size
    return words


@lru_cache(maxsize=8192)
def bare(name: str) -> bool:
    """A bare noun ("camera", "Camera", "tổ"): a short form of a model at best, never a model by itself."""
    key = match_key(name)
    return len(key.split()) == 1 or key in _head_keys()


@lru_cache(maxsize=1)
def _head_keys() -> frozenset[str]:
    return frozenset(fold(h) for h in head_nouns())


def _titled(name: str) -> bool:
    return name[:1].isupper() or name[:1].isdigit()


@lru_cache(maxsize=512)  # three passes read each sentence's quotes
def _quote_pairs(text: str) -> tuple[re.Match, ...]:
    """Quoted runs. A run that reads as a clause ("“Camera an ninh được lắp … ”", or a stray mark
    pairing with a later one) is no quoted name: the scan retries from inside it, and its opening
    mark counts as unclosed."""
    pairs, pos = [], 0
    while (m := QUOTED.search(text, pos)) is not None:
        if _reads_as_clause(_clean(m.group(1)), _PAIRS.get(text[m.start()]) == text[m.end() - 1]):
            pos = m.start() + 1
            continue
        pairs.append(m)
        pos = m.end()
    return tuple(pairs)


def _reads_as_clause(run: str, paired: bool) -> bool:
    if _NOT_IN_NAME.search(run):
        return True
    return bool(_CLAUSE_WORD.search(run)) and (not paired or len(run.split()) > MAX_CLAUSE_FREE_WORDS)


def _quoted_mentions(sentence: Span, about_models: bool = False) -> list[ModelMention]:
    text = sentence.text
    found: list[ModelMention] = []
    pairs = _quote_pairs(text)
    if not pairs:  # (most sentences quote nothing: no cue to look for)
        return found
    first_cue = next(finditer_where(CUE, text, _CUE_OPENER), None) if _CUE_OPENER.search(text) else None
    last_end = None
    for m in pairs:
        name = _clean(m.group(1))
        before = text[:m.start()]
        if not _plausible_name(name) or _after_blocker(before):
            continue
        if _accept_quoted(text, m, name, before, last_end, first_cue, about_models):
            found.append(ModelMention(name, sentence.start + m.start(1), sentence.start + m.start(1) + len(name), True))
            last_end = m.end()
    return found


def _accept_quoted(text, m, name, before, last_end, first_cue, about_models) -> bool:
    """Direct ("mô hình “X”"), listed after an accepted name, counted, or in context after an earlier
    cue. After "là" a lower-case quote is a figure of speech ("gọi là “cánh tay nối dài”")."""
    if _directly_after_cue(before) or (last_end is not None and _LIST_GAP.match(text[last_end:m.start()])):
        return True
    if _titled(name) and about_models and len(name.split()) >= 2 and _COUNTED_NAME.search(before[-40:]):
        return True
    if first_cue is None or first_cue.start() >= m.start():
        return False
    if _AFTER_LA.search(before) and not _titled(name):
        return False
    return bool(_INTRO.search(before) or _COUNT_BEFORE.search(before[-60:])
                or (_titled(name) and _PLACE_AFTER.match(text[m.end():]))
                or (last_end is not None and re.fullmatch(r"[^“”\"]{0,80}[;,]\s*", text[last_end:m.start()])))


_OPENING_MARK = re.compile(r"[“«]")


def _unclosed_mentions(sentence: Span, taken: list[tuple[int, int]]) -> list[ModelMention]:
    """“X with no closing mark: the name runs to the first clause word or punctuation, or is not taken."""
    text, found = sentence.text, []
    if "“" not in text and "«" not in text:
        return found
    closed = {m.start() for m in _quote_pairs(text)}
    if all(mark.start() in closed for mark in _OPENING_MARK.finditer(text)):
        return found  # UNCLOSED opens with one of these marks: every match would open a closed pair
    for m in UNCLOSED.finditer(text):
        start = sentence.start + m.start()
        before = text[:m.start()]
        if m.start() in closed or any(a - 1 <= start < b for a, b in taken) or not _directly_after_cue(before) \
                or _after_blocker(before):
            continue
        name = _clean(m.group(1))
        if _plausible_name(name) and len(name.split()) <= MAX_UNCLOSED_WORDS:
            found.append(ModelMention(name, sentence.start + m.start(1), sentence.start + m.start(1) + len(name), True))
    return found


def _unquoted_mentions(sentence: Span) -> list[ModelMention]:
    """ "mô hình Dòng họ tự quản, mô hình Cụm …": a name that opens right after "mô hình" runs to the
    first word of a predicate, punctuation, or the next "mô hình" of a list."""
    text, found = sentence.text, []
    if _TRIGGER_OPENER.search(text) is None:
        return found
    for trig in _triggers(text):
        rest = text[trig.end():]
        lead = len(rest) - len(rest.lstrip(" :"))
        rest = rest[lead:]
        if not _opens_name(rest) or _QUALIFIES_QUOTE.match(rest):
            continue
        stop = _UNQUOTED_STOP.search(rest)
        phrase = rest[:stop.start()] if stop else rest
        offset = sentence.start + trig.end() + lead
        for name, at in _split_list(phrase):
            if _plausible_name(name) and len(name.split()) <= MAX_UNQUOTED_WORDS:
                found.append(ModelMention(name, offset + at, offset + at + len(name), False))
    return found


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


def find_model_mentions(sentences: list[Span]) -> list[ModelMention]:
    mentions = []
    about_models = any(_has_trigger(s.text) for s in sentences)
    for sentence in sentences:
        quoted = _quoted_mentions(sentence, about_models)
        taken = [(m.start, m.end) for m in quoted]
        quoted += _unclosed_mentions(sentence, taken)
        taken = [(m.start - 1, m.end + 1) for m in quoted]
        unquoted = [m for m in _unquoted_mentions(sentence) if not any(a <= m.start < b for a, b in taken)]
        mentions.extend(sorted(quoted + unquoted, key=lambda m: m.start))
    return _without_stray_bare(_known_names_again(sentences, mentions, about_models))


def _without_stray_bare(mentions: list[ModelMention]) -> list[ModelMention]:
    """A bare noun ("mô hình camera") stays only as the short form of exactly one model of the text,
    and then carries that model's name, so that a count it states counts that model."""
    if not any(bare(m.name) for m in mentions):
        return mentions
    clusters = _clusters([m.name for m in mentions])
    full: dict[int, str] = {}
    for m, c in zip(mentions, clusters):
        if not bare(m.name):
            full.setdefault(c, m.name)
    return [m if not bare(m.name) else ModelMention(full[c], m.start, m.end, m.quoted, written=m.name)
            for m, c in zip(mentions, clusters) if c in full]


def _known_names_again(sentences: list[Span], mentions: list[ModelMention],
                       about_models: bool | None = None) -> list[ModelMention]:
    """A name the document calls a model once is that model wherever it is quoted."""
    known = {match_key(m.name) for m in mentions if not bare(m.name)}
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for sentence in sentences:
        for m in _quote_pairs(sentence.text):
            name = _clean(m.group(1))
            start = sentence.start + m.start(1)
            if not _overlaps(start, taken) and match_key(name) in known and not _after_blocker(sentence.text[:m.start()]):
                extra.append(ModelMention(name, start, start + len(name), True))
    taken += [(m.start, m.end) for m in extra]
    extra += _unquoted_known(sentences, mentions, taken, about_models)
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


def _unquoted_known(sentences: list[Span], mentions: list[ModelMention], taken,
                    about_models: bool | None = None) -> list[ModelMention]:
    """ "duy trì 126 Tổ liên gia tự quản về ANTT": a capitalized model name written without quotes,
    named so elsewhere in the text or a widely known model. about_models: whether a sentence says
    "mô hình" (worked out when not given)."""
    names = {m.name for m in mentions if m.name[:1].isupper() and len(m.name.split()) >= 3}
    if about_models is None:
        about_models = any(_has_trigger(s.text) for s in sentences)
    if about_models:
        names |= set(known_models())
    names |= {abbreviate(n) for n in names}
    if not names:
        return []
    pattern, opener = _names_pattern(frozenset(names))
    found = []
    for sentence in sentences:
        for m in finditer_where(pattern, sentence.text, opener):
            start = sentence.start + m.start()
            if not _overlaps(start, taken):
                found.append(ModelMention(" ".join(m.group(1).split()), start, start + len(m.group(1)), False))
    return found


@lru_cache(maxsize=256)  # the known models recur in every document
def _names_pattern(names: frozenset[str]) -> tuple[re.Pattern, re.Pattern]:
    """The names as whole words, longest first; and their bare alternation, which finds where one can
    start much faster (see nlp.scan)."""
    alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(r"(?<![\w“\"«‘])(" + alternatives + r")(?![\w”\"»’])"), re.compile(alternatives)


# --- one model, several spellings ------------------------------------------------------------------
_NEGATIONS = {"khong", "chua", "chang"}
MIN_WORDS_FOR_INSERTION = 6


@lru_cache(maxsize=8192)
def _short_key(name: str) -> tuple[str, ...]:
    """Words of a name with its domain phrases abbreviated ("về an ninh trật tự" -> "ve antt"), so
    that a shared generic tail does not make two names look alike."""
    return tuple(fold(re.sub(r"[^\w%]+", " ", abbreviate(canonical(name)))).split())


def one_word_inserted(a: str, b: str) -> bool:
    """ "Tổ tự quản đường biên, mốc quốc giới" / "Tổ nhân dân tự quản đường biên, mốc quốc giới":
    the longer name is the shorter with one word (one or two syllables, not a negation) inserted after
    its head, and the shorter is long enough that one word more makes a variant, not another model."""
    short, long = sorted((_short_key(a), _short_key(b)), key=len)
    extra = len(long) - len(short)
    if not 1 <= extra <= 2 or len(short) < MIN_WORDS_FOR_INSERTION:
        return False
    start = next((i for i, (x, y) in enumerate(zip(short, long)) if x != y), len(short))
    inserted = long[start:start + extra]
    return start >= 1 and long[start + extra:] == short[start:] and not _NEGATIONS & set(inserted)


def _variants(a: str, b: str) -> bool:
    """Spellings of one model: equal keys, a word inserted, or the same opening words and nearly the
    same vocabulary."""
    ka, kb = match_key(a), match_key(b)
    if ka == kb or one_word_inserted(a, b):
        return True
    wa, wb = ka.split(), kb.split()
    # One name's words all within the other's is a short form or an insertion, judged above and
    # in short_form(); token_set_ratio would call it 100 and join "Tổ tự quản" to any "Tổ tự quản …".
    nested = set(wa) <= set(wb) or set(wb) <= set(wa)
    # "Tổ hòa giải 3 giỏi" / "Tổ hòa giải 5 giỏi", "… số 1" / "… số 2": numbers tell models apart.
    numbered_apart = [w for w in wa if w.isdigit()] != [w for w in wb if w.isdigit()]
    return not nested and not numbered_apart and wa[:3] == wb[:3] and len(wa) >= 3 \
        and fuzz.token_set_ratio(ka, kb) >= 85


def short_form(short: str, long: str) -> bool:
    """The words of short open long: "Camera" / "Camera an ninh", "Tổ liên gia tự quản" / "… về ANTT"."""
    ks, kl = match_key(short), match_key(long)
    return len(ks) < len(kl) and kl.startswith(ks + " ")


def same_model(a: str, b: str) -> bool:
    """Variant spellings of one model, or one a short form of the other. group_models takes a short
    form into a longer model only when it opens exactly one model of the text."""
    return _variants(a, b) or short_form(a, b) or short_form(b, a)


def _clusters(names: list[str]) -> list[int]:
    """A cluster number per name: variants first, then each short form joins the one cluster it
    opens ("Camera" joins "Camera an ninh" unless "Camera giám sát" is named too)."""
    distinct = list(dict.fromkeys(names))
    cluster: list[int] = []
    for i, name in enumerate(distinct):
        cluster.append(next((cluster[j] for j in range(i) if _variants(distinct[j], name)), i))
    longest = {c: max(len(match_key(n)) for n, k in zip(distinct, cluster) if k == c) for c in set(cluster)}
    for c in sorted(longest, key=lambda c: -longest[c]):
        members = [n for n, k in zip(distinct, cluster) if k == c]
        opened = {k for other, k in zip(distinct, cluster) if k != c and any(short_form(n, other) for n in members)}
        if len(opened) == 1:
            target = opened.pop()
            cluster = [target if k == c else k for k in cluster]
    of_name = dict(zip(distinct, cluster))
    return [of_name[n] for n in names]


def group_models(mentions: list[ModelMention], text: str) -> list[Model]:
    clusters = _clusters([m.form for m in mentions])
    models: dict[int, Model] = {}
    for mention, c in zip(mentions, clusters):
        span = Span(mention.start, mention.end, text[mention.start:mention.end])
        model = models.setdefault(c, Model(mention.form, canonical(mention.form)))
        model.mentions.append(span)
        if mention.form != model.name and mention.form not in model.aliases:
            model.aliases.append(mention.form)
    return [_named_in_full(m) for m in models.values() if not all(bare(n) for n in [m.name, *m.aliases])]


def _named_in_full(model: Model) -> Model:
    """A model first written as a bare short form ("mô hình Camera") takes its full name."""
    if not bare(model.name):
        return model
    full = next(a for a in model.aliases if not bare(a))
    aliases = [model.name] + [a for a in model.aliases if a != full]
    return Model(full, canonical(full), aliases, model.mentions)
