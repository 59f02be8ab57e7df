"""The packaged sources.toml, loaded with the project's own loader, against real addresses of
the portals: those quoted in issue #14 and those found in public pages and public code (each
list says where). Article addresses must be taken as articles (or, for a source that detects,
fetched to be judged); listing addresses must never be taken as articles."""
from __future__ import annotations

from importlib import resources

import pytest
from vietnamadminunits import convert_address, parse_address

from ingest.sources import load_sources

SOURCES = {s.name: s for s in load_sources(str(resources.files("policekb").joinpath("sources.toml")))}

# (source, address): taken as an article. "issue" = quoted in issue #14 (the elided slug filled
# in); "code" = quoted in public code found by the code search, 2026-11-30.
ARTICLES = [
    ("congan-nghean", "https://congan.nghean.gov.vn/gia-dinh-xa-hoi/202004/bai-viet-897178"),  # issue
    ("congan-nghean", "https://congan.nghean.gov.vn/gia-dinh-xa-hoi/202004/bai-viet-897178/"),  # issue
    ("congan-nghean", "https://congan.nghean.gov.vn/gia-dinh-xa-hoi/202004/bai-viet-897178/index.htm"),  # issue
    ("congan-nghean", "https://congan.nghean.gov.vn/thong-tin-chuyen-de/canh-bao-toi-pham/202504/"
                      "danh-sach-cac-so-dien-thoai-lua-dao-khong-nen-nghe-goi-lai-1039887/index.htm"),  # code
    ("congan-nghean", "https://congan.nghean.gov.vn/thong-tin-chuyen-de/canh-bao-toi-pham/202503/"
                      "canh-giac-voi-hanh-vi-mao-danh-goi-video-de-chuyen-tien-1037772/"),  # code
    ("congan-nghean", "https://congan.nghean.gov.vn/thong-tin-chuyen-de/canh-bao-toi-pham/202503/"
                      "canh-giac-lua-dao-mua-iphone-chinh-hang-gia-re-1037063/"),  # code
    ("congan-binhthuan", "https://congan.binhthuan.gov.vn/hieu-qua-tu-mo-hinh-tu-quan-o-co-so-N3134.aspx"),  # issue
    ("congan-binhthuan", "http://congan.binhthuan.gov.vn/hieu-qua-tu-mo-hinh-tu-quan-o-co-so-N3134.aspx"),  # issue
    ("cand", "https://cand.com.vn/Xa-hoi/Can-canh-Lang-sinh-vien-giua-Thu-do-i375777/?id=18"),  # code
    ("cand", "https://cand.com.vn/Xa-hoi/Can-canh-Lang-sinh-vien-giua-Thu-do-i375777/"),  # code
    ("cand", "https://amp.cand.com.vn/Xa-hoi/Can-canh-Lang-sinh-vien-giua-Thu-do-i375777/"),  # issue: AMP copy
    ("cand", "http://cand.com.vn/Su-kien-Binh-luan-thoi-su/Ten-bai-viet-cu-456789/"),  # issue: legacy
    ("cand", "http://cand.com.vn/Su-kien-Binh-luan-thoi-su/Ten-bai-viet-cu-456789"),  # issue: legacy, no slash
    ("cand", "https://cand.com.vn/Xa-hoi/ten-bai-viet-i712345/?utm_source=facebook"),  # issue: query string
    ("congan-backan", "http://conganbackan.vn/Mang-xa-hoi/cach-an-anh-dai-dien-facebook-49010.html"),  # code
    ("congan-backan", "https://conganbackan.vn/vi/news/an-ninh-trat-tu/ten-bai-viet-49101.html"),  # issue
    ("congan-binhdinh", "https://congan.binhdinh.gov.vn/vi/news/tin-tuc-su-kien/ten-bai-viet-12345.html"),  # issue
    ("congan-laichau", "https://congan.laichau.gov.vn/thong-bao/"
                       "xuat-nhap-canh-ap-dung-bieu-mau-moi-tu-01-7-2026-5427.html"),  # code
    ("congan-laichau", "https://congan.laichau.gov.vn/chong-dien-bien-hoa-binh-22/"
                       "sap-nhap-tinh-va-goc-nhin-lien-quan-2899.html"),  # code
    ("congan-laichau", "https://congan.laichau.gov.vn/thu-doan-pham-toi/"
                       "canh-giac-voi-chieu-tro-lua-dao-quet-ma-qr-trong-thanh-toan-online-3416.html"),  # code
    ("congan-laichau", "https://congan.laichau.gov.vn/index.php/chong-dien-bien-hoa-binh-22/"
                       "tai-sao-can-tang-muc-phat-va-ai-la-nguoi-huong-loi-2665.html"),  # code
    ("congan-laichau", "https://congan.laichau.gov.vn/savefile/thong-bao/ten-bai-viet-5427.html"),  # issue
    ("congan-hungyen", "https://congan.hungyen.gov.vn/deepfake-gia-nhuat-lam-sao-de-tranh-bay-luao-c218065.html"),  # code
    ("congan-thainguyen", "https://congan.thainguyen.gov.vn/tin-tuc/chuyen-doi-so/"
                          "huong-dan-quy-chuan-anh-khi-lam-ho-chieu-1478.html"),  # code
]

# Sources that detect: their article addresses cannot be told from their URL, so they must be
# fetched and judged (never dropped, never taken as listings by a pattern).
JUDGED = [
    ("congan-quangbinh", "https://conganquangbinh.gov.vn/c%c3%b4ng-an-x%c3%a3-ra-m%e1%ba%aft-m%c3%b4-h%c3%acnh/"),
    ("congan-quangbinh", "https://conganquangbinh.gov.vn/ten-bai-viet-khong-dau/"),  # issue: /<slug>/
    ("congan-quangtri", "https://congan.quangtri.gov.vn/ten-bai-viet/"),
    ("congan-hatinh", "https://congan.hatinh.gov.vn/phap-luat/dieu-tra-vu-an"),
    ("congan-lamdong", "https://congan.lamdong.gov.vn/tin-tuc/ten-bai-viet"),
]

# Addresses that are never articles: listings, pagination, tags, event streams, other copies.
LISTINGS = [
    ("congan-nghean", "https://congan.nghean.gov.vn/"),
    ("congan-nghean", "https://congan.nghean.gov.vn/gia-dinh-xa-hoi/"),
    ("congan-nghean", "https://congan.nghean.gov.vn/thong-tin-chuyen-de/canh-bao-toi-pham/"),
    ("congan-nghean", "https://congan.nghean.gov.vn/gia-dinh-xa-hoi/?page=2"),
    ("congan-binhthuan", "https://congan.binhthuan.gov.vn/"),
    ("cand", "https://cand.com.vn/Xa-hoi/"),
    ("cand", "http://cand.com.vn/xa-hoi/"),  # code
    ("cand", "https://cand.com.vn/Xa-hoi/p2/"),  # issue: pagination
    ("cand", "http://cand.com.vn/Xa-hoi/page-10/"),  # issue: older pagination
    ("cand", "https://cand.com.vn/tag/camera-an-ninh-12345"),  # issue: tag page
    ("cand", "http://cand.com.vn/dong-su-kien/39-thi-the-trong-xe-container-dong-lanh-248/"),  # code: event stream
    ("cand", "https://cand.com.vn/dong-su-kien/bao-ve-an-ninh-to-quoc-1234567/"),
    ("cand", "https://cand.com.vn/Xa-hoi/Phong-su-dieu-tra/"),
    ("cand", "https://cand.com.vn/Xa-hoi/?trang=2"),
    ("congan-quangbinh", "https://conganquangbinh.gov.vn/category/tin-tuc/"),
    ("congan-quangbinh", "https://conganquangbinh.gov.vn/category/tin-tuc/page/2/"),
    ("congan-quangbinh", "https://conganquangbinh.gov.vn/tag/camera-an-ninh/"),
    ("congan-quangtri", "https://congan.quangtri.gov.vn/category/an-ninh-trat-tu/"),  # code
    ("congan-backan", "https://conganbackan.vn/vi/news/an-ninh-trat-tu/"),
    ("congan-backan", "https://conganbackan.vn/vi/news/an-ninh-trat-tu/page-2/"),
    ("congan-backan", "https://conganbackan.vn/vi/news/tag/camera-an-ninh/"),
    ("congan-backan", "https://conganbackan.vn/vi/news/print/an-ninh-trat-tu/ten-bai-viet-49101/"),
    ("congan-binhdinh", "https://congan.binhdinh.gov.vn/vi/news/tin-tuc-su-kien/"),
    ("congan-laichau", "https://congan.laichau.gov.vn/thong-bao/"),
    ("congan-laichau", "https://congan.laichau.gov.vn/chong-dien-bien-hoa-binh-22/page-2/"),
    ("congan-laichau", "https://congan.laichau.gov.vn/uploads/news/2023_05/image-20230526162943-1.jpeg"),  # code
    ("congan-hungyen", "https://congan.hungyen.gov.vn/"),
    ("congan-hungyen", "http://congan.hungyen.gov.vn/images/footer-logo.png"),  # code
    ("congan-thainguyen", "https://congan.thainguyen.gov.vn/tin-tuc/chuyen-doi-so/"),
    ("congan-hatinh", "https://congan.hatinh.gov.vn/storage/photos/6965fc8a8ad8f.jpg"),  # code
    ("congan-lamdong", "https://congan.lamdong.gov.vn/UpLoaded/files/luat/68_2020_QH14.pdf"),  # code: attachment
]


def kind(name: str, url: str) -> str | None:
    source = SOURCES[name]
    return source.kind_of(source.canonical(url))


@pytest.mark.parametrize("name, url", ARTICLES)
def test_real_article_addresses_are_taken_as_articles(name, url):
    assert kind(name, url) == "article"


@pytest.mark.parametrize("name, url", JUDGED)
def test_article_addresses_of_detecting_sources_are_fetched_and_judged(name, url):
    assert SOURCES[name].detects and kind(name, url) == "page"


@pytest.mark.parametrize("name, url", LISTINGS)
def test_listing_addresses_are_never_taken_as_articles(name, url):
    assert kind(name, url) != "article"


def test_one_article_one_url_across_spellings():
    spellings = [u for n, u in ARTICLES if n == "cand" and "i375777" in u]
    assert len({SOURCES["cand"].canonical(u) for u in spellings}) == 1
    nghean = [u for n, u in ARTICLES if "897178" in u]
    assert len({SOURCES["congan-nghean"].canonical(u) for u in nghean}) == 1


def test_at_least_ten_provincial_portals_with_real_hosts():
    provincial = [s for s in SOURCES.values() if s.province]
    assert len(provincial) >= 10
    assert "conganquangbinh.gov.vn" in SOURCES["congan-quangbinh"].allowed_hosts  # not congan.quangbinh.gov.vn
    assert all(s.allowed_hosts for s in SOURCES.values())


@pytest.mark.parametrize("source", [s for s in SOURCES.values() if s.province], ids=lambda s: s.name)
def test_province_merges_agree_with_the_gazetteer(source):
    """`province` is a province before 2025; its post-2025 province is `merged_into`, or itself."""
    before = parse_address(f"Tỉnh {source.province}", mode="LEGACY")
    assert before.short_province == source.province
    after = convert_address(f"Tỉnh {source.province}").short_province
    assert after == (source.merged_into or source.province)
