"""PDF parsing throughput over generated directives (fpdf2, DejaVu Sans).

Prints pages/s for the text path (pypdfium2, in the time- and memory-limited
worker process, as `policekb import` runs it, and in-process for comparison), for the
same files with a ruled table on page two (pdfplumber reads that page), for
pdfplumber's plain text extraction, and s/page for OCR of scanned pages.
Run: .venv/bin/python bench/pdf.py [FILES] [PAGES_PER_FILE] [SCANNED_PAGES]"""
from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from pathlib import Path

from ingest import read_path
from ingest.pdf import parse_pdf

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SENTENCES = [
    "Công an huyện {place} đã phối hợp với các ban, ngành vận động Nhân dân lắp đặt {n} điểm camera an ninh.",
    "Mô hình “Tổ liên gia tự quản về ANTT” được nhân rộng ra {n} thôn, thu hút {n} hộ gia đình tham gia.",
    "Lực lượng Công an xã tổ chức {n} buổi tuyên truyền về phòng, chống tội phạm và tệ nạn xã hội.",
    "Phấn đấu đến hết năm 2024, {n}% xã, thị trấn trên địa bàn huyện {place} có mô hình tự quản hiệu quả.",
]
PLACES = ["Cam Lộ", "Lạng Giang", "Kỳ Sơn", "Mường Khương", "Cẩm Xuyên"]


def directive(path: Path, pages: int, rng: random.Random, table: bool = False) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_font("DejaVu", style="B", fname=FONT_BOLD)  # table headings are bold
    pdf.set_font("DejaVu", size=11)
    for page in range(pages):
        pdf.add_page()
        if page == 0:
            _header(pdf, rng)
        if table and page == 1:
            _table(pdf, rng)
        while pdf.get_y() < 260:
            text = rng.choice(SENTENCES).format(n=rng.randint(2, 300), place=rng.choice(PLACES))
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _header(pdf, rng: random.Random) -> None:
    rows = [("CÔNG AN TỈNH QUẢNG TRỊ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("CÔNG AN HUYỆN CAM LỘ", "Độc lập - Tự do - Hạnh phúc"),
            (f"Số: {rng.randint(1, 999)}/KH-CAH", "Cam Lộ, ngày 15 tháng 3 năm 2024")]
    for left, right in rows:
        y = pdf.get_y()
        pdf.set_xy(10, y)
        pdf.cell(85, 6, left, align="C")
        pdf.set_xy(95, y)
        pdf.cell(105, 6, right, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 10, "KẾ HOẠCH", align="C", new_x="LMARGIN", new_y="NEXT")


def _table(pdf, rng: random.Random) -> None:
    with pdf.table(col_widths=(15, 60, 40)) as grid:
        for index, place in enumerate(["Xã, thị trấn"] + PLACES):
            row = grid.row()
            for value in (str(index or "TT"), place, str(rng.randint(1, 50)) if index else "Số điểm"):
                row.cell(value)


def scanned(path: Path) -> None:
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1654, 2339), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(FONT, 34)
    for line in range(40):
        draw.text((120, 100 + 52 * line), f"Số: {line + 1}/KH-CAH. " + SENTENCES[line % 4].format(n=line, place="Cam Lộ")[:60],
                  font=font, fill=0)
    png = io.BytesIO()
    image.save(png, format="PNG")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(png, x=0, y=0, w=210)
    pdf.output(str(path))


def rate(label: str, pages: int, seconds: float) -> None:
    print(f"{label:<52} {pages:5d} pages  {seconds:7.2f} s  {pages / seconds:8.1f} pages/s")


def main(files: int = 50, pages: int = 4, scanned_pages: int = 2) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        plain = [Path(folder, f"kh-{i:03d}.pdf") for i in range(files)]
        tabled = [Path(folder, f"tb-{i:03d}.pdf") for i in range(files)]
        for path in plain:
            directive(path, pages, rng)
        for path in tabled:
            directive(path, pages, rng, table=True)
        total = files * pages
        read_path(plain[0])  # imports outside the timing
        rate("text path, limited worker process (policekb import)", total, _timed(lambda: [read_path(p) for p in plain]))
        rate("text path, in-process (no limits)", total, _timed(lambda: [parse_pdf(p.read_bytes()) for p in plain]))
        rate("text path + a ruled table on page 2 (pdfplumber)", total, _timed(lambda: [read_path(p) for p in tabled]))
        rate("pdfplumber extract_text, all pages", total, _timed(lambda: _plumber(plain)))
        _ocr(Path(folder), scanned_pages)


def _plumber(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()


def _ocr(folder: Path, count: int) -> None:
    if count <= 0:
        return
    paths = [folder / f"scan-{i}.pdf" for i in range(count)]
    for path in paths:
        scanned(path)
    seconds = _timed(lambda: [read_path(p) for p in paths])
    print(f"{'OCR (300 dpi, tesseract vie+eng, full A4 page of text)':<52} {count:5d} pages  {seconds:7.2f} s  "
          f"{seconds / count:8.2f} s/page")


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
