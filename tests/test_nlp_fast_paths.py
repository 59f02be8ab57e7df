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


def test_sections_are_the_section_pattern_s_matches():
    from nlp.status import _SECTION, _sections

    texts = ["", "\n", "I. KẾT QUẢ ĐẠT ĐƯỢC\nII. CHỈ TIÊU\n", "\n\n  II. NHIỆM VỤ\n\nA) giải pháp\r\nx",
             "văn bản\nIV - phương hướng năm tới\n", "I.\n\nII. ab\nIII. abc", "X/ kế hoạch\n\n\n", "B. a\u2028C. tình hình"]
    for text in texts:
        assert [m.span() for m in _sections(text)] == [m.span() for m in _SECTION.finditer(text)], repr(text)


def test_header_number_found_from_its_first_so():
    from nlp.header import NUMBER_LINE, parse_header

    head = ("UBND TỈNH QUẢNG TRỊ\nSố: 12/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nKẾ HOẠCH\n"
            "Triển khai mô hình “Camera an ninh”")
    assert parse_header(head).number == "12/KH-UBND"
    assert parse_header(head.replace("Số:", "Sổ:")) is None
    assert NUMBER_LINE.search(head).start(1) == parse_header(head).start
