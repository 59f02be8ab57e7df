"""OCR of scanned PDF pages with the tesseract command (Vietnamese + English).

The page is rendered at 300 dpi and piped to `tesseract - - --psm 3 tsv`: the TSV
gives both the text (rebuilt line by line) and word boxes, so the directive
header of a scan can be read by column like a text PDF's."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass

from ingest.document import ParseError
from ingest.layout import Segment, words_to_segments

DPI = 300
LANGUAGES = "vie+eng"
PAGE_TIMEOUT_SECONDS = 120
MAX_PIXELS = 60_000_000  # an A0 poster at 200 dpi; a crafted page size must not become a 10 GB bitmap
MIN_CONFIDENCE = 0  # tesseract marks non-words with -1; those rows carry no text


@dataclass
class OcrPage:
    text: str
    segments: list[Segment]  # in PDF points, top-down, like the text layer's


def tesseract_command() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise ParseError("the PDF has scanned pages and OCR needs tesseract: install the tesseract-ocr and "
                         "tesseract-ocr-vie packages (apt-get install tesseract-ocr tesseract-ocr-vie)")
    return path


def ocr_page(page) -> OcrPage:
    """OCR one pypdfium2 page."""
    image = page.render(scale=_scale(page), grayscale=True).to_pil().convert("L")
    pixels = io.BytesIO()
    image.save(pixels, format="PPM")  # uncompressed PGM: tesseract reads it faster than PNG is written
    tsv = run_tesseract(pixels.getvalue())
    points_per_pixel = page.get_width() / image.width
    words = parse_tsv(tsv, points_per_pixel)
    return OcrPage(text=_text_of(words), segments=words_to_segments([w[1:] for w in words]))


def _scale(page) -> float:
    """300 dpi, less for a page so large its bitmap would pass MAX_PIXELS."""
    width, height = page.get_size()
    return min(DPI / 72, (MAX_PIXELS / max(width * height, 1)) ** 0.5)


def run_tesseract(image: bytes) -> str:
    command = [tesseract_command(), "-", "-", "-l", LANGUAGES, "--psm", "3", "tsv"]
    # One thread per page: batches parse several files at once, and OpenMP threads
    # would only compete with each other.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(command, input=image, capture_output=True, timeout=PAGE_TIMEOUT_SECONDS, env=env)
    except subprocess.TimeoutExpired:
        raise ParseError(f"OCR of a page timed out after {PAGE_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        hint = " (is tesseract-ocr-vie installed?)" if any("vie" in m for m in message) else ""
        raise ParseError(f"OCR failed: {message[-1] if message else done.returncode}{hint}")
    return done.stdout.decode("utf-8")


def parse_tsv(tsv: str, points_per_pixel: float) -> list[tuple]:
    """Words as (line_key, text, x0, top, x1, bottom) in points, in reading order."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        if float(cells[10]) < MIN_CONFIDENCE:
            continue
        block, par, line = (int(c) for c in cells[2:5])
        left, top, width, height = (int(c) * points_per_pixel for c in cells[6:10])
        text = unicodedata.normalize("NFC", cells[11].strip())
        words.append(((block, par, line), text, left, top, left + width, top + height))
    return words


def _text_of(words: list[tuple]) -> str:
    """Tesseract's reading order: words joined per line, a blank line between blocks."""
    lines: list[str] = []
    previous = None
    for key, text, *_ in words:
        if previous is not None and key == previous:
            lines[-1] += " " + text
            continue
        if previous is not None and key[0] != previous[0]:
            lines.append("")
        lines.append(text)
        previous = key
    return "\n".join(lines)
