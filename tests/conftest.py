"""Fixtures: a temporary knowledge base built from small documents written here."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Store
from policekb.pipeline import build_index, import_paths

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

ARTICLE = """Quảng Trị: nhân rộng mô hình “Camera an ninh” tại huyện Cam Lộ
Thứ Ba, 12/03/2024, 08:15 [GMT+7]

Thực hiện Kế hoạch số 245/KH-CAT-PV05 ngày 15/3/2023 của Công an tỉnh Quảng Trị, mô hình “Camera an ninh” đã được xây dựng tại 45 điểm trên địa bàn huyện Cam Lộ. Công an xã Cam Hiếu vận động 1.250 hộ gia đình tham gia với tổng kinh phí 120 triệu đồng.
"""

DIRECTIVE = """CÔNG AN TỈNH QUẢNG TRỊ
CÔNG AN HUYỆN CAM LỘ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 245/KH-CAT-PV05
Quảng Trị, ngày 15 tháng 3 năm 2023

KẾ HOẠCH
Xây dựng mô hình “Tiếng kẻng an ninh” năm 2023

Căn cứ Nghị định 111/2013/NĐ-CP của Chính phủ; phấn đấu 100% xã xây dựng mô hình “Tiếng kẻng an ninh” tại 20 thôn.
"""

HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Tin Nghệ An</title></head><body>
<nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></nav>
<article><h1>Nghệ An: mô hình “Tổ liên gia tự quản về ANTT” phát huy hiệu quả</h1>
<p class="date">Cập nhật: 05/07/2022</p>
<p>Trên địa bàn huyện Kỳ Sơn, mô hình “Tổ liên gia tự quản về ANTT” được nhân rộng ra 32 bản. Các tổ đã cung cấp hơn 300 tin báo có giá trị cho lực lượng Công an, góp phần giữ vững an ninh trật tự ở địa bàn biên giới.</p>
<p>Lực lượng Công an xã Mường Xén phối hợp với các ban, ngành tổ chức 15 buổi tuyên truyền cho Nhân dân về phòng, chống ma túy.</p>
</article>
<aside><h3>Các tin khác</h3><ul><li>Tin 1: 999 người</li></ul></aside>
<div class="counter">Đang truy cập: 25</div>
</body></html>"""


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "camera-cam-lo.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "kh-245.txt").write_text(DIRECTIVE, encoding="utf-8")
    (folder / "lien-gia-ky-son.html").write_text(HTML, encoding="utf-8")
    return folder


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    return write_corpus(tmp_path / "docs")


@pytest.fixture
def store(tmp_path) -> Store:
    with Store(tmp_path / "kb.sqlite3") as s:
        yield s


@pytest.fixture
def built_home(tmp_path, corpus_dir) -> Path:
    home = tmp_path / "home"
    with Store(home / "policekb.sqlite3") as s:
        report = import_paths(s, [corpus_dir])
        assert not report.failed, report.failed
        build_index(s, home / "index")
    return home


@pytest.fixture
def app(built_home):
    from search_app import create_app

    return create_app({"TESTING": True, "DATABASE": str(built_home / "policekb.sqlite3"),
                       "INDEX": str(built_home / "index")})


@pytest.fixture
def client(app):
    return app.test_client()
