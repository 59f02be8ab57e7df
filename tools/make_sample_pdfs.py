#!/usr/bin/env python3
"""Render the sample PDF documents of corpus/samples from plain-text sources.

Usage:
    python tools/make_sample_pdfs.py [--src DIR] [--out DIR] [NAME ...]

Each ``tools/sample_pdf_sources/<name>.txt`` becomes ``<out>/<name>.pdf``;
files named ``vb-*`` go to ``corpus/samples/directives/``, others to
``corpus/samples/articles/``. The PDFs carry a real text layer (embedded
DejaVu Sans TrueType font, so Vietnamese diacritics survive extraction).

Source markup, one directive per line (everything else is body text, one
paragraph per line, a blank line adds a little vertical space):

    @running-header: TEXT      small text at the top of every page
    @running-footer: TEXT      small text at the bottom of every page
    [[header]] ... [[/header]] two-column block, cells split on " || ";
                               a cell starting with "**" is bold
    [[sign]] ... [[/sign]]     same two-column layout, for "Nơi nhận" and
                               the signature block
    [[table]] ... [[/table]]   rows split on " | "; first row is the heading
    # TEXT                     centred bold, large (type line or headline)
    ## TEXT                    centred bold (subject line)
    ^ TEXT                     centred, normal weight
    > TEXT                     right-aligned italic (place-date line)
    **TEXT                     bold paragraph (section heading)

The output is deterministic (fixed creation date), so regenerating the PDFs
does not change them unless a source changed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "tools" / "sample_pdf_sources"
OUT_DIR = ROOT / "corpus" / "samples"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
FIXED_DATE = dt.datetime(2024, 9, 1, tzinfo=dt.timezone.utc)

BODY_SIZE = 10.5
LINE_H = 5.6


class SamplePDF(FPDF):
    """A4 portrait page with optional running header and footer."""

    def __init__(self, running_header: str = "", running_footer: str = ""):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_header = running_header
        self.running_footer = running_footer
        for style, name in FONTS.items():
            self.add_font("DejaVu", style, str(FONT_DIR / name))
        self.set_margins(22, 18, 18)
        self.set_auto_page_break(True, margin=20)
        self.set_creation_date(FIXED_DATE)
        self.set_creator("policekb tools/make_sample_pdfs.py")

    def header(self):
        if self.running_header:
            self.set_font("DejaVu", "", 7.5)
            self.set_y(9)
            self.cell(0, 4, self.running_header, align="C")
            self.set_y(18)

    def footer(self):
        self.set_y(-14)
        self.set_font("DejaVu", "", 7.5)
        text = self.running_footer
        text = f"{text}    Trang {self.page_no()}" if text else f"Trang {self.page_no()}"
        self.cell(0, 4, text, align="C")


def two_columns(pdf: SamplePDF, rows: list[str], left_ratio: float = 0.45) -> None:
    """Lay out 'left || right' lines as two independent text columns."""
    width = pdf.epw
    left_w = width * left_ratio
    right_w = width - left_w
    x0 = pdf.l_margin
    y0 = pdf.get_y()
    y_left = y_right = y0
    for row in rows:
        left, _, right = row.partition(" || ")
        for text, x, w, side in ((left, x0, left_w, "L"), (right, x0 + left_w, right_w, "R")):
            text = text.strip()
            y = y_left if side == "L" else y_right
            if text:
                style = "B" if text.startswith("**") else ""
                text = text.removeprefix("**")
                pdf.set_font("DejaVu", style, 9.5)
                pdf.set_xy(x, y)
                pdf.multi_cell(w, 5, text, align="C")
                y = pdf.get_y()
            else:
                y += 5
            if side == "L":
                y_left = y
            else:
                y_right = y
    pdf.set_xy(x0, max(y_left, y_right) + 2)


def table(pdf: SamplePDF, rows: list[str]) -> None:
    cells = [[c.strip() for c in row.split(" | ")] for row in rows]
    pdf.set_font("DejaVu", "", 9.5)
    ncols = len(cells[0])
    widths = (10,) + tuple((pdf.epw - 10) / (ncols - 1) for _ in range(ncols - 1))
    with pdf.table(col_widths=widths, text_align="CENTER", line_height=5.2,
                   headings_style=FontFace(emphasis="BOLD")) as tbl:
        for row in cells:
            r = tbl.row()
            for cell in row:
                r.cell(cell)
    pdf.ln(2)


def render(source: Path, out: Path) -> None:
    text = unicodedata.normalize("NFC", source.read_text(encoding="utf-8"))
    lines = text.splitlines()
    meta = {}
    while lines and lines[0].startswith("@"):
        key, _, value = lines.pop(0)[1:].partition(":")
        meta[key.strip()] = value.strip()
    pdf = SamplePDF(meta.get("running-header", ""), meta.get("running-footer", ""))
    pdf.set_title(meta.get("title", source.stem))
    pdf.add_page()
    block: list[str] | None = None
    block_kind = ""
    for line in lines:
        stripped = line.strip()
        if stripped in ("[[header]]", "[[sign]]", "[[table]]"):
            block, block_kind = [], stripped[2:-2]
            continue
        if block is not None:
            if stripped == f"[[/{block_kind}]]":
                if block_kind == "table":
                    table(pdf, block)
                else:
                    pdf.ln(3 if block_kind == "sign" else 0)
                    two_columns(pdf, block, 0.5 if block_kind == "sign" else 0.42)
                block = None
            else:
                block.append(line)
            continue
        if not stripped:
            pdf.ln(2.5)
            continue
        pdf.set_x(pdf.l_margin)
        if stripped.startswith("## "):
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(0, 6, stripped[3:], align="C")
        elif stripped.startswith("# "):
            pdf.set_font("DejaVu", "B", 13)
            pdf.multi_cell(0, 7, stripped[2:], align="C")
        elif stripped.startswith("^ "):
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5.5, stripped[2:], align="C")
        elif stripped.startswith("> "):
            pdf.set_font("DejaVu", "I", 10)
            pdf.multi_cell(0, 5.5, stripped[2:], align="R")
        elif stripped.startswith("**"):
            pdf.set_font("DejaVu", "B", BODY_SIZE)
            pdf.multi_cell(0, LINE_H, stripped[2:], align="L")
        else:
            pdf.set_font("DejaVu", "", BODY_SIZE)
            pdf.multi_cell(0, LINE_H, stripped, align="L")
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))


def target_for(source: Path, out_dir: Path) -> Path:
    sub = "directives" if source.stem.startswith("vb-") else "articles"
    return out_dir / sub / f"{source.stem}.pdf"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="source base names (default: all)")
    ap.add_argument("--src", type=Path, default=SRC_DIR)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    args = ap.parse_args(argv)
    sources = sorted(args.src.glob("*.txt"))
    if args.names:
        wanted = {Path(n).stem for n in args.names}
        sources = [s for s in sources if s.stem in wanted]
    if not sources:
        print("no sources found", file=sys.stderr)
        return 1
    for source in sources:
        out = target_for(source, args.out)
        render(source, out)
        print(f"{source.name} -> {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
