"""Page metadata and main text on portal layouts of our own making (tests/data/portals/).

Each page carries the furniture of its kind: mastheads and slogans, menus, breadcrumbs,
visitor counters, polls with vote tallies, share bars with counts, "Tin liên quan" /
"Tin khác" lists whose headlines hold numbers, comments and footers with addresses and
telephone numbers. The title must be the article's, the date the publication date, and the
text the article without any of the furniture."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest import read_bytes
from ingest.furniture import is_breadcrumb, is_site_name, strip_furniture
from ingest.html import parse_html, plausible_title

PORTALS = Path(__file__).resolve().parent / "data" / "portals"


@dataclass
class Layout:
    title: str
    published: str
    paragraphs: list[str]  # pieces of the article that must be in the text
    furniture: list[str]  # strings of the page's furniture that must not
    numbers: set[float]  # numbers of the furniture that must not become figures


LAYOUTS = {
    # NukeViet provincial police portal: masthead h1 + slogan h2, og:title, date line under the title,
    # "Tin mới nhất" column before the article, rating form, share bar, "Những tin mới hơn/cũ hơn".
    "nukeviet-cong-an-tinh.html": Layout(
        title="Lạc Sơn ra mắt 14 “Tổ tự quản về an ninh trật tự” ở các xóm vùng cao",
        published="2024-06-12",
        paragraphs=["Sáng 11/6, Công an huyện Lạc Sơn phối hợp với Ủy ban Mặt trận Tổ quốc huyện",
                    "xảy ra 23 vụ trộm cắp gia súc và 9 vụ mâu thuẫn",
                    "đóng góp tự nguyện của 1.126 hộ dân",
                    "nhân rộng mô hình ra 35 xóm của 8 xã vùng cao."],
        furniture=["CÔNG AN TỈNH HÒA BÌNH", "Vì nước quên thân", "Trang nhất", "Thủ tục hành chính",
                   "Phong trào toàn dân BVANTQ", "Kim Bôi", "48 camera", "Thống kê truy cập", "Đang truy cập",
                   "Tháng hiện tại", "38.456", "5.678.910", "Thăm dò ý kiến", "215 phiếu", "Họp xóm",
                   "Tổng số điểm", "đánh giá", "Chia sẻ", "Facebook", "Từ khóa", "Những tin mới hơn",
                   "Yên Thủy", "31 vụ việc", "Mai Châu", "120 hộ", "Tân Lạc", "Số 368", "0218.3852.114",
                   "JavaScript"],
        numbers={25, 1234, 38456, 5678910, 215, 437, 96, 31, 120, 16, 48, 650, 368, 37}),
    # ASP.NET portal in layout tables inside <form>: <title> is only the site and section, the
    # headline is a title-classed cell, "Ngày đăng: … | Lượt xem: …" under it, counters in the left
    # column, a radio poll with tallies on the right, "Các tin khác:" with dated headlines.
    "aspnet-bang-ngay-dang.html": Layout(
        title="Ba Bể: 46 nhóm “Zalo an ninh trật tự” tiếp nhận hơn 300 tin báo",
        published="2023-05-14",
        paragraphs=["toàn huyện Ba Bể đã thành lập 46 nhóm “Zalo an ninh trật tự”",
                    "tiếp nhận 318 tin báo, trong đó có 27 tin liên quan đến trộm cắp tài sản",
                    "lúc 22 giờ ngày 3/4/2023", "đăng tải 1.450 tin, bài tuyên truyền",
                    "chủ homestay và lái thuyền trên hồ Ba Bể."],
        furniture=["CÔNG AN TỈNH BẮC KẠN", "Vì nước quên thân", "Hôm nay", "20/05/2023", "TRANG CHỦ", "HỎI ĐÁP",
                   "THỐNG KÊ TRUY CẬP", "Đang truy cập", "Tổng lượt truy cập", "5.678.910", "1.234",
                   "LIÊN KẾT WEBSITE", "Lượt xem", "2.345", "In bài viết", "Gửi email", "Các tin khác",
                   "Chợ Đồn", "15 camera", "112 công an viên", "Pác Nặm", "Ý KIẾN CỦA BẠN", "kênh nào",
                   "1.502 phiếu", "Biểu quyết", "Kết quả", "Tổ 1, phường Đức Xuân", "0209.3870.114",
                   "Tin tức - Sự kiện"],
        numbers={25, 1234, 5678910, 2345, 15, 5, 112, 9, 1502, 611, 233, 64, 26, 10}),
    # WordPress news theme: og:title and <title> carry the newspaper's name, article:published_time,
    # the masthead is a paragraph, the Yoast breadcrumb ends with the headline, a share bar with
    # counts and Jetpack "Bài viết liên quan" inside the content, comments, statistics widget.
    "wordpress-bao-dien-tu.html": Layout(
        title="Đồng Xoài lắp 96 camera an ninh ở 8 phường, xã",
        published="2023-11-20",
        paragraphs=["Công an thành phố Đồng Xoài đã phối hợp với các phường, xã vận động lắp đặt 96 camera",
                    "Tổng kinh phí lắp đặt hơn 540 triệu đồng", "làm rõ 14 vụ trộm cắp tài sản và 6 vụ tai nạn",
                    "nâng tổng số camera an ninh trên địa bàn lên 156 camera."],
        furniture=["Báo Phước Long điện tử", "Cơ quan của Đảng bộ", "Thời sự", "Kinh tế", "Trang chủ »",
                   "Pháp luật", "Chia sẻ", "Facebook", "128", "Lượt xem", "3.456", "Bài viết liên quan",
                   "Chơn Thành", "32 tổ tự quản", "250 bình chữa cháy", "Tags", "Hớn Quản", "bình luận",
                   "7 camera", "12 camera", "Tin mới nhất", "Phú Riềng: 9 xã", "3,2 tỷ USD", "Thống kê truy cập",
                   "Người dùng trực tuyến", "5.678.910", "Tổng biên tập", "68/GP-BTTTT", "0271.3879.888",
                   "25/11/2023", "22/11/2023", "Chuyển đến nội dung", "Liên hệ quảng cáo"],
        numbers={128, 45, 3456, 32, 250, 18, 7, 12, 9, 3.2, 1234, 5678910, 68}),
    # District e-portal (SharePoint-like): masthead h1 "CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN …", <title> is the
    # section, a text breadcrumb "… > An ninh - Quốc phòng > headline", "Cập nhật:" under the title,
    # web-part counters, a poll, "Xem với cỡ chữ" tools, "Tin khác" and a footer updated date.
    "cong-thong-tin-huyen.html": Layout(
        title="Tân Sơn: Công an xã Thu Cúc ra mắt mô hình “Tiếng kẻng an ninh” ở 7 xóm",
        published="2024-05-15",
        paragraphs=["Ngày 14/5, Công an xã Thu Cúc, huyện Tân Sơn phối hợp",
                    "Mỗi xóm được trang bị 2 chiếc kẻng, 1 loa cầm tay",
                    "Xã Thu Cúc có 1.384 hộ với hơn 6.200 nhân khẩu",
                    "nhân rộng mô hình ra 10 xã vùng cao trong năm 2024."],
        furniture=["CỔNG THÔNG TIN ĐIỆN TỬ", "TỈNH PHÚ THỌ", "Cổng thông tin điện tử huyện Tân Sơn",
                   "An ninh - Quốc phòng", " > ", "Giới thiệu", "Dịch vụ công", "DANH MỤC", "Văn bản chỉ đạo",
                   "SỐ LƯỢT TRUY CẬP", "1.234.567", "Đang online", "Lượt xem", "856", "Xem với cỡ chữ",
                   "In trang", "Gửi email", "Tin khác", "Long Cốc", "24 đợt", "45 thanh niên", "THĂM DÒ",
                   "Hài lòng", "412 phiếu", "68%", "LIÊN KẾT WEBSITE", "Cơ quan chủ quản", "Khu Dụ 1",
                   "0210.3876.789", "Cập nhật lần cuối", "20/05/2024"],
        numbers={1234567, 25, 856, 3, 24, 45, 412, 68}),
    # Newspaper (cand.com.vn-like): itemprop=datePublished only, today's date in the masthead,
    # a "Tin liên quan" box in the middle of the body (the rest of the article must stay),
    # "Tin cùng chuyên mục", "Đọc nhiều", comments, share bar with a count.
    "bao-tin-lien-quan.html": Layout(
        title="Hà Giang duy trì 312 tổ tự quản đường biên, mốc giới",
        published="2024-04-02",
        paragraphs=["Hơn 10 năm qua, các “Tổ tự quản đường biên, mốc giới” ở Hà Giang",
                    "312 tổ tự quản với 1.874 thành viên", "tuần tra 2.650 lượt, phát hiện và báo tin 41 vụ",
                    "mỗi tuần tổ đi kiểm tra mốc 2 lần", "trang bị 312 đèn pin và áo mưa"],
        furniture=["BÁO AN NINH NHÂN DÂN ĐIỆN TỬ", "Báo An ninh Nhân dân điện tử", "06/04/2024",
                   "Đường dây nóng", "Thời sự", "Quốc tế", "Sự kiện", "Cao điểm tấn công", "Chia sẻ", "256",
                   "Sao chép liên kết", "Tin liên quan", "Lào Cai", "1.900 lượt", "Cao Bằng", "45 lá cờ",
                   "Bình luận", "Lý Văn Páo", "2 cột mốc", "Tin cùng chuyên mục", "Điện Biên", "27 bánh heroin",
                   "Đọc nhiều", "1.500 tỷ", "3 tấn vàng", "Cơ quan chủ quản", "Hàng Cót", "069.2196.999",
                   "128/GP-BTTTT"],
        numbers={256, 1900, 45, 18, 9, 27, 1500, 14, 128, 12}),
    # Joomla 1.5 district police site: <title> is the headline, the date cell comes after an
    # author cell, "Cập nhật lần cuối" closes the article, modules "Thống kê" and "Ai đang trực
    # tuyến", a radio poll, "Những tin mới hơn / cũ hơn".
    "joomla-cong-an-huyen.html": Layout(
        title="Quỳnh Lưu: 52 xóm ven biển xây dựng mô hình “Ngư dân tự quản”",
        published="2024-01-18",
        paragraphs=["52 xóm ven biển thuộc 7 xã xây dựng mô hình “Ngư dân tự quản”, với 416 tàu cá",
                    "mỗi tổ từ 5 đến 8 tàu", "cứu hộ 11 tàu cá bị hỏng máy", "có công suất từ 90 CV trở lên"],
        furniture=["TRANG THÔNG TIN ĐIỆN TỬ", "chỉ biết còn Đảng", "Trang chủ", "Danh mục", "Liên hệ",
                   "Thống kê", "Thành viên", "1024", "1234567", "Ai đang trực tuyến", "25 khách", "PDF",
                   "Cập nhật lần cuối", "19 Tháng 1", "Những tin mới hơn", "Diễn Châu", "30 tàu cá",
                   "340 ngư dân", "Quỳnh Lập", "4 tổ an ninh", "Thăm dò ý kiến", "Tổ đoàn kết trên biển",
                   "Bình chọn", "Bản quyền", "Khối 3", "0238.3864.114"],
        numbers={3, 1024, 1234567, 25, 30, 340, 4}),
}


@pytest.fixture(scope="module")
def documents():
    return {name: read_bytes((PORTALS / name).read_bytes(), f"https://portal.example.vn/{name}", "text/html")
            for name in LAYOUTS}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_title_is_the_articles(documents, name):
    assert documents[name].title == LAYOUTS[name].title


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_publication_date(documents, name):
    assert documents[name].published == LAYOUTS[name].published


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_text_keeps_the_article_and_opens_with_the_title(documents, name):
    text = documents[name].text
    assert text.splitlines()[0] == LAYOUTS[name].title
    for piece in LAYOUTS[name].paragraphs:
        assert piece in text


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_no_furniture_in_the_text(documents, name):
    text = documents[name].text
    left = [piece for piece in LAYOUTS[name].furniture if piece in text]
    assert not left, f"furniture left in the text of {name}: {left}"


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_furniture_numbers_do_not_become_figures(documents, name):
    from nlp import extract

    result = extract(documents[name])
    values = {float(f["value"]) for f in result.figures + result.model_counts if f.get("value") is not None}
    assert not values & LAYOUTS[name].numbers
    assert result.title == LAYOUTS[name].title and result.published == LAYOUTS[name].published


def test_layouts_are_at_least_four_kinds():
    assert len(LAYOUTS) >= 4 and all((PORTALS / name).exists() for name in LAYOUTS)


# ---------------------------------------------------------------- the rules on small pages


def page(body: str, head: str = "") -> bytes:
    return f'<html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'.encode()


ARTICLE = ("<p>Công an xã Cam Thủy đã vận động 320 hộ dân lắp đèn chiếu sáng ở 6 thôn, góp phần giảm các vụ "
           "trộm cắp vặt vào ban đêm trên địa bàn.</p><p>Mô hình được duy trì bằng kinh phí đóng góp của "
           "Nhân dân và sự hỗ trợ của Ủy ban nhân dân xã trong năm 2024.</p>")


def test_breadcrumb_heading_is_never_the_title():
    crumb = "Cổng thông tin điện tử huyện Cam Lộ > An ninh - Quốc phòng > Cam Thủy thắp sáng 6 thôn"
    parsed = parse_html(page(f"<h1>{crumb}</h1><div><h2 class='news-title'>Cam Thủy thắp sáng đường quê ở 6 thôn"
                             f"</h2>{ARTICLE}</div>", "<title>Chi tiết tin</title>"))
    assert parsed.title == "Cam Thủy thắp sáng đường quê ở 6 thôn"
    assert "An ninh - Quốc phòng" not in parsed.text


def test_title_from_page_title_without_site_name_or_breadcrumb():
    parsed = parse_html(page(f"<div>{ARTICLE}</div>", "<title>Trang chủ » Tin tức » Cam Thủy thắp sáng đường quê "
                                                      "ở 6 thôn - CÔNG AN TỈNH QUẢNG TRỊ</title>"))
    assert parsed.title == "Cam Thủy thắp sáng đường quê ở 6 thôn"
    parsed = parse_html(page(f"<div>{ARTICLE}</div>", "<title>Công an tỉnh Quảng Trị | Cam Thủy thắp sáng đường "
                                                      "quê ở 6 thôn</title>"))
    assert parsed.title == "Cam Thủy thắp sáng đường quê ở 6 thôn"


def test_headline_that_opens_with_a_unit_name_is_a_title():
    title = "Công an tỉnh Quảng Trị ra quân bảo đảm an ninh trật tự dịp Tết"
    parsed = parse_html(page(f"<div class='logo'><h1>CÔNG AN TỈNH QUẢNG TRỊ</h1></div><article><h1>{title}</h1>"
                             f"{ARTICLE}</article>"))
    assert parsed.title == title


def test_last_paragraph_is_never_the_title():
    long_paragraph = " ".join(["Công an xã tiếp tục vận động Nhân dân tham gia giữ gìn an ninh trật tự."] * 6)
    parsed = parse_html(page(f"<div>{ARTICLE}<h1>{long_paragraph}</h1></div>",
                             "<title>Cam Thủy thắp sáng đường quê ở 6 thôn</title>"))
    assert parsed.title == "Cam Thủy thắp sáng đường quê ở 6 thôn"


def test_ngay_dang_beats_the_last_update_and_other_dates():
    parsed = parse_html(page(f"<div class='top'>Thứ Hai, 06/01/2025</div><div><h1>Cam Thủy thắp sáng đường quê ở "
                             f"6 thôn</h1><div>Ngày cập nhật: 20/03/2024 | Ngày đăng: 18/03/2024</div>{ARTICLE}"
                             f"<div>Cập nhật lần cuối: 21/03/2024</div></div>"))
    assert parsed.published == "2024-03-18"


def test_date_line_before_the_title():
    parsed = parse_html(page(f"<div><div class='ngay'>Thứ Năm, 14/03/2024</div><div class='tieude'>Cam Thủy thắp "
                             f"sáng đường quê ở 6 thôn</div>{ARTICLE}</div>"))
    assert parsed.published == "2024-03-14"


def test_site_names_slogans_and_breadcrumbs():
    for name in ("CÔNG AN TỈNH QUẢNG TRỊ", "Cổng thông tin điện tử huyện Tân Sơn", "Báo Bình Phước điện tử",
                 "Trang thông tin điện tử Công an huyện Cam Lộ", "Vì nước quên thân, vì dân phục vụ",
                 "congan.quangtri.gov.vn", "Công an thành phố Hà Nội"):
        assert is_site_name(name), name
        assert not plausible_title(name), name
    for headline in ("Công an tỉnh Quảng Trị ra quân trấn áp tội phạm", "Cam Lộ nhân rộng mô hình “Camera an ninh”",
                     "Báo động tình trạng lừa đảo qua mạng ở vùng nông thôn"):
        assert not is_site_name(headline), headline
        assert plausible_title(headline), headline
    assert is_breadcrumb("Trang chủ » Tin tức")
    assert is_breadcrumb("Cổng thông tin điện tử huyện Tân Sơn > An ninh - Quốc phòng > Tin bài")
    assert not is_breadcrumb("Mô hình “Camera an ninh” có 45 điểm | 112 mắt camera")


def test_counters_and_view_counts_in_text_lines():
    text = ("Tiêu đề\nNgày đăng: 05/09/2023 | Lượt xem: 2.147 | Bản in\nĐang truy cập: 25\nHôm nay: 1.234\n"
            "Tuần này: 9.876\nNgười dùng trực tuyến: 12\nTổng số điểm của bài viết là: 23 trong 5 đánh giá\n"
            "Công an xã tiếp nhận 12 tin báo.\nNhững tin mới hơn\nYên Thủy: 27 tổ hòa giải")
    assert strip_furniture(text) == "Tiêu đề\nNgày đăng: 05/09/2023\nCông an xã tiếp nhận 12 tin báo."


def test_related_box_inside_the_article_keeps_the_rest():
    parsed = parse_html(page(f"<article><h1>Cam Thủy thắp sáng đường quê ở 6 thôn</h1><div class='noidung'>"
                             f"<p>Đoạn đầu có 320 hộ dân tham gia thắp sáng đường quê ở xã Cam Thủy.</p>"
                             f"<div><strong>Tin liên quan</strong><ul><li><a href='/a'>Cam Hiếu lắp 45 camera</a></li>"
                             f"<li><a href='/b'>Cam Tuyền có 12 tổ tự quản</a></li></ul></div>"
                             f"<p>Đoạn sau có 6 thôn hoàn thành lắp đèn trong năm 2024 với nhiều hộ tham gia.</p>"
                             f"</div></article>"))
    assert "Đoạn sau có 6 thôn" in parsed.text
    assert "45 camera" not in parsed.text and "Tin liên quan" not in parsed.text


def test_table_of_figures_and_links_inside_the_article_stay():
    parsed = parse_html(page(
        "<div class='logo'>CÔNG AN HUYỆN CAM LỘ</div><article><h1>Cam Lộ có 42 điểm camera an ninh ở 3 xã</h1>"
        "<div class='noidung'><p>Đến nay toàn huyện đã lắp đặt camera an ninh tại các xã theo bảng sau, với sự "
        "đóng góp của Nhân dân.</p><table><tr><th>TT</th><th>Xã</th><th>Số điểm</th></tr><tr><td>1</td>"
        "<td>Cam Hiếu</td><td>12</td></tr><tr><td>2</td><td>Cam Thủy</td><td>9</td></tr><tr><td>3</td>"
        "<td>Cam Tuyền</td><td>21</td></tr><tr><td></td><td>Tổng</td><td>42</td></tr></table>"
        "<p>Văn bản: <a href='/a.pdf'>Kế hoạch 12/KH-CAH</a>, <a href='/b.pdf'>Kế hoạch 13/KH-CAH</a>, "
        "<a href='/c.pdf'>Kế hoạch 14/KH-CAH</a></p><p>Công an huyện tiếp tục vận động Nhân dân lắp thêm camera "
        "trong năm 2024.</p></div></article><div class='box'><h3>Thống kê truy cập</h3><p>Tổng: 99.999</p></div>"))
    lines = parsed.text.splitlines()
    assert "1 | Cam Hiếu | 12" in lines and "| Tổng | 42" in lines
    assert "Văn bản: Kế hoạch 12/KH-CAH, Kế hoạch 13/KH-CAH, Kế hoạch 14/KH-CAH" in lines
    assert "99.999" not in parsed.text and "CÔNG AN HUYỆN CAM LỘ" not in parsed.text
