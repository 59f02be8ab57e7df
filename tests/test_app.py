import csv
import io

import pytest


def titles(client, query, **params):
    response = client.get("/api/search", query_string={"q": query, **params})
    assert response.status_code == 200
    return [r["title"] for r in response.get_json()["results"]]


def test_search_page_shows_results_with_highlights(client):
    page = client.get("/?q=camera+an+ninh").get_data(as_text=True)
    assert "Quảng Trị: nhân rộng mô hình" in page
    assert '<mark class="hl t' in page
    assert "kết quả" in page


@pytest.mark.parametrize("query", ["245/KH-CAT-PV05", "245/kh-cat-pv05", "245 / KH-CAT-PV05", "KH 245"])
def test_search_by_document_number_finds_directive_and_citing_article(client, query):
    found = titles(client, query)
    assert any(t.startswith("Kế hoạch") for t in found)
    assert any(t.startswith("Quảng Trị") for t in found)


def test_search_without_diacritics(client):
    assert titles(client, "nghi dinh 111/2013") == ["Kế hoạch xây dựng mô hình “Tiếng kẻng an ninh” năm 2023"]
    assert any("Kỳ Sơn" in t or "Nghệ An" in t for t in titles(client, "to lien gia tu quan"))


def test_facets_and_filters(client):
    data = client.get("/api/search?q=").get_json()
    assert data["total"] == 3
    kinds = {f["value"]: f["count"] for f in data["facets"]["kind"]}
    assert kinds == {"article": 2, "directive": 1}
    filtered = client.get("/api/search?q=&kind=directive").get_json()
    assert filtered["total"] == 1 and filtered["results"][0]["kind"] == "directive"


def test_document_page_highlights_facts_and_links_citations(client):
    results = client.get("/api/search?q=camera").get_json()["results"]
    article = next(r for r in results if r["kind"] == "article" and "Quảng Trị" in r["title"])
    page = client.get(f"/documents/{article['id']}").get_data(as_text=True)
    assert '<mark class="fact-doc_refs">Kế hoạch số 245/KH-CAT-PV05' in page
    assert "fact-models" in page and "fact-places" in page
    data = client.get(f"/api/documents/{article['id']}").get_json()
    assert data["cited"][0]["document"]["title"].startswith("Kế hoạch")


def test_model_page(client):
    models = client.get("/api/models").get_json()
    camera = next(m for m in models if m["name"] == "Camera an ninh")
    page = client.get(f"/models/{camera['model_key']}").get_data(as_text=True)
    assert "Camera an ninh" in page and "45" in page
    detail = client.get(f"/api/models/{camera['model_key']}").get_json()
    assert detail["mentions"][0]["value"] == 45 and detail["places"]


def test_csv_export_has_bom_and_round_trips_vietnamese(client):
    response = client.get("/export/figures.csv?q=camera")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert any("hộ gia đình" in row for row in rows)


def test_csv_cells_are_injection_safe():
    from search_app.csv_export import safe_cell

    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("+1") == "'+1" and safe_cell("@cmd") == "'@cmd" and safe_cell("\tx") == "'\tx"
    assert safe_cell(-5) == "-5" and safe_cell(45.0) == "45"


def test_security_headers_and_escaping(client):
    response = client.get("/?q=<script>alert(1)</script>")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_missing_index_gives_clear_message(tmp_path, built_home):
    from search_app import create_app

    app = create_app({"TESTING": True, "DATABASE": str(built_home / "policekb.sqlite3"),
                      "INDEX": str(tmp_path / "no-index")})
    response = app.test_client().get("/")
    assert response.status_code == 503 and "policekb index" in response.get_data(as_text=True)
