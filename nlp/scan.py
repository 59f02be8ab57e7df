"""Faster scans with the same matches.

A pattern that opens with a look-behind ("(?<!\\w)(…)") keeps `re` from skipping ahead to the
characters a match can start with: the whole pattern is tried at every position of the text. Where a
simpler pattern without it finds every place a match can start (a run of digits, the bare alternation
of names), trying the full pattern only there gives the same matches for a fraction of the time.
(With re.IGNORECASE `re` cannot skip ahead either way, so these help case-sensitive patterns only.)
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache


def finditer_where(pattern: re.Pattern, text: str, opener: re.Pattern) -> Iterator[re.Match]:
    """The matches of pattern.finditer(text), for a pattern that can only start where `opener` matches
    (opener must find every such start: a necessary condition, tested first, from the left)."""
    pos = 0
    while pos <= len(text) and (candidate := opener.search(text, pos)) is not None:
        m = pattern.match(text, candidate.start())  # its look-behind still sees the text before
        if m and m.end() == m.start():
            yield from pattern.finditer(text, m.start())  # empty matches: finditer's own rules from here
            return
        if m:
            yield m
            pos = m.end()
        else:
            pos = candidate.start() + 1


def last_words_start(text: str, words: int) -> int:
    """Where the last `words` whitespace-separated words of a text start (0 when it has no more): a
    pattern bound to the text's end ($) whose matches span no more words need not be tried before."""
    head = text.rsplit(None, words)
    return len(head[0]) if len(head) > words else 0


_DIGITS = re.compile(r"\d\d*")  # (\d+: opening with a class lets re skip ahead to digits)


def finditer_at_digit_runs(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """The matches of pattern.finditer(text), for a pattern whose matches open with a digit that no word
    character precedes (it looks behind for none): tried only where a run of digits starts."""
    return finditer_at(pattern, text, (run.start() for run in _DIGITS.finditer(text)))


# Characters besides a letter's lower and upper case that match it under re.IGNORECASE (re matches "ſ" for
# "s", "K" (Kelvin) for "k", "İ" and "ı" for "i"); tests/test_nlp_speed_equivalence.py checks every letter
# an opener is built from against every code point.
_OTHER_CASES = {"i": "İı", "k": "\u212a", "s": "ſ"}


def _cases(char: str) -> str:
    return "".join(dict.fromkeys(char + char.lower() + char.upper() + _OTHER_CASES.get(char.lower(), "")))


def ignorecase_class(char: str) -> str:
    """A case-sensitive pattern for the characters `char` matches under re.IGNORECASE (at least those)."""
    cases = _cases(char)
    return re.escape(char) if len(cases) == 1 else "[" + "".join(map(re.escape, cases)) + "]"


def ignorecase_opener(words, after: str = "") -> re.Pattern:
    """A case-sensitive pattern that matches wherever one of the words (plain strings) starts under
    re.IGNORECASE and `after` (a pattern) follows it: where a word can start, for finditer_where. It reads
    one class for all first letters and then any word's rest, so it may also match elsewhere. Without
    IGNORECASE and opening with one class, `re` skips ahead to the characters a match can start with."""
    firsts = "".join(dict.fromkeys("".join(_cases(word[0]) for word in words)))
    rests = sorted({word[1:] for word in words}, key=len, reverse=True)
    return re.compile("[" + "".join(map(re.escape, firsts)) + "](?:"
                      + "|".join("".join(map(ignorecase_class, rest)) for rest in rests) + ")" + after)


@lru_cache(maxsize=None)
def exact_cases(char: str) -> str:
    """Exactly the characters re.IGNORECASE matches `char` with: those of _cases(char) it matches (_cases
    holds them all; tests/test_nlp_speed_equivalence.py checks every letter used against every code point)."""
    matcher = re.compile(re.escape(char), re.IGNORECASE)
    return "".join(c for c in _cases(char) if matcher.fullmatch(c))


def caseless_class(char: str) -> str:
    """A case-sensitive pattern matching exactly what re.escape(char) matches under re.IGNORECASE. Where an
    IGNORECASE alternation tries each branch in turn, branches opening with these are skipped in C at a
    glance (a plain literal or class), so the same strings match much faster."""
    cases = exact_cases(char)
    return re.escape(char) if len(cases) == 1 else "[" + "".join(map(re.escape, cases)) + "]"


class CaselessWords:
    """Where words may start under re.IGNORECASE, found with str.find on the lower-cased text: much faster
    than an opener's scan when common letters open the words. starts() gives every position where one of
    the words matches case-insensitively (and maybe others), or None when lower-casing the text does not map
    each of its characters to one character as re.IGNORECASE compares them (then scan as before)."""

    def __init__(self, words):
        self.words = tuple(dict.fromkeys(word.lower() for word in words))
        # Characters re.IGNORECASE matches a letter of the words with that lower() maps elsewhere ("ı" for
        # "i"; "İ" lower-cases to two characters): a text holding one is not searched this way.
        self.traps = tuple(sorted({c for word in self.words for letter in word for c in exact_cases(letter)
                                   if c.lower() != letter}))

    def starts(self, text: str, lowered: str | None = None) -> list[int] | None:
        """Sorted positions; lowered: text.lower(), when the caller has it."""
        if lowered is None:
            lowered = text.lower()
        if len(lowered) != len(text) or any(c in text for c in self.traps):
            return None
        found = set()
        for word in self.words:
            at = lowered.find(word)
            while at >= 0:
                found.add(at)
                at = lowered.find(word, at + 1)
        return sorted(found)


def finditer_at(pattern: re.Pattern, text: str, starts, offset: int = 0) -> Iterator[re.Match]:
    """The matches of pattern.finditer(text) for a pattern that matches nothing empty and can only start at
    the positions `starts` (in order, repeats allowed, shifted by -offset; CaselessWords.starts finds such
    positions). A start inside the last match is passed over."""
    end = 0
    for at in starts:
        at -= offset
        if at < end:
            continue
        m = pattern.match(text, at)
        if m:
            yield m
            end = m.end()
