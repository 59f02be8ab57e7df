"""The replication table's five rules (replication.md, section 3), each with a test that fails when the
rule is broken, on a real SQLite knowledge base filled by the import pipeline from documents written here."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import Store, answers, derived
from corpus.replication import Fact, build
from policekb.cli import main
from policekb.pipeline import import_paths

HEAD = "Quảng Trị: tin an ninh cơ sở\n{date}\n\n"


def article(folder: Path, name: str, date: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(HEAD.format(date=date) + body + "\n", encoding="utf-8")


def table(store: Store, model: str = "keng") -> list[dict]:
    ids = answers.find_models(store, model)
    return answers.replication_rows(store, ids, include_all=True)


def imported(tmp_path: Path) -> Store:
    store = Store(tmp_path / "kb.sqlite3")
    report = import_paths(store, [tmp_path / "docs"])
    assert not report.failed
    return store


def test_counts_of_different_years_are_versions_not_a_sum(tmp_path):
    article(tmp_path / "docs", "a.txt", "Thứ Hai, 10/06/2019, 08:00",
            "Năm 2019, mô hình “Tiếng kẻng an ninh” đã được xây dựng tại 12 thôn trên địa bàn huyện Cam Lộ.")
    article(tmp_path / "docs", "b.txt", "Thứ Hai, 14/06/2021, 08:00",
            "Đến tháng 5/2021, mô hình “Tiếng kẻng an ninh” đã có ở 19 thôn trên địa bàn huyện Cam Lộ.")
    with imported(tmp_path) as store:
        [row] = table(store)
    assert (row["scope"], row["value"], row["as_of"], row["status"]) == ("huyện Cam Lộ", 19, "2021-05", "achieved")
    assert [(h["value"], h["as_of"]) for h in row["history"]] == [(12, "2019")]


def test_targets_and_increases_stand_beside_a_row_never_in_it(tmp_path):
    article(tmp_path / "docs", "a.txt", "Thứ Hai, 14/06/2021, 08:00",
            "Hiện nay, mô hình “Tiếng kẻng an ninh” đã có ở 19 thôn trên địa bàn huyện Cam Lộ. "
            "Phấn đấu đến năm 2025, mô hình “Tiếng kẻng an ninh” được nhân rộng ra 40 thôn trên địa bàn huyện Cam Lộ.")
    article(tmp_path / "docs", "b.txt", "Thứ Hai, 20/12/2021, 08:00",
            "Trong năm 2021, mô hình “Tiếng kẻng an ninh” được xây dựng thêm 7 thôn so với năm 2020 "
            "trên địa bàn huyện Cam Lộ.")
    with imported(tmp_path) as store:
        [row] = table(store)
    assert row["value"] == 19 and row["status"] == "achieved"
    assert row["target"]["value"] == 40 and row["target"]["as_of"] == "2025"
    assert [(h["value"], h["status"]) for h in row["history"]] == [(7, "increase")]


def test_one_fact_from_a_headline_its_body_and_a_copy_is_counted_once(tmp_path):
    body = ("Cam Lộ: mô hình “Tiếng kẻng an ninh” có ở 31 thôn\nThứ Ba, 12/03/2024, 08:15\n\n"
            "Đến nay, mô hình “Tiếng kẻng an ninh” đã có ở 31 thôn trên địa bàn huyện Cam Lộ, góp phần giữ "
            "vững an ninh trật tự ở cơ sở và được Nhân dân đồng tình hưởng ứng.\n")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "keng.txt").write_text(body, encoding="utf-8")
    html = "<html><body><article>" + "".join(f"<p>{line}</p>" for line in body.splitlines() if line) + \
           "</article></body></html>"
    (folder / "keng.html").write_text(html, encoding="utf-8")
    with imported(tmp_path) as store:
        rows = [r for r in table(store) if r["unit"] == "thôn"]
        assert len(rows) == 1 and rows[0]["value"] == 31
        assert len(rows[0]["sources"]) >= 3  # headline and body of the .txt, and the .html copy
        summary = answers.models(store, "keng")[0]
        assert summary["documents"] == 2 and summary["copies"] == 1


def test_a_footer_is_the_tables_scope_not_a_place(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kh.txt").write_text(
        "CÔNG AN TỈNH QUẢNG TRỊ\nCÔNG AN HUYỆN CAM LỘ\nSố: 40/KH-CAH\nCam Lộ, ngày 10 tháng 01 năm 2024\n"
        "KẾ HOẠCH\nNhân rộng mô hình “Tiếng kẻng an ninh” năm 2024\n"
        "Bảng mô hình “Tiếng kẻng an ninh” (đơn vị: thôn)\n"
        "TT | Xã | Số thôn hiện có | Chỉ tiêu năm 2024\n"
        "1 | Xã Cam Hiếu | 5 | 3\n"
        "2 | Xã Cam Thủy | 4 | 2\n"
        " | Tổng cộng | 9 | 5\n", encoding="utf-8")
    with imported(tmp_path) as store:
        rows = table(store)
    assert not [r for r in rows if "tổng" in (r["scope"] or "").lower()]
    district = [r for r in rows if r["scope"] == "huyện Cam Lộ"]
    assert [(r["value"], r["status"], r["target"]["value"], r.get("partial")) for r in district] == [
        (9, "achieved", 5, None)]


def test_a_parents_sum_over_its_children_is_marked_partial(tmp_path):
    article(tmp_path / "docs", "a.txt", "Thứ Ba, 12/03/2024, 08:15",
            "Tại xã Cam Hiếu, mô hình “Tiếng kẻng an ninh” đã được xây dựng ở 6 thôn.\n\n"
            "Tại xã Cam Thủy, mô hình “Tiếng kẻng an ninh” đã được xây dựng ở 4 thôn.\n\n"
            "Tại thôn Tân Hiếu, mô hình “Tiếng kẻng an ninh” đã có 3 thôn lân cận học tập.")
    with imported(tmp_path) as store:
        rows = table(store)
        by_scope = {r["scope"]: r for r in rows}
        parent = by_scope["huyện Cam Lộ"]
        assert (parent["value"], parent["partial"], parent["children"]) == (10, True, 2)
        # once a source states the district's figure, the sum is gone and never mixed with it
        article(tmp_path / "docs", "b.txt", "Thứ Tư, 13/03/2024, 08:15",
                "Toàn huyện Cam Lộ hiện có 14 thôn đã xây dựng mô hình “Tiếng kẻng an ninh”.")
        import_paths(store, [tmp_path / "docs"])
        district = [r for r in table(store) if r["scope"] == "huyện Cam Lộ"]
    assert [(r["value"], r.get("partial")) for r in district] == [(14, None)]


def fact(**kw) -> Fact:
    base = dict(id=1, document_id=1, model_id="m", model="M", value=1, unit="thôn", place="huyện A", status="achieved",
                as_of="2020", published="2020-01-01", kind="article", source="a.txt", sentence="…", start=0,
                level="huyện", province="P", district="huyện A", cluster=1)
    base.update(kw)
    return Fact(**base)


def test_ties_go_to_the_document_published_last_then_to_the_directive():
    rows = build([fact(id=1, value=5, published="2020-02-01"), fact(id=2, document_id=2, value=6, cluster=2,
                                                                    published="2020-03-01")])
    assert rows[0].value == 6
    rows = build([fact(id=1, value=5, kind="directive"), fact(id=2, document_id=2, cluster=2, value=6)])
    assert rows[0].value == 5


def test_copies_with_and_without_a_date_are_one_fact():
    rows = build([fact(id=1, value=8, as_of="2020-05"), fact(id=2, document_id=2, value=8, as_of=None, cluster=1)])
    assert len(rows) == 1 and len(rows[0].sources) == 2 and rows[0].history == []


def test_cli_prints_the_documented_shape(tmp_path, capsys):
    article(tmp_path / "docs", "a.txt", "Thứ Ba, 12/03/2024, 08:15",
            "Đến nay, mô hình “Tiếng kẻng an ninh” đã có ở 31 thôn trên địa bàn huyện Cam Lộ.")
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(tmp_path / "docs")]) == 0
    capsys.readouterr()
    assert main(["--home", home, "replication", "--model", "tieng keng", "--format", "jsonl"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    row = json.loads(line)
    assert {"model", "scope", "province", "unit", "value", "as_of", "status", "sources", "history", "target"} <= set(row)
    assert (row["model"], row["scope"], row["province"], row["unit"], row["value"]) == (
        "Tiếng kẻng an ninh", "huyện Cam Lộ", "Quảng Trị", "thôn", 31)
    assert row["sources"][0]["source"] == "a.txt" and "31 thôn" in row["sources"][0]["sentence"]


def test_the_table_follows_reextraction(tmp_path):
    article(tmp_path / "docs", "a.txt", "Thứ Ba, 12/03/2024, 08:15",
            "Đến nay, mô hình “Tiếng kẻng an ninh” đã có ở 31 thôn trên địa bàn huyện Cam Lộ.")
    with imported(tmp_path) as store:
        store.conn.execute("DELETE FROM replication")
        store.conn.execute("UPDATE derived_state SET dirty = 1")
        store.conn.commit()
        from policekb.pipeline import reextract
        reextract(store)
        assert not derived.is_stale(store) and table(store)[0]["value"] == 31
