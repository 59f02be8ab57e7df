from ingest.furniture import strip_furniture


def test_counter_and_poll_cells_of_a_table_row_are_dropped():
    row = ("| Thống kê truy cập Đang truy cập: 18 Tổng lượt truy cập: 3.415.882 Thăm dò ý kiến (1.204 phiếu) "
           "| Cập nhật: 05/07/2022 Mô hình đã nhân rộng ra 36 bản |")
    assert strip_furniture(row) == "Cập nhật: 05/07/2022 Mô hình đã nhân rộng ra 36 bản"


def test_article_lines_are_kept_as_written():
    text = "Mô hình “Camera an ninh” có 45 điểm | 112 mắt camera\nCông an xã tiếp nhận 12 tin báo."
    assert strip_furniture(text) == text


def test_author_from_markup_and_from_a_closing_byline():
    from ingest import read_bytes

    page = ('<html><head><meta charset="utf-8"><meta name="author" content="Trần Nhung"></head><body><article>'
            '<h1>Mô hình Camera an ninh ở Nghệ An</h1><p>Toàn tỉnh đã lắp đặt 1.200 mắt camera tại các xã.</p>'
            '</article></body></html>')
    assert read_bytes(page.encode(), "a.html", "text/html").author == "Trần Nhung"
    text = "Tiêu đề bài viết\n\nNội dung có 12 thôn tham gia mô hình.\n\nQuang Nam – PV28\n"
    assert read_bytes(text.encode(), "a.txt", "text/plain").author == "Quang Nam – PV28"
    assert read_bytes("Tiêu đề\n\nNội dung.\n\nCông an xã tiếp tục triển khai.".encode(), "b.txt",
                      "text/plain").author is None
