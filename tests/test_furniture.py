from ingest.furniture import strip_furniture


def test_counter_and_poll_cells_of_a_table_row_are_dropped():
    row = ("| Thống kê truy cập Đang truy cập: 18 Tổng lượt truy cập: 3.415.882 Thăm dò ý kiến (1.204 phiếu) "
           "| Cập nhật: 05/07/2022 Mô hình đã nhân rộng ra 36 bản |")
    assert strip_furniture(row) == "Cập nhật: 05/07/2022 Mô hình đã nhân rộng ra 36 bản"


def test_article_lines_are_kept_as_written():
    text = "Mô hình “Camera an ninh” có 45 điểm | 112 mắt camera\nCông an xã tiếp nhận 12 tin báo."
    assert strip_furniture(text) == text
