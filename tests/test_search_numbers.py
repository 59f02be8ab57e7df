"""Numbers as staff type them, against a small knowledge base built here: the numbered document first,
the documents citing it next, another type never above the type asked for, copies as one result."""
from __future__ import annotations

import pytest

from corpus import Store
from policekb.pipeline import build_index, import_paths


def directive(issuer: str, number: str, kind: str, subject: str, body: str) -> str:
    return (f"{issuer}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: {number}\n"
            f"Hà Nội, ngày 05 tháng 3 năm 2023\n\n{kind.upper()}\n{subject}\n\n{body}\n")


def article(title: str, body: str) -> str:
    return f"{title}\nThứ Hai, 12/06/2023, 08:15 [GMT+7]\n\n{body}\n"


# A copy is recognised by its text; a real article is long enough for its date line not to matter.
LONG_BODY = ("Các camera được đặt tại ngã ba, ngã tư, cổng trường học và chợ trung tâm, kết nối về trụ sở Công an "
             "xã để theo dõi suốt ngày đêm. Nhờ đó lực lượng Công an kịp thời phát hiện, xử lý nhiều vụ việc vi "
             "phạm, người dân phấn khởi và tích cực đóng góp kinh phí để mở rộng mô hình ra các thôn còn lại "
             "trong thời gian tới, góp phần giữ vững an ninh trật tự ở cơ sở.")
DOCUMENTS = {
    "ct-09.txt": directive("BAN BÍ THƯ", "09-CT/TW", "Chỉ thị",
                           "Về tăng cường sự lãnh đạo của Đảng đối với phong trào toàn dân bảo vệ an ninh Tổ quốc",
                           "Các cấp ủy đảng lãnh đạo xây dựng phong trào ở cơ sở."),
    "bai-ct-09.txt": article("Quán triệt Chỉ thị 09 của Ban Bí thư",
                             "Huyện ủy tổ chức quán triệt Chỉ thị số 09-CT/TW ngày 01/12/2011 của Ban Bí thư."),
    "bai-ct-09-ttg.txt": article("Thực hiện chỉ thị của Thủ tướng",
                                 "Công an huyện triển khai Chỉ thị số 09/CT-TTg của Thủ tướng Chính phủ."),
    "kh-245.txt": directive("CÔNG AN TỈNH QUẢNG TRỊ", "245/KH-CAT-PV05", "Kế hoạch",
                            "Nhân rộng mô hình Camera an ninh giai đoạn 2023 - 2025", "Các đơn vị tổ chức thực hiện."),
    "bai-245.txt": article("Cam Lộ triển khai kế hoạch camera", "Thực hiện Kế hoạch số 245/KH-CAT-PV05 của Công an tỉnh, "
                           "huyện đã lắp đặt camera. " + LONG_BODY),
    "bai-245-ho.txt": article("Vận động hộ dân tham gia",
                              "Xã đã vận động 245 hộ gia đình tham gia tuần tra ban đêm."),
    "kh-58.txt": directive("CÔNG AN TỈNH QUẢNG TRỊ", "58/KH-CAT-PV05", "Kế hoạch",
                           "Công tác xây dựng phong trào năm 2022", "Các đơn vị tổ chức thực hiện."),
    "hd-12.txt": directive("CÔNG AN TỈNH BẮC GIANG", "12/HD-CAT-PV05", "Hướng dẫn",
                           "Hướng dẫn xây dựng mô hình tự quản", "Các đơn vị thực hiện theo hướng dẫn."),
    "kh-12.txt": directive("UBND HUYỆN LẠNG GIANG", "12/KH-UBND", "Kế hoạch",
                           "Kế hoạch xây dựng mô hình tự quản", "Các xã thực hiện kế hoạch."),
    "bai-111.txt": article("Đưa người nghiện vào quản lý",
                           "Công an xã lập hồ sơ theo Nghị định 111/2013/NĐ-CP của Chính phủ."),
}
COPY = ("<html><body><article><h1>Cam Lộ triển khai kế hoạch camera</h1><p>Thứ Hai, 12/06/2023</p>"
        "<p>Thực hiện Kế hoạch số 245/KH-CAT-PV05 của Công an tỉnh, huyện đã lắp đặt camera. " + LONG_BODY +
        "</p></article></body></html>")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("numbers")
    docs = folder / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    (docs / "bai-245.html").write_text(COPY, encoding="utf-8")
    with Store(folder / "kb.sqlite3") as store:
        assert not import_paths(store, [docs]).failed
        build_index(store, folder / "index")
    from search_app import create_app

    app = create_app({"TESTING": True, "DATABASE": str(folder / "kb.sqlite3"), "INDEX": str(folder / "index")})
    return app.test_client()


def found(client, query: str) -> list[str]:
    """File names of the hits; the .txt and .html copies of one article are one hit, either of them."""
    data = client.get("/api/search", query_string={"q": query}).get_json()
    return [r["source"].rsplit("/", 1)[-1].replace("bai-245.html", "bai-245.txt") for r in data["results"]]


@pytest.mark.parametrize("query", ["chỉ thị 09", "chi thi 9", "Chỉ thị số 09", "CT 09"])
def test_a_type_word_and_serial_find_that_type_whatever_the_issuer(client, query):
    result = found(client, query)
    assert result[0] == "ct-09.txt"
    assert set(result[1:]) == {"bai-ct-09.txt", "bai-ct-09-ttg.txt"}


@pytest.mark.parametrize("query", ["09-CT/TW", "09/CT-TW", "9-CT/TW", "9/ct-tw"])
def test_party_and_state_forms_and_leading_zeros_are_one_number(client, query):
    assert found(client, query) == ["ct-09.txt", "bai-ct-09.txt"]


@pytest.mark.parametrize("query", ["Kế hoạch 245", "ke hoach 245", "KH 245", "245/KH-CAT-PV05", "245/KH-CAT"])
def test_the_plan_first_then_its_citers(client, query):
    assert found(client, query) == ["kh-245.txt", "bai-245.txt"]


def test_a_bare_serial_puts_numbers_before_plain_text(client):
    assert found(client, "245") == ["kh-245.txt", "bai-245.txt", "bai-245-ho.txt"]


def test_a_series_without_serial_finds_all_its_numbers(client):
    result = found(client, "KH-CAT-PV05")
    assert set(result) == {"kh-245.txt", "bai-245.txt", "kh-58.txt"}
    assert set(result[:2]) == {"kh-245.txt", "kh-58.txt"}  # the numbered plans before the citing article


def test_another_type_never_ranks_above_the_type_asked_for(client):
    assert found(client, "hướng dẫn 12") == ["hd-12.txt", "kh-12.txt"]
    assert found(client, "kế hoạch 12") == ["kh-12.txt", "hd-12.txt"]


@pytest.mark.parametrize("query", ["Nghị định 111", "nghi dinh 111/2013", "111/2013", "ND 111"])
def test_a_decree_by_serial_or_serial_and_year(client, query):
    assert found(client, query) == ["bai-111.txt"]


def test_copies_are_one_result_that_names_the_others(client):
    data = client.get("/api/search", query_string={"q": "245/KH-CAT-PV05"}).get_json()
    assert data["total"] == 2
    kinds = {f["value"]: f["count"] for f in data["facets"]["kind"]}
    assert kinds == {"directive": 1, "article": 1}
    assert [len(hit["copies"]) for hit in data["results"]] == [0, 1]
    assert all("/" not in hit["source"] for hit in data["results"])  # file names, not where they are kept
    page = client.get("/?q=245/KH-CAT-PV05").get_data(as_text=True)
    assert page.count('class="hit"') == 2 and "1 bản trùng" in page


def test_numbers_on_result_cards_are_links(client):
    page = client.get("/?q=chỉ thị 09").get_data(as_text=True)
    assert '<a class="number" href="/?q=09-CT/TW">09-CT/TW</a>' in page


def test_a_query_with_no_result_says_what_was_searched_and_offers_close_numbers(client):
    page = client.get("/?q=245/KH-CAT-PV50").get_data(as_text=True)
    assert "Không tìm thấy tài liệu nào cho «<strong>245/KH-CAT-PV50</strong>»" in page
    assert ">245/KH-CAT-PV05</a>" in page


def test_the_placeholder_example_finds_something(client):
    page = client.get("/").get_data(as_text=True)
    example = page.split('placeholder="Số văn bản (')[1].split(",")[0]
    assert found(client, example)


def test_words_and_unknown_numbers_still_behave(client):
    assert found(client, "HIV/AIDS") == []
    assert found(client, "chỉ thị 777") == []
    assert "ct-09.txt" in found(client, "phong trào toàn dân")


def test_numbers_on_a_document_page_are_links_even_when_not_in_the_knowledge_base(client):
    hits = client.get("/api/search", query_string={"q": "chỉ thị 09"}).get_json()["results"]
    hit = next(h for h in hits if h["source"] == "bai-ct-09.txt")
    page = client.get(f"/documents/{hit['id']}").get_data(as_text=True)
    assert '<a href="/documents/' in page and "09-CT/TW</a>" in page  # cited and in the knowledge base
    directive = client.get("/api/search", query_string={"q": "nghị định 111"}).get_json()["results"][0]
    page = client.get(f"/documents/{directive['id']}").get_data(as_text=True)
    assert '<a class="number" href="/?q=111/2013/N%C4%90-CP">111/2013/NĐ-CP</a>' in page  # not in it: a search


def test_the_document_api_speaks_displacy(client):
    hit = client.get("/api/search", query_string={"q": "245/KH-CAT-PV05"}).get_json()["results"][0]
    data = client.get(f"/api/documents/{hit['id']}?format=displacy").get_json()
    assert set(data) >= {"text", "spans"}
    labels = {span["label"] for span in data["spans"]}
    assert "DOC_REF" in labels
    ref = next(s for s in data["spans"] if s["label"] == "DOC_REF")
    assert data["text"][ref["start"]:ref["end"]].endswith("245/KH-CAT-PV05")
