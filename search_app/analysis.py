"""Vietnamese analysis for the index: NFC, lower case, one tone-mark placement,
no English stop words ("an" in "an ninh" and "Nghệ An" is a word), and an
accent-free twin so queries typed without diacritics match."""
from __future__ import annotations

import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

from nlp.normalize import fold, nfc, unify_tones

WORD_PATTERN = re.compile(r"\w+(?:[./-]\w+)*", re.UNICODE)


class VietnameseFilter(Filter):
    """NFC and new-style tone placement, keeping character offsets for highlighting."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = unify_tones(nfc(token.text))
            yield token


class FoldFilter(Filter):
    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


def text_analyzer():
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | VietnameseFilter()


def folded_analyzer():
    return text_analyzer() | FoldFilter()


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()
