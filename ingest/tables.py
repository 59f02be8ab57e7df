"""Ruled tables of a PDF page (counts per commune, targets per district) with pdfplumber.

pdfplumber costs ~60 ms a page, so it only looks at pages whose drawing holds
enough path objects to be a ruled table; a table becomes one line per row with
cells separated by " | ", which stays readable and keeps each count beside its
commune."""
from __future__ import annotations

import io
from dataclasses import dataclass

CELL_SEPARATOR = " | "
MIN_PATHS_FOR_TABLE = 8  # a header underline or two is not a table


@dataclass
class Table:
    top: float  # points from the top of the page
    bottom: float
    rows: list[list[str]]

    def render(self) -> str:
        return "\n".join(CELL_SEPARATOR.join(row) for row in self.rows)


def may_hold_table(page) -> bool:
    """True when a pypdfium2 page draws enough paths (lines, rectangles) for a table."""
    import pypdfium2.raw as pdfium_c

    paths = 0
    for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        paths += 1
        if paths >= MIN_PATHS_FOR_TABLE:
            return True
    return False


def open_tables_reader(data: bytes):
    """A pdfplumber document for page_tables; the caller closes it."""
    import pdfplumber  # pure Python and slow to import: only when a page may hold a table

    return pdfplumber.open(io.BytesIO(data))


def page_tables(reader, index: int) -> list[Table]:
    """Tables of a page (0-based), top to bottom."""
    tables = [_table(t) for t in reader.pages[index].find_tables()]
    return sorted((t for t in tables if len(t.rows) >= 2), key=lambda t: t.top)


def _table(table) -> Table:
    rows = []
    for row in table.extract():
        cells = [" ".join((cell or "").split()) for cell in row]
        if any(cells):
            rows.append(cells)
    _, top, _, bottom = table.bbox
    return Table(top=top, bottom=bottom, rows=rows)
