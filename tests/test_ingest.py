import unicodedata

import pytest

from ingest import ParseError, read_bytes, read_path
from ingest.decode import decode_text
from ingest.furniture import strip_furniture
from tests.conftest import HTML

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def pdf_bytes(lines, password=None) -> bytes:
    """A real text PDF of these lines (DejaVu, so Vietnamese prints), encrypted when password is given."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if password is not None:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


def make_pdf(path, lines, password=None):
    path.write_bytes(pdf_bytes(lines, password))
    return path


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_windows_1258(text: str) -> bytes:
    """windows-1258 has â, ê, ô, ơ, ư, ă, đ but writes tone marks as combining characters."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def test_html_main_text_without_furniture():
    doc = read_bytes(HTML.encode("utf-8"), "https://congan.example.vn/a", "text/html")
    assert doc.title.startswith("Nghệ An: mô hình")
    assert "32 bản" in doc.text
    assert "Trang chủ" not in doc.text and "Đang truy cập" not in doc.text and "999 người" not in doc.text
    assert doc.published == "2022-07-05"


def test_windows_1258_page_is_decoded_and_composed():
    text = "Công an xã Cam Hiếu vận động 1.250 hộ gia đình"
    data = to_windows_1258(text)
    assert decode_text(data) == text


def test_windows_1258_html_page(tmp_path):
    page = HTML.replace('charset="utf-8"', 'charset="windows-1258"')
    doc = read_bytes(to_windows_1258(page), "x.html", "text/html")
    assert "Trên địa bàn huyện Kỳ Sơn" in doc.text


def test_wrong_meta_charset_does_not_garble_utf8():
    html = HTML.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("utf-8")
    assert "Kỳ Sơn" in read_bytes(html, "x.html", "text/html").text


def test_furniture_lines_are_dropped():
    page = "Tin chính\nBình chọn\nTheo bạn thế nào ?\nHữu ích\n126 người đã tham gia bình chọn\nHôm nay 2008\n" \
           "Nội dung có 12 thôn.\nCác tin khác\nTin cũ có 99 xã"
    assert strip_furniture(page) == "Tin chính\nNội dung có 12 thôn."


def test_text_pdf(tmp_path):
    path = make_pdf(tmp_path / "kh.pdf", ["CÔNG AN HUYỆN CAM LỘ", "Số: 312/KH-CAH", "KẾ HOẠCH",
                                          "Nhân rộng mô hình “Camera an ninh” tại 20 thôn"])
    doc = read_path(path)
    assert "Số: 312/KH-CAH" in doc.text and "“Camera an ninh”" in doc.text
    assert doc.media_type == "application/pdf"


def test_pdf_with_empty_user_password_opens(tmp_path):
    path = make_pdf(tmp_path / "open.pdf", ["Mô hình Tổ liên gia tại 15 xóm"], password="")
    assert "15 xóm" in read_path(path).text


def test_password_protected_pdf_is_reported(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", ["bí mật"], password="secret")
    with pytest.raises(ParseError, match="encrypted"):
        read_path(path)


def test_truncated_pdf_is_reported(tmp_path):
    whole = make_pdf(tmp_path / "whole.pdf", ["Nội dung"]).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(ParseError, match="damaged or truncated"):
        read_path(cut)


def test_blank_image_only_pdf_is_ocred_and_has_no_text(tmp_path):
    """Scans are OCRed now (tests/test_parsers.py reads a real one); a blank one has nothing to read."""
    fpdf = pytest.importorskip("fpdf")
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("RGB", (400, 200), "white").save(image)
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=100)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(ParseError, match="no text found.*OCR"):
        read_path(tmp_path / "scan.pdf")


def test_empty_file(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        read_path(tmp_path / "e.txt")
