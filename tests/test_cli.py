import csv
import io
import json
import subprocess
import sys

import pytest

from policekb.cli import main, samples_dir



def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_index_export(tmp_path, corpus_dir, capsys):
    home = str(tmp_path / "home")
    code, out, _ = run(capsys, "--home", home, "import", str(corpus_dir))
    assert code == 0 and "imported 3 new" in out
    code, out, _ = run(capsys, "--home", home, "import", str(corpus_dir))
    assert "0 new, 0 updated, 3 unchanged" in out
    code, out, _ = run(capsys, "--home", home, "index")
    assert code == 0 and "indexed 3 documents" in out
    target = tmp_path / "figures.csv"
    assert run(capsys, "--home", home, "export", "csv", "-o", str(target))[0] == 0
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    camera = [r for r in rows if r["Mô hình"] == "Camera an ninh" and r["Đơn vị"] == "điểm"]
    # one row per fact: the count is a model count with its model, not also a bare figure
    assert [(r["Loại"], r["Giá trị"]) for r in camera] == [("số liệu mô hình", "45")]
    assert not [r for r in rows if r["Giá trị"] == "45" and r["Loại"] == "số liệu" and r["Đơn vị"] == "điểm"]
    assert any(r["Giá trị"] == "120000000" and r["Đơn vị"] == "đồng" for r in rows)
    # the whole sentence, and the file's name rather than where someone keeps it
    assert camera[0]["Câu nguồn"].endswith(".") and len(camera[0]["Câu nguồn"]) > 40
    assert all("/" not in r["Nguồn"] for r in rows)


def test_import_reports_bad_files_and_keeps_going(tmp_path, corpus_dir, capsys):
    (corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    code, out, err = run(capsys, "--home", str(tmp_path / "h"), "import", str(corpus_dir))
    assert code == 1
    assert "imported 3 new" in out and "broken.pdf" in err


def test_extract_prints_contract_json_without_a_database(tmp_path, corpus_dir, capsys, monkeypatch):
    monkeypatch.setenv("POLICEKB_HOME", str(tmp_path / "untouched"))
    code, out, _ = run(capsys, "extract", str(corpus_dir / "camera-cam-lo.txt"), "--format", "jsonl")
    assert code == 0
    record = json.loads(out)
    for key in ("source", "kind", "title", "published", "doc_refs", "models", "model_counts", "figures", "places"):
        assert key in record
    assert record["published"] == "2024-03-12"
    assert not (tmp_path / "untouched").exists()


def test_help_on_every_command():
    for command in ("import", "extract", "reextract", "index", "serve", "export", "demo", "crawl"):
        result = subprocess.run([sys.executable, "-m", "policekb.cli", command, "--help"], capture_output=True,
                                text=True)
        assert result.returncode == 0 and "usage: policekb" in result.stdout


def test_demo_builds_the_bundled_samples(tmp_path, capsys):
    files = [p for p in samples_dir().rglob("*") if p.suffix in {".txt", ".html", ".pdf"}]
    assert len(files) >= 20
    code, out, err = run(capsys, "--home", str(tmp_path / "demo"), "demo", "--no-serve")
    assert code == 0, err
    assert f"{len(files)} new" in out and "0 failed" in out
