"""Cleaning the national portal's export: small real-world cases, then both shared files."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from bot.catalogue.clean import (
    WARD_LEVEL,
    RecordProblem,
    clean_record,
    normalise_text,
    parse_channels,
    parse_documents,
    parse_legal_basis,
    parse_result,
    parse_steps,
    read_records,
    split_glued,
    ward_channels,
)
from bot.domain.procedure import Channel, DocumentItem, Procedure

# The shared export sits beside the project (as on CI); the tests skip where it does not.
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LAW_HEADER = "Tên văn bản pháp lýMã văn bản"


def record(**fields: object) -> dict[str, object]:
    """A minimal valid raw record, as the export writes it, with ``fields`` overriding."""
    raw: dict[str, object] = {
        "ma_thu_tuc": "1.001193",
        "ten_thu_tuc": "Thủ tục đăng ký khai sinh",
        "linh_vuc": "Hộ tịch",
        "cap_thuc_hien": "Cấp xã",
        "doi_tuong_thuc_hien": "Công dân Việt Nam",
        "co_quan_thuc_hien": "Ủy ban Nhân dân xã, phường, thị trấn.",
        "thanh_phan_ho_so": f"--{DOCUMENT_HEADER}Tờ khai đăng ký khai sinh1 bản chính",
        "cach_thuc_thuc_hien": f"{CHANNEL_HEADER}Trực tiếp1 Ngày làm việcMiễn phí",
        "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        "can_cu_phap_ly": "Không có thông tin",
        "yeu_cau_dieu_kien": "Không có thông tin",
        "ket_qua_xu_ly": "Giấy khai sinhMã: KQ.G01.000001Từ khóaKhông có thông tin",
        "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc",
        "bo": "bo-tu-phap",
    }
    raw.update(fields)
    return raw


# --- text -------------------------------------------------------------------------------------


def test_nfd_name_becomes_nfc_on_one_line() -> None:
    nfd = unicodedata.normalize("NFD", "Cấp Giấy chứng nhận đủ điều kiện sản xuất thuốc thú y")
    procedure, problems = clean_record(record(ten_thu_tuc=nfd + "\n  (trừ vắc xin)"))
    assert procedure.name == "Cấp Giấy chứng nhận đủ điều kiện sản xuất thuốc thú y (trừ vắc xin)"
    assert unicodedata.is_normalized("NFC", procedure.name)
    assert problems == []


def test_nbsp_agency_and_odd_spaces() -> None:
    procedure, _ = clean_record(
        record(co_quan_thuc_hien="Ủy ban Nhân dân\xa0xã,\xa0phường,\u200b\u202fthị  trấn.\ufeff")
    )
    assert procedure.agency == "Ủy ban Nhân dân xã, phường, thị trấn."


def test_invisible_and_stray_characters_are_removed() -> None:
    # Real: 30 LEFT-TO-RIGHT MARKs sit inside "đăng ký" in the export (1.000080 and others), a
    # SOFT HYPHEN in "trường" (1.004163), Wingdings bullets (U+F0FC, U+F0A7) before items.
    name = "Trường hợp người yêu cầu đăng k\u200eý hộ tịch"
    assert normalise_text(name) == "Trường hợp người yêu cầu đăng ký hộ tịch"
    assert normalise_text("giấy xác nhận về tr\xadường hợp hy sinh") == (
        "giấy xác nhận về trường hợp hy sinh"
    )
    assert normalise_text("\uf0fc\tTrường hợp đào tạo") == "Trường hợp đào tạo"
    assert normalise_text("kèm theo: \uf0a7 Đối với cá nhân") == "kèm theo: Đối với cá nhân"
    hidden = "\ufeffĐăng\u200d ký\u202b tạm\u2066 trú\u2069\x07\u2060\U000e0041"
    assert normalise_text(hidden) == "Đăng ký tạm trú"
    assert normalise_text("Bước 1\r\nBước 2\u2029Bước 3") == "Bước 1\nBước 2\nBước 3"


def test_no_format_character_survives() -> None:
    """Every format character Unicode knows (category Cf), inside a word, is gone."""
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            cleaned = normalise_text(f"đăng k{char}ý")
            assert cleaned in ("đăng ký", "đăng k ý"), f"U+{code:04X}: {cleaned!r}"


def test_normalise_text() -> None:
    assert normalise_text("  a\t b \n\n  c\xa0 ") == "a b\nc"
    for empty in ("Không có thông tin", "", "-", "--", "  ", None, "----"):
        assert normalise_text(empty) is None


def test_empty_marker_fields_are_none() -> None:
    procedure, _ = clean_record(record(yeu_cau_dieu_kien="Không có thông tin", can_cu_phap_ly=""))
    assert procedure.conditions is None
    assert procedure.legal_basis == ()


def test_lists_split_on_commas_outside_parentheses() -> None:
    procedure, _ = clean_record(
        record(
            cap_thuc_hien="Cấp tỉnh, Cấp xã, Cấp xã",
            doi_tuong_thuc_hien=(
                "Tổ chức (không bao gồm doanh nghiệp, HTX), Cán bộ, công chức, viên chức,"
                " Công dân Việt Nam"
            ),
        )
    )
    assert procedure.levels == ("Cấp tỉnh", "Cấp xã")
    assert procedure.ward_level
    assert procedure.applicants == (
        "Tổ chức (không bao gồm doanh nghiệp, HTX)",
        "Cán bộ, công chức, viên chức",
        "Công dân Việt Nam",
    )


def test_url_must_be_https() -> None:
    assert clean_record(record(detail_url="http://x/y"))[0].url is None
    assert clean_record(record())[0].url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc"


def test_authority_and_receiving_address_on_one_line() -> None:
    procedure, _ = clean_record(
        record(
            co_quan_co_tham_quyen="Ủy ban Nhân dân\xa0xã,\xa0phường,\xa0thị trấn.",
            dia_chi_tiep_nhan="Công an cấp xã",
        )
    )
    assert procedure.authority == "Ủy ban Nhân dân xã, phường, thị trấn."
    assert procedure.receiving_address == "Công an cấp xã"
    # The portal writes "" or "Không có thông tin" where it has nothing: None, one way only.
    empty, _ = clean_record(
        record(co_quan_co_tham_quyen="", dia_chi_tiep_nhan="Không có thông tin")
    )
    assert (empty.authority, empty.receiving_address) == (None, None)
    # Real (7 ward procedures of Hà Tĩnh): a bulleted list, one bullet cut mid-address.
    listed, _ = clean_record(
        record(
            dia_chi_tiep_nhan=(
                "- Trung tâm Phục vụ hành chính công tỉnh (số 02, đường Nguyễn Chí Thanh,\n"
                "phường Thành Sen, tỉnh Hà Tĩnh) để thực hiện phi địa giới hành chính.\n"
                "- Trung tâm Phục vụ hành chính công cấp xã.\n- Dịch vụ bưu chính công ích"
                "\n- Hệ thống thông tin giải quyết thủ tục hành chính Hà Tĩnh:\n"
                "https://motcua.hatinh.gov.vn."
            )
        )
    )
    assert listed.receiving_address == (
        "Trung tâm Phục vụ hành chính công tỉnh (số 02, đường Nguyễn Chí Thanh, phường Thành"
        " Sen, tỉnh Hà Tĩnh) để thực hiện phi địa giới hành chính. Trung tâm Phục vụ hành chính"
        " công cấp xã. Dịch vụ bưu chính công ích; Hệ thống thông tin giải quyết thủ tục hành"
        " chính Hà Tĩnh: https://motcua.hatinh.gov.vn."
    )


# --- channels ---------------------------------------------------------------------------------


def test_channels_with_units_fees_and_descriptions() -> None:
    text = (
        f"{CHANNEL_HEADER}Trực tiếp2 Ngày làm việc70,000 VNĐ(Lệ phí cấp giấy phép)"
        "Trực tuyến30 NgàyMiễn phí(Miễn phí)Trực tuyến: nộp hồ sơ qua Cổng dịch vụ công"
        "Dịch vụ bưu chínhKhông có thông tinKhông có thông tin"
    )
    channels, warnings = parse_channels(text)
    assert channels == (
        Channel(
            kind="in_person", time="2 ngày làm việc", fee="70.000 đồng", note="Lệ phí cấp giấy phép"
        ),
        Channel(
            kind="online",
            time="30 ngày",
            fee="Miễn phí",
            note="Trực tuyến: nộp hồ sơ qua Cổng dịch vụ công",
        ),
        Channel(kind="post"),
    )
    assert warnings == []


def test_bare_time_number_gets_a_unit() -> None:
    channels, _ = parse_channels(f"{CHANNEL_HEADER}Trực tiếp7Miễn phí(Không có)")
    assert channels == (Channel(kind="in_person", time="7 ngày", fee="Miễn phí"),)


def test_viet_nam_dong_and_usd() -> None:
    channels, _ = parse_channels(
        f"{CHANNEL_HEADER}Trực tiếp5 Ngày20,000 Việt Nam ĐồngTrực tuyến3 Giờ10 USD"
    )
    assert [(c.time, c.fee) for c in channels] == [("5 ngày", "20.000 đồng"), ("3 giờ", "10 USD")]


def test_glued_time_and_grouped_fee() -> None:
    # Real: 1.000005 (customs fee is 20.000 đồng, the time 1 day); "0,000" is no amount.
    text = f"{CHANNEL_HEADER}Trực tuyến120,000 VNĐ(Theo khoản 1 Điều 3 Thông tư số 172/2010/TT-BTC)"
    channels, warnings = parse_channels(text)
    assert channels[0].time == "1 ngày"
    assert channels[0].fee == "20.000 đồng"
    assert channels[0].note == "Theo khoản 1 Điều 3 Thông tư số 172/2010/TT-BTC"
    assert warnings == []
    assert split_glued("1100,000", "") == ("1", "100,000")


def test_glued_time_and_fee_read_from_description() -> None:
    # Real: 1.007857 "220 VNĐ(lệ phí hải quan 20.000 đồng…)" is 2 days, 20 (thousand) đồng.
    assert split_glued("220", "(lệ phí hải quan 20.000 đồng/ tờ khai hải quan.)") == ("2", "20")
    channels, warnings = parse_channels(
        f"{CHANNEL_HEADER}Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)"
        "Trực tiếp120 VNĐ(20.000 vnđ /tờ khai)"
    )
    # The portal entered the fee in thousands; the description gives the real amount and unit.
    assert [(c.kind, c.time, c.fee) for c in channels] == [
        ("online", "1 ngày", "20.000 đồng/tờ khai"),
        ("in_person", "1 ngày", "20.000 đồng/tờ khai"),
    ]
    assert warnings == []


def test_glued_time_taken_from_the_records_other_rows() -> None:
    # Real: 2.002015 — "125" could be 1 + 25 or 12 + 5; the online row says the time is 1.
    channels, warnings = parse_channels(
        f"{CHANNEL_HEADER}Trực tuyến1Miễn phíDịch vụ bưu chính125 VNĐTrực tiếp125 VNĐ"
    )
    assert [(c.time, c.fee) for c in channels] == [
        ("1 ngày", "Miễn phí"),
        ("1 ngày", "25 đồng"),
        ("1 ngày", "25 đồng"),
    ]
    assert warnings == []


def test_ambiguous_glued_time_warns() -> None:
    channels, warnings = parse_channels(f"{CHANNEL_HEADER}Trực tiếp1250 VNĐ")
    assert (channels[0].time, channels[0].fee) == ("1 ngày", "250 đồng")
    assert len(warnings) == 1
    assert "1250" in warnings[0]


def test_free_text_time_cell() -> None:
    channels, warnings = parse_channels(
        f"{CHANNEL_HEADER}Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phí"
        "Qua Cổng dịch vụ công quốc giaTrực tiếpKhôngKhông có thông tinTại TTPVHCC cấp tỉnh, xã"
    )
    assert channels == (
        Channel(
            kind="online",
            time="Không phải trả kết quả cho người nộp thuế",
            fee="Miễn phí",
            note="Qua Cổng dịch vụ công quốc gia",
        ),
        Channel(kind="in_person", note="Tại TTPVHCC cấp tỉnh, xã"),
    )
    assert warnings == []


def test_unparsable_channel_table_warns() -> None:
    channels, warnings = parse_channels(f"{CHANNEL_HEADER}Nộp tại bộ phận một cửa")
    assert channels == ()
    assert warnings and "not parsed" in warnings[0]


# Real: 2.000815 "Chứng thực bản sao từ bản chính" — the portal's unit cell ("/trang") glued
# after the fee, and a row for Vietnam's missions abroad.
CERTIFIED_COPY = (
    f"{CHANNEL_HEADER}Trực tiếpKhông có thông tin2,000 Việt Nam Đồng(/trang)Tại Ủy ban nhân dân"
    " cấp xã, Tổ chức hành nghề công chứng: 2.000 đồng/trang; từ trang thứ 3 trở lên thu 1.000"
    " đồng/trang, tối đa thu không quá 200.000 đồng/bản.Trực tiếpKhông có thông tin10 USD(/bản)"
    "Tại cơ quan đại diện: 10 USD/bản."
)


def test_fee_keeps_the_unit_of_the_portals_unit_cell() -> None:
    channels, warnings = parse_channels(CERTIFIED_COPY)
    assert [(c.fee, c.note) for c in channels] == [
        (
            "2.000 đồng/trang",
            "Tại Ủy ban nhân dân cấp xã, Tổ chức hành nghề công chứng: 2.000 đồng/trang; từ trang"
            " thứ 3 trở lên thu 1.000 đồng/trang, tối đa thu không quá 200.000 đồng/bản.",
        ),
        ("10 USD/bản", "Tại cơ quan đại diện: 10 USD/bản."),
    ]
    assert warnings == []
    # Real: 2.000992 — the unit cell and nothing else.
    channels, _ = parse_channels(
        f"{CHANNEL_HEADER}Trực tiếpKhông có thông tin10,000 Việt Nam Đồng(/trường hợp)"
    )
    assert channels == (Channel(kind="in_person", fee="10.000 đồng/trường hợp"),)


def test_fee_takes_the_unit_the_description_gives_the_same_amount() -> None:
    cases = {
        # 2.000942: the unit only in the description
        "2,000 Việt Nam Đồng(2.000 đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang)": (
            "2.000 đồng/trang"
        ),
        "70,000 VNĐ(70.000 đồng/Giấy chứng nhận)": "70.000 đồng/giấy chứng nhận",  # 1.003930
        "20,000 VNĐ(20.000 vnđ /tờ khai)": "20.000 đồng/tờ khai",  # 1.000014
        "100,000 VNĐ(Phí Thẩm tra, thẩm định: 100.000 đồng/lần.)": "100.000 đồng/lần",
        # 2.002516: a long unit is cut where its explanation starts
        "8,000 VNĐ(8.000 đồng/Văn bản xác nhận về một việc hộ tịch của cá nhân đã đăng ký.)": (
            "8.000 đồng/văn bản xác nhận"
        ),
        # 1.002755: the description speaks of another amount: no unit rather than a wrong one
        "5,000 VNĐ(Trường hợp nộp hồ sơ trực tuyến thu 7.000 đồng/lần đăng ký.)": "5.000 đồng",
    }
    for cells, fee in cases.items():
        channels, _ = parse_channels(f"{CHANNEL_HEADER}Trực tiếp1 Ngày làm việc{cells}")
        assert channels[0].fee == fee, cells


def test_fee_entered_wrongly_is_read_from_the_description() -> None:
    # Real: 1.009094 — the fee cell says 50 VNĐ, the description 50 USD per arriving flight.
    channels, _ = parse_channels(
        f"{CHANNEL_HEADER}Trực tuyến1 Ngày làm việc50 VNĐ(Phí hải quan 50USD/chuyến bay đến đối"
        " với chuyến bay của nước ngoài đến cảng hàng không Việt Nam)"
    )
    assert channels[0].fee == "50 USD/chuyến bay đến"
    # Real: 1.003133 — 40 VNĐ published for the 4.000 đồng the description states.
    channels, _ = parse_channels(
        f"{CHANNEL_HEADER}Trực tiếp1 Ngày làm việc40 Việt Nam Đồng(4.000 đ/giấy thông hành (áp"
        " dụng đến hết ngày 31/12/2026))"
    )
    assert channels[0].fee == "4.000 đồng/giấy thông hành"


def test_fee_takes_the_unit_another_row_gives_the_same_fee() -> None:
    # Real: 1.014364 — the online row's description has a typo ("0.000đ/…").
    channels, _ = parse_channels(
        f"{CHANNEL_HEADER}Trực tuyến1 Ngày làm việc50,000 Việt Nam Đồng(0.000đ/giấy thông hành)"
        "Dịch vụ bưu chính1 Ngày làm việc50,000 Việt Nam Đồng(50.000đ/giấy thông hành)"
    )
    assert [c.fee for c in channels] == ["50.000 đồng/giấy thông hành"] * 2


def test_embassy_fee_row_is_left_out_at_the_ward_level() -> None:
    procedure, problems = clean_record(
        record(cap_thuc_hien="Cấp xã, Cơ quan khác", cach_thuc_thuc_hien=CERTIFIED_COPY)
    )
    assert [c.fee for c in procedure.channels] == ["2.000 đồng/trang"]
    assert problems == []
    # The same record kept for another level keeps the embassy's row.
    elsewhere, _ = clean_record(
        record(cap_thuc_hien="Cơ quan khác", cach_thuc_thuc_hien=CERTIFIED_COPY)
    )
    assert [c.fee for c in elsewhere.channels] == ["2.000 đồng/trang", "10 USD/bản"]


def test_other_usd_fee_at_the_ward_level_is_kept_and_reported() -> None:
    usd = Channel(kind="online", fee="50 USD/chuyến bay đến", note="Phí hải quan 50USD/…")
    consulate = Channel(kind="post", fee="10 USD", note="Nộp cho Đại sứ quán Việt Nam tại Lào")
    free = Channel(kind="in_person", fee="Miễn phí", note="Tại cơ quan đại diện")
    kept, warnings = ward_channels((usd, consulate, free))
    assert kept == (usd, free)  # only fees in USD are ever left out
    assert warnings == ["fee in USD at the ward level kept: '50 USD/chuyến bay đến'"]


# --- documents --------------------------------------------------------------------------------


def test_documents_in_two_groups_with_forms() -> None:
    text = (
        f"Giấy tờ phải nộp:{DOCUMENT_HEADER}"
        "a) Tờ khai theo Mẫu số 01 Phụ lục I của Nghị định số 258/2025/NĐ-CP"
        "Mẫu số 01.docx1 bản chính"
        "- Bản sao Hộ chiếu hoặc giấy tờ có giá trị thay thế;0 bản chính,2 bản sao"
        "Đơn đề nghị theo mẫu năm 20261 bản chính,1 bản sao"
        f"Giấy tờ phải xuất trình:{DOCUMENT_HEADER}"
        "+ Phiếu khai báo tạm trú (mẫu NA17)101-Mau A17 tam tru.doc1 bản chính"
    )
    documents, warnings = parse_documents(text)
    assert documents == (
        DocumentItem(
            name="Tờ khai theo Mẫu số 01 Phụ lục I của Nghị định số 258/2025/NĐ-CP",
            copies="1 bản chính",
            group="Giấy tờ phải nộp:",
            form="Mẫu số 01.docx",
        ),
        DocumentItem(
            name="Bản sao Hộ chiếu hoặc giấy tờ có giá trị thay thế;",
            copies="2 bản sao",
            group="Giấy tờ phải nộp:",
        ),
        DocumentItem(
            name="Đơn đề nghị theo mẫu năm 2026",
            copies="1 bản chính, 1 bản sao",
            group="Giấy tờ phải nộp:",
        ),
        DocumentItem(
            name="Phiếu khai báo tạm trú (mẫu NA17)",
            copies="1 bản chính",
            group="Giấy tờ phải xuất trình:",
            form="101-Mau A17 tam tru.doc",
        ),
    )
    assert warnings == []


def test_document_group_dashes_and_prose_copies() -> None:
    documents, _ = parse_documents(
        f"--{DOCUMENT_HEADER}Văn bản đề nghị xin tái xuất (01 bản chính)0 bản chính"
        "Hóa đơn thương mại: 01 bản chụp;0 bản chính,1 bản sao"
    )
    assert documents == (
        DocumentItem(name="Văn bản đề nghị xin tái xuất (01 bản chính)"),
        DocumentItem(name="Hóa đơn thương mại: 01 bản chụp;", copies="1 bản sao"),
    )


def test_document_text_without_table_is_kept_whole() -> None:
    documents, warnings = parse_documents("Giấy tờ tùy thân")
    assert documents == (DocumentItem(name="Giấy tờ tùy thân"),)
    assert warnings


def test_documents_holding_the_end_of_the_steps_go_back_to_the_steps() -> None:
    # Real: 1.001521 — the export cut the steps at "mục 5.3 (" and put the rest in documents.
    procedure, problems = clean_record(
        record(
            trinh_tu_thuc_hien="Bước 1. Lập hồ sơ theo quy định tại mục 5.3 (",
            thanh_phan_ho_so="); nộp hồ sơ cho cơ quan BHXH.\nBước 2. Cơ quan BHXH giải quyết.",
        )
    )
    assert procedure.documents == ()
    assert procedure.steps == (
        "Bước 1. Lập hồ sơ theo quy định tại mục 5.3 ; nộp hồ sơ cho cơ quan BHXH.\n"
        "Bước 2. Cơ quan BHXH giải quyết."
    )
    assert [p.field for p in problems] == ["thanh_phan_ho_so"]


def test_remarks_among_the_documents_are_notes() -> None:
    # Real, shortened: 1.001193 "Thủ tục đăng ký khai sinh".
    text = (
        f"* Giấy tờ phải nộp:{DOCUMENT_HEADER}"
        "- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có"
        " thẩm quyền lập.1 bản chính"
        "Trường hợp người yêu cầu đã nộp bản điện tử Giấy chứng sinh hoặc cơ quan đăng ký hộ tịch"
        " đã khai thác được dữ liệu điện tử có ký số của Giấy chứng sinh thì không phải nộp bản"
        " giấy.0 bản chính"
        f"* Giấy tờ phải xuất trình:{DOCUMENT_HEADER}"
        "- Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng"
        " thực các giấy tờ phải xuất trình nêu trên.0 bản chính"
        f"* Lưu ý:{DOCUMENT_HEADER}"
        "- Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ đăng ký hộ tịch.0 bản chính"
        "- Giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp phải được hợp pháp hóa lãnh sự."
        f"1 bản chính,1 bản sao{DOCUMENT_HEADER}"
        "Người có yêu cầu đăng ký khai sinh thực hiện việc nộp/xuất trình (theo hình thức trực"
        " tiếp) hoặc tải lên (theo hình thức trực tuyến) các giấy tờ sau:0 bản chính"
        "- Tờ khai đăng ký khai sinh theo mẫu;1 bản chính"
        "Số lượng hồ sơ: 01 bộ0 bản chính"
    )
    documents, _ = parse_documents(text)
    assert [(d.kind, d.name[:30]) for d in documents] == [
        ("document", "Trường hợp trẻ em bị bỏ rơi th"),  # a case, with its document
        ("note", "Trường hợp người yêu cầu đã nộ"),  # nothing more to bring
        ("note", "Trường hợp gửi hồ sơ qua hệ th"),
        ("note", "Người tiếp nhận có trách nhiệm"),  # under "* Lưu ý:"
        ("note", "Giấy tờ do cơ quan có thẩm quy"),  # under "* Lưu ý:", even with a count
        ("note", "Người có yêu cầu đăng ký khai "),  # how to submit, a heading
        ("document", "Tờ khai đăng ký khai sinh theo"),
        ("note", "Số lượng hồ sơ: 01 bộ"),
    ]


def test_cases_bringing_more_documents_stay_documents() -> None:
    for name in (
        # 3.000094: a case with a list of its own, no count of copies
        "Trường hợp thương nhân làm thủ tục lần đầu tại Chi cục Hải quan thì nộp thêm các giấy"
        " tờ sau: - Giấy phép kinh doanh xuất khẩu, nhập khẩu xăng dầu",
        # 1.014068
        "Trường hợp thông tin người gốc Việt Nam chưa xác định được quốc tịch có sự thay đổi thì"
        " hồ sơ còn có: Phiếu đề nghị giải quyết thủ tục về căn cước",
        "Tờ khai hải quan: 02 bản chính;",  # 1.007751: a document whose count is in its name
    ):
        documents, _ = parse_documents(f"{DOCUMENT_HEADER}{name}0 bản chính")
        assert documents[0].kind == "document", name


# --- legal basis, steps, result ---------------------------------------------------------------


def test_legal_basis_table() -> None:
    text = (
        f"{LAW_HEADER}Luật 54/2014/QH1354/2014/QH13"
        "quy định chi tiết một số điều của Luật Hộ tịch123/2015/NĐ-CP"
        "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ123/2015/NĐ-CP"
        "Nghị định quy định về phòng, chống tiền giả87/2023/NĐ-CPQuy định mức thu lệ phí"
        "281/2016/TT-BTCLuật Các tổ chức tín dụngLuật số 32/2024/QH15"
    )
    items, warnings = parse_legal_basis(text)
    assert items == (
        "Luật 54/2014/QH13",
        "Nghị định 123/2015/NĐ-CP — quy định chi tiết một số điều của Luật Hộ tịch",
        "Nghị định quy định về phòng, chống tiền giả (87/2023/NĐ-CP)",
        "Thông tư 281/2016/TT-BTC — quy định mức thu lệ phí",
        "Luật Các tổ chức tín dụng (32/2024/QH15)",
    )
    assert warnings == []


def test_steps_one_per_line() -> None:
    raw = "- Bước 1: Nộp hồ sơ. \n Bước 2: Kiểm tra.  Bước 3: Trả kết quả.\n\n"
    assert parse_steps(raw) == "Bước 1: Nộp hồ sơ.\nBước 2: Kiểm tra.\nBước 3: Trả kết quả."
    assert parse_steps("Không có thông tin") is None


def test_result_without_portal_junk() -> None:
    raw = (
        "Văn bản từ chốiMã: KQ.G12.000326Giấy chứng nhận đăng ký doanh nghiệpMã: KQ.G12.001056"
        "Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phố"
        "Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực tuyếnNộp hồ sơ"
    )
    assert parse_result(raw) == "Văn bản từ chối\nGiấy chứng nhận đăng ký doanh nghiệp"
    assert parse_result("Mã: KQ.G01.000001Từ khóaKhông có thông tin") is None
    procedure, _ = clean_record(record())
    assert procedure.result == "Giấy khai sinh"


# --- fatal problems and reading ---------------------------------------------------------------


def test_missing_code_is_fatal_and_named() -> None:
    with pytest.raises(RecordProblem) as caught:
        clean_record(record(ma_thu_tuc=""))
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        "?",
        "ma_thu_tuc",
        "missing",
    )
    assert str(caught.value) == "?: ma_thu_tuc: missing"


def test_invalid_code_and_missing_name_are_fatal() -> None:
    with pytest.raises(RecordProblem, match=r"^\?: ma_thu_tuc: not a procedure code: 'abc'$"):
        clean_record(record(ma_thu_tuc="abc"))
    with pytest.raises(RecordProblem) as caught:
        clean_record(record(ten_thu_tuc="Không có thông tin"))
    assert (caught.value.code, caught.value.field) == ("1.001193", "ten_thu_tuc")
    with pytest.raises(RecordProblem, match="linh_vuc: missing"):
        clean_record(record(linh_vuc=None))


def test_not_a_dict_is_fatal() -> None:
    with pytest.raises(RecordProblem, match="not a JSON object"):
        clean_record(["1.001193"])  # type: ignore[arg-type]


def test_read_records_reports_bad_lines_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(
        json.dumps(record(), ensure_ascii=False)
        + "\n\n{not json\n[1, 2]\n"
        + json.dumps(record(ma_thu_tuc="2.000001"), ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    rows = list(read_records(path))
    assert [number for number, _ in rows] == [1, 3, 4, 5]
    first, bad, not_object, last = (value for _, value in rows)
    assert isinstance(first, dict)
    assert isinstance(bad, RecordProblem)
    assert (bad.code, bad.field, bad.line) == ("?", "record", 3)
    assert bad.message.startswith("not valid JSON: ")
    assert isinstance(not_object, RecordProblem)
    assert not_object.line == 4 and not_object.message == "not a JSON object: list"
    assert isinstance(last, dict)
    assert last["ma_thu_tuc"] == "2.000001"


# --- the whole export -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["procedures-cap-xa.jsonl", "procedures-all.jsonl"])
def test_every_shared_record_cleans(name: str) -> None:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    cleaned = warned = 0
    for number, raw in read_records(path):
        assert isinstance(raw, dict), f"line {number}: {raw}"
        procedure, problems = clean_record(raw)
        cleaned += 1
        warned += bool(problems)
        for text in (procedure.name, procedure.field, procedure.agency or ""):
            assert unicodedata.is_normalized("NFC", text), procedure.code
            assert "\n" not in text and "\xa0" not in text and "  " not in text, procedure.code
        if procedure.ward_level:
            assert procedure.channels, procedure.code
            # The export lost the documents of a few records (their field holds the end of the
            # steps instead); those must say so rather than pass silently.
            assert procedure.documents or any(p.field == "thanh_phan_ho_so" for p in problems), (
                procedure.code
            )
    print(f"{name}: {cleaned} records, {warned} with warnings")
    assert cleaned > 0
    assert warned < 0.05 * cleaned


def _texts(value: object) -> list[str]:
    """Every string inside a dumped procedure."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return []


def _ward_procedures() -> dict[str, Procedure]:
    path = DATA / "procedures-cap-xa.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    procedures = {}
    for _, raw in read_records(path):
        assert isinstance(raw, dict)
        procedure, _ = clean_record(raw)
        procedures[procedure.code] = procedure
    return procedures


def test_no_invisible_character_in_any_of_the_2642_records() -> None:
    path = DATA / "procedures-all.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    records = 0
    for _, raw in read_records(path):
        assert isinstance(raw, dict)
        procedure, _ = clean_record(raw)
        records += 1
        for text in _texts(procedure.model_dump()):
            assert unicodedata.is_normalized("NFC", text), (procedure.code, text[:60])
            odd = {
                f"U+{ord(c):04X}"
                for c in text
                if c != "\n" and unicodedata.category(c) in ("Cf", "Cc", "Co", "Cs")
            }
            assert not odd, (procedure.code, odd, text[:60])
    assert records == 2642


def test_ward_catalogue_documents_fees_and_agencies() -> None:
    ward = _ward_procedures()
    assert len(ward) == 588
    birth = ward["1.001193"]  # "Thủ tục đăng ký khai sinh": 33 rows, most of them remarks
    documents = [d.name for d in birth.documents if d.kind == "document"]
    assert len(birth.documents) == 33 and len(documents) == 8
    assert any(name.startswith("Tờ khai đăng ký khai sinh") for name in documents)
    assert any(name.startswith("Giấy chứng sinh") for name in documents)
    # Every row under a "Lưu ý" heading is a note, in every ward procedure.
    for procedure in ward.values():
        for item in procedure.documents:
            if item.group is not None and "Lưu ý" in item.group:
                assert item.kind == "note", (procedure.code, item.name[:40])
    # Certified copies and signatures: the ward's fee with its unit, not the embassy's.
    assert [c.fee for c in ward["2.000815"].channels] == ["2.000 đồng/trang"]
    assert [c.fee for c in ward["2.000884"].channels] == ["10.000 đồng/trường hợp"]
    assert [c.fee for c in ward["2.000942"].channels] == ["2.000 đồng/trang"]
    usd = {p.code for p in ward.values() for c in p.channels if c.fee and "USD" in c.fee}
    assert usd == {"1.009094"}  # the customs fee for foreign flights, kept and reported
    # Police procedures say where they are received.
    assert ward["1.004194"].authority == "Công an cấp Xã"
    assert ward["1.004194"].receiving_address == "Công an cấp xã"
    assert all(WARD_LEVEL in p.levels for p in ward.values())
