"""Article HTML: main text without portal furniture, title and publication date.

The page is read once with lxml. The title comes from og:title, the article's headline
(h1, itemprop=headline or a title-classed element) or <title> without the site name; the
candidate that the others agree with wins, and mastheads, slogans, breadcrumbs and section
names are never one. The date comes from article:published_time, itemprop=datePublished and
the like, else from a "Ngày đăng" / "Cập nhật" / date line next to the title. The article is
the block that holds both the title and most paragraph text; furniture inside it (counters,
polls, "Tin liên quan", share bars, breadcrumbs, mastheads: ingest/furniture.py) is removed and
its text taken, one line a block, a table of figures one row a line. When no such block is
found, trafilatura reads the page with the furniture removed."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html

from ingest.decode import decode_text
from ingest.document import ParseError
from ingest.furniture import (COUNTER_TEXT, FURNITURE_HEADING, FURNITURE_TAGS, furniture_name, furniture_nodes,
                              is_breadcrumb, is_section_name, is_site_name, strip_furniture)
from ingest.pagetree import Stats, block_text, common_ancestor, drop_scripts, is_layout_table, parse_tree, text_of

DATE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
             "publish-date", "date", "dc.date", "dc.date.issued", "dc.date.created", "datecreated")
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
NOT_AUTHORS = {"admin", "administrator", "quản trị", "quản trị viên", "super user", "webmaster"}
AUTHOR_CLASSES = ("author", "tac-gia", "tacgia", "byline", "post-author", "article-author")
# A byline closing the article: "Quang Nam – PV28", "Bình Minh - Trần Nhung", "Hà Thuỷ".
BYLINE = re.compile(r"^\s*((?:[A-ZĐ][^\W\d_]*\s){0,4}[A-ZĐ][^\W\d_]*(?:\s*[-–]\s*(?:[A-ZĐ][\w]*\s?){1,4})?)\s*$")
# Separators between a headline and the site or section name in <title> and og:title.
TITLE_SEPARATOR = re.compile(r"\s+(?:[-–—|~]|::)\s+")
CRUMB_SEPARATOR = re.compile(r"\s+(?:>|»|›|>>|→)\s+")
TITLE_CLASS = ("title", "tieude", "tieu-de", "tieu_de", "headline", "heading", "tenbai")
DATE_LABEL_PUBLISHED = re.compile(r"(?:ngày\s+đăng(?!\s+ký)|đăng\s+ngày|đăng\s+lúc|ngày\s+(?:xuất\s+bản|đưa\s+tin|phát\s+hành)|"
                                  r"thời\s+gian\s+đăng|ngày\s+tạo|posted\s+on|published)\s*:?",
                                  re.IGNORECASE)
DATE_LABEL_UPDATED = re.compile(r"(?:ngày\s+cập\s+nhật|cập\s+nhật(?:\s+lúc)?|lần\s+cập\s+nhật|updated?)\s*:?",
                                re.IGNORECASE)
DATE_CLASS = re.compile(r"date|time|ngay|publish|posted|created", re.IGNORECASE)
JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
ISO_DATE = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})")
TIME_OF_DAY = re.compile(r"\b\d{1,2}\s*[:hg]\s*\d{2}\b")


@dataclass
class ParsedHTML:
    title: str | None
    published: str | None
    text: str
    author: str | None = None


def decode_html(data: bytes) -> str:
    declared = CHARSET.search(data[:4096])
    return decode_text(data, declared.group(1).decode("ascii") if declared else None)


def parse_html(data: bytes) -> ParsedHTML:
    markup = decode_html(data)
    root = parse_tree(markup)
    meta = _meta(root)
    json_ld_date = _json_ld_date(root)
    drop_scripts(root)
    body = root.find("body")
    if body is None:
        body = root
    stats = Stats(body)
    main = stats.main
    main_path = {main, *main.iterancestors()}
    site_names = _site_names(root, meta)
    title, title_node = _title(root, body, meta, stats, main_path, site_names)
    author = _author(body, meta, site_names)
    published = _meta_date(root, meta) or json_ld_date

    container = body
    protected = set(main_path)
    if title_node is not None:
        protected.update((title_node, *title_node.iterancestors()))
        ancestor = common_ancestor(title_node, main)
        if ancestor is title_node:  # no paragraphs outside the headline: take its surroundings
            ancestor = title_node.getparent()
        container = ancestor if ancestor is not None else body
    for node in furniture_nodes(container, protected, stats, main):
        if node.getparent() is not None:
            node.drop_tree()
    published = published or _page_date(container, title)

    text = _main_text(container)
    text = strip_furniture(text) if text else ""
    if not text.strip():  # the pruning left nothing: read the whole page as before
        whole = _trafilatura(markup) or block_text(parse_tree(markup))
        text = strip_furniture(whole or "")
    if not text.strip():
        raise ParseError("the page has no readable text")
    if title and not _opens_with(text, title):
        text = f"{title}\n\n{text}"
    return ParsedHTML(title, published, text, author or byline(text))


def _opens_with(text: str, title: str) -> bool:
    """Is the title one of the text's first lines (after a date line, say)?"""
    key = _key(title)
    return text.startswith(title) or any(_key(line) == key for line in text.split("\n", 4)[:4])


# ---------------------------------------------------------------- metadata


def _meta(root) -> dict[str, str]:
    """<meta> values by property, name or itemprop (lower case); the first of each wins."""
    values: dict[str, str] = {}
    for node in root.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        content = (node.get("content") or "").strip()
        if key and content and key not in values:
            values[key] = content
    return values


def _json_ld_date(root) -> str | None:
    for node in root.iter("script"):
        if (node.get("type") or "").lower() == "application/ld+json" and node.text:
            m = JSON_LD_DATE.search(node.text)
            if m:
                return _date_value(m.group(1))
    return None


def _date_value(value: str) -> str | None:
    from nlp.dates import parse_date  # shared date rules; nlp has no heavy imports at module level

    value = value.strip()
    m = ISO_DATE.match(value)
    if m:
        return m.group(0)
    return parse_date(value) if len(value) <= 80 else None


def _meta_date(root, meta: dict[str, str]) -> str | None:
    for name in DATE_META:
        if meta.get(name):
            date = _date_value(meta[name])
            if date:
                return date
    for node in root.xpath("//*[@itemprop='datePublished' or @itemprop='dateCreated']"):
        value = node.get("content") or node.get("datetime") or text_of(node)
        date = _date_value(value or "")
        if date:
            return date
    return None


def _site_names(root, meta: dict[str, str]) -> set[str]:
    names = {meta.get(k, "") for k in ("og:site_name", "application-name", "apple-mobile-web-app-title",
                                        "twitter:site", "copyright")}
    return {" ".join(n.split()).casefold() for n in names if n and not n.startswith("@")}


def _clean_title_value(value: str, site_names: set[str]) -> str:
    """<title> or og:title without the site name, the section or the breadcrumb before the headline."""
    value = " ".join(value.split())
    crumbs = CRUMB_SEPARATOR.split(value)
    if len(crumbs) >= 2:
        value = crumbs[-1]
    pieces, start = [], 0
    for m in TITLE_SEPARATOR.finditer(value):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, len(value)))

    def chrome(piece):
        text = value[piece[0]:piece[1]]
        return is_site_name(text, site_names) or is_section_name(text)

    while len(pieces) > 1 and chrome(pieces[-1]):
        pieces.pop()
    while len(pieces) > 1 and chrome(pieces[0]):
        pieces.pop(0)
    return value[pieces[0][0]:pieces[-1][1]].strip()


def plausible_title(text: str, site_names: set[str] = frozenset()) -> bool:
    """A headline, not a masthead, slogan, breadcrumb, section name, date line, counter or paragraph."""
    from nlp.dates import parse_date

    words = text.split()
    if not 3 <= len(words) <= 60 or len(text) > 320:
        return False
    if is_site_name(text, site_names) or is_section_name(text) or is_breadcrumb(text):
        return False
    if FURNITURE_HEADING.match(text) or COUNTER_TEXT.match(text):
        return False
    if len(words) <= 10 and parse_date(text):
        return False
    return not (len(words) > 35 and text.endswith("."))


def _in_furniture(node, main_path: set) -> bool:
    """Is the node inside a menu, breadcrumb, logo, sidebar box or list of other articles? (A page
    header may hold the headline: mastheads there are told apart by their text.)"""
    for el in (node, *node.iterancestors()):
        if el in main_path:
            return False
        if el.tag in FURNITURE_TAGS or el.tag in ("li", "a", "form") or furniture_name(el, whole_names=False):
            return True
    return False


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _title(root, body, meta, stats: Stats, main_path: set, site_names: set[str]):
    """(title, the element that shows it in the page or None)."""
    candidates: list[tuple[str, int, int, object]] = []  # (text, rank, order, node)
    order = 0

    def add(text: str, rank: int, node=None):
        nonlocal order
        text = " ".join((text or "").split())
        if text and plausible_title(text, site_names):
            candidates.append((text, rank, order, node))
        order += 1

    og = meta.get("og:title") or meta.get("twitter:title") or ""
    head_title = root.find("head/title")
    if head_title is None:
        head_title = root.find(".//title")
    page_title = text_of(head_title) if head_title is not None else ""
    add(_clean_title_value(og, site_names), 5)
    for node in body.xpath("//*[@itemprop='headline'][not(self::meta)]"):
        if not _in_furniture(node, main_path):
            add(text_of(node), 4, node)
    if meta.get("headline"):
        add(_clean_title_value(meta["headline"], site_names), 4)
    for node in body.iter("h1"):
        if not _in_furniture(node, main_path):
            add(text_of(node), 3, node)
    for node in stats.nodes:
        if node.tag in ("h1", "a", "li", "ul", "ol", "img", "table", "tbody", "tr", "body", "input", "option"):
            continue
        names = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if not names.strip() or not any(word in names for word in TITLE_CLASS):
            continue
        if 12 <= stats.text_len.get(node, 0) <= 320 and stats.link_density(node) < 0.5 \
                and not _in_furniture(node, main_path):
            add(text_of(node), 2, node)
    add(_clean_title_value(page_title, site_names), 1)
    if not candidates:
        return None, None

    sources = [(_key(og), 5), (_key(page_title), 1)] + [(_key(c[0]), c[1]) for c in candidates if c[3] is not None]

    def score(candidate):
        text, rank, position, _ = candidate
        key = _key(text)
        support = len({r for k, r in sources if r != rank and key and key in k})
        return support, rank, -position

    best = max(candidates, key=score)
    title, node = best[0], best[3]
    if node is None:
        node = _find_title_node(body, title, stats, main_path)
    return title, node


def _find_title_node(body, title: str, stats: Stats, main_path: set):
    """The first element outside furniture whose text is the title."""
    key, size = _key(title), len(title)
    for node in stats.nodes:
        n = stats.text_len.get(node, 0)
        if node.tag in ("a", "li", "title", "body", "html") or not (0.8 * size - 5 <= n <= 1.2 * size + 5):
            continue
        if _key(text_of(node)) == key and not _in_furniture(node, main_path):
            # the innermost element with that text
            while len(node) == 1 and isinstance(node[0].tag, str) and _key(text_of(node[0])) == key \
                    and not (node.text or "").strip():
                node = node[0]
            return node
    return None


def _author(body, meta: dict[str, str], site_names: set[str]) -> str | None:
    for key in ("author", "article:author"):
        value = " ".join(meta.get(key, "").split())
        if value and not value.startswith("http") and not is_site_name(value, site_names) \
                and value.casefold() not in NOT_AUTHORS:
            return value
    for node in body.xpath("//*[@rel='author']"):
        value = text_of(node)
        if 0 < len(value) <= 80:
            return value
    for node in body.xpath("//*[@class]"):
        classes = node.get("class").split()
        if any(c in AUTHOR_CLASSES for c in classes):
            value = text_of(node)
            if 0 < len(value) <= 80:
                return value
    return None


def byline(text: str) -> str | None:
    """The author line that closes many portal articles, if the last line is one."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 3:
        return None
    m = BYLINE.match(lines[-1])
    return m.group(1).strip() if m and len(lines[-1]) <= 60 else None


# ---------------------------------------------------------------- publication date


def _labelled_date(text: str, label: re.Pattern, reach: int = 45) -> str | None:
    """The date written just after a label such as "Ngày đăng:" or "Cập nhật lúc"."""
    from nlp.dates import parse_date

    for m in label.finditer(text):
        date = parse_date(text[m.end():m.end() + reach])
        if date:
            return date
    return None


def _near_title(container, title: str) -> list[str]:
    """Short lines right after (and just before) the title line: where portals print the date."""
    lines = block_text(container).split("\n")
    key = _key(title)
    at = next((i for i, line in enumerate(lines) if key and (key in _key(line) and len(line) <= 2 * len(title))), None)
    if at is None:
        return []
    near = []
    for line in lines[at + 1:at + 5]:
        if len(line) > 250:
            break
        near.append(line)
    return near + [line for line in lines[max(0, at - 2):at] if len(line) <= 120][::-1]


def _page_date(container, title: str | None) -> str | None:
    """The date printed with the article: labelled "Ngày đăng" or a date line next to the title,
    else a "Cập nhật" label, a <time> or a date-classed element in the article block."""
    from nlp.dates import PAGE_DATE_HINT, _is_date_line, parse_date

    if title:
        near = _near_title(container, title)
        for text in near:
            date = _labelled_date(text, DATE_LABEL_PUBLISHED)
            if date:
                return date
        for text in near:
            if len(text) <= 120:
                date = parse_date(text)
                if date and (PAGE_DATE_HINT.search(text) or _is_date_line(text) or TIME_OF_DAY.search(text)
                             or DATE_LABEL_UPDATED.search(text)):
                    return date
    text = container.text_content()
    for label in (DATE_LABEL_PUBLISHED, DATE_LABEL_UPDATED):  # close to the label: prose says "cập nhật" too
        date = _labelled_date(text, label, reach=32)
        if date:
            return date
    for node in container.iter("time"):
        date = _date_value(node.get("datetime") or text_of(node))
        if date:
            return date
    for node in container.xpath(".//*[@class or @id]"):
        if DATE_CLASS.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            value = text_of(node)
            if len(value) <= 80:
                date = _date_value(value)
                if date:
                    return date
    return None


# ---------------------------------------------------------------- main text


def _trafilatura(content) -> str | None:
    import trafilatura  # loaded on first use: it pulls in a large dependency tree

    return trafilatura.extract(content, include_comments=False, include_tables=True, favor_recall=True,
                               deduplicate=False)


def _main_text(container) -> str:
    """The article block's own text when the block was found; trafilatura on the whole page
    (with furniture removed) when it was not."""
    if container.tag not in ("body", "html"):
        for el in list(container.iter("figure", "time")):
            if el.tag == "time":  # a date; a hidden "updated" one is dropped, the shown one kept apart
                if re.search(r"updated|modified", el.get("class") or ""):
                    el.drop_tree()
                else:
                    el.tail = " " + (el.tail or "")
            elif el.find(".//table") is None:  # photos with their captions, as trafilatura drops them
                el.drop_tree()
        return block_text(container)
    page = container.getroottree().getroot()
    for table in list(page.iter("table")):
        if is_layout_table(table):  # so trafilatura does not read the article as one table row
            for el in [table, *table.xpath("./tbody | ./thead | ./tfoot | ./tr | ./*/tr | ./tr/* | ./*/tr/*")]:
                el.tag = "div"
    return _trafilatura(page) or block_text(container)


@dataclass
class PageLinks:
    links: list[str]  # absolute http(s) URLs of <a href>, without fragments, in page order
    attachments: list[str]  # the subset pointing at .pdf, .doc or .docx files


ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx")


def page_links(data: bytes, base_url: str) -> PageLinks:
    """Links for the crawler; <base href> is honoured. Parsing is lenient: broken markup gives fewer links."""
    try:  # lxml reads the declared charset itself; hrefs need no Vietnamese text repair
        root = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return PageLinks([], [])
    base = next(iter(root.xpath("//base/@href")), None)
    base_url = urljoin(base_url, base) if base else base_url
    links: dict[str, None] = {}
    for href in root.xpath("//a/@href"):
        url = urldefrag(urljoin(base_url, href.strip())).url
        if urlsplit(url).scheme in ("http", "https"):
            links[url] = None
    attachments = [u for u in links if urlsplit(u).path.lower().endswith(ATTACHMENT_SUFFIXES)]
    return PageLinks(list(links), attachments)
