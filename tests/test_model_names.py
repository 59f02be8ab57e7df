"""Model names a researcher would accept: no bare nouns, numbered names, unquoted lists,
quoted names after other cues, unbalanced quotes, variant grouping, tone marks."""
from dataclasses import dataclass

import pytest

from corpus.model_groups import group_models as group_across_documents
from nlp import extract
from nlp.models import bare, find_model_mentions, one_word_inserted, same_model
from nlp.normalize import canonical, match_key, unify_tones
from nlp.segment import sentences


@dataclass
class Doc:
    source: str
    text: str


def models_of(text):
    return [(m["name"], m["aliases"]) for m in extract(Doc("t", text)).models]


def names_of(text):
    return [m["name"] for m in extract(Doc("t", text)).models]


# --- 1. no bare equipment or generic nouns -------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Công an xã lắp mô hình camera ở các ngã ba đường liên thôn.",
    "Xã áp dụng mô hình tổ chức mới trong quản lý lao động thời vụ.",
    "Lãnh đạo xã coi mô hình là “mắt xích quan trọng” trong phòng ngừa tội phạm.",
    "Bà con ví mô hình như “điểm tựa” của khu dân cư.",
    "Mô hình “camera” được gắn ở cổng chợ.",
    "Huyện củng cố mô hình đội ngũ tuyên truyền viên ở cơ sở.",
])
def test_bare_or_generic_nouns_are_not_models(text):
    assert models_of(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Phường duy trì mô hình “Camera an ninh” và mô hình “Zalo an ninh” ở các khu phố.",
     ["Camera an ninh", "Zalo an ninh"]),
    ("Các khu trọ áp dụng mô hình nhà trọ an toàn về phòng cháy từ năm 2022.", ["nhà trọ an toàn về phòng cháy"]),
    ("Hội phụ nữ xã duy trì mô hình tổ phụ nữ tự quản ở 6 thôn.", ["tổ phụ nữ tự quản"]),
    ("Nhiều nơi làm theo mô hình ngõ xóm bình yên.", ["ngõ xóm bình yên"]),
])
def test_real_short_and_lower_case_names_stay(text, expected):
    assert names_of(text) == expected


def test_bare_nouns():
    assert bare("camera") and bare("Camera") and bare("tổ") and bare("khu dân cư")
    assert not bare("Camera an ninh") and not bare("Zalo an ninh") and not bare("3 quản")


# --- 2. names that open with a number ------------------------------------------------------------
def test_names_that_start_with_a_digit():
    text = ("Trường học thực hiện mô hình “4 an toàn”, còn khu dân cư làm theo mô hình “3 quản” và “5 không”. "
            "Huyện có 25 mô hình “3 giảm” ở các xã.")
    assert names_of(text) == ["4 an toàn", "3 quản", "5 không", "3 giảm"]


def test_a_quoted_figure_is_not_a_name():
    assert names_of("Mô hình đạt “100%” chỉ tiêu đề ra.") == []


# --- 3. unquoted names in lists ------------------------------------------------------------------
def test_unquoted_list_each_after_mo_hinh():
    text = ("Nhiều cách làm được nhân rộng, tiêu biểu như: mô hình Tổ hòa giải thôn, mô hình Cụm dân cư tự quản, "
            "mô hình Xóm không có người nghiện ma túy.")
    assert names_of(text) == ["Tổ hòa giải thôn", "Cụm dân cư tự quản", "Xóm không có người nghiện ma túy"]


def test_unquoted_list_joined_by_va_mo_hinh():
    text = "Xã xây dựng mô hình Bến đò an toàn và mô hình Chợ không có trộm cắp trong năm 2024."
    assert names_of(text) == ["Bến đò an toàn", "Chợ không có trộm cắp"]


def test_a_name_does_not_run_on_into_its_predicate():
    assert names_of("Mô hình Zalo an ninh xóm giúp người dân báo tin nhanh.") == ["Zalo an ninh xóm"]


# --- 4. quoted names after other cues, and quotes that are not models ----------------------------
@pytest.mark.parametrize("text, expected", [
    ("Công an xã có nhiều sáng kiến hay như “Kẻng báo động khu dân cư” và “Nhóm tin báo tổ dân phố”.",
     ["Kẻng báo động khu dân cư", "Nhóm tin báo tổ dân phố"]),
    ("Người dân ủng hộ cách làm “Đèn sáng ngõ quê” của Đoàn thanh niên.", ["Đèn sáng ngõ quê"]),
    ("Phường chọn tổ dân phố 5 làm mô hình điểm “Tổ dân phố không ma túy”.", ["Tổ dân phố không ma túy"]),
    ("Tỉnh thí điểm mô hình kiểu mới “Xã an toàn số” ở 3 huyện.", ["Xã an toàn số"]),
    ("Năm 2024, các mô hình có: “Đội thanh niên xung kích”, “Tổ an ninh bến đò”.",
     ["Đội thanh niên xung kích", "Tổ an ninh bến đò"]),
])
def test_quoted_names_after_other_cues(text, expected):
    assert names_of(text) == expected


@pytest.mark.parametrize("text", [
    "Huyện đẩy mạnh mô hình tự quản theo khẩu hiệu “Nhà nhà an toàn”.",
    "Mô hình gắn với phong trào “Toàn dân tham gia giữ gìn trật tự”.",
    "Mô hình được báo “An ninh Thủ đô” giới thiệu kỹ.",
    "Mô hình đã được nhân rộng, Đại úy Lê Văn Tâm chia sẻ: “Bà con yên tâm sản xuất hơn”.",
    "Theo tạp chí “Công an nhân dân”, mô hình đạt kết quả tốt.",
    "Mô hình vận hành theo phương châm “Bốn tại chỗ”.",
    "Người dân ví mô hình là “lá chắn” của thôn.",
    "Mô hình nhận “Bằng khen của Bộ Công an” năm 2023.",
])
def test_quotes_that_are_slogans_titles_awards_or_speech(text):
    assert models_of(text) == []


def test_an_award_after_a_model_is_not_a_model():
    text = "Mô hình “Camera an ninh” đạt giải nhất “Sáng tạo vì an ninh” tại Hội thi của tỉnh."
    assert names_of(text) == ["Camera an ninh"]


@pytest.mark.parametrize("text, expected", [
    ("Đoàn thanh niên duy trì mô hình “Nói không với ma túy” ở 8 trường học.", ["Nói không với ma túy"]),
    ("Mô hình “Khu phố được bảo vệ” phát huy hiệu quả.", ["Khu phố được bảo vệ"]),
    ("Mô hình mang tên “Tổ tự quản bến xe” được nhân rộng.", ["Tổ tự quản bến xe"]),
])
def test_short_well_quoted_names_may_hold_verbs(text, expected):
    assert names_of(text) == expected


# --- 5. unbalanced quotes ------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    # an opening mark with no closing one: the name stops where the clause begins
    ("Mô hình “Tổ an ninh bến đò được người dân đồng tình ủng hộ vì bảo đảm an toàn cho khách qua sông.",
     ["Tổ an ninh bến đò"]),
    # a stray closing mark after an unquoted name
    ("Mô hình Tổ an ninh bến đò” được duy trì tại 3 xã ven sông.", ["Tổ an ninh bến đò"]),
    # an opening mark closed much later by a mark of another kind
    ('Mô hình “Tổ an ninh bến đò được mở rộng, bà con gọi là "tổ của dân".', ["Tổ an ninh bến đò"]),
    # a stray straight quote must not pair with the next name's opening mark
    ('Mô hình Đèn sáng ngõ quê" được lắp ở 4 thôn, còn mô hình "Tổ tuần tra ban đêm" hoạt động đều.',
     ["Đèn sáng ngõ quê", "Tổ tuần tra ban đêm"]),
    # closed by the right kind of mark, but what it closes is half a sentence
    ("Mô hình “Camera an ninh xóm được lắp ở 5 điểm, người dân gọi vui là mắt thần”.", ["Camera an ninh xóm"]),
    # no sensible boundary close enough: nothing is taken
    ("Mô hình “Loa an ninh và bà con nhân dân trong thôn ai cũng rất phấn khởi vì an ninh ở đây được giữ vững", []),
])
def test_unbalanced_quotes_never_swallow_a_clause(text, expected):
    assert names_of(text) == expected


def test_mentions_with_unbalanced_quotes_have_no_clause_words():
    text = ("Thôn triển khai mô hình “Nhóm Zalo an ninh đã thu hút 300 hộ tham gia, góp phần giữ bình yên. "
            "Mô hình Kẻng an ninh” được treo ở nhà văn hóa và mô hình “Tổ tự quản” hoạt động.")
    names = [m.name for m in find_model_mentions(sentences(text))]
    assert names == ["Nhóm Zalo an ninh", "Kẻng an ninh", "Tổ tự quản"]


# --- 6. variants of one model, and distinct models that share a head -----------------------------
def test_one_inserted_word_is_the_same_model():
    text = ("Mô hình “Tổ tự quản bảo vệ đường biên, cột mốc” ra đời năm 2019. "
            "Các thôn nhân rộng mô hình “Tổ nhân dân tự quản bảo vệ đường biên, cột mốc”.")
    assert models_of(text) == [("Tổ tự quản bảo vệ đường biên, cột mốc",
                                ["Tổ nhân dân tự quản bảo vệ đường biên, cột mốc"])]


def test_a_bare_head_joins_the_one_model_it_opens():
    text = "Mô hình “Camera an ninh” phát huy hiệu quả. Ở thôn Đông, mô hình Camera được bà con góp tiền lắp đặt."
    assert models_of(text) == [("Camera an ninh", ["Camera"])]


def test_a_bare_mention_carries_the_name_of_its_model():
    text = "Mô hình “Camera an ninh” phát huy hiệu quả. Ở thôn Đông, mô hình Camera được lắp tại 12 điểm."
    mentions = find_model_mentions(sentences(text))
    assert [(m.name, m.form) for m in mentions] == [("Camera an ninh", "Camera an ninh"), ("Camera an ninh", "Camera")]
    assert text[mentions[1].start:mentions[1].end] == "Camera"


def test_a_bare_head_written_first_takes_the_full_name():
    text = "Mô hình Camera được bà con góp tiền lắp đặt. Đến nay mô hình “Camera an ninh” có ở 9 thôn."
    assert models_of(text) == [("Camera an ninh", ["Camera"])]


def test_a_bare_head_of_two_models_joins_neither():
    text = ("Xã có mô hình “Camera an ninh” và mô hình “Camera giám sát giao thông”. "
            "Mô hình Camera được bà con góp tiền lắp đặt.")
    assert models_of(text) == [("Camera an ninh", []), ("Camera giám sát giao thông", [])]


def test_a_short_form_of_several_models_stays_apart():
    text = ("Mô hình “Tổ tự quản” có từ lâu; nay có thêm mô hình “Tổ tự quản về ANTT” "
            "và mô hình “Tổ tự quản bảo vệ mùa màng”.")
    assert names_of(text) == ["Tổ tự quản", "Tổ tự quản về ANTT", "Tổ tự quản bảo vệ mùa màng"]


def test_a_short_form_of_one_model_joins_it():
    text = "Mô hình “Tổ liên gia tự quản” được nhân rộng thành mô hình “Tổ liên gia tự quản về ANTT”."
    assert models_of(text) == [("Tổ liên gia tự quản", ["Tổ liên gia tự quản về ANTT"])]


@pytest.mark.parametrize("a, b", [
    ("Tổ liên gia tự quản", "Tổ tuần tra nhân dân"),
    ("Camera an ninh", "Camera giám sát"),
    ("Camera an ninh", "Camera giám sát an ninh"),
    ("Tổ tự quản về ANTT", "Tổ phụ nữ tự quản về ANTT"),
    ("Dòng họ không có người vi phạm pháp luật", "Dòng họ có người vi phạm pháp luật"),
    ("Gia đình không có người vi phạm pháp luật", "Dòng họ không có người vi phạm pháp luật"),
    ("Tổ hòa giải 3 giỏi", "Tổ hòa giải 5 giỏi"),
    ("Tổ an ninh bến đò số 1", "Tổ an ninh bến đò số 12"),
])
def test_distinct_models_that_share_words(a, b):
    assert not same_model(a, b) and not one_word_inserted(a, b)


@pytest.mark.parametrize("a, b", [
    ("Tổ tự quản đường biên, mốc quốc giới", "Tổ nhân dân tự quản đường biên, mốc quốc giới"),
    ("Tổ tự quản đường biên, mốc giới", "Tổ tự quản đường biên, mốc quốc giới"),
    ("Tổ liên gia tự quản về ANTT", "Tổ liên gia an toàn tự quản về an ninh, trật tự"),
    ("Dòng họ không có người vi phạm pháp luật", "Dòng họ không có người thân vi phạm pháp luật"),
])
def test_variants_one_word_apart(a, b):
    assert one_word_inserted(a, b) and same_model(a, b)


def _rows(*names):
    """Store.model_variants() rows, the first name in most documents."""
    return [{"model_key": match_key(n), "name": n, "documents": len(names) - i, "counts": 1}
            for i, n in enumerate(names)]


def _groups(*names):
    return sorted(sorted(g.variants) for g in group_across_documents(_rows(*names)))


def test_across_documents_variants_and_short_forms_group():
    assert _groups("Tổ tự quản đường biên, mốc quốc giới", "Tổ nhân dân tự quản đường biên, mốc quốc giới",
                   "Tổ tự quản đường biên, mốc giới") == [
        ["Tổ nhân dân tự quản đường biên, mốc quốc giới", "Tổ tự quản đường biên, mốc giới",
         "Tổ tự quản đường biên, mốc quốc giới"]]
    assert _groups("Camera an ninh", "Camera", "Tiếng kẻng an ninh", "Tiếng kẻng an") == [
        ["Camera", "Camera an ninh"], ["Tiếng kẻng an", "Tiếng kẻng an ninh"]]


def test_across_documents_shared_heads_stay_apart():
    assert _groups("Camera an ninh", "Camera giám sát", "Camera") == [["Camera"], ["Camera an ninh"],
                                                                       ["Camera giám sát"]]
    assert _groups("Tổ liên gia tự quản", "Tổ tuần tra nhân dân", "Tổ tự quản về ANTT",
                   "Tổ phụ nữ tự quản về ANTT") == [["Tổ liên gia tự quản"], ["Tổ phụ nữ tự quản về ANTT"],
                                                    ["Tổ tuần tra nhân dân"], ["Tổ tự quản về ANTT"]]
    assert _groups("Tổ hòa giải 3 giỏi", "Tổ hòa giải 5 giỏi") == [["Tổ hòa giải 3 giỏi"], ["Tổ hòa giải 5 giỏi"]]
    assert _groups("Tổ liên gia tự quản về ANTT", "Tổ liên gja tự quản về ANTT") == [
        ["Tổ liên gia tự quản về ANTT", "Tổ liên gja tự quản về ANTT"]]


def test_across_documents_the_group_keeps_its_most_documented_full_name():
    groups = group_across_documents(_rows("Camera", "Camera an ninh", "Camera an ninh phòng chống tội phạm"))
    assert [(g.name, g.id) for g in groups] == [("Camera an ninh", "camera an ninh")]


# --- 7. tone marks where Vietnamese readers put them ---------------------------------------------
UNCHANGED = ["luật", "pháp luật", "thuận", "hòa thuận", "quyết", "thuyền", "hoàng", "khuya", "quốc", "người",
             "tuyến", "hướng", "hoạt", "hoặc", "toàn", "khoảng", "xuất", "tuần", "chuẩn", "quản", "huyện",
             "nguyện", "khuyến", "tuyệt", "luận", "ngoài", "thuộc", "ruộng", "mười", "khuyết", "loạt", "quý",
             "thuở", "huỳnh", "Thuận", "LUẬT", "HOẶC"]


@pytest.mark.parametrize("word", UNCHANGED)
def test_tone_marks_of_ordinary_words_stay(word):
    assert unify_tones(word) == word
    assert canonical(word) == word.lower()


@pytest.mark.parametrize("old, new", [
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("hoạ", "họa"), ("uỷ ban", "ủy ban"), ("Hoà", "Hòa"),
    ("tự hoà giải", "tự hòa giải"), ("loà", "lòa"), ("tuỳ", "tùy"),
])
def test_old_style_tone_placement_moves(old, new):
    assert unify_tones(old) == new


def test_canonical_model_names_are_spelled_as_written_today():
    assert canonical("Phụ nữ với pháp luật") == "phụ nữ với pháp luật"
    assert canonical("“Tổ hoà giải 3 giỏi”") == "tổ hòa giải 3 giỏi"
    assert canonical("Khu dân cư hoà thuận") == "khu dân cư hòa thuận"


def test_a_typo_groups_but_another_word_does_not():
    from corpus.model_groups import group_models

    rows = [{"model_key": k, "name": n, "documents": 1, "counts": 0} for k, n in (
        ("cum dan cu an toan ve an ninh trat tu", "Cụm dân cư an toàn về ANTT"),
        ("khu dan cu an toan ve an ninh trat tu", "Khu dân cư an toàn về ANTT"),
        ("khu dan cu an toan ve an ninh trat tuu", "Khu dân cư an toàn về an ninh trật tựu"))]
    groups = group_models(rows)
    assert sorted(len(g.keys) for g in groups) == [1, 2]
