"""Model counts as replication.md defines them: status, as_of, counts that refer back,
several counts in one statement, table footers. Sentences are the team's own."""
from dataclasses import dataclass

import pytest

from nlp import extract


@dataclass
class Doc:
    source: str
    text: str
    published: str | None = None
    kind: str | None = None


def counts(text, published="2024-05-20", kind=None):
    result = extract(Doc("t", text, published, kind))
    return [(c["model"], c["value"], c["unit"], c["status"], c["as_of"]) for c in result.model_counts]


@pytest.mark.parametrize("text, status, as_of", [
    ("Đến tháng 9/2020, huyện đã xây dựng mô hình “Camera an ninh” tại 31 điểm.", "achieved", "2020-09"),
    ("Năm 2021, mô hình “Camera an ninh” được nhân rộng ra 12 xã.", "achieved", "2021"),
    ("Tính đến ngày 15/3/2024, mô hình “Camera an ninh” đã có tại 52 điểm.", "achieved", "2024-03-15"),
    ("Hiện nay mô hình “Camera an ninh” đã có tại 52 điểm.", "achieved", "2024-05-20"),
    ("Phấn đấu đến năm 2025 nhân rộng mô hình “Camera an ninh” tại ít nhất 60 điểm.", "target", "2025"),
    ("Dự kiến mô hình “Camera an ninh” sẽ được nhân rộng ra 9 xã còn lại.", "target", "2024-05-20"),
    ("Mô hình “Camera an ninh” được lắp đặt thêm 17 điểm so với cuối năm 2019.", "increase", "2024-05-20"),
    ("Phấn đấu trong năm 2025 nhân rộng mô hình “Camera an ninh” thêm 25 điểm.", "target", "2025"),
    ("Đến năm 2026, mô hình “Camera an ninh” có ở 80 điểm.", "target", "2026"),
])
def test_status_and_as_of_from_the_statement(text, status, as_of):
    [(_, _, _, got_status, got_as_of)] = counts(text)
    assert (got_status, got_as_of) == (status, as_of)


def test_a_documents_date_is_not_the_date_of_a_reference():
    text = ("Thực hiện Kế hoạch số 88/KH-CAT ngày 02/3/2019 của Công an tỉnh, huyện đã xây dựng "
            "mô hình “Camera an ninh” tại 14 điểm.")
    assert counts(text, "2020-01-10") == [("Camera an ninh", 14, "điểm", "achieved", "2020-01-10")]


def test_a_start_year_is_not_the_time_of_a_count():
    text = ("Xã có mô hình “Bến đò an toàn”. Ra đời từ năm 2016, đến nay mô hình đã có ở 14 bến đò.")
    assert counts(text, "2022-04-01") == [("Bến đò an toàn", 14, "bến đò", "achieved", "2022-04-01")]


def test_a_plans_assignments_are_targets_and_what_exists_is_achieved():
    text = ("CÔNG AN HUYỆN ĐÔNG SƠN\nSố: 41/KH-CAH\nKẾ HOẠCH\nNhân rộng mô hình “Tổ liên gia an toàn” năm 2024\n"
            "I. TÌNH HÌNH\nToàn huyện hiện có 75 Tổ liên gia an toàn.\n"
            "II. CHỈ TIÊU\nThành lập mới 20 Tổ liên gia an toàn tại các thôn còn lại.\n")
    got = counts(text, "2024-02-01", "directive")
    assert ("Tổ liên gia an toàn", 75, "Tổ liên gia", "achieved", "2024-02-01") in got
    assert ("Tổ liên gia an toàn", 20, "Tổ liên gia", "target", "2024") in got


@pytest.mark.parametrize("text, expected", [
    # the model named in the previous sentence, referred to as "mô hình"
    ("Xã Vĩnh Hải có mô hình “Bến đò an toàn”. Ra đời năm 2017, đến nay mô hình đã có ở 11 bến đò.",
     [("Bến đò an toàn", 11, "bến đò")]),
    # "mô hình này" and a planned spread
    ("Công an huyện ra mắt mô hình “Loa an ninh thôn bản”. Thời gian tới, mô hình này sẽ được nhân rộng ra 9 xã còn lại.",
     [("Loa an ninh thôn bản", 9, "xã")]),
    # the model's own unit noun
    ("Quận có mô hình “Tuyến hẻm an toàn”. Đến nay toàn quận có 64 tuyến hẻm được công nhận.",
     [("Tuyến hẻm an toàn", 64, "tuyến hẻm")]),
])
def test_counts_that_refer_back(text, expected):
    assert [c[:3] for c in counts(text)] == expected


def test_no_reference_back_across_paragraphs_or_to_people():
    assert counts("Xã có mô hình “Bến đò an toàn”.\nĐến nay đã có 14 bến đò hoạt động.") == []
    assert counts("Huyện có mô hình “Phụ nữ với pháp luật”. Hội đã hỗ trợ vốn cho 52 phụ nữ.") == []


def test_several_counts_in_one_statement():
    text = "Mô hình “Thôn bản bình yên” đã được xây dựng tại 54 thôn và 6 tổ dân phố."
    assert [c[1:3] for c in counts(text)] == [(54, "thôn"), (6, "tổ dân phố")]


def test_a_list_of_models_keeps_its_count_a_figure():
    assert counts("Huyện có 03 mô hình: “Camera an ninh”, “Tiếng kẻng an ninh” và “Zalo an ninh”.") == []


def test_a_table_footer_is_the_tables_scope_not_a_place():
    text = ("CÔNG AN HUYỆN YÊN DŨNG\nSố: 17/KH-CAH\nKẾ HOẠCH\nNhân rộng mô hình “Camera an ninh” năm 2024\n"
            "Bảng chỉ tiêu mô hình “Camera an ninh” (đơn vị: điểm)\n"
            "TT | Xã | Số điểm hiện có | Chỉ tiêu năm 2024\n"
            "1 | Xã Tân An | 5 | 3\n"
            "2 | Xã Lãng Sơn | 4 | 2\n"
            " | Tổng cộng | 9 | 5\n")
    result = extract(Doc("t", text, "2024-01-05", "directive"))
    footer = [c for c in result.model_counts if c.get("footer")]
    assert [(c["value"], c["place"], c["status"]) for c in footer] == [
        (9, "huyện Yên Dũng", "achieved"), (5, "huyện Yên Dũng", "target")]
    assert all("tổng" not in (c["place"] or "").lower() for c in result.model_counts)
