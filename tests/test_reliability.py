"""Crashes, concurrent writers and odd files: the knowledge base and its search index stay in step.

A crash test kills `policekb import` with SIGKILL at random points; a re-run leaves every document
stored once and searchable. `import`, `index` and a served app under load run at the same time
without an error or a missing document. File names that are not UTF-8, and UTF-8 with a few stray
bytes, are imported without loss."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


from corpus import Store
from policekb.cli import main
from search_engine.engine import SearchEngine
from tests.test_browser import free_port

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "policekb.cli"]
WORDS = ("mô hình camera an ninh tổ liên gia tự quản tiếng kẻng bảo vệ an ninh trật tự thôn xóm "
         "công an xã tuần tra tuyên truyền phòng chống tội phạm nhân dân tham gia").split()


def write_articles(folder: Path, count: int, start: int = 0, seed: int = 3) -> None:
    rng = random.Random(seed + start)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + count):
        body = " ".join(rng.choice(WORDS) for _ in range(120))
        (folder / f"bai-{i:04d}.txt").write_text(
            f"Tin số {i}: mô hình “Camera an ninh” ở xã số {i}\nThứ Hai, 12/06/2023\n\n{body}. "
            f"Mô hình “Camera an ninh” đã được xây dựng tại {i % 40 + 2} điểm trên địa bàn huyện Cam Lộ.\n",
            encoding="utf-8")


def search_total(home: Path) -> int:
    return SearchEngine.open(home / "index").search("", facets=False).total


def stored(home: Path) -> int:
    with Store(home / "policekb.sqlite3") as store:
        return store.count_documents()


def test_a_file_name_that_is_not_utf8_is_imported_and_the_batch_goes_on(tmp_path, capsys):
    folder = tmp_path / "docs"
    write_articles(folder, 3)
    odd = os.path.join(os.fsencode(folder), b"bai-\xff\xfe.txt")
    with open(odd, "wb") as fh:
        fh.write("Tin lạ\n\nMô hình “Camera an ninh” đã có ở 5 điểm trên địa bàn huyện Cam Lộ.\n".encode())
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(folder)]) == 0
    assert "4 new" in capsys.readouterr().out
    with Store(home / "policekb.sqlite3") as store:
        sources = [d["source"] for d in store.documents()]
    assert any(s.endswith("bai-\\xff\\xfe.txt") for s in sources)  # the bytes of the name, losslessly
    assert search_total(home) == 4


def test_utf8_with_a_few_stray_bytes_is_read_as_utf8_with_a_warning(tmp_path):
    text = ("Mô hình “Camera an ninh” đã được xây dựng tại 45 điểm trên địa bàn huyện Cam Lộ, "
            "góp phần giữ vững an ninh trật tự ở cơ sở. ") * 4
    data = text.encode()
    data = data[:60] + b"\xe9" + data[60:]  # a latin-1 "é" pasted into UTF-8
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bai.txt").write_bytes(data)
    with Store(tmp_path / "kb.sqlite3") as store:
        from policekb.pipeline import import_paths

        assert not import_paths(store, [tmp_path / "docs"]).failed
        document = next(store.documents())
    assert "Camera an ninh" in document["text"] and "huyện Cam Lộ" in document["text"]
    assert "\ufffd" in document["text"] and "not UTF-8" in document["warnings"]


KILLED_IMPORT_ARTICLES = 1500  # enough that storing and indexing outlast most of the 20 kills: once all
# is done an import ends in well under a second, before most of the kills (with 240, 14 of 60 attempts
# were kills once import got faster)


def test_import_killed_at_random_points_leaves_everything_stored_once_and_searchable(tmp_path):
    folder, home = tmp_path / "docs", tmp_path / "home"
    write_articles(folder, KILLED_IMPORT_ARTICLES)
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = attempts = 0
    while kills < 20 and attempts < 60:  # 20 kills at random points: starting, storing, indexing
        attempts += 1
        process = subprocess.Popen([*CLI, "--home", str(home), "import", str(folder)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 2.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
    assert kills == 20, f"{kills} kills in {attempts} attempts"
    result = subprocess.run([*CLI, "--home", str(home), "import", str(folder)], env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    with Store(home / "policekb.sqlite3") as store:
        sources = [d["source"] for d in store.documents()]
        assert not store.integrity_problems()
    assert len(sources) == len(set(sources)) == KILLED_IMPORT_ARTICLES
    assert search_total(home) == KILLED_IMPORT_ARTICLES
    check = subprocess.run([*CLI, "--home", str(home), "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0 and "0 missing, 0 stale, 0 extra" in check.stdout


def test_import_index_and_serve_at_once(tmp_path):
    folder, home = tmp_path / "docs", tmp_path / "home"
    write_articles(folder, 60)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run([*CLI, "--home", str(home), "import", str(folder)], env=env,
                          capture_output=True).returncode == 0
    port = free_port()
    server = subprocess.Popen([*CLI, "--home", str(home), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors, served, stop = [], [0], threading.Event()

    def load():
        while not stop.is_set():
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=camera", timeout=10).read()
                served[0] += 1
            except urllib.error.HTTPError as exc:
                errors.append(exc.code)
            except OSError:
                time.sleep(0.1)  # not listening yet

    threads = [threading.Thread(target=load) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        write_articles(folder, 60, start=60)
        index = subprocess.Popen([*CLI, "--home", str(home), "index"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        imported = subprocess.run([*CLI, "--home", str(home), "import", str(folder)], env=env, capture_output=True,
                                  text=True, timeout=600)
        index_out, index_err = index.communicate(timeout=600)
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        server.send_signal(signal.SIGTERM)
        server_log = server.communicate(timeout=30)[1]
    assert imported.returncode == 0 and index.returncode == 0, (imported.stderr, index_err)
    assert "Traceback" not in imported.stderr + index_err
    assert errors == [] and served[0] > 0, server_log[server_log.find("Traceback"):][:4000]
    assert stored(home) == 120 and search_total(home) == 120
