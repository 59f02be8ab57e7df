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
from typing import NamedTuple

from nlp.normalize import fold, nfc, unify_tones

WORD_PATTERN = re.compile(r"\w+(?:[./-]\w+)*", re.UNICODE)
# A pair never spans punctuation: "an ninh, trật tự" gives no "ninh_trat".
_CHUNK_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’«»…|•–—\n]+")
PAIR_JOINER = "_"
# Words, and the punctuation a pair may not span, in one scan of a text: a break is an empty
# word. ("." breaks, so only "/" and "-" join parts of a word here, as after splitting at breaks.)
_WORDS_AND_BREAKS = re.compile(r"(\w+(?:[/-]\w+)*)|" + _CHUNK_BREAK.pattern)


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


class _WordForms(dict):
    """Each word as written (NFC) -> (normalized, folded). Tone placement, case and diacritics
    are properties of a word, so a text is normalized a word at a time, and a word already
    seen (most of them: the vocabulary is small) costs one dictionary lookup."""

    LIMIT = 200_000  # numbers and codes make the vocabulary open-ended

    def __missing__(self, word: str) -> tuple[str, str]:
        if len(self) >= self.LIMIT:
            self.clear()
        normalized = normalize(word)
        forms = self[word] = (normalized, normalized.translate(_fold_table()))
        return forms


_FORMS = _WordForms()


class Analysis(NamedTuple):
    terms: Counter      # folded syllables and pairs
    accented: Counter   # syllables that have diacritics, as written


@lru_cache(maxsize=4)  # the folded and the as-written field of one document are fed the same text
def analyzed(text: str) -> Analysis:
    """The terms of a text for both its fields, in one pass over its words."""
    forms = [_FORMS[token] for token in _WORDS_AND_BREAKS.findall(nfc(text))]
    folded = [f for _, f in forms]
    counts = Counter(folded)
    del counts[""]  # the breaks
    counts.update([a + PAIR_JOINER + b for a, b in zip(folded, folded[1:]) if a and b])
    return Analysis(counts, Counter([n for n, f in forms if n != f]))


def is_pair(term: str) -> bool:
    return PAIR_JOINER in term
