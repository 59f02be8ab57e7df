"""Text normalization for matching: NFC, tone-mark placement, quotes, folding.

The text as written is always kept for display; these functions produce keys
and canonical forms used to compare and group what the text says.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nlp.resources import read_table

# Old-style tone placement (hoà, thuỷ) -> new style (hòa, thủy), only at the
# end of a syllable and never after "q" (quý keeps its tone on y). In NFD the
# dot below (class 220) sorts before a circumflex, breve or horn (230, 216), so
# "luật" is "lua\u0323\u0302t": the tone must be followed by neither a letter
# nor another combining mark, or "luật" would become "lụât".
_TONES = "\u0300\u0301\u0309\u0303\u0323"
# The "not after q" check follows the vowel: a look-behind opening the pattern makes the scan slower.
_OLD_TONE = re.compile(r"([oOuU])(?<![qQ][oOuU])([aAeEyY])([" + _TONES + r"])(?![^\W\d_]|[\u0300-\u036f])")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def unify_tones(text: str) -> str:
    """Move tone marks to the new-style position: "hoà" -> "hòa", "thuỷ" -> "thủy"."""
    decomposed = unicodedata.normalize("NFD", text or "")
    moved = _OLD_TONE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", moved)


def fold(text: str) -> str:
    """Lower case without diacritics, đ -> d: the key for accent-free matching."""
    decomposed = unicodedata.normalize("NFD", text or "").lower().replace("đ", "d")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def squeeze(text: str) -> str:
    return " ".join((text or "").split())


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    return read_table("abbreviations.tsv")


@lru_cache(maxsize=1)
def _abbreviation_pattern() -> re.Pattern:
    names = sorted(abbreviations(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def expand_abbreviations(text: str) -> str:
    return _abbreviation_pattern().sub(lambda m: abbreviations()[m.group(1)], text)


@lru_cache(maxsize=16384)  # model names recur in every grouping comparison
def canonical(text: str) -> str:
    """Canonical form of a name: NFC, new-style tones, abbreviations expanded, lower case."""
    text = expand_abbreviations(unify_tones(nfc(text)))
    text = re.sub(r"[\"'“”‘’«»]", "", text).lower()
    return squeeze(re.sub(r"\s*,\s*", ", ", text)).strip(" ,;:.-")


@lru_cache(maxsize=16384)
def match_key(text: str) -> str:
    """Accent- and punctuation-free key of a canonical form, for grouping variants."""
    return squeeze(re.sub(r"[^\w%]+", " ", fold(canonical(text))))


def number_key(number: str) -> str:
    """Normalized key of a document number: upper case, no spaces, Đ -> D."""
    return re.sub(r"\s+", "", nfc(number).upper()).replace("Đ", "D")
