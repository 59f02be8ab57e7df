"""Rule families on short Vietnamese sentences, including cases that must not match."""
from dataclasses import dataclass

import pytest

from nlp import extract
from nlp.counts import find_counts
from nlp.docrefs import find_doc_refs
from nlp.normalize import canonical, fold, match_key, number_key, unify_tones


@dataclass
class Doc:
    source: str
    text: str


def refs(text):
    return [(r.number, r.type, r.date) for r in find_doc_refs(text)]


def counts(text):
    return [(c.value, c.unit) for c in find_counts(text)]


@pytest.mark.parametrize("text, expected", [
    ("Thực hiện Kế hoạch số 953/KH-BCĐ-CAT, ngày 13/4/2018 của Ban chỉ đạo tỉnh",
     [("953/KH-BCĐ-CAT", "Kế hoạch", "2018-04-13")]),
    ("theo Nghị định 111/2013/NĐ-CP của Chính phủ", [("111/2013/NĐ-CP", "Nghị định", None)]),
    ("Quyết định 521/TTg của Thủ tướng", [("521/TTG", "Quyết định", None)]),
    ("Công văn số 558/BCĐ-CAH, ngày 06/4/2018", [("558/BCĐ-CAH", "Công văn", "2018-04-06")]),
    ("quán triệt Chỉ thị 09-CT/TW ngày 01/12/2011 của Ban Bí thư", [("09-CT/TW", "Chỉ thị", "2011-12-01")]),
    ("Luật Công an nhân dân số 37/2018/QH14", [("37/2018/QH14", "Luật", None)]),
    ("số 5230/QĐ-BCA-C06 ngày 13 tháng 4 năm 2018", [("5230/QĐ-BCA-C06", "Quyết định", "2018-04-13")]),
    ("theo văn bản 36-HD/VPTW", [("36-HD/VPTW", "Hướng dẫn", None)]),
    ("Kế hoạch số 953 / KH-BCĐ-CAT", [("953/KH-BCĐ-CAT", "Kế hoạch", None)]),
])
def test_document_numbers(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize("text", [
    "ngày 13/4/2018 và ngày 19/8", "gọi số 0238.3845.111", "phòng chống HIV/AIDS",
    "xử lý 85 vụ việc/53 đối tượng", "lúc 16:21 [GMT+7]",
])
def test_no_document_number(text):
    assert refs(text) == []


def test_number_is_never_cut_from_a_longer_one():
    assert [r[0] for r in refs("Nghị định 126/2020/NĐ-CP")] == ["126/2020/NĐ-CP"]


def test_number_key_folds_case_space_and_d():
    assert number_key("953 / kh-bcđ-cat") == number_key("953/KH-BCĐ-CAT") == "953/KH-BCD-CAT"


@pytest.mark.parametrize("text, expected", [
    ("có 33.446 lượt người tham gia", [(33446, "lượt người")]),
    ("đạt 57,5% kế hoạch", [(57.5, "%")]),
    ("với kinh phí 57 triệu, 13 camera", [(57_000_000, "đồng"), (13, "camera")]),
    ("tổng kinh phí 1,2 tỷ đồng", [(1_200_000_000, "đồng")]),
    ("đã nhận hơn 300 tin báo", [(300, "tin báo")]),
    ("tại địa bàn 18 xã, thị trấn", [(18, "xã, thị trấn")]),
    ("xử lý 85 vụ việc/53 đối tượng", [(85, "vụ việc"), (53, "đối tượng")]),
    ("cho 02 tập thể và 02 cá nhân", [(2, "tập thể"), (2, "cá nhân")]),
])
def test_counts(text, expected):
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "Ban chỉ đạo 138 huyện họp", "Phòng PV28 Công an tỉnh", "Quốc hội khóa XV", "sơ kết 01 năm thực hiện",
    "trong 9 tháng đầu năm 2024", "ngày 24/4/2018 ra mắt", "nhiệm kỳ 2021 - 2026 diễn ra", "đại dịch Covid - 19",
    "tại thôn 3, xã Cam Hiếu", "lần thứ 2", "Hôm nay 2008",
])
def test_not_counts(text):
    assert counts(text) == []


def test_list_numbering_is_not_a_count():
    assert counts("1. Trưởng Ban chỉ đạo các xã") == []


def test_normalization():
    assert unify_tones("hoà giải, thuỷ lợi, uỷ ban, quý") == "hòa giải, thủy lợi, ủy ban, quý"
    assert fold("Nghị định Đồng") == "nghi dinh dong"
    assert match_key("Tổ liên gia tự quản về ANTT") == match_key("Tổ liên gia tự quản về an ninh, trật tự")
    assert canonical("“Tổ liên gia tự quản về ANTT”") == "tổ liên gia tự quản về an ninh, trật tự"


def models_of(text):
    return [(m["name"], m["aliases"]) for m in extract(Doc("t", text)).models]


def test_quoted_and_unquoted_models_and_lists():
    text = ("Năm 2023, huyện xây dựng mới 03 mô hình: “Camera an ninh”, “Zalo an ninh” và “Tiếng kẻng an ninh”. "
            "Mô hình Camera an ninh được lắp tại nhiều thôn.")
    assert models_of(text) == [("Camera an ninh", []), ("Zalo an ninh", []), ("Tiếng kẻng an ninh", [])]
    result = extract(Doc("t", text))
    assert result.model_counts == []  # a count of a list of different models
    assert [(f["value"], f["unit"]) for f in result.figures] == [(3, "mô hình")]


def test_variants_group_as_one_model():
    text = ("Mô hình “Tổ liên gia tự quản về ANTT” hoạt động tốt. "
            "Ban chỉ đạo mô hình “Tổ liên gia tự quản về an ninh, trật tự” họp định kỳ.")
    assert models_of(text) == [("Tổ liên gia tự quản về ANTT", ["Tổ liên gia tự quản về an ninh, trật tự"])]


def test_quotes_that_are_not_models():
    text = "Mô hình đã góp phần xây dựng xã đạt tiêu chuẩn “An toàn về ANTT”, không để hình thành “điểm nóng”."
    assert models_of(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Tỉnh nhân rộng mô hình “Camera an ninh”. Đến nay “Camera an ninh” xây dựng tại 32 điểm trên địa bàn tỉnh.",
     [("Camera an ninh", 32, "điểm")]),
    ("có 49 mô hình “Dòng họ tiêu biểu về ANTT”", [("Dòng họ tiêu biểu về ANTT", 49, "mô hình")]),
    ("27 xã thực hiện mô hình “Tiếng kẻng an ninh”", [("Tiếng kẻng an ninh", 27, "xã")]),
    ("mô hình “Đội tuần tra” và “Tổ hòa giải” được duy trì tại 19 thôn",
     [("Đội tuần tra", 19, "thôn"), ("Tổ hòa giải", 19, "thôn")]),
])
def test_model_counts(text, expected):
    got = [(c["model"], c["value"], c["unit"]) for c in extract(Doc("t", text)).model_counts]
    assert got == expected


def test_award_counts_are_not_model_counts():
    text = "Hội nghị tặng Giấy khen cho 08 tập thể và 11 cá nhân có thành tích trong xây dựng mô hình “Tự phòng, tự quản”."
    assert extract(Doc("t", text)).model_counts == []


def test_places_with_shared_level_and_gazetteer():
    text = "Mô hình ra mắt tại xã Thuận Quý; xã Hàm Mỹ, Tân Lập đang triển khai. Huyện Hàm Thuận Nam chỉ đạo."
    places = [(p["level"], p["name"], p["province"]) for p in extract(Doc("t", text)).places]
    assert places == [("xã", "Thuận Quý", "Bình Thuận"), ("xã", "Hàm Mỹ", "Bình Thuận"),
                      ("xã", "Tân Lập", "Bình Thuận"), ("huyện", "Hàm Thuận Nam", "Bình Thuận")]


def test_places_not_from_common_words():
    text = "Công an xã, thị trấn rà soát văn bản Hướng dẫn; các thôn, bản, tiểu khu tham gia."
    assert extract(Doc("t", text)).places == []


@pytest.mark.parametrize("text, expected", [
    ("Tiêu đề bài viết dài đủ sáu từ ở đây\nThứ 5, 31 Tháng 5 2018 10:07\n\nNội dung.", "2018-05-31"),
    ("Thứ Năm, 15/06/2023, 16:21 [GMT+7]\n\nNghệ An: tin bài", "2023-06-15"),
])
def test_publication_dates(text, expected):
    assert extract(Doc("t", text)).published == expected


def test_directive_header():
    from tests.conftest import DIRECTIVE

    result = extract(Doc("kh.txt", DIRECTIVE))
    assert result.kind == "directive"
    assert result.number == "245/KH-CAT-PV05"
    assert result.published == "2023-03-15"
    assert result.title.startswith("Kế hoạch xây dựng mô hình")
    own = [r for r in result.doc_refs if r["own"]]
    assert own and own[0]["type"] == "Kế hoạch"
    assert "111/2013/NĐ-CP" in [r["number"] for r in result.doc_refs]


def test_provenance_offsets_point_into_the_text():
    text = "Trên địa bàn huyện Cam Lộ, mô hình “Camera an ninh” được xây dựng tại 45 điểm."
    result = extract(Doc("t", text))
    for kind in ("figures", "model_counts"):
        for fact in result.__dict__[kind]:
            assert text[fact["start"]:fact["end"]].startswith(str(fact["value"]))
            a, b = fact["sentence"]
            assert a <= fact["start"] < fact["end"] <= b


@pytest.mark.parametrize("text, expected", [
    ("có 152/158 thôn, tổ dân phố đạt chuẩn", [(152, "thôn, tổ dân phố"), (158, "thôn, tổ dân phố")]),
    ("tổng đàn gà trên 6 triệu con", [(6_000_000, "con")]),
    ("với tổng số 112 mắt camera", [(112, "mắt camera")]),
    ("Gio Linh: 48 “Tổ đoàn kết tàu thuyền an toàn” giữ vững", [(48, "Tổ đoàn kết tàu thuyền an toàn")]),
])
def test_more_counts(text, expected):
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "ngày 9/9 tổ chức", "Trưởng bản Huồi Giảng 1 chia sẻ", "thuyền trưởng tàu QT 90123 TS cho biết",
    "mô hình “Tổ hòa giải 3 giỏi” hoạt động",
])
def test_more_not_counts(text):
    assert counts(text) == []


def test_counted_model_names_and_instances():
    text = ("Mô hình “Camera an ninh” được xây dựng tại 45 điểm với tổng số 112 mắt camera. "
            "Toàn huyện có 48 “Tổ đoàn kết tàu thuyền an toàn” với 392 tàu cá.")
    result = extract(Doc("t", text))
    got = [(c["model"], c["value"]) for c in result.model_counts]
    assert got == [("Camera an ninh", 45), ("Camera an ninh", 112), ("Tổ đoàn kết tàu thuyền an toàn", 48)]


def test_unquoted_short_form_of_a_known_model():
    text = ("Huyện nhân rộng mô hình “Tổ liên gia tự quản về an ninh, trật tự”. "
            "Đến nay đã thành lập 1.146 Tổ liên gia tự quản về ANTT.")
    got = [(c["model"], c["value"]) for c in extract(Doc("t", text)).model_counts]
    assert got == [("Tổ liên gia tự quản về ANTT", 1146)]


def test_hard_wrapped_pdf_lines_join_into_one_sentence():
    text = "Toàn tỉnh có 512 mô hình\n“Camera an ninh” với 6.840 mắt\ncamera."
    result = extract(Doc("t", text))
    assert [(c["model"], c["value"]) for c in result.model_counts][:1] == [("Camera an ninh", 512)]


@pytest.mark.parametrize("text, expected", [
    ("ưu tiên các xã ven biển như Cẩm Lĩnh, Cẩm Dương.", [("xã", "Cẩm Lĩnh"), ("xã", "Cẩm Dương")]),
    ("ỦY BAN NHÂN DÂN HUYỆN MỸ TÚ\nSố: 1875/UBND-NC", [("huyện", "Mỹ Tú")]),
    ("tại các xã Nậm Chảy và Bản Lầu, huyện Mường Khương",
     [("xã", "Nậm Chảy"), ("xã", "Bản Lầu"), ("huyện", "Mường Khương")]),
    ("Trưởng bản Huồi Giảng 1 cho biết", [("bản", "Huồi Giảng 1")]),
    ("xã Thanh Hóa, xã Lê Hóav à xã Sơn Hóa thuộc huyện Tuyên Hóa",
     [("xã", "Thanh Hóa"), ("xã", "Lê Hóa"), ("xã", "Sơn Hóa"), ("huyện", "Tuyên Hóa")]),
])
def test_more_places(text, expected):
    assert [(p["level"], p["name"]) for p in extract(Doc("t", text)).places] == expected


def test_no_place_from_a_caption_after_a_plural_level():
    text = "kiểm tra tại các xã biên giới\nĐồng chí Giám đốc Công an tỉnh phát biểu"
    assert extract(Doc("t", text)).places == []


def test_table_rows_give_counts_with_place_unit_and_model():
    text = ("Bảng chỉ tiêu nhân rộng mô hình “Camera an ninh” năm 2023 (đơn vị: điểm)\n"
            "TT | Xã, thị trấn | Số điểm hiện có | Chỉ tiêu lắp mới năm 2023\n"
            "1 | Thị trấn Vôi | 12 | 8\n"
            "2 | Xã Tân Dĩnh | 7 | 5\n"
            "Các đơn vị báo cáo kết quả.")
    result = extract(Doc("t", text))
    cells = [(c["model"], c["value"], c["unit"], c["place"], c["status"]) for c in result.model_counts]
    assert cells == [("Camera an ninh", 12, "điểm", "thị trấn Vôi", "achieved"),
                     ("Camera an ninh", 8, "điểm", "thị trấn Vôi", "target"),
                     ("Camera an ninh", 7, "điểm", "xã Tân Dĩnh", "achieved"),
                     ("Camera an ninh", 5, "điểm", "xã Tân Dĩnh", "target")]
    assert sorted(f["value"] for f in result.figures) == [5, 7, 8, 12]


def test_header_fields_from_the_parser_win_over_the_text():
    @dataclass
    class Parsed:
        source: str
        text: str
        header: dict

    text = "CÔNG AN HUYỆN LẠNG GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 94/KH-CAH Lạng Giang, ngày 10 tháng 01 năm 2023\n"
    fields = {"issuer": "CÔNG AN HUYỆN LẠNG GIANG", "number": "94/KH-CAH", "date": "2023-01-10", "type": "Kế hoạch",
              "subject": "Nhân rộng mô hình “Camera an ninh”"}
    result = extract(Parsed("kh.pdf", text, fields))
    assert (result.kind, result.number, result.issuer, result.published) == \
        ("directive", "94/KH-CAH", "Công an huyện Lạng Giang", "2023-01-10")
    assert result.title == "Kế hoạch nhân rộng mô hình “Camera an ninh”"
