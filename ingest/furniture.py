"""Portal furniture: polls, visitor counters, share bars, comment forms, breadcrumbs,
mastheads and slogans, "Tin liên quan" / "Các tin khác" lists. It is not part of the
document and must not yield facts.

Two levels: `furniture_nodes` finds furniture blocks in a page's element tree (ingest/html.py
removes them before the main text is taken); `strip_furniture` drops what is left of it in
plain text (and reads .txt files saved from portals)."""
from __future__ import annotations

import re

# ---------------------------------------------------------------- plain text

# A line that is furniture on its own.
FURNITURE_LINE = re.compile(
    r"^\s*(?:[•·\-*]\s*)?(?:bình\s+chọn|thống\s+kê\s+truy\s+cập|số\s+lượng\s+và\s+lượt\s+người\s+truy\s+cập|"
    r"online\s*:?\s*[\d.]+|hôm\s+nay\s*:?\s*[\d.]+|hôm\s+qua\s*:?\s*[\d.]+|tổng\s*:?\s*[\d.]+|"
    r"(?:tuần|tháng)\s+(?:này|trước|hiện\s+tại)\s*:?\s*[\d.]+|"
    r"đang\s+(?:truy\s+cập|online|trực\s+tuyến)\s*:?\s*[\d.]*|tổng\s+(?:số\s+)?lượt\s+(?:truy\s+cập|xem)\s*:?\s*[\d.]*|"
    r"(?:số\s+)?lượt\s+(?:truy\s+cập|xem|đọc)(?:\s+hôm\s+nay)?\s*:?\s*[\d.]*|"
    r"người\s+dùng\s+trực\s+tuyến\s*:?\s*[\d.]*|"
    r"xem\s+với\s+cỡ\s+chữ.*|in\s+bài\s+viết|gửi\s+bài\s+viết|in\s+trang|chia\s+sẻ\s*:?|"
    r"tổng\s+số\s+điểm\s+của\s+bài\s+viết\s+là.*|(?:ngày\s+)?cập\s+nhật\s+lần\s+cuối\b.{0,60}|"
    r"phản\s+hồi|thêm\s+mới|tên\s+bạn\s*:.*|email\s*:.*|tiêu\s+đề\s*:.*|nội\s+dung\s*:.*|mã\s+xác\s+thực.*|"
    r"đánh\s+giá\s*:.*|lượt\s+đánh\s+giá.*|liên\s+kết\s+website|theo\s+bạn.*\?|"
    r"[\d.]+\s+người\s+đã\s+tham\s+gia\s+bình\s+chọn|bình\s+luận|ý\s+kiến\s+bạn\s+đọc)\s*$",
    re.IGNORECASE,
)
# Everything after one of these is a list of other articles.
TAIL_MARKER = re.compile(r"^\s*(?:các\s+tin\s+(?:khác|đã\s+đưa)|tin\s+liên\s+quan|bài\s+viết\s+liên\s+quan|"
                         r"tin\s+cùng\s+chuyên\s+mục|(?:những|các)\s+(?:tin|bài)\s+(?:mới|cũ)\s+hơn)\s*:?\s*$",
                         re.IGNORECASE)
# Markers of a counter or a poll inside a longer line (old table layouts put the sidebar and the
# article in cells of one row).
FURNITURE_INLINE = re.compile(r"(?:lượt\s+truy\s+cập|đang\s+truy\s+cập|thống\s+kê\s+truy\s+cập)\s*:?\s*[\d.]+|"
                              r"thăm\s+dò\s+ý\s+kiến|\(\s*[\d.]+\s+phiếu\s*\)|\bxem\s+kết\s+quả\b", re.IGNORECASE)
CELL_SPLIT = re.compile(r"(?<!\\)\|")
POLL_OPEN = re.compile(r"^\s*(?:bình\s+chọn|theo\s+bạn.*\?)\s*$", re.IGNORECASE)


def _may_hold_inline_furniture(line: str) -> bool:
    """False when FURNITURE_INLINE cannot match: the words each of its branches needs are not all
    in the line. A cheap test first, as scanning a long line with the pattern is the costly part
    of reading a .txt file."""
    lowered = line.lower()
    return (("truy" in lowered and "cập" in lowered) or "thăm" in lowered or ("(" in lowered and "phiếu" in lowered)
            or ("xem" in lowered and "quả" in lowered))


def _drop_furniture_cells(line: str) -> str:
    """Keep the cells of a table row that are not counters or polls; a plain line is one cell."""
    if not _may_hold_inline_furniture(line) or not FURNITURE_INLINE.search(line):
        return line
    cells = [c.strip() for c in CELL_SPLIT.split(line)]
    kept = [c for c in cells if c and not FURNITURE_INLINE.search(c)]
    return " | ".join(kept)


# A view count or a printing/sharing tool inside a short line: "Ngày đăng: 05/09/2023 | Lượt xem: 2.147 | Bản in".
VIEW_COUNT = re.compile(r"(?:số\s+)?(?:lượt\s+(?:xem|đọc|truy\s+cập)|số\s+lần\s+xem)\s*:?\s*[\d.,]+|"
                        r"(?<![\w.,:])[\d.,]+\s+lượt\s+(?:xem|đọc|truy\s+cập)\b(?!\s*:)", re.IGNORECASE)
TOOL_CELL = re.compile(r"^\s*(?:bản\s+in|in\s+(?:bài(?:\s+viết)?|trang)|gửi\s+(?:email|bài(?:\s+viết)?|cho\s+bạn\s+bè)|"
                       r"lưu\s+bài(?:\s+viết)?|chia\s+sẻ|phản\s+hồi|quay\s+(?:lại|về)|về\s+đầu\s+trang|"
                       r"xem\s+với\s+cỡ\s+chữ.*|a\s*a\s*a|[-–|]+)\s*$", re.IGNORECASE)


def _drop_tool_cells(line: str) -> str:
    """A short line of "|"-separated cells loses its view counts and printing/sharing tools
    (table rows, which start with "|", are left alone)."""
    if len(line) > 160 or line.lstrip().startswith("|") or not (VIEW_COUNT.search(line) or "|" in line):
        return line
    cells = [c.strip() for c in re.split(r"\s*\|\s*|\s{2,}", VIEW_COUNT.sub("  ", line))]
    if not VIEW_COUNT.search(line) and not any(c and TOOL_CELL.match(c) for c in cells):
        return line
    return " | ".join(c for c in cells if c and not TOOL_CELL.match(c))


def strip_furniture(text: str) -> str:
    """Drop furniture lines (blanking a poll's options too) and everything after a
    "Các tin khác" marker; line count before the body is kept short."""
    out, in_poll = [], False
    for line in text.split("\n"):
        if TAIL_MARKER.match(line):
            break
        if POLL_OPEN.match(line):
            in_poll = True
        if in_poll:
            if re.search(r"tham\s+gia\s+bình\s+chọn", line, re.IGNORECASE):
                in_poll = False
            continue
        if FURNITURE_LINE.match(line):
            continue
        line = _drop_tool_cells(_drop_furniture_cells(line))
        if line.strip():
            out.append(line)
    cleaned = "\n".join(out)
    return (re.sub(r"\n{3,}", "\n\n", cleaned) if "\n\n\n" in cleaned else cleaned).strip()


# ---------------------------------------------------------------- vocabularies for markup

# Site names and mastheads: "CÔNG AN TỈNH QUẢNG TRỊ", "Cổng thông tin điện tử huyện Tân Sơn",
# "Báo Bình Phước điện tử", "congan.hoabinh.gov.vn". A name, not a sentence: after the opening
# words only capitalised words follow (a headline goes on in lower case).
_CAP = r"(?:[A-ZĐÀ-Ỹ0-9][\w.’'-]*)"
SITE_NAME = re.compile(
    r"^(?:(?:cổng|trang)\s+(?:thông\s+tin|tt)(?:\s+điện\s+tử)?\b.{0,80}"
    r"|(?:báo|tạp\s+chí|đài\s+phát\s+thanh(?:\s+và\s+truyền\s+hình)?|truyền\s+hình)\s+.{0,60}(?:điện\s+tử|online|\.vn)"
    r"|(?:(?:báo|tạp\s+chí)\s+)?(?:công\s+an|cảnh\s+sát|bộ\s+công\s+an|bộ\s+chỉ\s+huy|ubnd|hđnd|"
    r"(?:ủy|uỷ)\s+ban\s+nhân\s+dân|(?:hội\s+đồng|huyện|tỉnh)\s+ủy)"
    r"(?:\s+(?:tỉnh|thành\s+phố|tp\.?|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn|nhân\s+dân))?"
    r"(?:\s+" + _CAP + r"){0,5}"
    r"|(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org)"
    r"|website\b.{0,60})\s*$",
    re.IGNORECASE,
)
# Words of SITE_NAME's third branch that may be lower case; any other lower-case word makes it a sentence.
_NAME_WORDS = {"công", "an", "cảnh", "sát", "bộ", "chỉ", "huy", "ubnd", "hđnd", "ủy", "uỷ", "ban", "nhân", "dân",
               "hội", "đồng", "huyện", "tỉnh", "thành", "phố", "tp", "tp.", "quận", "thị", "xã", "phường", "trấn",
               "báo", "tạp", "chí", "cổng", "trang", "thông", "tin", "tt", "điện", "tử", "online", "của", "đài",
               "phát", "thanh", "truyền", "hình", "website", "và", "chính", "phủ"}
# Slogans of the police and of portals.
SLOGAN = re.compile(
    r"vì\s+nước\s+quên\s+thân|vì\s+(?:nhân\s+)?dân\s+phục\s+vụ|bản\s+lĩnh\s*[-–,]\s*nhân\s+văn|"
    r"chỉ\s+biết\s+còn\s+đảng\s+thì\s+còn\s+mình|công\s+an\s+nhân\s+dân\s+chỉ\s+biết|"
    r"cơ\s+quan\s+(?:ngôn\s+luận|chủ\s+quản|của\s+đảng\s+bộ)|tiếng\s+nói\s+của|"
    r"trung\s+thành\s*,?\s*dũng\s+cảm|kỷ\s+cương\s*,?\s*danh\s+dự",
    re.IGNORECASE,
)
# Headings of furniture boxes, matched against the whole (short) text of an element.
FURNITURE_HEADING = re.compile(
    r"^\s*(?:(?:các\s+)?tin\s+(?:bài\s+)?liên\s+quan|(?:các\s+)?bài\s+(?:viết\s+)?liên\s+quan|"
    r"(?:các\s+)?(?:tin|bài\s+viết|bài|tin\s+tức)\s+khác|các\s+tin\s+đã\s+đưa|(?:tin\s+)?cùng\s+chuyên\s+mục|"
    r"tin\s+cùng\s+(?:loại|chủ\s+đề)|(?:những|các)\s+(?:tin|bài)(?:\s+viết)?\s+(?:mới|cũ)\s+hơn|xem\s+thêm|đọc\s+thêm|"
    r"tin\s+mới(?:\s+nhất|\s+cập\s+nhật)?|(?:tin\s+)?(?:đọc|xem)\s+nhiều(?:\s+nhất)?|"
    r"tin\s+(?:nổi\s+bật|tiêu\s+điểm|nóng)|"
    r"thống\s+kê(?:\s+truy\s+cập)?|(?:số\s+)?lượt\s+truy\s+cập|ai\s+đang\s+(?:trực\s+tuyến|online)|"
    r"thăm\s+dò\s+ý\s+kiến|ý\s+kiến\s+thăm\s+dò|bình\s+chọn|kết\s+quả\s+bình\s+chọn|"
    r"liên\s+kết(?:\s+web(?:site)?)?|(?:\d+\s+)?bình\s+luận(?:\s*\(\s*\d+\s*\))?|ý\s+kiến\s+bạn\s+đọc|"
    r"(?:gửi|viết|để\s+lại)\s+(?:bình\s+luận|ý\s+kiến)|chia\s+sẻ(?:\s+bài\s+viết)?|từ\s+kho[áa]|tags?|"
    r"đánh\s+giá\s+bài\s+viết|quảng\s+cáo|theo\s+dõi\s+chúng\s+tôi)\s*:?\s*$",
    re.IGNORECASE,
)
# A visitor counter or a view count, as the whole text of a small element: "Đang truy cập: 25",
# "Hôm nay" (the number in the next cell), "Tổng lượt truy cập 5.678.910", "Lượt xem: 2.345".
COUNTER_TEXT = re.compile(
    r"^\s*(?:đang\s+(?:truy\s+cập|online|trực\s+tuyến)|hôm\s+(?:nay|qua)|"
    r"(?:tuần|tháng|năm)\s+(?:này|nay|trước|hiện\s+tại)|tổng(?:\s+số)?(?:\s+lượt\s+(?:truy\s+cập|xem|người\s+xem))?|"
    r"(?:số\s+)?lượt\s+(?:truy\s+cập|xem|đọc)(?:\s+(?:hôm\s+nay|bài\s+viết))?|"
    r"(?:người\s+dùng|khách|thành\s+viên)\s+(?:trực\s+tuyến|online)|online|visitors?|"
    r"hiện\s+có\s+[\d.]+\s+khách(?:\s+và\s+[\d.]+\s+thành\s+viên)?\s+đang\s+(?:trực\s+tuyến|online)|"
    r"tổng\s+số\s+điểm\s+của\s+bài\s+viết\s+là\s*:?\s*[\d.]+\s+trong\s+[\d.]+\s+đánh\s+giá)"
    r"\s*:?\s*[\d.,]*\s*$|^\s*[\d.,]+\s+(?:lượt\s+(?:xem|đọc|truy\s+cập)|người\s+đang\s+(?:xem|online))\s*$",
    re.IGNORECASE,
)
# A poll's vote tally: "(312 phiếu)", "845 lượt bình chọn", "45%".
VOTE_TALLY = re.compile(r"^\s*\(?\s*[\d.,]+\s*(?:phiếu|lượt\s+bình\s+chọn|lượt\s+chọn|%)\s*\)?\s*$", re.IGNORECASE)
# Separators of a breadcrumb written as text.
CRUMB_SEPARATOR = re.compile(r"\s(?:>|»|›|→|>>)\s|\s/\s")

# Class and id names of furniture blocks, compared without "-", "_" and case: compound names
# anywhere in the name ...
_CLASS_PARTS = (
    "breadcrumb", "duongdan", "pathway", "sitemapdirectional", "thongke", "counter", "visitor", "statistic",
    "binhchon", "thamdo", "survey", "voting", "socialshare", "sharebar", "sharing", "addthis", "sharethis",
    "related", "lienquan", "tinkhac", "othernews", "othernew", "morenews", "samecat", "cungchuyenmuc", "docnhieu",
    "mostread", "mostview", "xemnhieu", "tinmoi", "comment", "binhluan", "tukhoa", "quangcao", "advert",
    "weblink", "lienket", "masthead", "slogan", "sitebranding", "sitename", "sitetitle", "sitedescription",
    "navbar", "navigation", "sidebar", "copyright", "banner", "toolbar", "tienich", "postnav", "luotxem",
    "viewcount", "postviews", "pageviews",
)
# ... and words of a name ("poll-box", "btnShare", "socialicon", "main-menu").
_CLASS_WORDS = ("poll", "vote", "share", "social", "menu", "logo", "tags", "rating", "print", "views")
# Whole names.
_CLASS_EXACT = {"header", "siteheader", "topbar", "top", "headertop", "topheader", "footer", "sitefooter", "bottom",
                "nav", "tools", "search", "ads"}
_WORD_SPLIT = re.compile(r"[\s_\-:]+|(?<=[a-z0-9])(?=[A-Z])")
FURNITURE_TAGS = ("nav", "aside", "footer", "select", "button", "textarea", "input", "label", "iframe", "noscript")


def furniture_name(el, whole_names: bool = True) -> bool:
    """Does the element's class or id name it as furniture? Without `whole_names`, names such as
    "header" or "top" that may also hold the article's headline do not count."""
    names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    if not names:
        return False
    for name in names.split():
        words = [w.lower() for w in _WORD_SPLIT.split(name) if w]
        joined = "".join(words)
        if (whole_names and joined in _CLASS_EXACT) or any(part in joined for part in _CLASS_PARTS):
            return True
        if any(w.startswith(_CLASS_WORDS) for w in words):
            return True
    return False


def is_site_name(text: str, site_names: set[str] = frozenset()) -> bool:
    """A portal's or newspaper's name, a masthead line or a slogan; not a headline."""
    text = " ".join(text.split()).strip(" -–|:")
    if not text:
        return False
    if text.casefold() in site_names:
        return True
    if SLOGAN.search(text) and len(text) < 120:
        return True
    if not SITE_NAME.match(text):
        return False
    if "." in text.split()[-1]:
        return True
    # "Công an tỉnh Quảng Trị" is a name, "Công an tỉnh Quảng Trị ra quân ..." a headline.
    return all(w[0].isupper() or w.casefold() in _NAME_WORDS or not w[0].isalpha() for w in text.split())


def is_breadcrumb(text: str) -> bool:
    """"Trang chủ » Tin tức", "Cổng thông tin điện tử huyện … > An ninh - Quốc phòng > …"."""
    text = " ".join(text.split())
    parts = CRUMB_SEPARATOR.split(text)
    if len(parts) >= 3:
        return True
    opens_with_home = text.casefold().startswith(("trang chủ", "trang nhất", "home"))
    return len(parts) == 2 and (opens_with_home or is_site_name(parts[0]))


# Generic section names that are no headline: "Tin tức - Sự kiện", "An ninh - Quốc phòng".
SECTION_NAME = re.compile(
    r"^\s*(?:trang\s+(?:chủ|nhất)|home|tin\s+tức|sự\s+kiện|tin\s+tức\s*[-–]?\s*sự\s+kiện|thời\s+sự|"
    r"tin\s+(?:hoạt\s+động|"
    r"trong\s+(?:tỉnh|nước|huyện|ngày)|địa\s+phương)|hoạt\s+động(?:\s+của\s+.{1,30})?|thông\s+báo|tin\s+chi\s+tiết|"
    r"chi\s+tiết(?:\s+tin(?:\s+tức)?|\s+bài\s+viết)?|bài\s+viết|an\s+ninh\s*[-–,]?\s*(?:quốc\s+phòng|trật\s+tự)|"
    r"quốc\s+phòng\s*[-–,]?\s*an\s+ninh|pháp\s+luật|xã\s+hội|phòng\s+chống\s+tội\s+phạm|"
    r"phong\s+trào(?:\s+toàn\s+dân)?(?:\s+(?:bảo\s+vệ\s+)?(?:an\s+ninh\s+tổ\s+quốc|antq|bvantq|tdbvantq))?)\s*$",
    re.IGNORECASE,
)
# Counter and poll phrases inside a block; a block that is nothing but these is a counter.
_COUNTER_PHRASES = re.compile(
    r"thống\s+kê(?:\s+truy\s+cập)?|đang\s+(?:truy\s+cập|online|trực\s+tuyến)|hôm\s+(?:nay|qua)|"
    r"(?:tuần|tháng|năm)\s+(?:này|nay|trước|hiện\s+tại)|tổng(?:\s+số)?(?:\s+lượt\s+(?:truy\s+cập|xem))?|"
    r"(?:số\s+)?lượt\s+(?:truy\s+cập|xem|đọc)|(?:người\s+dùng|khách|thành\s+viên)\s+(?:trực\s+tuyến|online)|"
    r"online|truy\s+cập|phiếu|lượt\s+bình\s+chọn|hiện\s+có|đánh\s+giá|trong",
    re.IGNORECASE,
)


def is_section_name(text: str) -> bool:
    return bool(SECTION_NAME.match(text))


def _pure_counter(text: str) -> bool:
    return len(re.sub(r"[\W\d_]+", "", _COUNTER_PHRASES.sub(" ", text))) <= 2


def _inside(el, tags: tuple[str, ...]) -> bool:
    return any(a.tag in tags for a in el.iterancestors())


def furniture_nodes(scope, protected: set, stats, main=None) -> list:
    """Furniture blocks under `scope`: the elements to remove before the article's text is taken.

    `protected` holds the elements that contain the article (the main block, the title and their
    ancestors): they are never removed, though furniture inside them is. Rules, all general:
    furniture tags and class names; high link density (menus, lists of other articles); a box
    headed "Tin liên quan", "Thống kê truy cập", "Thăm dò ý kiến", "Chia sẻ" …; counters and
    vote tallies; poll forms; breadcrumbs; mastheads and slogans outside the article."""
    found: list = []
    in_main = set(main.iter()) if main is not None else set()

    def box(el, pure=None):
        """Climb from el to the largest unprotected block; with `pure`, only while the block's text passes it."""
        while True:
            parent = el.getparent()
            if parent is None or parent in protected or parent.tag in ("body", "html"):
                return el
            if pure is not None and not pure(" ".join(parent.text_content().split())):
                return el
            el = parent

    def heading_box(el):
        """The box a furniture heading opens; inside the article, the heading and the lists after it."""
        outer = box(el)
        found.append(outer)
        if outer.getparent() is not None and outer.getparent() in protected:
            for sibling in outer.itersiblings():
                if not isinstance(sibling.tag, str):
                    continue
                if sibling.tag in ("ul", "ol") or (stats.links.get(sibling, 0) and stats.link_density(sibling) >= 0.5):
                    found.append(sibling)
                else:
                    break

    def walk(el):
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child in protected:
                walk(child)
                continue
            if _classify(child):
                continue
            walk(child)

    def _classify(el) -> bool:
        tag = el.tag
        if tag in FURNITURE_TAGS or tag == "form" or (tag == "header" and not _inside(el, ("article", "main"))):
            if tag == "input" and (el.get("type") or "").lower() in ("radio", "checkbox"):
                found.append(box(el, lambda t: len(t) <= 600))
            else:
                found.append(el)
            return True
        style = (el.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style or furniture_name(el):
            found.append(el)
            return True
        total = stats.text_len.get(el, 0)
        links = stats.links.get(el, 0)
        if links >= 3 and tag not in ("a", "b", "strong", "em", "i", "font"):
            # a menu or a list of other articles; in the article's own block only a list or box of links
            inside = el in in_main
            dense = stats.link_density(el) >= (0.75 if inside else 0.6)
            if dense and (not inside or tag in ("ul", "ol", "div", "table")):
                found.append(el)
                return True
        if links >= 1 and total <= 300 and tag not in ("a",):
            text = " ".join(el.text_content().split())
            if is_breadcrumb(text) and stats.link_density(el) >= 0.3:
                found.append(el)
                return True
        if 0 < total <= 80:
            text = " ".join(el.text_content().split())
            if FURNITURE_HEADING.match(text):
                heading_box(el)
                return True
            # counters and tallies are never in the article's own block ("Tổng" there heads a total row)
            if el not in in_main and (COUNTER_TEXT.match(text) or VOTE_TALLY.match(text)):
                found.append(box(el, _pure_counter))
                return True
            if el not in in_main and is_site_name(text):
                found.append(el)
                return True
        return False

    walk(scope)
    return found
