"""Announcements: an admin previews and sends one; everyone who wrote to the bot hears it in
their language, except those who said no, who still get news of their own dossiers."""

from __future__ import annotations

from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner, alert, pressed
from tests.test_dossiers import citizen_hears


async def test_an_announcement_reaches_all_but_those_who_said_no(
    bot: BotRunner, standin: StandIn
) -> None:
    lan = standin.user(3110, "Lan", language_code="vi")
    minh = standin.user(3111, "Minh", language_code="en")
    nam = standin.user(3112, "Nam", language_code="vi")
    for person in (lan, minh, nam):
        await person.reply("/start")
    said_no = await nam.reply("/tatthongbao")
    assert said_no.plain.startswith("🔕 Anh/chị sẽ không nhận thông báo chung nữa")
    citizen_try = await lan.reply("/thongbao Giả mạo")
    assert citizen_try.plain == "Chỉ quản trị viên mới gửi được thông báo chung."

    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await admin.reply("/start")
    preview = await admin.reply("/thongbao Bộ phận Một cửa nghỉ Tết từ 14/02 đến 22/02/2027 <3")
    assert "sẽ gửi tới 3 người" in preview.plain  # Lan, Minh and the admin; not Nam
    assert "nghỉ Tết từ 14/02 đến 22/02/2027 <3" in preview.plain  # escaped, shown as written
    sent = await pressed(admin, "📢 Gửi cho 3 người", preview)
    assert sent.plain.startswith("📢 Đã xếp 3 tin vào hàng gửi")
    news = await citizen_hears(lan, "nghỉ Tết")
    assert news.plain.startswith("📢 Thông báo của UBND phường")
    assert (await citizen_hears(minh, "nghỉ Tết")).plain.startswith("📢 Announcement from")
    stop = await pressed(lan, "🔕 Không nhận thông báo chung", news)
    assert stop.plain.startswith("🔕 Anh/chị sẽ không nhận thông báo chung nữa")
    await admin.press("📢 Gửi cho 3 người", preview)  # pressed again: not sent twice
    assert (await alert(admin))["show_alert"]
    await nam.reply("/menu")
    assert not any("nghỉ Tết" in m.plain for m in nam.messages)
    assert sum("nghỉ Tết" in m.plain for m in lan.messages) == 1
