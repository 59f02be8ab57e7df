"""The five fixture portals (see tests/families.py): pages by path, what must be stored, what
must be followed. Paths in `articles` and `listings` are canonical; the links in the pages spell
them in the many ways real portals do."""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

from tests.families import (Family, Response, article_page, html, listing_page, robots, rss, short_page, sitemap,
                            sitemap_index)

OLD = "2019-06-20"
META = ["og", "", "ld", "itemprop", ""]  # article metadata by article number: some have none


def _articles(paths: dict[int, str], nav: str, related: dict[int, list[str]] | None = None,
              head: str = "") -> dict[str, Response]:
    related = related or {}
    return {path: html(article_page(n, nav, META[n % len(META)], related.get(n, []),
                                    date=OLD if "2019" in path or n in (6, 46) else "2025-03-05"))
            for n, path in paths.items()}


def nghean() -> Family:
    """Date folders /<cat>[/<sub>]/<yyyymm>/<slug>-<id> with /, /index.htm or nothing after them;
    a sitemap index naming a news sitemap and an old sitemap."""
    a = {1: "/gia-dinh-xa-hoi/202004/mo-hinh-camera-an-ninh-o-nghi-loc-897178/",
         2: "/thong-tin-chuyen-de/canh-bao-toi-pham/202503/canh-giac-lua-dao-qua-mang-1037063/",
         3: "/an-ninh-trat-tu/202411/ra-mat-to-lien-gia-tu-quan-1031002/",
         4: "/gia-dinh-xa-hoi/202410/tieng-keng-an-ninh-o-dien-chau-1029876/",
         5: "/thong-tin-chuyen-de/canh-bao-toi-pham/202504/nhan-dien-cuoc-goi-mao-danh-1039887/",
         6: "/an-ninh-trat-tu/201906/mo-hinh-tu-quan-nam-2019-700123/"}
    nav = ('<a href="/gia-dinh-xa-hoi/">Gia đình - Xã hội</a> <a href="/thong-tin-chuyen-de/canh-bao-toi-pham">'
           'Cảnh báo tội phạm</a> <a href="/lien-he">Liên hệ</a>')
    pages = _articles(a, nav, {1: [a[2] + "index.htm", a[3].rstrip("/")]})
    pages.update({
        "/": html(listing_page("Trang chủ", [(a[1].rstrip("/"), 1), (a[2] + "index.htm", 2),
                                             ("{https}" + a[3], 3), (a[4], 4)], nav=nav)),
        "/gia-dinh-xa-hoi/": html(listing_page("Gia đình - Xã hội", [(a[1], 1), (a[4].rstrip("/"), 4), (a[3], 3)],
                                               ["/gia-dinh-xa-hoi/", "/gia-dinh-xa-hoi/?page=2"], nav)),
        "/gia-dinh-xa-hoi/?page=2": html(listing_page("Gia đình - Xã hội - trang 2",
                                                      [(a[3] + "index.htm", 3), (a[1], 1), (a[4], 4)],
                                                      ["/gia-dinh-xa-hoi/", "/gia-dinh-xa-hoi/?page=2"], nav)),
        "/thong-tin-chuyen-de/canh-bao-toi-pham/": html(listing_page(
            "Cảnh báo tội phạm", [(a[2], 2), (a[5] + "index.htm", 5), (a[1], 1)], nav=nav)),
        "/lien-he/": html(short_page("Liên hệ", nav)),
        "/robots.txt": robots("/sitemap.xml"),
        "/sitemap.xml": sitemap_index([("{base}/sitemap-2025.xml", "2025-04-02"), ("{base}/sitemap-2019.xml", OLD)]),
        "/sitemap-2025.xml": sitemap([("{base}" + a[1] + "index.htm", "2025-03-05"),
                                      ("{base}" + a[5].rstrip("/"), "2025-04-01")], news=True),
        "/sitemap-2019.xml": sitemap([("{base}" + a[6] + "index.htm", OLD)]),
    })
    return Family("nghean", "congan-nghean", pages, set(a.values()),
                  {"/", "/gia-dinh-xa-hoi/", "/gia-dinh-xa-hoi/?page=2", "/thong-tin-chuyen-de/canh-bao-toi-pham/"},
                  old_articles={a[6]})


def aspnet() -> Family:
    """ASP.NET /<slug>-N<id>.aspx articles; category pages whose shape no pattern knows (judged
    by their content, one of them marked og:type=article as some CMSs do); an RSS feed declared
    in the head; robots.txt names a sitemap that does not exist."""
    a = {11: "/hieu-qua-mo-hinh-camera-an-ninh-o-co-so-N3134.aspx",
         12: "/ra-mat-to-tu-quan-ve-an-ninh-trat-tu-N3140.aspx",
         13: "/canh-giac-thu-doan-lua-dao-N3152.aspx",
         14: "/xay-dung-phong-trao-toan-dan-N3160.aspx"}
    feed = '<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss.aspx">'
    nav = '<a href="/tin-tuc-su-kien-C12.aspx">Tin tức - Sự kiện</a> <a href="/gioi-thieu.aspx">Giới thiệu</a>'
    category = "/tin-tuc-su-kien-C12.aspx"
    pages = _articles(a, nav)
    pages.update({
        "/": html(listing_page("Trang chủ", [(a[11] + "?utm_source=zalo&zarsrc=30", 11), (a[12], 12), (a[13], 13)],
                               nav=nav, head=feed)),
        category: html(listing_page("Tin tức - Sự kiện", [(a[13], 13), (a[12], 12), (a[11], 11)],
                                    [category, category + "?page=2"], nav, og_article=True)),
        category + "?page=2": html(listing_page("Tin tức - Sự kiện", [(a[14], 14), (a[12], 12), (a[13], 13)],
                                                [category, category + "?page=2"], nav)),
        "/gioi-thieu.aspx": html(short_page("Giới thiệu", nav)),
        "/rss.aspx": rss([("{https}" + a[11], "Wed, 05 Mar 2025 08:00:00 +0700"),
                          ("{base}" + a[14], "Thu, 06 Mar 2025 08:00:00 +0700")]),
        "/robots.txt": robots("/sitemap.xml"),  # and no /sitemap.xml: a 404
    })
    return Family("aspnet", "congan-binhthuan", pages, set(a.values()),
                  {"/", category, category + "?page=2", "/gioi-thieu.aspx"})


def _pct(text: str, form: str = "NFC", lower: bool = False) -> str:
    encoded = quote(unicodedata.normalize(form, text), safe="/-")
    return encoded.lower() if lower else encoded


def wordpress() -> Family:
    """WordPress /<slug>/ posts with Vietnamese slugs, linked precomposed and decomposed, raw and
    percent-encoded in upper and lower case; AMP copies under /amp/; category, tag, date
    archives and /page/N/; a core sitemap index (posts and categories) and a feed."""
    slugs = {21: "công-an-xã-ra-mắt-mô-hình-camera-an-ninh", 22: "tổ-liên-gia-tự-quản-phát-huy-hiệu-quả",
             23: "tiếng-kẻng-an-ninh-vang-lên-ở-tuyên-hóa", 24: "nhân-rộng-mô-hình-zalo-an-ninh-trật-tự",
             25: "hội-nghị-sơ-kết-phong-trào-toàn-dân"}
    canon = {n: "/" + _pct(s) + "/" for n, s in slugs.items()}
    nfd = {n: "/" + _pct(s, "NFD", lower=True) + "/" for n, s in slugs.items()}
    raw = {n: "/" + unicodedata.normalize("NFD", s) + "/" for n, s in slugs.items()}
    feed = '<link rel="alternate" type="application/rss+xml" title="Công an tỉnh &raquo; Feed" href="{base}/feed/">'
    nav = ('<a href="/category/tin-tuc/">Tin tức</a> <a href="/tag/camera-an-ninh/">Camera an ninh</a> '
           '<a href="/lien-he/">Liên hệ</a> <a href="/wp-login.php">Đăng nhập</a>')
    pages = {}
    for n, path in canon.items():
        head = (f'<link rel="alternate" type="application/rss+xml" href="{{base}}{path}feed/">'
                f'<link rel="amphtml" href="{{base}}{path}amp/">')
        related = [nfd[21 + (n - 20) % 5], "/2025/03/", raw[21 + (n - 19) % 5] + "amp/"]
        page = article_page(n, nav, META[n % len(META)], related).replace(b"</head>", head.encode() + b"</head>", 1)
        pages[path] = html(page)
    items = lambda *ns: [(canon[n], n) for n in ns]  # noqa: E731
    pages.update({
        "/": html(listing_page("Công an tỉnh", [(nfd[21], 21), (raw[22], 22), (canon[23] + "?fbclid=IwAR0x", 23),
                                                (canon[24], 24)], nav=nav, head=feed)),
        "/category/tin-tuc/": html(listing_page("Tin tức", items(21, 24, 23),
                                                ["/category/tin-tuc/", "/category/tin-tuc/page/2/"], nav, feed)),
        "/category/tin-tuc/page/2/": html(listing_page("Tin tức", [("{https}" + canon[25], 25),
                                                                   (canon[24] + "amp/", 24), (nfd[22], 22)],
                                                       ["/category/tin-tuc/", "/category/tin-tuc/page/2/"], nav)),
        "/tag/camera-an-ninh/": html(listing_page("Camera an ninh", items(21, 25, 22, 24), nav=nav, og_article=True)),
        "/2025/03/": html(listing_page("Tháng 3/2025", items(23, 24, 21), nav=nav)),
        "/lien-he/": html(short_page("Liên hệ", nav)),
        "/feed/": rss([("{base}" + raw[n], "Wed, 05 Mar 2025 08:00:00 +0000") for n in slugs]),
        "/robots.txt": robots("/wp-sitemap.xml"),
        "/wp-sitemap.xml": sitemap_index([("{base}/wp-sitemap-posts-post-1.xml", None),
                                          ("{base}/wp-sitemap-taxonomies-category-1.xml", None)]),
        "/wp-sitemap-posts-post-1.xml": sitemap([("{base}" + canon[n], "2025-03-05") for n in slugs]),
        "/wp-sitemap-taxonomies-category-1.xml": sitemap([("{base}/category/tin-tuc/", None)]),
    })
    return Family("wordpress", "congan-quangbinh", pages, set(canon.values()),
                  {"/", "/category/tin-tuc/", "/category/tin-tuc/page/2/", "/tag/camera-an-ninh/", "/2025/03/",
                   "/lien-he/"})


def nukeviet() -> Family:
    """NukeViet /vi/news/<cat>/<slug>-<id>.html and an older /<Cat>/<slug>-<id>.html; category
    pages, /page-2/, tag pages; print and send-mail views that are never requested; a sitemap
    and no feed."""
    a = {31: "/vi/news/an-ninh-trat-tu/ra-mat-mo-hinh-camera-an-ninh-49101.html",
         32: "/vi/news/phong-chong-toi-pham/canh-giac-lua-dao-49120.html",
         33: "/Mang-xa-hoi/cach-bao-ve-tai-khoan-mang-xa-hoi-49010.html",
         34: "/vi/news/an-ninh-trat-tu/to-lien-gia-tu-quan-49133.html"}
    cat = "/vi/news/an-ninh-trat-tu/"
    nav = (f'<a href="{cat}">An ninh trật tự</a> <a href="/vi/news/phong-chong-toi-pham/">Phòng chống tội phạm</a> '
           '<a href="/vi/news/tag/camera-an-ninh/">Camera an ninh</a>')
    views = (f'<a href="/vi/news/print/an-ninh-trat-tu/ra-mat-mo-hinh-camera-an-ninh-49101/">In</a>'
             f'<a href="/vi/news/sendmail/an-ninh-trat-tu/ra-mat-mo-hinh-camera-an-ninh-49101/">Gửi</a>')
    pages = _articles(a, nav)
    pages.update({
        "/": html(listing_page("Trang chủ", [(a[31], 31), (a[33], 33), (a[32], 32)], nav=nav + views)),
        cat: html(listing_page("An ninh trật tự", [(a[31], 31), (a[34], 34), (a[33], 33)], [cat, cat + "page-2/"], nav)),
        cat + "page-2/": html(listing_page("An ninh trật tự", [("{https}" + a[34], 34), (a[31], 31), (a[32], 32)],
                                           [cat, cat + "page-2/"], nav)),
        "/vi/news/phong-chong-toi-pham/": html(listing_page("Phòng chống tội phạm", [(a[32], 32), (a[33], 33),
                                                                                     (a[31], 31)], nav=nav)),
        "/vi/news/tag/camera-an-ninh/": html(listing_page("Camera an ninh", [(a[31], 31), (a[34], 34), (a[32], 32)],
                                                          nav=nav)),
        "/robots.txt": robots("/sitemap.xml"),
        "/sitemap.xml": sitemap([("{base}" + a[n], "2025-03-05") for n in (31, 32, 34)]),
    })
    return Family("nukeviet", "congan-backan", pages, set(a.values()),
                  {"/", cat, cat + "page-2/", "/vi/news/phong-chong-toi-pham/", "/vi/news/tag/camera-an-ninh/"})


def cand() -> Family:
    """cand.com.vn: current /<Category>/<slug>-i<id>/ and legacy /<Category>/<Slug>-<id> forms,
    with query strings, http and https, AMP copies on amp.<host>; /p2/ and /page-10/ pagination,
    tag pages and event streams; a news sitemap naming AMP copies and one old article."""
    a = {41: "/Xa-hoi/can-canh-mo-hinh-camera-an-ninh-i375777/", 42: "/Thoi-su/ra-mat-to-an-ninh-khu-pho-i712345/",
         43: "/Xa-hoi/phong-trao-toan-dan-bao-ve-an-ninh-i712400/", 44: "/Phap-luat/Bat-giu-doi-tuong-lua-dao-456789/",
         45: "/Xa-hoi/Nhan-rong-mo-hinh-tu-quan-456800/", 46: "/Xa-hoi/Mo-hinh-cu-nam-2019-123456/"}
    tag, event = "/tag/camera-an-ninh-12345/", "/dong-su-kien/bao-ve-an-ninh-to-quoc-248/"
    nav = ('<a href="/Xa-hoi/">Xã hội</a> <a href="/Thoi-su/">Thời sự</a> <a href="/Phap-luat/">Pháp luật</a> '
           f'<a href="{tag.rstrip("/")}">Camera an ninh</a> <a href="{event}">Sự kiện</a> '
           '<a href="http://en.example.invalid/">English</a>')
    pages = _articles(a, nav, {41: ["{amp}" + a[43], a[45].rstrip("/")]})
    pages.update({
        "/Xa-hoi/": html(listing_page("Xã hội", [(a[41] + "?id=18", 41), ("{amp}" + a[43], 43),
                                                 (a[45].rstrip("/"), 45)], ["/Xa-hoi/", "/Xa-hoi/p2/"], nav)),
        "/Xa-hoi/p2/": html(listing_page("Xã hội", [(a[41] + "?utm_source=facebook&utm_medium=social", 41),
                                                    (a[45], 45), (a[43], 43)], ["/Xa-hoi/", "/Xa-hoi/p2/"], nav)),
        "/Thoi-su/": html(listing_page("Thời sự", [(a[42], 42), ("{https}" + a[41], 41), (a[43], 43)], nav=nav)),
        "/Phap-luat/": html(listing_page("Pháp luật", [("{base}" + a[44].rstrip("/"), 44), (a[42], 42), (a[41], 41)],
                                         ["/Phap-luat/", "/Phap-luat/page-10/"], nav)),
        "/Phap-luat/page-10/": html(listing_page("Pháp luật", [("{https}" + a[44], 44), (a[45], 45), (a[43], 43)],
                                                 ["/Phap-luat/", "/Phap-luat/page-10/"], nav)),
        tag: html(listing_page("Camera an ninh", [(a[41], 41), ("{amp}" + a[43], 43), (a[45], 45)], nav=nav)),
        event: html(listing_page("Bảo vệ an ninh Tổ quốc", [(a[42], 42), (a[44].rstrip("/"), 44), (a[41], 41)],
                                 nav=nav)),
        "/robots.txt": robots("/sitemaps/news.xml"),
        "/sitemaps/news.xml": sitemap([("{amp}" + a[41], "2025-03-05"), ("{amp}" + a[42], "2025-03-04"),
                                       ("{base}" + a[43], "2025-03-03"), ("{base}" + a[46].rstrip("/"), OLD)],
                                      news=True),
    })
    return Family("cand", "cand", pages, set(a.values()),
                  {"/Xa-hoi/", "/Xa-hoi/p2/", "/Thoi-su/", "/Phap-luat/", "/Phap-luat/page-10/", tag, event},
                  old_articles={a[46]})


FAMILIES = {"nghean": nghean, "aspnet": aspnet, "wordpress": wordpress, "nukeviet": nukeviet, "cand": cand}
