"""The unit's profile is data: an admin sends an edited unit.yaml and the greeting follows."""

from __future__ import annotations

from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner


async def test_admin_edits_profile_by_sending_it_back(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    current = await admin.reply("/unit")
    assert current.kind == "document" and current.filename == "unit.yaml"
    assert current.file_bytes is not None
    edited = current.file_bytes.decode("utf-8").replace(
        "vi: UBND phường Đống Đa", "vi: UBND xã Minh Phú"
    )
    await admin.send_document(edited.encode("utf-8"), filename="unit.yaml")
    applied = await admin.next_message()
    assert "Đã áp dụng tệp unit.yaml (phiên bản 2)" in applied.plain

    greeting = await standin.user(701, "Lan", language_code="vi").reply("/start")
    assert "UBND xã Minh Phú" in greeting.plain

    await bot.restart()
    greeting = await standin.user(702, "Hùng", language_code="vi").reply("/start")
    assert "UBND xã Minh Phú" in greeting.plain


async def test_bad_profile_is_refused_with_line_and_field(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    bad = (
        "name:\n  vi: UBND xã Minh Phú\naddress: Xóm 1\noffice_hours:\n"
        "  - days: [mon, funday]\n    hours: ['07:30-11:30']\nwebsite: www.example.vn\n"
    )
    await admin.send_document(bad.encode("utf-8"), filename="unit.yaml")
    reply = await admin.next_message()
    assert reply.plain.startswith("Tệp unit.yaml chưa hợp lệ nên không có gì thay đổi.")
    assert "unit.yaml, dòng 5, mục office_hours.0.days.1: phải là một trong" in reply.plain
    assert "unit.yaml, dòng 7, mục website: phải bắt đầu bằng http://" in reply.plain
    greeting = await standin.user(703, "Lan", language_code="vi").reply("/start")
    assert "UBND phường Đống Đa" in greeting.plain


async def test_citizen_cannot_use_admin_command(bot: BotRunner, standin: StandIn) -> None:
    reply = await standin.user(704, "Lan", language_code="vi").reply("/unit")
    assert reply.plain == "Xin lỗi, lệnh này chỉ dành cho quản trị viên."


async def test_citizen_document_is_not_taken_as_profile(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(705, "Lan", language_code="vi")
    await user.send_document(b"name: {vi: Hacked}", filename="unit.yaml")
    reply = await user.next_message()
    assert "chỉ đọc được tin nhắn dạng chữ" in reply.plain
    greeting = await user.reply("/start")
    assert "Hacked" not in greeting.plain


async def test_admin_moves_the_police_office_and_cards_follow(
    bot: BotRunner, standin: StandIn
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    current = await admin.reply("/unit")
    assert current.file_bytes is not None
    shipped = current.file_bytes.decode("utf-8")
    assert "vi: Công an phường Đống Đa" in shipped and "kind: police" in shipped
    moved = shipped.replace(
        "address: Số 6 phố Hoàng Cầu, phường Đống Đa, thành phố Hà Nội",
        "address: Số 15 phố Thái Hà, phường Đống Đa, thành phố Hà Nội",
    ).replace('phone: "024 0000 0001"', 'phone: "024 3856 0000"')
    await admin.send_document(moved.encode("utf-8"), filename="unit.yaml")
    assert "Đã áp dụng tệp unit.yaml (phiên bản 2)" in (await admin.next_message()).plain
    card = await standin.user(706, "Lan", language_code="vi").reply("/start p-1_004194")
    assert "Công an phường Đống Đa, Số 15 phố Thái Hà" in card.plain
    assert "Điện thoại: 024 3856 0000" in card.plain

    # An office of a kind no ward has, and a location with lat and lon swapped: refused.
    bad = moved.replace("  - kind: land\n", "  - kind: harbour\n").replace(
        "location: {lat: 21.017410, lon: 105.823520}", "location: {lat: 105.823520, lon: 21.01741}"
    )
    await admin.send_document(bad.encode("utf-8"), filename="unit.yaml")
    refused = await admin.next_message()
    assert refused.plain.startswith("Tệp unit.yaml chưa hợp lệ nên không có gì thay đổi.")
    assert "offices.1.location.lat: vĩ độ (lat) phải từ -90 đến 90" in refused.plain
    assert "dòng 64, mục offices.4.kind: “harbour” không phải một loại cơ quan" in refused.plain
    again = await standin.user(707, "Hùng", language_code="vi").reply("/start p-1_004194")
    assert "Số 15 phố Thái Hà" in again.plain
