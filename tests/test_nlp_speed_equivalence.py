"""Faster forms of nlp patterns match what the plain forms match."""
import re

from nlp import counts, docrefs, models, places, scan


def _all_characters() -> str:
    return "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)


def test_ignorecase_classes_hold_every_character_re_matches():
    """Each letter an opener is built from: every code point re.IGNORECASE matches it with is in its class."""
    everything = _all_characters()
    letters = set("".join(counts.WORD_NUMBERS) + "".join(places.LEVEL_WORDS) + "tpx.")
    letters |= set("abcdefghijklmnopqrstuvwxyzđăâêôơư")
    letters |= set("".join(counts.LABEL_WORDS) + "".join(docrefs.TYPE_WORDS) + "mô sáng cách")
    for letter in sorted(letters):
        matched = set(re.findall("(?i)" + re.escape(letter), everything))
        assert matched <= set(scan._cases(letter)), (letter, matched)
        assert matched == set(scan.exact_cases(letter)), (letter, matched)  # caseless_class: exactly these


def _variants(word: str) -> list[str]:
    everything = _all_characters()
    out = [word, word.upper(), word.title()]
    for i, letter in enumerate(word):
        out += [word[:i] + c + word[i + 1:] for c in re.findall("(?i)" + re.escape(letter), everything)]
    return out


def test_openers_find_every_start():
    for word in counts.WORD_NUMBERS:
        for variant in _variants(word):
            text = f"x {variant} hộ"
            assert [m.start() for m in counts.WORD_NUMBER.finditer(text)] == [2], variant
            assert [m.start() for m in scan.finditer_where(counts.WORD_NUMBER, text, counts._WORD_NUMBER_OPENER)] == [2]
    for word in places.LEVEL_WORDS + ("TP", "TP.", "TX.", "TT."):
        for variant in _variants(word):
            for text in (f"x {variant} Nam", f"{variant}: A", f"các {variant}:\nA"):
                plain = [m.span() for m in places.LEVEL.finditer(text)]
                assert plain, text
                assert [m.span() for m in scan.finditer_where(places.LEVEL, text, places._LEVEL_OPENER)] == plain


def test_trigger_cue_and_type_word_openers_find_every_start():
    for word, pattern, opener in [("mô hình", models.TRIGGER, models._TRIGGER_OPENER),
                                  ("mô hình", models.CUE, models._CUE_OPENER),
                                  ("sáng kiến", models.CUE, models._CUE_OPENER),
                                  ("cách làm", models.CUE, models._CUE_OPENER)]:
        for variant in _variants(word):
            for text in (f"x {variant} y", variant, f"({variant}:"):
                plain = [m.span() for m in pattern.finditer(text)]
                assert plain, text
                assert [m.span() for m in scan.finditer_where(pattern, text, opener)] == plain
    for word in docrefs.TYPE_WORDS:
        for variant in _variants(word):
            text = f"theo {variant} số 12"
            plain = [m.span() for m in docrefs._TYPE_WORD.finditer(text)]
            assert plain == [(5, 5 + len(variant))], text
            assert [m.span() for m in scan.finditer_where(docrefs._TYPE_WORD, text, docrefs._TYPE_WORD_OPENER)] == plain


def test_label_prefix_tree_matches_the_plain_alternation():
    plain = re.compile(r"\s*[-–]?\s*(?:" + counts._alternation(counts.LABEL_WORDS, backwards=True) + r")(?!\w)",
                       re.IGNORECASE)
    samples = [w + tail for w in counts.LABEL_WORDS for tail in ("", " ", " - ", "x", "  –  ")]
    samples += [w.upper() for w in counts.LABEL_WORDS] + ["phụ  lục 3", "ſố ", "KM", "xã Long Hưng", "tổng số"]
    for text in samples:
        for cut in range(len(text) + 1):
            piece = text[cut:]
            assert (plain.match(piece[::-1]) is None) == (not counts.ends_with_label(piece)), piece


def test_caseless_words_find_every_start_or_decline():
    """CaselessWords.starts: every position a word matches at under IGNORECASE, or None (a text lower() maps
    otherwise than re.IGNORECASE compares); the pattern tried there finds what its finditer finds."""
    cases = [(places.LEVEL, places._LEVEL_STARTS, places.LEVEL_WORDS + ("TP", "TP.", "TX.", "TT.")),
             (counts.WORD_NUMBER, counts.WORD_NUMBER_STARTS, tuple(counts.WORD_NUMBERS))]
    for pattern, finder, words in cases:
        for word in words:
            for variant in _variants(word):
                for text in (f"x {variant} Nam", f"{variant}: A", f"İ {variant} hộ", f"Hà Nội, {variant} 3 hộ"):
                    plain = [m.span() for m in pattern.finditer(text)]
                    starts = finder.starts(text)
                    if starts is None:
                        assert any(c in text for c in finder.traps) or len(text.lower()) != len(text), text
                        continue
                    assert {a for a, _ in plain} <= set(starts), text
                    assert [m.span() for m in scan.finditer_at(pattern, text, starts)] == plain, text


def test_wrapped_line_breaks_found_as_the_scan_finds_them():
    from nlp import segment

    texts = ["a\nb", "a.\nb", "a  \n  b", "a \t\n\n b", "x\n12 hộ", "x\n1. Mục", " \n", "\n\na", "a  \n", "“\n“a", "a.  \n b\nc"]
    for text in texts:
        plain = [m.span() for m in segment._WRAPPED.finditer(text)]
        assert [m.span() for m in segment._wrapped_breaks(text)] == plain, text


def test_span_behaves_as_the_generated_frozen_dataclass():
    import dataclasses

    from nlp.segment import Span

    span = Span(1, 4, "abc")
    assert span == Span(start=1, end=4, text="abc") and hash(span) == hash(Span(1, 4, "abc"))
    assert span != Span(1, 4, "abd") and repr(span) == "Span(start=1, end=4, text='abc')"
    assert dataclasses.astuple(span) == (1, 4, "abc") and dataclasses.replace(span, end=5) == Span(1, 5, "abc")
    try:
        span.start = 2
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("Span must stay frozen")
