"""Help instead of dead ends: Vietnamese error pages that keep the site around them, and JSON errors
under /api — {"error": message, "status": code} with the right status."""
from __future__ import annotations

import pytest

from search_app import create_app
from search_app.errors import date_bounds, filter_problem

BEYOND_SQLITE = 2**63  # the first id SQLite cannot hold: sqlite3 raised OverflowError, a 500


def api_error(response, status: int) -> str:
    assert response.status_code == status and response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "status"} and body["status"] == status and body["error"]
    return body["error"]


def error_page(response, status: int, search_box: bool = True) -> str:
    assert response.status_code == status and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="vi">' in page and 'class="brand"' in page  # extends base.html: the site is still there
    assert f"Lỗi {status}" in page and ('action="/"' in page) == search_box  # a search box to go on with
    return page


def model_id(client) -> str:
    return client.get("/api/models").get_json()[0]["id"]


# --- 404 -----------------------------------------------------------------------------
@pytest.mark.parametrize("document", [99999, BEYOND_SQLITE, 10**30])
def test_unknown_document_is_a_vietnamese_404_page(client, document):
    page = error_page(client.get(f"/documents/{document}"), 404)
    assert "Không tìm thấy" in page and "Not Found" not in page


@pytest.mark.parametrize("document", [99999, BEYOND_SQLITE, 2**63 - 1, 10**30])
def test_unknown_document_is_a_json_404(client, document):
    message = api_error(client.get(f"/api/documents/{document}"), 404)
    assert "tài liệu" in message


def test_unknown_model_and_address(client):
    assert "khong-co" in api_error(client.get("/api/models/khong-co"), 404)
    api_error(client.get("/api/khong-co"), 404)
    error_page(client.get("/models/khong-co"), 404)
    error_page(client.get("/trang-khong-co?year=abc"), 404)  # an unknown address, whatever its parameters


# --- 400 -----------------------------------------------------------------------------
BAD_FILTERS = [({"year": "abc"}, "year=abc"), ({"year": "20234"}, "year=20234"),
               ({"from": "2023-13-45"}, "from=2023-13-45"), ({"to": "2023-02-30"}, "to=2023-02-30"),
               ({"from": "hôm qua"}, "from=hôm qua"), ({"to": "2023-5"}, "to=2023-5"),
               ({"from": "2024", "to": "2023-06"}, "from=2024 sau to=2023-06")]


@pytest.mark.parametrize("params, said", BAD_FILTERS)
def test_invalid_filters_are_a_json_400(client, params, said):
    assert said in api_error(client.get("/api/search", query_string={"q": "camera", **params}), 400)
    assert said in api_error(client.get(f"/api/models/{model_id(client)}", query_string=params), 400)


@pytest.mark.parametrize("params, said", BAD_FILTERS[:3])
def test_invalid_filters_are_a_400_page(client, params, said):
    for path in ("/", f"/models/{model_id(client)}", "/export/figures.csv", "/export/replication.xlsx"):
        page = error_page(client.get(path, query_string=params), 400)
        assert "Yêu cầu không hợp lệ" in page and said in page


@pytest.mark.parametrize("params", [{"year": "2024"}, {"from": "2023"}, {"from": "2023-05"}, {"to": "2024-03-12"},
                                    {"from": "2023-03", "to": "2023-03"}, {"year": ""}])
def test_valid_filters_pass(client, params):
    assert client.get("/api/search", query_string={"q": "", **params}).status_code == 200
    assert client.get(f"/api/models/{model_id(client)}", query_string=params).status_code == 200
    assert client.get("/", query_string=params).status_code == 200


@pytest.mark.parametrize("value, bounds", [("2024", ("2024-01-01", "2024-12-31")), ("2024-02", ("2024-02-01", "2024-02-29")),
                                           ("2023-02-28", ("2023-02-28", "2023-02-28")), ("2023-02-29", None),
                                           ("0000", None), ("2023-00", None), ("2023/05/01", None), ("", None)])
def test_date_bounds(value, bounds):
    found = date_bounds(value)
    assert (found and tuple(d.isoformat() for d in found)) == bounds or (found is None and bounds is None)


def test_filter_problem_names_the_parameter_and_the_expected_form():
    assert filter_problem({"year": "2023", "from": "2023-05", "to": "2023"}) is None
    assert "YYYY, YYYY-MM hoặc YYYY-MM-DD" in filter_problem({"to": "mai"})
    assert len(filter_problem({"from": "x" * 500})) < 200  # a long value is cut in the message


# --- 405, 500, 503 ---------------------------------------------------------------------
def test_wrong_method_is_json_with_allow(client):
    response = client.post("/api/search")
    assert "POST" in api_error(response, 405) and "GET" in response.headers["Allow"]


def test_internal_error_is_a_500_page_or_json(built_home, monkeypatch):
    app = create_app({"DATABASE": str(built_home / "policekb.sqlite3"), "INDEX": str(built_home / "index")})

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("search_app.views.api.search_data", broken)
    monkeypatch.setattr("search_app.views.search.search_data", broken)
    client = app.test_client()
    message = api_error(client.get("/api/search?q=camera"), 500)
    assert "boom" not in message  # no internals for the reader
    page = error_page(client.get("/?q=camera"), 500)
    assert "Lỗi máy chủ" in page and "boom" not in page and "Traceback" not in page


def test_missing_index_is_503_with_retry_after(tmp_path, built_home):
    app = create_app({"TESTING": True, "DATABASE": str(built_home / "policekb.sqlite3"),
                      "INDEX": str(tmp_path / "no-index")})
    client = app.test_client()
    response = client.get("/api/search?q=x")
    assert "policekb index" in api_error(response, 503) and response.headers["Retry-After"]
    page = error_page(client.get("/"), 503, search_box=False)  # searching is what does not work
    assert "policekb index" in page and "danh sách mô hình" in page
    (tmp_path / "no-index.building").mkdir()
    assert "đang được xây dựng" in api_error(client.get("/api/search?q=x"), 503)
    assert client.get(f"/api/models/{model_id(client)}").status_code == 200  # the rest still works


def test_missing_knowledge_base_is_503(tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "none.sqlite3"), "INDEX": str(tmp_path / "index")})
    client = app.test_client()
    assert "policekb import" in api_error(client.get("/api/documents/1"), 503)
    assert "policekb demo" in error_page(client.get("/models/"), 503)
    assert client.get("/static/style.css").status_code == 200  # the error page keeps its style
