"""corpus.exports: CSV and XLSX read back with the csv module and openpyxl."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from corpus.exports import (FACT_COLUMNS, MAX_CELL, REPLICATION_COLUMNS, Column, csv_lines,
                            display, display_text, write_xlsx, xlsx_bytes)

HOSTILE = ['=HYPERLINK("http://x")', "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]

FACT = {"fact": "figure", "model": "Camera an ninh", "value": 1250, "unit": "camera",
        "place": "Đắk Lắk", "status": "achieved", "as_of": "2023-12-05",
        "sentence": "Toàn tỉnh đã lắp đặt 1.250 camera.", "document_id": 42,
        "title": "Tổng kết năm 2023", "published": "2023-12-20", "source": "https://ca.daklak.gov.vn/a"}


def read_csv(rows, columns=FACT_COLUMNS):
    text = "".join(csv_lines(rows, columns))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(rows, columns=FACT_COLUMNS, **kwargs):
    return load_workbook(io.BytesIO(xlsx_bytes(rows, columns, **kwargs))).active


def cell(sheet, row, key, columns=FACT_COLUMNS):
    index = [c.key for c in columns].index(key) + 1
    return sheet.cell(row=row, column=index)


# --- display --------------------------------------------------------------------

def test_display_maps_codes_and_types_values():
    by_key = {c.key: c for c in FACT_COLUMNS}
    assert display(FACT, by_key["fact"]) == "số liệu"
    assert display({"fact": "model_count"}, by_key["fact"]) == "số liệu mô hình"
    assert display(FACT, by_key["status"]) == "đã đạt"
    assert display({"status": "target"}, by_key["status"]) == "chỉ tiêu"
    assert display({"status": "increase"}, by_key["status"]) == "tăng thêm"
    assert display({"status": "other"}, by_key["status"]) == "other"
    assert display({"value": 3.0}, by_key["value"]) == 3 and isinstance(display({"value": 3.0}, by_key["value"]), int)
    assert display({"value": "2.5"}, by_key["value"]) == 2.5
    assert display({"value": "-2+3"}, by_key["value"]) == "-2+3"
    assert display(FACT, by_key["as_of"]) == dt.date(2023, 12, 5)
    assert display({"as_of": "2023-12"}, by_key["as_of"]) == "12/2023"
    assert display({"as_of": "2023"}, by_key["as_of"]) == "2023"
    assert display({"published": "2023-12-20T08:30:00+07:00"}, by_key["published"]) == dt.date(2023, 12, 20)
    assert display({}, by_key["model"]) is None
    assert display_text(FACT, by_key["as_of"]) == "05/12/2023"
    assert display_text({}, by_key["value"]) == ""


def test_partial_text():
    partial = next(c for c in REPLICATION_COLUMNS if c.key == "partial")
    assert display({"partial": True, "children": 3}, partial) == "có (3 địa bàn)"
    assert display({"partial": False, "children": 3}, partial) is None
    assert display({}, partial) is None


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError):
        Column("x", "X", "money")


# --- CSV ------------------------------------------------------------------------

def test_csv_bom_headers_and_typed_cells():
    rows = read_csv([FACT, {"value": 2.5, "as_of": "2023-12"}, {"value": -2}, {}])
    assert rows[0] == [c.header for c in FACT_COLUMNS]
    assert rows[0][:3] == ["Loại", "Mô hình", "Giá trị"]
    first = dict(zip([c.key for c in FACT_COLUMNS], rows[1]))
    assert first["fact"] == "số liệu" and first["status"] == "đã đạt"
    assert first["value"] == "1250" and first["document_id"] == "42"
    assert first["as_of"] == "2023-12-05" and first["place"] == "Đắk Lắk"
    assert rows[2][2] == "2.5" and rows[2][6] == "12/2023"
    assert rows[3][2] == "-2"                       # a negative number stays a number
    assert rows[4] == [""] * len(FACT_COLUMNS)


def test_csv_streams_one_chunk_per_row():
    chunks = list(csv_lines([FACT, FACT, FACT], FACT_COLUMNS))
    assert len(chunks) == 4 and chunks[0].startswith("\ufeffLoại,")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_csv_neutralises_formulas(hostile):
    rows = read_csv([{"sentence": hostile, "model": hostile, "value": hostile}])
    data = dict(zip([c.key for c in FACT_COLUMNS], rows[1]))
    for key in ("sentence", "model", "value"):
        assert data[key] == "'" + hostile


def test_csv_removes_control_characters_and_caps_length():
    rows = read_csv([{"sentence": "a\x00b\x07c\x1fd\x0be", "title": "x" * 40_000,
                      "model": "\x00=1"}])
    data = dict(zip([c.key for c in FACT_COLUMNS], rows[1]))
    assert data["sentence"] == "abcde"
    assert len(data["title"]) == MAX_CELL
    assert data["model"] == "'=1"                   # cleaning cannot hide a formula


def test_replication_csv():
    row = {"model": "Tổ tự quản", "scope": "Huyện Krông Pắc", "province": "Đắk Lắk", "value": 120,
           "as_of": "2024", "status": "target", "partial": True, "children": 4,
           "target_value": 150.5, "target_as_of": "2025-06-30", "history": ["2022: 80", "2023: 100"],
           "sources": 3, "document_id": 7}
    rows = read_csv([row], REPLICATION_COLUMNS)
    data = dict(zip([c.header for c in REPLICATION_COLUMNS], rows[1]))
    assert data["Số lượng"] == "120" and data["Thời điểm"] == "2024"
    assert data["Trạng thái"] == "chỉ tiêu"
    assert data["Cộng từ các địa bàn con"] == "có (4 địa bàn)"
    assert data["Chỉ tiêu"] == "150.5" and data["Hạn chỉ tiêu"] == "2025-06-30"
    assert data["Lịch sử"] == "2022: 80; 2023: 100" and data["Số nguồn"] == "3"


# --- XLSX -----------------------------------------------------------------------

def test_xlsx_header_and_sheet_layout():
    sheet = read_xlsx([FACT], sheet_title="Số liệu")
    assert sheet.title == "Số liệu"
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header for c in FACT_COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert not cell(sheet, 2, "model").font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L1"
    widths = {k: sheet.column_dimensions[cell(sheet, 1, k).column_letter].width for k in ("sentence", "value")}
    assert widths["sentence"] > 3 * widths["value"]


def test_xlsx_cell_types():
    sheet = read_xlsx([FACT, {"value": 2.5, "as_of": "2023-12", "published": "2023"},
                       {"value": -2, "document_id": "17"}])
    value = cell(sheet, 2, "value")
    assert value.value == 1250 and isinstance(value.value, int) and value.data_type == "n"
    assert isinstance(cell(sheet, 3, "value").value, float) and cell(sheet, 3, "value").value == 2.5
    assert cell(sheet, 4, "value").value == -2
    assert cell(sheet, 4, "document_id").value == 17
    as_of = cell(sheet, 2, "as_of")
    assert as_of.value == dt.datetime(2023, 12, 5) and as_of.is_date
    assert as_of.number_format == "dd/mm/yyyy"
    partial = cell(sheet, 3, "as_of")
    assert partial.value == "12/2023" and partial.data_type == "s"
    assert cell(sheet, 3, "published").value == "2023" and cell(sheet, 3, "published").data_type == "s"
    assert cell(sheet, 2, "fact").value == "số liệu" and cell(sheet, 2, "status").value == "đã đạt"
    assert cell(sheet, 2, "place").value == "Đắk Lắk"
    assert cell(sheet, 3, "model").value is None


@pytest.mark.parametrize("hostile", HOSTILE)
def test_xlsx_hostile_strings_are_text(hostile):
    sheet = read_xlsx([{"sentence": hostile, "model": hostile, "value": hostile}])
    for key in ("sentence", "model", "value"):
        got = cell(sheet, 2, key)
        assert got.data_type == "s"
        assert got.value == "'" + hostile


def test_xlsx_control_characters_removed_and_long_text_capped():
    controls = "".join(chr(i) for i in range(32) if chr(i) not in "\t\n\r")
    sheet = read_xlsx([{"sentence": f"a{controls}b", "title": "y" * 50_000, "model": "\x01=2"}])
    assert cell(sheet, 2, "sentence").value == "ab"
    assert len(cell(sheet, 2, "title").value) == MAX_CELL
    assert cell(sheet, 2, "model").value == "'=2"


def test_unencodable_characters_and_non_finite_numbers():
    rows = [{"sentence": "a\ud800b\uffffc", "value": float("nan"), "title": "x\ty"}]
    assert read_csv(rows)[1][7:8] == ["abc"] and read_csv(rows)[1][2] == ""
    sheet = read_xlsx(rows)
    assert cell(sheet, 2, "sentence").value == "abc" and cell(sheet, 2, "value").value is None
    assert cell(sheet, 2, "title").value == "x\ty"    # TAB inside text is legal and kept


def test_replication_xlsx():
    row = {"model": "Tổ tự quản", "value": "120", "partial": True, "children": 2,
           "target_value": 150, "target_as_of": "2025-06-30", "sources": 3}
    sheet = read_xlsx([row], REPLICATION_COLUMNS)
    assert cell(sheet, 2, "value", REPLICATION_COLUMNS).value == 120
    assert cell(sheet, 2, "partial", REPLICATION_COLUMNS).value == "có (2 địa bàn)"
    assert cell(sheet, 2, "target_as_of", REPLICATION_COLUMNS).value == dt.datetime(2025, 6, 30)
    assert cell(sheet, 2, "sources", REPLICATION_COLUMNS).value == 3


def test_large_exports(tmp_path):
    rows = ({**FACT, "document_id": i, "value": i * 1.5} for i in range(20_000))
    path = tmp_path / "big.xlsx"
    with path.open("wb") as fh:
        write_xlsx(rows, FACT_COLUMNS, fh)
    sheet = load_workbook(path, read_only=True).active
    count = 0
    last = None
    for last in sheet.iter_rows(values_only=True):
        count += 1
    assert count == 20_001
    assert last[FACT_COLUMNS.index(next(c for c in FACT_COLUMNS if c.key == "document_id"))] == 19_999
    lines = read_csv({**FACT, "document_id": i} for i in range(20_000))
    assert len(lines) == 20_001
