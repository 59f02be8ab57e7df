"""Faster forms of nlp patterns match what the plain forms match."""
import re

from nlp import counts


def _all_characters() -> str:
    return "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)


def test_word_number_opener_classes_hold_every_ignorecase_match():
    """Each class of _WORD_NUMBER_OPENER holds every character its letter matches under IGNORECASE."""
    everything = _all_characters()
    classes = re.findall(r"\[([^\]]+)\]", counts._WORD_NUMBER_OPENER.pattern)
    for word in counts.WORD_NUMBERS:
        for letter in word:
            matched = set(re.findall("(?i)" + re.escape(letter), everything))
            assert any(matched <= set(c) for c in classes if letter in c), (word, letter, matched)


def test_word_number_opener_finds_every_start():
    everything = _all_characters()
    for word in counts.WORD_NUMBERS:
        variants = [word, word.upper(), word.title()]
        for i, letter in enumerate(word):
            variants += [word[:i] + c + word[i + 1:] for c in re.findall("(?i)" + re.escape(letter), everything)]
        for variant in variants:
            text = f"x {variant} hộ"
            assert [m.start() for m in counts.WORD_NUMBER.finditer(text)] == [2], variant
            assert counts._WORD_NUMBER_OPENER.match(text, 2), variant


def test_label_prefix_tree_matches_the_plain_alternation():
    plain = re.compile(r"\s*[-–]?\s*(?:" + counts._alternation(counts.LABEL_WORDS, backwards=True) + r")(?!\w)",
                       re.IGNORECASE)
    samples = [w + tail for w in counts.LABEL_WORDS for tail in ("", " ", " - ", "x", "  –  ")]
    samples += [w.upper() for w in counts.LABEL_WORDS] + ["phụ  lục 3", "ſố ", "KM", "xã Long Hưng", "tổng số"]
    for text in samples:
        for cut in range(len(text) + 1):
            piece = text[cut:]
            assert (plain.match(piece[::-1]) is None) == (not counts.ends_with_label(piece)), piece
