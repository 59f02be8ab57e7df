"""Word (.docx) directives: paragraphs and tables in document order.

Tables come out like PDF tables, one line per row with cells separated by
" | "; the two-column header of a directive is usually such a table, so its
rows read "issuer | national motto". Old binary .doc files are not read."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from ingest.directive_header import header_from_columns, signature_from_column
from ingest.document import ParseError
from ingest.tables import CELL_SEPARATOR

COLUMN_GAP = re.compile(r"\t+\s*|\s{4,}")  # tabs, or runs of spaces, between the two header columns
NOI_NHAN = re.compile(r"Nơi\s+nhận", re.IGNORECASE)
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb stops here, before lxml sees it


@dataclass
class ParsedDocx:
    text: str
    header: dict[str, str] = field(default_factory=dict)


def parse_docx(data: bytes) -> ParsedDocx:
    body = _open(data).element.body
    blocks = [b for b in body.iterchildren() if _tag(b) in ("p", "tbl")]
    texts = [_paragraph_text(b) if _tag(b) == "p" else _table_text(b) for b in blocks]
    text = "\n".join(t for t in texts if t.strip())
    if not text.strip():
        raise ParseError("no text found in the Word document")
    return ParsedDocx(text=text, header=_header(blocks))


def _header(blocks: list) -> dict[str, str]:
    """A directive's header is a two-column table at the top, or paragraphs whose
    columns are separated by tabs; its signature block likewise, beside "Nơi nhận"."""
    tables = [i for i, b in enumerate(blocks) if _tag(b) == "tbl"]
    if tables and tables[0] <= 2:
        left, right = _columns(blocks[tables[0]])
        start = tables[0] + 1
    else:
        left, right, start = _tabbed_columns(blocks)
    following = [_paragraph_text(b) for b in blocks[start:start + 12] if _tag(b) == "p"]
    header = header_from_columns(left, right, following)
    if header:
        header.update(_signature(blocks, tables))
    return header


def _signature(blocks: list, tables: list[int]) -> dict[str, str]:
    for index in reversed(tables[1:]):
        left, right = _columns(blocks[index])
        if left and NOI_NHAN.match(left[0]):
            return signature_from_column(right)
    paragraphs = [b for b in blocks if _tag(b) == "p"]
    start = max((i for i, b in enumerate(paragraphs) if NOI_NHAN.match(_paragraph_text(b))), default=None)
    if start is None:
        return {}
    return signature_from_column(_tabbed_columns(paragraphs[start:], stop_at_plain=False)[1])


def _tabbed_columns(blocks: list, stop_at_plain: bool = True) -> tuple[list[str], list[str], int]:
    """Columns typed with tabs ("CÔNG AN TỈNH X<tab><tab>CỘNG HÒA …"): the part before
    the tabs is the left column, the part after (or a tab-indented line) the right.
    Stops at the first paragraph without a tab; returns where it stopped."""
    left: list[str] = []
    right: list[str] = []
    for index, block in enumerate(blocks):
        raw = _paragraph_text(block, strip=False) if _tag(block) == "p" else ""
        parts = [part.strip() for part in COLUMN_GAP.split(raw)]
        if stop_at_plain and raw.strip() and len(parts) == 1:
            return left, right, index
        if len(parts) == 1:
            left.append(parts[0])
        elif not parts[0]:
            right.append(" ".join(parts[1:]))
        else:
            left.append(parts[0])
            right.append(" ".join(parts[1:]))
    return left, right, len(blocks)


def _columns(table) -> tuple[list[str], list[str]]:
    """Paragraphs of the first column, and of the other columns, top to bottom."""
    left: list[str] = []
    right: list[str] = []
    for row in (r for r in table.iterchildren() if _tag(r) == "tr"):
        for position, cell in enumerate(c for c in row.iterchildren() if _tag(c) == "tc"):
            paragraphs = [_paragraph_text(p) for p in cell.iterchildren() if _tag(p) == "p"]
            (left if position == 0 else right).extend(p for p in paragraphs if p)
    return left, right


def _tag(element) -> str:
    tag = element.tag  # comments and processing instructions have a function here
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _open(data: bytes):
    import docx  # python-docx: loaded on first use

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError("an old binary Word .doc file: convert it to .docx or PDF first "
                         "(e.g. libreoffice --headless --convert-to docx FILE.doc)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ParseError("not a Word .docx file (not a zip archive), or it is damaged or truncated") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ParseError(f"the Word file unpacks to {unpacked} bytes (limit {MAX_UNPACKED_BYTES})")
    try:
        return docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ParseError(f"not a readable Word .docx file ({exc})") from exc


def _paragraph_text(element, strip: bool = True) -> str:
    """Text of a <w:p>, with its tabs and line breaks (python-docx drops <w:br/>)."""
    parts = []
    for node in element.iter():
        tag = _tag(node)
        if tag == "t" and node.text:
            parts.append(node.text)
        elif tag == "tab":
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
    text = "".join(parts)
    return text.strip() if strip else text


def _table_text(element) -> str:
    rows = []
    for row in (r for r in element.iterchildren() if _tag(r) == "tr"):
        cells = [_cell_text(cell) for cell in row.iterchildren() if _tag(cell) == "tc"]
        if any(cells):
            rows.append(CELL_SEPARATOR.join(cells))
    return "\n".join(rows)


def _cell_text(cell) -> str:
    """A cell's paragraphs on one line; a nested table's rows after them."""
    parts = []
    for block in cell.iterchildren():
        if _tag(block) == "p":
            parts.append(_paragraph_text(block))
        elif _tag(block) == "tbl":
            parts.append(_table_text(block).replace("\n", " / "))
    return " ".join(" ".join(p.split()) for p in parts if p.strip())
