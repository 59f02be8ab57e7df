"""`policekb crawl --check` against fixture portals (tests/family_sites.py), through the CLI's
main(): what it prints for every URL met, and that it stores nothing."""
from __future__ import annotations

import pytest

from policekb.cli import main
from tests.families import FamilyPortal
from tests.family_sites import FAMILIES


@pytest.fixture
def cand_portal():
    portal = FamilyPortal(FAMILIES["cand"]()).start()
    yield portal
    portal.stop()


def lines_for(output: str, url: str) -> list[str]:
    return [line for line in output.splitlines() if f" {url} " in line + " "]


def check(portal, tmp_path, capsys, *options) -> tuple[int, str]:
    toml = tmp_path / "sources.toml"
    toml.write_text(portal.sources_toml(), encoding="utf-8")
    code = main(["--home", str(tmp_path / "home"), "crawl", "--check", "--sources", str(toml), *options])
    return code, capsys.readouterr().out


def test_check_says_what_the_crawl_would_do_with_each_url(cand_portal, tmp_path, capsys):
    code, out = check(cand_portal, tmp_path, capsys, "--max-pages", "40")
    url = cand_portal.url
    assert code == 0 and out.startswith("== cand ==")
    assert lines_for(out, url("/Xa-hoi/"))[0].startswith("listing    ")
    assert "start page" in lines_for(out, url("/Xa-hoi/"))[0]
    assert lines_for(out, url("/sitemaps/news.xml"))[0].startswith("sitemap    ")
    assert "matches a listing pattern" in lines_for(out, url("/Xa-hoi/p2/"))[0]
    article = lines_for(out, url("/Xa-hoi/can-canh-mo-hinh-camera-an-ninh-i375777/"))
    assert len(article) == 1 and article[0].startswith("article    ") and "article pattern" in article[0]
    assert "off the source's hosts" in lines_for(out, "http://en.example.invalid/")[0]
    assert "amp." not in out and "utm_source" not in out and "?id=18" not in out  # canonical URLs only
    assert out.rstrip().splitlines()[-1].startswith("cand: ")
    paths = cand_portal.paths()
    assert len(paths) == len(set(paths)) and len([p for p in paths if p != "/robots.txt"]) <= 40
    assert not (tmp_path / "home" / "policekb.sqlite3").exists()  # nothing stored


def test_check_stops_after_max_pages_and_lists_what_is_left(cand_portal, tmp_path, capsys):
    code, out = check(cand_portal, tmp_path, capsys, "--max-pages", "2")
    assert code == 0
    assert len([p for p in cand_portal.paths() if p != "/robots.txt"]) == 2
    queued = [line for line in out.splitlines() if line.startswith("  queued")]
    assert queued and any("not fetched" in line for line in queued)


def test_check_judges_pages_of_a_source_that_detects(tmp_path, capsys):
    portal = FamilyPortal(FAMILIES["wordpress"]()).start()
    try:
        code, out = check(portal, tmp_path, capsys, "--max-pages", "30")
    finally:
        portal.stop()
    judged = [line for line in out.splitlines() if line.startswith("article ")]
    assert code == 0 and judged
    assert any("og:type=article" in line for line in judged)
    assert any("characters under one title" in line for line in judged)  # no metadata: the text decided
    assert "matches an ignore pattern" in out  # /wp-login.php
    contact = lines_for(out, portal.url("/lien-he/"))
    assert contact and contact[0].startswith("listing ") and "main text" in contact[0]

