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

import hashlib
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable

import numpy as np

PERMUTATIONS = 128
SHINGLE_WORDS = 5
BANDS = 32  # 32 bands of 4 rows: a pair at similarity 0.8 becomes a candidate with p > 0.999
MERSENNE = (1 << 61) - 1
SIGNATURE_VERSION = 2  # 2: 32-bit shingle hashes, vectorised (1: 64-bit shingle hashes, pure Python)
_rng = random.Random(20240901)  # fixed seed: signatures must be comparable across runs
_A = np.array([_rng.randrange(1, MERSENNE) for _ in range(PERMUTATIONS)], dtype=np.uint64)
_B = np.array([_rng.randrange(0, MERSENNE) for _ in range(PERMUTATIONS)], dtype=np.uint64)
_P, _LOW32, _LOW29 = np.uint64(MERSENNE), np.uint64((1 << 32) - 1), np.uint64((1 << 29) - 1)
_29, _32, _61 = np.uint64(29), np.uint64(32), np.uint64(61)


_COMBINING = re.compile("[\u0300-\u036f]+")  # the marks Vietnamese letters decompose into


def fold_words(text: str) -> list[str]:
    """Lower-case words without diacritics (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return re.findall(r"\w+", _COMBINING.sub("", decomposed))


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[int]:
    """32-bit hashes of the runs of `size` consecutive words (the whole text when shorter)."""
    words = fold_words(text)
    runs = {" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))}
    return {int.from_bytes(hashlib.blake2b(run.encode(), digest_size=4).digest(), "big") for run in runs if run}


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature: for each permutation h -> (a*h + b) mod (2**61 - 1), the smallest
    permuted shingle hash. All shingles and permutations in one numpy computation; the product of
    a 61-bit and a 32-bit number is split in parts that fit 64 bits, and reduced with 2**61 = 1."""
    values = shingles(text)
    if not values:
        return tuple([MERSENNE] * PERMUTATIONS)
    h = np.fromiter(values, dtype=np.uint64, count=len(values))[None, :]
    low = (_A & _LOW32)[:, None] * h                # < 2**64
    high = (_A >> _32)[:, None] * h                 # < 2**61: its part of a*h is high * 2**32
    total = ((high >> _29) + ((high & _LOW29) << _32)  # high * 2**32 mod p
             + (low & _P) + (low >> _61) + _B[:, None])
    total = (total & _P) + (total >> _61)
    total = np.where(total >= _P, total - _P, total)
    return tuple(total.min(axis=1).tolist())


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
    similarity reaches the threshold, best first."""

    def __init__(self, threshold: float = 0.8, bands: int = BANDS):
        if PERMUTATIONS % bands:
            raise ValueError(f"bands must divide {PERMUTATIONS}")
        self.threshold = threshold
        self.bands = bands
        self.rows = PERMUTATIONS // bands
        self.buckets: dict[tuple, list[Hashable]] = defaultdict(list)
        self.signatures: dict[Hashable, tuple[int, ...]] = {}

    def add(self, key: Hashable, sig: tuple[int, ...]) -> None:
        self.signatures[key] = sig
        for band in self._bands(sig):
            self.buckets[band].append(key)

    def find(self, sig: tuple[int, ...]) -> list[tuple[Hashable, float]]:
        candidates = {key for band in self._bands(sig) for key in self.buckets.get(band, ())}
        scored = ((key, similarity(sig, self.signatures[key])) for key in candidates)
        return sorted((pair for pair in scored if pair[1] >= self.threshold), key=lambda p: (-p[1], str(p[0])))

    def __len__(self) -> int:
        return len(self.signatures)

    def _bands(self, sig: tuple[int, ...]):
        for band in range(self.bands):
            yield (band, *sig[band * self.rows:(band + 1) * self.rows])
