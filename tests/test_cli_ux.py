"""The command line as people use it: progress bars on a terminal and one line otherwise, quiet
when a pipe closes early, no empty knowledge base left behind by a command that only reads one,
an index kept in step by import and crawl, and help with defaults and examples."""
from __future__ import annotations

import argparse
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from corpus import Store
from policekb.cli import build_parser, main
from search_app import create_app
from tests import portal as site

POLICEKB = [sys.executable, "-m", "policekb.cli"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def search_total(home: Path, query: str) -> int:
    app = create_app({"TESTING": True, "DATABASE": str(home / "policekb.sqlite3"), "INDEX": str(home / "index")})
    response = app.test_client().get("/api/search", query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["total"]


# --- help ------------------------------------------------------------------------------
def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_every_command_has_a_description_defaults_and_examples():
    commands = subcommands()
    assert set(commands) >= {"import", "crawl", "extract", "reextract", "index", "serve", "replication", "export",
                             "demo"}
    for name, parser in commands.items():
        text = parser.format_help()
        assert parser.description and len(parser.description) > 40, name
        examples = text.split("examples:\n", 1)[1].splitlines()
        assert examples and all(f"policekb " in line for line in examples if line.strip()), (name, examples)
        assert any(f"policekb {name}" in line or f"{name} " in line for line in examples), name
        for action in parser._actions:
            if action.help and action.default not in (None, False, argparse.SUPPRESS):
                assert f"(default: {action.default})" in " ".join(text.split()), (name, action.dest)
    serve = " ".join(commands["serve"].format_help().split())
    assert "(default: 127.0.0.1)" in serve and "(default: 5000)" in serve
    assert "(default: None)" not in " ".join(p.format_help() for p in commands.values())


def test_help_runs_for_every_command():
    for name in subcommands():
        result = subprocess.run([*POLICEKB, name, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "examples:" in result.stdout and result.stderr == "", name


# --- no knowledge base -------------------------------------------------------------------
@pytest.mark.parametrize("command", [["index"], ["export", "csv"], ["export", "replication", "--format", "jsonl"],
                                     ["replication"], ["serve", "--port", "0"], ["reextract"]])
def test_reading_commands_refuse_a_home_without_a_knowledge_base(tmp_path, capsys, command):
    home = tmp_path / "empty"
    code, out, err = run(capsys, "--home", home, *command)
    assert code == 1 and out == ""
    assert f"no knowledge base at {home / 'policekb.sqlite3'}" in err and "policekb import" in err
    assert not home.exists()  # nothing created


# --- the index follows import and crawl ------------------------------------------------------
def test_import_builds_then_updates_the_index(tmp_path, corpus_dir, capsys):
    home = tmp_path / "home"
    code, out, _ = run(capsys, "--home", home, "import", corpus_dir)
    assert code == 0 and "imported 3 new" in out and "search index built" in out
    assert search_total(home, "camera an ninh") >= 1  # `serve` works straight after the first import
    (corpus_dir / "zalo.txt").write_text("Zalo an ninh ở Buôn Ma Thuột\n\nNhóm “Zalo an ninh trật tự” có 200 thành "
                                         "viên.", encoding="utf-8")
    code, out, _ = run(capsys, "--home", home, "import", corpus_dir)
    assert "1 new" in out and "search index updated" in out and search_total(home, "zalo") == 1


def test_import_rebuilds_a_missing_index_even_when_nothing_changed(tmp_path, corpus_dir, capsys):
    home = tmp_path / "home"
    run(capsys, "--home", home, "import", corpus_dir)
    import shutil

    index = home / "index"  # a link to the current index generation
    index.unlink() if index.is_symlink() else shutil.rmtree(index)
    code, out, _ = run(capsys, "--home", home, "import", corpus_dir)
    assert code == 0 and "3 unchanged" in out and "search index built" in out
    assert search_total(home, "") == 3


def test_crawl_creates_and_updates_the_index(tmp_path, capsys):
    portal = site.Portal(specials=False).start()
    try:
        home = tmp_path / "home"
        home.mkdir()
        (home / "sources.toml").write_text(site.sources_toml(portal), encoding="utf-8")
        code, out, err = run(capsys, "--home", home, "crawl", "--max-pages", "4")
        assert code == 0 and "search index built" in out and err == ""
        code, out, _ = run(capsys, "--home", home, "crawl", "--max-pages", "3")
        assert code == 0
        with Store(home / "policekb.sqlite3") as store:
            assert search_total(home, "") == store.count_documents() > 0
    finally:
        portal.stop()


# --- pipes --------------------------------------------------------------------------------
def closed_pipe_run(argv: list) -> subprocess.CompletedProcess:
    """Run with stdout on a pipe nobody reads any more (what `| head` leaves once it has enough)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([*POLICEKB, *map(str, argv)], stdout=write, stderr=subprocess.PIPE, text=True,
                              timeout=300)
    finally:
        os.close(write)


@pytest.mark.parametrize("command", [["export", "csv"], ["export", "facts", "--format", "jsonl"],
                                     ["export", "replication"], ["replication"], ["replication", "--format", "csv"],
                                     ["export", "xlsx"], ["index"], ["import", "{corpus}"], ["extract", "{corpus}"]])
def test_printing_commands_end_quietly_on_a_closed_pipe(built_home, corpus_dir, command):
    argv = [arg.replace("{corpus}", str(corpus_dir)) for arg in command]
    result = closed_pipe_run(["--home", built_home, *argv])
    assert result.stderr == "" and result.returncode == 0, result.stderr


def test_export_piped_to_head(built_home):
    result = subprocess.run(f"{sys.executable} -m policekb.cli --home '{built_home}' export csv | head -n 1",
                            shell=True, capture_output=True, text=True, timeout=300)
    assert result.stdout.lstrip("\ufeff").startswith("Loại,") and result.stderr == ""


# --- progress -------------------------------------------------------------------------------
def on_a_terminal(argv: list) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal of 100 columns: (exit code, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen([*POLICEKB, *map(str, argv)], stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    out = process.stdout.read()
    os.close(master)
    return process.wait(timeout=300), out, shown.decode("utf-8", "replace")


def test_progress_bars_on_a_terminal(tmp_path, corpus_dir):
    home = tmp_path / "home"
    code, out, shown = on_a_terminal(["--home", home, "import", corpus_dir])
    assert code == 0 and "import" in shown and "/3" in shown and "imported 3 new" in out
    code, out, shown = on_a_terminal(["--home", home, "index"])
    assert code == 0 and "index" in shown and "/3" in shown and out.startswith("indexed 3 documents")
    code, out, shown = on_a_terminal(["--home", home, "reextract"])
    assert code == 0 and "reextract" in shown and "/3" in shown and out.startswith("re-extracted 3 documents")


def test_one_line_summary_off_a_terminal(tmp_path, corpus_dir):
    home = tmp_path / "home"
    for argv in (["import", corpus_dir], ["index"], ["reextract"]):
        result = subprocess.run([*POLICEKB, "--home", home, *map(str, argv)], capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert len(result.stdout.splitlines()) == 1, result.stdout
