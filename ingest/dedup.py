"""Near-duplicate documents: the same press release reposted on several portals.

MinHash over word 5-shingles of folded text (lower case, no diacritics, so a
repost that lost or changed its accents still matches) estimates the Jaccard
similarity of two texts; LSH banding finds the candidates without comparing
every pair. Everything here is a pure function of the text: the store decides
what to keep. Duplicates are *linked*, not dropped: each repost stays a
document of its own (its portal, date and URL are facts too) and carries a link
to the copies it matches.

    index = NearDuplicateIndex(threshold=0.8)
    for key, text in documents:
        sig = signature(text)
        links = index.find(sig)        # [(other_key, similarity), ...]
        index.add(key, sig)
"""
from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable

import numpy as np

PERMUTATIONS = 128
SHINGLE_WORDS = 5
BANDS = 32  # 32 bands of 4 rows: a pair at similarity 0.8 becomes a candidate with p > 0.999
# 3: words, shingles and permutations hashed arithmetically in numpy (2: 32-bit blake2b shingle
# hashes and the mod 2**61-1 family; 1: 64-bit shingle hashes, pure Python). Stored signatures of
# an older version are recomputed by a migration (corpus.schema).
SIGNATURE_VERSION = 3
EMPTY = 1 << 32  # every row of the signature of a text without words (real values are < 2**32)
_rng = random.Random(20240901)  # fixed seed: signatures must be comparable across runs and machines
_U64 = np.uint64


def _odd64(count: int) -> np.ndarray:
    return np.array([_rng.getrandbits(64) | 1 for _ in range(count)], dtype=_U64)


_A = _odd64(PERMUTATIONS)[:, None]  # permutation i: x -> the top 32 bits of (a_i*x + b_i) mod 2**64
_B = np.array([_rng.getrandbits(64) for _ in range(PERMUTATIONS)], dtype=_U64)[:, None]
_MIX = _odd64(SHINGLE_WORDS)  # a shingle: the sum of its word hashes times these, one per position
_R = _odd64(1)[0]             # a word: the polynomial of its characters in R (mod 2**64)
_R_INVERSE = _U64(pow(int(_R), -1, 1 << 64))
_BAND_MIX, _BAND_SALT = _odd64(PERMUTATIONS), _odd64(PERMUTATIONS)  # bucket names (NearDuplicateIndex)
_32, _33 = _U64(32), _U64(33)
_FMIX1, _FMIX2 = _U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53)
_SPACE, _DROPPED = 32, 0  # what the fold table maps a character to that is not part of a word / is removed

_COMBINING = re.compile("[\u0300-\u036f]+")  # the marks Vietnamese letters decompose into
_WORD = re.compile(r"\w+")


def fold_words(text: str) -> list[str]:
    """Lower-case words without diacritics (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return _WORD.findall(_COMBINING.sub("", decomposed))


def _fold_char(cp: int) -> int:
    """What fold_words makes of one (lower-case) character, as one code point: its base letter,
    _DROPPED for a combining mark, _SPACE for a character that is not part of a word. A letter
    that would fold into several (a Hangul syllable) stays itself."""
    if 0x300 <= cp <= 0x36F:
        return _DROPPED
    folded = _COMBINING.sub("", unicodedata.normalize("NFD", chr(cp).replace("đ", "d")))
    if not folded:
        return _DROPPED
    if len(folded) == 1:
        return ord(folded) if _WORD.match(folded) else _SPACE
    return cp if _WORD.match(chr(cp)) else _SPACE


_FOLD: np.ndarray | None = None  # _fold_char of every code point below 0x3000; above, a letter stays itself
_POWERS: tuple[np.ndarray, np.ndarray] = (np.ones(1, dtype=_U64), np.ones(1, dtype=_U64))


def _fold_table() -> np.ndarray:
    global _FOLD
    if _FOLD is None:
        table = np.array([_fold_char(cp) for cp in range(0x3000)] + [_SPACE] * (0x10000 - 0x3000), dtype=np.uint32)
        letters = [cp for cp in range(0x3000, 0x10000) if chr(cp).isalnum() or cp == 0x5F]
        table[letters] = letters
        _FOLD = table
    return _FOLD


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """R**i and R**-i mod 2**64 for i < n (kept for texts up to 2**20 characters)."""
    global _POWERS
    if len(_POWERS[0]) >= n:
        return _POWERS
    size = max(n, 2 * len(_POWERS[0]), 4096)
    powers = (np.cumprod(np.full(size, _R, dtype=_U64)) * _R_INVERSE,  # cumprod starts at R**1
              np.cumprod(np.full(size, _R_INVERSE, dtype=_U64)) * _R)
    if size <= 1 << 20:
        _POWERS = powers
    return powers


def _mix(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: every input bit moves every output bit."""
    x = x ^ (x >> _33)
    x *= _FMIX1
    x ^= x >> _33
    x *= _FMIX2
    return x ^ (x >> _33)


def word_hashes(text: str) -> np.ndarray:
    """A 64-bit hash of each word of fold_words(text), in order: the folding is one table look-up
    per character, each word the polynomial of its characters (from prefix sums, so all words at
    once), then mixed."""
    points = np.frombuffer(text.lower().encode("utf-32-le", "surrogatepass"), dtype="<u4")
    table = _fold_table()
    chars = table[np.minimum(points, 0xFFFF)]
    wide = np.flatnonzero(points > 0xFFFF)
    if len(wide):  # beyond the first plane: a letter stays itself, anything else separates words
        chars[wide] = [cp if chr(cp).isalnum() else _SPACE for cp in points[wide].tolist()]
    chars = chars[chars != _DROPPED]
    in_word = chars != _SPACE
    edges = np.diff(in_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return np.zeros(0, dtype=_U64)
    powers, inverses = _powers(len(chars))
    terms = np.where(in_word, chars, 0).astype(_U64) * inverses[:len(chars)]  # c_j * R**-j
    sums = np.add.reduceat(terms, starts)      # separators add 0: each sum covers one word
    return _mix(sums * powers[ends - 1])       # sum of c_j * R**(end-1-j): the same wherever the word is


def _shingle_hashes(text: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """32-bit hashes of the runs of `size` consecutive words (the whole text when shorter), with repeats."""
    words = word_hashes(text)
    n = len(words)
    if n == 0:
        return words
    if n < size:
        runs = (words * _MIX[:n]).sum(dtype=_U64, keepdims=True)
    else:
        runs = words[:n - size + 1] * _MIX[0]
        for k in range(1, size):
            runs += words[k:n - size + 1 + k] * _MIX[k]
    return _mix(runs) >> _32


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[int]:
    """32-bit hashes of the runs of `size` consecutive words (the whole text when shorter)."""
    return set(_shingle_hashes(text, size).tolist())


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature: for each permutation x -> the top 32 bits of (a*x + b) mod 2**64 (a
    strongly universal family for 32-bit x), the smallest permuted shingle hash. All shingles and
    permutations in one numpy computation; the shift is taken after the minimum (it keeps order)."""
    values = _shingle_hashes(text)
    if not len(values):
        return tuple([EMPTY] * PERMUTATIONS)
    permuted = _A * values[None, :]
    permuted += _B
    return tuple((permuted.min(axis=1) >> _32).tolist())


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures."""
    if len(a) != len(b):
        raise ValueError("signatures of different lengths")
    return sum(x == y for x, y in zip(a, b)) / len(a)


def jaccard(text_a: str, text_b: str) -> float:
    """Exact Jaccard similarity of two texts' shingles (for checks; slower)."""
    a, b = shingles(text_a), shingles(text_b)
    return len(a & b) / len(a | b) if a | b else 1.0


class NearDuplicateIndex:
    """Signatures in LSH buckets; find() returns the indexed keys whose estimated
    similarity reaches the threshold, best first.

    The signatures are the rows of one array, so the candidates' similarities are one numpy
    comparison; a bucket is named by a 64-bit hash of its band (a collision of two bands only
    makes one more candidate, whose similarity is then computed like any other's)."""

    def __init__(self, threshold: float = 0.8, bands: int = BANDS):
        if PERMUTATIONS % bands:
            raise ValueError(f"bands must divide {PERMUTATIONS}")
        self.threshold = threshold
        self.bands = bands
        self.rows = PERMUTATIONS // bands
        self.buckets: dict[int, list[Hashable]] = defaultdict(list)
        self._row_of: dict[Hashable, int] = {}
        self._keys: list[Hashable] = []
        self._matrix = np.zeros((16, PERMUTATIONS), dtype=_U64)
        self._band_mix = _BAND_MIX[:self.rows]

    def add(self, key: Hashable, sig: tuple[int, ...]) -> None:
        values = self._array(sig)
        row = self._row_of.get(key)
        if row is None:
            row = self._row_of[key] = len(self._keys)
            self._keys.append(key)
            if row == len(self._matrix):
                self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
        self._matrix[row] = values
        for band in self._bands(values):
            self.buckets[band].append(key)

    def find(self, sig: tuple[int, ...]) -> list[tuple[Hashable, float]]:
        values = self._array(sig)
        candidates = list({key for band in self._bands(values) for key in self.buckets.get(band, ())})
        if not candidates:
            return []
        rows = [self._row_of[key] for key in candidates]
        scores = ((self._matrix[rows] == values).sum(axis=1) / PERMUTATIONS).tolist()
        return sorted(((key, score) for key, score in zip(candidates, scores) if score >= self.threshold),
                      key=lambda p: (-p[1], str(p[0])))

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._row_of

    @staticmethod
    def _array(sig: tuple[int, ...]) -> np.ndarray:
        if len(sig) != PERMUTATIONS:
            raise ValueError(f"a signature has {PERMUTATIONS} values, not {len(sig)}")
        return np.array(sig, dtype=_U64)

    def _bands(self, values: np.ndarray) -> list[int]:
        """The bucket of each band: a hash of the band's number and its rows."""
        by_band = values.reshape(self.bands, self.rows) * self._band_mix
        return _mix(by_band.sum(axis=1, dtype=_U64) + _BAND_SALT[:self.bands]).tolist()
