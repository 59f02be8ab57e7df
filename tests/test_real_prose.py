"""Shapes of real portal prose that the first rules missed, each in the team's own sentences:
place lists under one level word, parents in parentheses, provinces alone, officials' names,
mastheads, numbered places, numbers written as words, references without a symbol, OCR'd symbols."""
from dataclasses import dataclass

import pytest

from nlp import extract
from nlp.counts import find_counts
from nlp.docrefs import find_doc_refs, repair_symbol


@dataclass
class Doc:
    source: str
    text: str


def places(text):
    return [(p["level"], p["name"]) for p in extract(Doc("t", text)).places]


def figures(text):
    return [(c.value, c.unit) for c in find_counts(text)]


def test_a_list_under_one_level_word_keeps_every_name():
    assert places("Đoàn kiểm tra đến các xã: Tân Lập, Tân Hòa, Tân Phú (huyện Đồng Phú).") == [
        ("xã", "Tân Lập"), ("xã", "Tân Hòa"), ("xã", "Tân Phú"), ("huyện", "Đồng Phú")]


def test_a_parent_named_in_parentheses_is_a_place():
    assert places("Mô hình ra đời ở xã Hoằng Đạt (Hoằng Hóa) năm 2019.") == [("xã", "Hoằng Đạt"), ("huyện", "Hoằng Hóa")]


@pytest.mark.parametrize("text, expected", [
    ("Đoàn đã tuyên truyền tại Bà Rịa - Vũng Tàu trong tháng 5.", [("tỉnh", "Bà Rịa - Vũng Tàu")]),
    ("Quảng Nam hiện nay có nhiều mô hình tự quản.", [("tỉnh", "Quảng Nam")]),
])
def test_a_province_named_alone(text, expected):
    assert places(text) == expected


def test_an_officials_name_after_a_title_is_no_province():
    assert places("Phó Chủ tịch UBND tỉnh Trần Văn Long phát biểu chỉ đạo hội nghị.") == []
    assert places("Đồng chí Chủ tịch UBND tỉnh Nghệ An phát biểu.") == [("tỉnh", "Nghệ An")]


def test_a_masthead_is_not_a_place():
    assert places("Báo Bình Phước điện tử\nCông an xã vận động nhân dân tham gia.") == []


def test_a_numbered_place_keeps_its_number_and_is_no_figure():
    assert places("Mô hình triển khai ở xã Long Hưng 2, huyện Châu Thành.")[0] == ("xã", "Long Hưng 2")
    assert figures("Thôn Khe Sanh 2 cách trung tâm xã 12 km, có 60 hộ dân.") == [(60, "hộ dân")]  # km: a distance
    assert figures("Tại xã Long Hưng 20 hộ dân đã tham gia.") == [(20, "hộ dân")]


@pytest.mark.parametrize("text, expected", [
    ("Tổ đã giáo dục hai thanh niên và vận động ba tổ tự quản tham gia.", [(2, "thanh niên"), (3, "tổ tự quản")]),
    ("Xã có năm hộ nghèo được hỗ trợ.", [(5, "hộ")]),
    ("Thứ Hai, tháng ba, hai bên đã thống nhất; năm học mới bắt đầu.", []),
    ("Ba mẹ các em đều tham gia.", []),
])
def test_numbers_written_as_words(text, expected):
    assert figures(text) == expected


def test_a_date_line_is_no_count():
    assert figures("date 2019-12\nmô hình được nhân rộng") == []


def test_a_reference_with_a_type_word_and_no_symbol():
    refs = [(r.number, r.type, r.issuer) for r in find_doc_refs(
        "Thực hiện Chỉ thị số 12 của UBND tỉnh và Đề án 06 của Chính phủ, Công an huyện đã triển khai.")]
    assert refs == [("12", "Chỉ thị", "UBND tỉnh"), ("06", "Đề án", "Chính phủ")]
    assert find_doc_refs("theo kế hoạch 5 năm của ngành") == []
    assert find_doc_refs("Kế hoạch 12 điểm camera") == []


@pytest.mark.parametrize("scanned, fixed", [("07/CEUBND", "07/CT-UBND"), ("12/KH-UBNĐ", "12/KH-UBND")])
def test_one_ocr_confusion_is_repaired_and_reported(scanned, fixed):
    assert repair_symbol(scanned) == fixed
    [ref] = [r for r in extract(Doc("t", f"Thực hiện văn bản số {scanned} của tỉnh.")).doc_refs]
    assert (ref["number"], ref["repaired_from"]) == (fixed, scanned)


@pytest.mark.parametrize("number", ["953/KH-BCĐ-CAT", "09-CT/TW", "111/2013/NĐ-CP", "558/BCĐ-CAH", "521/TTg"])
def test_good_symbols_are_left_alone(number):
    assert repair_symbol(number.upper()) is None


def test_an_ocred_directive_header_gets_the_repaired_number():
    text = ("UBND TỈNH HÀ GIANG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 07/CEUBND\n"
            "Hà Giang, ngày 5 tháng 3 năm 2022\nCHỈ THỊ\nVề tăng cường công tác bảo đảm an ninh trật tự\n")
    result = extract(Doc("scan.pdf", text))
    assert result.number == "07/CT-UBND" and result.kind == "directive"
    own = next(r for r in result.doc_refs if r["own"])
    assert own["repaired_from"] == "07/CEUBND"


@pytest.mark.parametrize("subject, expected", [
    ("Về tăng cường xây dựng mô hình tự quản ở thôn, khu phố vùng biên giới, ven biển Thời gian qua, thực hiện Chỉ thị",
     "Về tăng cường xây dựng mô hình tự quản ở thôn, khu phố vùng biên giới, ven biển"),
    ("Nhân rộng mô hình “Camera an ninh” trên địa bàn tỉnh Quảng Ninh năm 2023",
     "Nhân rộng mô hình “Camera an ninh” trên địa bàn tỉnh Quảng Ninh năm 2023"),
])
def test_a_directive_subject_stops_where_its_body_begins(subject, expected):
    from nlp.header import trim_subject

    assert trim_subject(subject) == expected
