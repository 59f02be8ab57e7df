"""A page's element tree and the numbers the HTML reader judges it by: text and link
text per element (one pass, bottom up) and the block that holds most of the article's
paragraph text. lxml only: parsing and walking stay fast."""
from __future__ import annotations

import lxml.etree
import lxml.html

from ingest.document import ParseError

DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "object", "embed", "iframe", "link")
# Elements whose text counts for their parent as one paragraph of the article.
PARAGRAPH_TAGS = {"p", "pre", "blockquote"}
# Headings, links and form text are not the article's paragraphs.
NO_MASS_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "title", "option", "button", "label"}
INLINE_TAGS = {"span", "font", "b", "strong", "i", "em", "u", "small", "big", "sup", "sub", "label", "abbr", "cite",
               "q", "mark", "time"}
BLOCK_TAGS = {"p", "div", "section", "article", "main", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul",
              "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "header",
              "footer", "aside", "nav", "form", "figure", "figcaption", "center", "address", "hr"}


def parse_tree(markup: str) -> lxml.html.HtmlElement:
    """The document tree of decoded markup (a declared charset is ignored: the text is already decoded)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(markup.encode("utf-8", "surrogatepass"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError("the page has no readable text") from exc
    return root


def drop_scripts(root) -> None:
    for el in list(root.iter(*DROPPED_TAGS)):
        el.drop_tree()


def text_of(el) -> str:
    """The element's text with whitespace collapsed."""
    return " ".join(el.text_content().split())


def is_layout_table(table) -> bool:
    """A table that lays out the page (columns, an article cell, a title row) rather than holding figures."""
    rows = table.xpath("./tr | ./*/tr")
    if len(rows) <= 1 or table.find(".//table") is not None:
        return True
    for cell in table.xpath("./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th"):
        if cell.find(".//h1") is not None or cell.find(".//h2") is not None or len(cell.xpath("./p | ./div")) >= 3:
            return True
        if len(cell.text_content()) > 600:
            return True
    return False


def block_text(el) -> str:
    """The element's text, one line per block; a table of figures gives one line per row,
    its cells joined by " | " (as ingest/tables.py writes PDF tables)."""
    parts: list[str] = []

    def cell_text(cell) -> str:
        return " ".join(cell.text_content().split())

    def walk(node):
        tag = node.tag
        if tag == "table" and not is_layout_table(node):
            parts.append("\n")
            for row in node.xpath("./tr | ./*/tr"):
                cells = [cell_text(c) for c in row if c.tag in ("td", "th")]
                if any(cells):
                    parts.append(" | ".join(cells) + "\n")
            parts.append("\n")
            return
        block = tag in BLOCK_TAGS or tag == "br"
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(el)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


class Stats:
    """Text length, link-text length and link count of every element under a root, and the main block."""

    def __init__(self, root):
        self.text_len: dict = {}
        self.link_len: dict = {}
        self.links: dict = {}
        mass: dict = {}
        self.nodes = [el for el in root.iter() if isinstance(el.tag, str)]
        text_len, link_len, links = self.text_len, self.link_len, self.links
        for el in reversed(self.nodes):
            direct = len(el.text.strip()) if el.text else 0
            total, linked, count = direct, 0, 0
            for child in el:
                if child.tail:
                    tail = len(child.tail.strip())
                    direct += tail
                    total += tail
                if isinstance(child.tag, str):
                    total += text_len[child]
                    linked += link_len[child]
                    count += links[child]
            if el.tag == "a":
                linked, count = total, count + 1
            text_len[el], link_len[el], links[el] = total, linked, count
            if el.tag in PARAGRAPH_TAGS:
                parent = el.getparent()
                if parent is not None:
                    mass[parent] = mass.get(parent, 0) + total - linked
            elif direct and el.tag not in NO_MASS_TAGS:
                target = el
                while target.tag in INLINE_TAGS and target.getparent() is not None:
                    target = target.getparent()
                mass[target] = mass.get(target, 0) + direct
        self.main = max(mass, key=mass.get) if mass else root

    def link_density(self, el) -> float:
        total = self.text_len.get(el, 0)
        return self.link_len.get(el, 0) / total if total else 0.0


def ancestors_and_self(el) -> list:
    return [el, *el.iterancestors()]


def common_ancestor(a, b):
    seen = set(ancestors_and_self(a))
    for el in ancestors_and_self(b):
        if el in seen:
            return el
    return None
