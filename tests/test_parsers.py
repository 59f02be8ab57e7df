"""Parsers for the formats directives come in: text and scanned PDFs (header
fields, tables, OCR), the child-process limits, Word files, the TCVN3 and VNI
legacy fonts, and near-duplicate detection. Every file is generated here."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from ingest import ParseError, pdf as pdf_module, read_bytes, read_path, sandbox
from ingest.decode import decode_text
from ingest.dedup import NearDuplicateIndex, jaccard, signature, similarity
from ingest.legacy import convert_tcvn3, convert_vni, fix_legacy, is_syllable
from tests.test_ingest import FONT, make_pdf

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

HEADER_ROWS = [("BỘ CÔNG AN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
               ("CÔNG AN TỈNH QUẢNG TRỊ", "Độc lập - Tự do - Hạnh phúc"),
               ("", ""),
               ("Số: 245/KH-CAT-PV05", "Quảng Trị, ngày 15 tháng 3 năm 2023")]
BODY = ["Căn cứ Luật Công an nhân dân số 37/2018/QH14 ngày 20/11/2018;",
        "Công an tỉnh xây dựng kế hoạch nhân rộng mô hình “Camera an ninh” tại 45 xã như sau:"]
SIGNATURE_ROWS = [("Nơi nhận:", "KT. GIÁM ĐỐC"), ("- Cục V05 (để b/c);", "PHÓ GIÁM ĐỐC"),
                  ("- Lưu: VT, PV05.", "(Đã ký)"), ("", "Đại tá Hoàng Minh Đức")]
COUNTS = [("TT", "Xã, thị trấn", "Số điểm camera"), ("1", "Xã Cam Hiếu", "12"), ("2", "Xã Cam Thủy", "9"),
          ("3", "Thị trấn Cam Lộ", "21"), ("", "Tổng cộng", "42")]


@pytest.fixture(autouse=True)
def fresh_worker():
    """The parse worker is a snapshot of this process: tests that monkeypatch what it
    runs get a fresh one, and leave none behind with their patches."""
    sandbox.reset()
    yield
    sandbox.reset()


# ---------------------------------------------------------------- generated files

def new_pdf():
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_font("DejaVu", style="B", fname=FONT_BOLD)
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    return pdf


def two_columns(pdf, rows) -> None:
    """Rows of (left, right) cells, each column centred on its half, as in Nghị định 30."""
    for left, right in rows:
        y = pdf.get_y()
        pdf.set_xy(10, y)
        pdf.cell(85, 6, left, align="C")
        pdf.set_xy(95, y)
        pdf.cell(105, 6, right, align="C", new_x="LMARGIN", new_y="NEXT")


def directive_pdf(path: Path, table: bool = False) -> Path:
    pdf = new_pdf()
    two_columns(pdf, HEADER_ROWS)
    pdf.ln(6)
    pdf.set_font("DejaVu", style="B", size=14)
    pdf.cell(0, 8, "KẾ HOẠCH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", style="B", size=11)
    pdf.cell(0, 6, "Nhân rộng mô hình “Camera an ninh” năm 2023", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=11)
    pdf.ln(4)
    for line in BODY:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    if table:
        pdf.cell(0, 8, "Bảng số điểm camera theo xã:", new_x="LMARGIN", new_y="NEXT")
        with pdf.table(col_widths=(15, 60, 40)) as grid:
            for row in COUNTS:
                cells = grid.row()
                for value in row:
                    cells.cell(value)
        pdf.cell(0, 8, "Đề nghị các xã báo cáo kết quả trước ngày 30/6/2023.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    two_columns(pdf, SIGNATURE_ROWS)
    pdf.output(str(path))
    return path


def scan_image(path: Path, lines: list[tuple[int, int, str]]) -> Path:
    """A page as a scanner delivers it: (x, y, text) drawn with Pillow, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1654, 700), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(FONT, 34)
    for x, y, text in lines:
        draw.text((x, y), text, font=font, fill=0)
    image.save(path)
    return path


def scanned_pdf(path: Path, lines: list[tuple[int, int, str]]) -> Path:
    pdf = new_pdf()
    pdf.image(str(scan_image(path.with_suffix(".png"), lines)), x=0, y=10, w=210)
    pdf.output(str(path))
    return path


# ---------------------------------------------------------------- text PDFs

def test_directive_header_fields_come_out_by_column(tmp_path):
    doc = read_path(directive_pdf(tmp_path / "kh.pdf"))
    assert doc.header == {
        "issuer": "BỘ CÔNG AN CÔNG AN TỈNH QUẢNG TRỊ", "number": "245/KH-CAT-PV05", "place": "Quảng Trị",
        "date": "2023-03-15", "date_text": "Quảng Trị, ngày 15 tháng 3 năm 2023", "type": "Kế hoạch",
        "subject": "Nhân rộng mô hình “Camera an ninh” năm 2023", "signer_title": "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC",
        "signer_name": "Đại tá Hoàng Minh Đức"}
    assert "Số: 245/KH-CAT-PV05" in doc.text and doc.ocr_pages == []


def test_cong_van_subject_under_the_number(tmp_path):
    pdf = new_pdf()
    two_columns(pdf, HEADER_ROWS[:3] + [("Số: 2315/CAT-PV05", "Đắk Lắk, ngày 16 tháng 5 năm 2023"),
                                        ("V/v hướng dẫn mô hình “Camera an ninh”", "")])
    pdf.ln(4)
    pdf.cell(0, 6, "Kính gửi: Công an các huyện, thị xã, thành phố.", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, BODY[1])
    pdf.output(str(tmp_path / "cv.pdf"))
    header = read_path(tmp_path / "cv.pdf").header
    assert header["type"] == "Công văn" and header["number"] == "2315/CAT-PV05"
    assert header["subject"] == "hướng dẫn mô hình “Camera an ninh”"
    assert header["recipients"] == "Công an các huyện, thị xã, thành phố." and header["date"] == "2023-05-16"


def test_article_pdf_has_no_header(tmp_path):
    doc = read_path(make_pdf(tmp_path / "a.pdf", ["Công an huyện Cam Lộ lắp 45 camera", "Tin: Hải Nam"]))
    assert doc.header is None and "45 camera" in doc.text


def test_table_of_counts_per_commune_is_kept_as_rows(tmp_path):
    doc = read_path(directive_pdf(tmp_path / "table.pdf", table=True))
    lines = doc.text.splitlines()
    assert "TT | Xã, thị trấn | Số điểm camera" in lines
    assert "1 | Xã Cam Hiếu | 12" in lines and "3 | Thị trấn Cam Lộ | 21" in lines
    assert " | Tổng cộng | 42" in lines
    before, after = doc.text.index("Bảng số điểm camera"), doc.text.index("Đề nghị các xã")
    assert before < doc.text.index("1 | Xã Cam Hiếu") < after  # reading order kept around the table
    assert doc.text.count("Xã Cam Hiếu") == 1  # the table's text is not repeated outside it


def test_bundled_table_sample_keeps_its_rows():
    doc = read_path(ROOT / "corpus" / "samples" / "directives" / "vb-07-cah-lang-giang-kh-94.pdf")
    assert "1 | Thị trấn Vôi | 12 | 8" in doc.text.splitlines()
    assert doc.header["number"] == "94/KH-CAH" and doc.header["signer_name"] == "Thượng tá Nguyễn Văn Cường"


# ---------------------------------------------------------------- scans and OCR

needs_tesseract = pytest.mark.skipif(os.system("tesseract --list-langs 2>/dev/null | grep -qx vie") != 0,
                                     reason="tesseract-ocr-vie is not installed")


SCANNED_DIRECTIVE = [(120, 60, "CÔNG AN TỈNH QUẢNG TRỊ"), (880, 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                     (150, 130, "Số: 953/KH-BCĐ-CAT"), (900, 130, "Quảng Trị, ngày 12 tháng 4 năm 2024"),
                     (100, 300, "Triển khai mô hình camera an ninh tại các xã trên địa bàn huyện Cam Lộ.")]


@needs_tesseract
def test_scanned_directive_is_read_by_ocr(tmp_path):
    doc = read_path(scanned_pdf(tmp_path / "scan.pdf", SCANNED_DIRECTIVE))
    assert doc.ocr_pages == [1]
    assert "953/KH-BCĐ-CAT" in doc.text  # the number must be exact
    words = {"CÔNG", "AN", "TỈNH", "QUẢNG", "TRỊ", "Triển", "khai", "mô", "hình", "camera", "huyện", "Cam", "Lộ"}
    found = words & set(doc.text.replace(".", " ").split())
    assert len(found) >= len(words) - 2, found  # allow a little OCR noise in the prose
    assert doc.header["number"] == "953/KH-BCĐ-CAT" and doc.header["date"] == "2024-04-12"
    assert doc.header["issuer"] == "CÔNG AN TỈNH QUẢNG TRỊ"


@needs_tesseract
def test_mixed_pdf_ocrs_only_the_scanned_page(tmp_path):
    pdf = new_pdf()
    pdf.cell(0, 8, "Trang một có lớp chữ: 45 camera tại xã Cam Hiếu.")
    pdf.add_page()
    pdf.image(str(scan_image(tmp_path / "p2.png", [(100, 100, "Số: 953/KH-BCĐ-CAT")])), x=0, y=10, w=210)
    pdf.output(str(tmp_path / "mixed.pdf"))
    doc = read_path(tmp_path / "mixed.pdf")
    assert doc.ocr_pages == [2]
    assert doc.text.index("45 camera tại xã Cam Hiếu") < doc.text.index("953/KH-BCĐ-CAT")


@needs_tesseract
def test_blank_scan_gives_no_text_found(tmp_path):
    with pytest.raises(ParseError, match="no text found.*OCR"):
        read_path(scanned_pdf(tmp_path / "blank.pdf", []))


def test_missing_tesseract_is_a_clear_error(tmp_path, monkeypatch):
    import ingest.ocr

    monkeypatch.setattr(ingest.ocr.shutil, "which", lambda name: None)
    with pytest.raises(ParseError, match="tesseract-ocr-vie"):
        read_path(scanned_pdf(tmp_path / "scan.pdf", [(100, 100, "Số: 12/KH")]))


def test_cid_garbage_page_needs_ocr():
    page = type("Page", (), {"get_objects": lambda self, max_depth=1: iter([object()])})()
    assert pdf_module.needs_ocr("(cid:12)(cid:40)(cid:7) (cid:9)(cid:3)", page) and pdf_module.needs_ocr("", page)
    assert not pdf_module.needs_ocr("Công an xã Cam Hiếu (cid:3)", page)


# ---------------------------------------------------------------- damaged and locked PDFs

def test_encrypted_pdf_opens_only_with_an_empty_password(tmp_path):
    assert "15 xóm" in read_path(make_pdf(tmp_path / "open.pdf", ["Tổ liên gia tại 15 xóm"], password="")).text
    with pytest.raises(ParseError, match="encrypted"):
        read_path(make_pdf(tmp_path / "locked.pdf", ["bí mật"], password="secret"))


def test_truncated_and_fake_pdfs(tmp_path):
    whole = directive_pdf(tmp_path / "whole.pdf").read_bytes()
    with pytest.raises(ParseError, match="damaged or truncated"):
        read_bytes(whole[: len(whole) // 3], "cut.pdf", "application/pdf")
    with pytest.raises(ParseError, match="not a PDF"):
        read_bytes(b"<html>not a pdf</html>", "fake.pdf", "application/pdf")


# ---------------------------------------------------------------- child-process limits

def _hang_on_marker(data: bytes):
    if b"HANG" in data:
        time.sleep(60)
    return REAL_PARSE_PDF(data)


def _allocate(data: bytes):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


REAL_PARSE_PDF = pdf_module.parse_pdf


def test_hanging_parser_times_out_and_the_batch_goes_on(tmp_path, monkeypatch):
    from corpus import Store
    from policekb.pipeline import import_paths

    make_pdf(tmp_path / "a-hangs.pdf", ["HANG"])  # text streams are compressed: mark the raw bytes
    (tmp_path / "a-hangs.pdf").write_bytes((tmp_path / "a-hangs.pdf").read_bytes() + b"\n%HANG\n")
    make_pdf(tmp_path / "b-fine.pdf", ["Mô hình Tổ liên gia tại 15 xóm"])
    monkeypatch.setattr(pdf_module, "parse_pdf", _hang_on_marker)
    monkeypatch.setattr(sandbox, "TIMEOUT_SECONDS", 1.0)
    started = time.monotonic()
    report = import_paths(Store(tmp_path / "kb.sqlite"), [tmp_path])
    assert time.monotonic() - started < 20
    assert report.failed == [(str(tmp_path / "a-hangs.pdf"), "parsing timed out after 1 s")]
    assert report.added == [str(tmp_path / "b-fine.pdf")]


def test_memory_bomb_ends_with_a_parse_error(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "parse_pdf", _allocate)
    monkeypatch.setattr(sandbox, "MEMORY_MB", 256)
    with pytest.raises(ParseError, match="exceeded the memory limit of 256 MB"):
        read_path(make_pdf(tmp_path / "bomb.pdf", ["x"]))
    monkeypatch.setattr(pdf_module, "parse_pdf", REAL_PARSE_PDF)
    assert "15 xóm" in read_path(make_pdf(tmp_path / "next.pdf", ["Tại 15 xóm"])).text


def _crash(data: bytes):
    os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's OOM killer does


def test_crashing_parser_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "parse_pdf", _crash)
    with pytest.raises(ParseError, match="crashed \\(SIGKILL\\)"):
        read_path(make_pdf(tmp_path / "crash.pdf", ["x"]))


def _sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_worker_is_reused_and_replaced_after_a_timeout():
    first = sandbox.run_limited(os.getpid)
    assert first != os.getpid() and sandbox.run_limited(os.getpid) == first  # no fork per file
    with pytest.raises(ParseError, match="timed out after 0.5 s"):
        sandbox.run_limited(_sleep_then_pid, 30, timeout=0.5)
    assert sandbox.run_limited(_sleep_then_pid, 0) not in (first, os.getpid())


def test_function_newer_than_the_worker_gets_a_fresh_worker():
    import sys
    import types

    sandbox.run_limited(os.getpid)  # the worker exists before the module below
    late = types.ModuleType("late_parsers")
    exec("def parse(data):\n    return data.upper()", late.__dict__)
    sys.modules["late_parsers"] = late
    try:
        assert sandbox.run_limited(late.parse, b"pdf") == b"PDF"
    finally:
        del sys.modules["late_parsers"]


def test_parser_bug_comes_back_as_parse_error():
    with pytest.raises(ParseError, match="ZeroDivisionError"):
        sandbox.run_limited(divmod, 1, 0)


# ---------------------------------------------------------------- Word files

def directive_docx(path: Path, paragraphs: list[str] | None = None) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    header = document.add_table(rows=0, cols=2)
    for left, right in HEADER_ROWS:
        cells = header.add_row().cells
        cells[0].text, cells[1].text = left, right
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Nhân rộng mô hình “Camera an ninh” năm 2023")
    for line in paragraphs or BODY:
        document.add_paragraph(line)
    counts = document.add_table(rows=0, cols=3)
    for row in COUNTS:
        cells = counts.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    document.add_paragraph("Đề nghị các xã báo cáo kết quả.")
    signature_table = document.add_table(rows=0, cols=2)
    for left, right in SIGNATURE_ROWS:
        cells = signature_table.add_row().cells
        cells[0].text, cells[1].text = left, right
    document.save(str(path))
    return path


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    doc = read_path(directive_docx(tmp_path / "kh.docx"))
    assert doc.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    lines = doc.text.splitlines()
    assert lines[0] == "BỘ CÔNG AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert "2 | Xã Cam Thủy | 9" in lines and " | Tổng cộng | 42" in lines
    assert doc.text.index("Căn cứ Luật") < doc.text.index("1 | Xã Cam Hiếu") < doc.text.index("Đề nghị các xã")
    assert doc.header["number"] == "245/KH-CAT-PV05" and doc.header["issuer"] == "BỘ CÔNG AN CÔNG AN TỈNH QUẢNG TRỊ"
    assert doc.header["date"] == "2023-03-15" and doc.header["type"] == "Kế hoạch"
    assert doc.header["subject"] == "Nhân rộng mô hình “Camera an ninh” năm 2023"
    assert doc.header["signer_name"] == "Đại tá Hoàng Minh Đức"


def test_docx_header_typed_with_tabs(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for left, right in HEADER_ROWS:
        document.add_paragraph(f"{left}\t\t{right}" if left else f"\t\t{right}".rstrip())
    for line in ["QUYẾT ĐỊNH", "Về việc khen thưởng 15 tập thể", "GIÁM ĐỐC CÔNG AN TỈNH", BODY[0]]:
        document.add_paragraph(line)
    for left, right in SIGNATURE_ROWS:
        document.add_paragraph(f"{left}\t\t\t{right}")
    document.save(str(tmp_path / "qd.docx"))
    header = read_path(tmp_path / "qd.docx").header
    assert header["issuer"] == "BỘ CÔNG AN CÔNG AN TỈNH QUẢNG TRỊ" and header["number"] == "245/KH-CAT-PV05"
    assert header["place"] == "Quảng Trị" and header["type"] == "Quyết định"
    assert header["subject"] == "khen thưởng 15 tập thể"
    assert header["signer_title"] == "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" and header["signer_name"] == "Đại tá Hoàng Minh Đức"


def test_docx_is_found_in_folders_and_imported(tmp_path):
    from corpus import Store
    from policekb.pipeline import import_paths

    directive_docx(tmp_path / "kh.docx")
    report = import_paths(Store(tmp_path / "kb.sqlite"), [tmp_path])
    assert report.added == [str(tmp_path / "kh.docx")] and not report.failed


def test_old_doc_and_broken_docx_are_reported(tmp_path):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ParseError, match="convert it to .docx"):
        read_path(tmp_path / "old.doc")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ParseError, match="damaged or truncated"):
        read_path(tmp_path / "broken.docx")


# ---------------------------------------------------------------- TCVN3 and VNI

TCVN3_LINE = "C«ng an huyÖn B¶o Th¾ng x©y dùng m« h×nh “Camera an ninh” t¹i 12 th«n"
VNI_LINE = "Coâng an tænh Quaûng Trò ñaõ trieån khai moâ hình “Camera an ninh” taïi 45 xaõ"


def test_tcvn3_is_converted():
    assert convert_tcvn3("B¶o Th¾ng") == "Bảo Thắng"
    assert fix_legacy(TCVN3_LINE) == ("Công an huyện Bảo Thắng xây dựng mô hình “Camera an ninh” tại 12 thôn",
                                      "TCVN3")
    assert fix_legacy("M\xadêng Kh\xad¬ng, §iÖn Biªn")[0] == "Mường Khương, Điện Biên"


def test_tcvn3_vntimeh_capitals():
    assert fix_legacy("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM")[0] == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert convert_tcvn3("C¤NG AN TØNH") == "CÔNG AN TỈNH"


def test_vni_is_converted():
    assert convert_vni("Vieät Nam") == "Việt Nam"
    assert fix_legacy("Vieät Nam") == ("Việt Nam", "VNI")
    assert fix_legacy(VNI_LINE) == ("Công an tỉnh Quảng Trị đã triển khai mô hình “Camera an ninh” tại 45 xã", "VNI")
    assert fix_legacy("COÂNG AN TÆNH ÑAÉK LAÉK")[0] == "CÔNG AN TỈNH ĐẮK LẮK"
    assert convert_vni("ngöôøi thöïc hieän") == "người thực hiện"


def test_legacy_files_are_converted_on_read(tmp_path):
    (tmp_path / "tcvn3.txt").write_bytes(f"{TCVN3_LINE}\n".encode("cp1252"))
    (tmp_path / "vni.txt").write_bytes(f"{VNI_LINE}\n".encode("cp1252"))
    tcvn3, vni = read_path(tmp_path / "tcvn3.txt"), read_path(tmp_path / "vni.txt")
    assert tcvn3.text.startswith("Công an huyện Bảo Thắng") and tcvn3.legacy_encoding == "TCVN3"
    assert vni.text.startswith("Công an tỉnh Quảng Trị") and vni.legacy_encoding == "VNI"
    word = read_path(directive_docx(tmp_path / "vni.docx", [VNI_LINE]))
    assert "tỉnh Quảng Trị đã triển khai" in word.text and word.legacy_encoding == "VNI"
    pdf = read_path(make_pdf(tmp_path / "tcvn3.pdf", [TCVN3_LINE]))
    assert "Bảo Thắng xây dựng" in pdf.text and pdf.legacy_encoding == "TCVN3"


def test_mixed_file_converts_only_legacy_lines():
    text = "Công an xã Cam Hiếu có 12 thôn.\n" + TCVN3_LINE
    fixed, name = fix_legacy(text)
    assert name == "TCVN3" and fixed.splitlines()[0] == "Công an xã Cam Hiếu có 12 thôn."


def test_clean_unicode_is_never_converted():
    files = sorted((ROOT / "corpus" / "samples").rglob("*.*")) + sorted(SEEDS.glob("*.txt"))
    files = [path for path in files if path.suffix in {".txt", ".html", ".pdf"}]
    assert len(files) >= 24
    for path in files:
        doc = read_path(path)
        assert doc.legacy_encoding is None, path
        assert fix_legacy(doc.text) == (doc.text, None), path
        if path.suffix == ".txt":
            assert decode_text(path.read_bytes()) == path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def test_syllable_check():
    assert all(map(is_syllable, ["người", "khuya", "quyết", "thuở", "hoa", "nghiêng", "Đắk", "xã"]))
    assert not any(map(is_syllable, ["Coâng", "caùc", "xaõ", "B¶o", "PV05", "ANTT"]))


# ---------------------------------------------------------------- near-duplicates

ARTICLE = (
    "Thực hiện Kế hoạch số 245/KH-CAT-PV05 của Công an tỉnh, thời gian qua Công an huyện Cam Lộ đã phối hợp "
    "với các ban, ngành, đoàn thể tuyên truyền, vận động Nhân dân lắp đặt camera an ninh tại các tuyến đường "
    "trọng điểm. Đến nay, toàn huyện đã có 45 điểm camera được kết nối về trụ sở Công an các xã, thị trấn. "
    "Qua hình ảnh camera, lực lượng Công an đã phát hiện, làm rõ 18 vụ việc trộm cắp tài sản, gây rối trật tự "
    "công cộng. Mô hình được Nhân dân đồng tình ủng hộ, đóng góp hơn 120 triệu đồng. Thời gian tới, Công an "
    "huyện tiếp tục tham mưu cấp ủy, chính quyền nhân rộng mô hình ra các thôn, khu phố còn lại, phấn đấu đến "
    "hết năm 2024 mỗi xã có ít nhất 10 điểm camera, góp phần giữ vững an ninh chính trị, trật tự an toàn xã hội "
    "trên địa bàn, xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc vững mạnh.")
UNRELATED = (
    "Ngày 12/3, Công an huyện Kỳ Sơn tổ chức hội nghị sơ kết mô hình Tổ liên gia tự quản về an ninh trật tự tại "
    "các bản vùng biên giới. Các tổ đã cung cấp hơn 300 tin báo có giá trị, giúp lực lượng chức năng bắt giữ "
    "nhiều đối tượng mua bán trái phép chất ma túy. Hội nghị đã khen thưởng 15 tập thể và 32 cá nhân có thành "
    "tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2023 trên địa bàn huyện miền núi.")


def test_repost_with_other_header_and_footer_is_a_near_duplicate():
    repost = ("Báo Quảng Trị điện tử | Thứ Ba, 12/03/2024 08:15 | Chuyên mục: An ninh trật tự\n"
              + ARTICLE + "\nNguyễn Hải (Công an huyện Cam Lộ) | Chia sẻ | In bài viết | Các tin khác")
    assert jaccard(ARTICLE, repost) > 0.8
    assert similarity(signature(ARTICLE), signature(repost)) >= 0.8
    assert similarity(signature(ARTICLE), signature(UNRELATED)) < 0.2
    index = NearDuplicateIndex(threshold=0.8)
    index.add("congan.quangtri.gov.vn/a", signature(ARTICLE))
    index.add("kyson.nghean.gov.vn/b", signature(UNRELATED))
    found = index.find(signature(repost))
    assert [key for key, _ in found] == ["congan.quangtri.gov.vn/a"] and found[0][1] >= 0.8
    assert index.find(signature("Một tin hoàn toàn khác về giao thông đường bộ tại Hà Nội.")) == []
    assert signature(ARTICLE) == signature(ARTICLE) and len(signature(ARTICLE)) == 128


def test_repost_without_diacritics_still_matches():
    import unicodedata

    bare = "".join(c for c in unicodedata.normalize("NFD", ARTICLE) if not unicodedata.combining(c))
    assert similarity(signature(ARTICLE), signature(bare.replace("đ", "d").replace("Đ", "D"))) > 0.95



def test_page_count_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "MAX_PAGES", 2)
    pdf = new_pdf()
    for _ in range(3):
        pdf.cell(0, 8, "Trang")
        pdf.add_page()
    pdf.output(str(tmp_path / "many.pdf"))
    with pytest.raises(ParseError, match="has 4 pages \\(limit 2\\)"):
        read_path(tmp_path / "many.pdf")
