"""Fast paths of nlp/ give what the plain code they stand for gives."""
import re

from nlp.extraction import _single_spaced


def test_single_spaced_is_split_and_join():
    spaces = [chr(cp) for cp in range(0x110000) if chr(cp).isspace() or re.fullmatch(r"\s", chr(cp))]
    assert " " in spaces and "\u00a0" in spaces and "\u2028" in spaces
    pieces = ["", "a", "mô hình", "79 trường hợp cai nghiện", "a  b", "a\u200bb"]
    for space in spaces:
        pieces += [f"a{space}b", f"{space}ab", f"ab{space}", space, f"mô hình{space}an ninh", f"a {space}b"]
    for piece in pieces:
        assert _single_spaced(piece) == " ".join(piece.split()), repr(piece)
