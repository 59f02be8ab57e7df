"""Vietnamese analysis for the index and the queries.

Text is NFC, lower case, with one tone-mark placement ("hoà" = "hòa"); there
are no stop words ("an" in "an ninh" and "Nghệ An" is a word). Every text is
indexed twice: as written and folded (no diacritics, đ -> d), so queries typed
without accents match while accented queries rank exact forms first.

Vietnamese words are several syllables, so besides syllables each field holds
the pairs of neighbouring syllables ("an_ninh", "trat_tu"): a two-syllable
phrase is one term lookup, a longer phrase the intersection of its pairs.
Tokenizing is a regex over the whole text (C speed): the index is fed term
counts, not a token stream.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from nlp.normalize import fold, nfc, unify_tones

WORD_PATTERN = re.compile(r"\w+(?:[./-]\w+)*", re.UNICODE)
# A pair never spans punctuation: "an ninh, trật tự" gives no "ninh_trat".
_CHUNK_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’«»…|•–—\n]+")
PAIR_JOINER = "_"


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """One character in, one character out, so offsets in folded text are offsets in the original."""
    table = {}
    for code in range(0xC0, 0x1F00):
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded != char:
            table[code] = folded
    return table


def fold_chars(text: str) -> str:
    """Lower case without diacritics, keeping every character's offset (text must be NFC)."""
    return text.lower().translate(_fold_table())


def normalize(text: str) -> str:
    return unify_tones(nfc(text)).lower()


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


def syllables(text: str) -> list[str]:
    """Normalized syllables (and tokens like 111/2013) of a text."""
    return WORD_PATTERN.findall(normalize(text))


def chunks(text: str, folded: bool = False) -> list[list[str]]:
    """Syllables grouped by the punctuation between them."""
    text = normalize(text)
    if folded:
        text = text.translate(_fold_table())
    return [words for part in _CHUNK_BREAK.split(text) if (words := WORD_PATTERN.findall(part))]


def pairs(words: list[str]) -> list[str]:
    return [a + PAIR_JOINER + b for a, b in zip(words, words[1:])]


def term_counts(text: str, folded: bool) -> Counter:
    """Syllables and syllable pairs of a text with their frequencies."""
    if folded:
        return analyzed(text)[0]
    counts: Counter = Counter()
    for words in chunks(text):
        counts.update(words)
        counts.update(pairs(words))
    return counts


def accented_counts(text: str) -> Counter:
    """Syllables that have diacritics, as written, with their frequencies."""
    return analyzed(text)[1]


@lru_cache(maxsize=4)  # the folded and the as-written field of one document are fed the same text
def analyzed(text: str) -> tuple[Counter, Counter]:
    """(folded syllables and pairs, accented syllables as written) of a text, in one pass: the text is
    normalized and folded once. Folding maps one character to one, so the words of both line up."""
    normalized = normalize(text)
    folded = normalized.translate(_fold_table())
    counts: Counter = Counter()
    for part in _CHUNK_BREAK.split(folded):
        words = WORD_PATTERN.findall(part)
        if words:
            counts.update(words)
            counts.update(pairs(words))
    accented = Counter(w for w, f in zip(WORD_PATTERN.findall(normalized), WORD_PATTERN.findall(folded)) if w != f)
    return counts, accented


def is_pair(term: str) -> bool:
    return PAIR_JOINER in term
