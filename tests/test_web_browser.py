"""The web admin as a person uses it, in a real headless Chromium: an official signs in
through the link the bot sent, takes a complaint and resolves it, and the citizen hears; a
leader opens the Mini App inside Telegram."""

from __future__ import annotations

import io
import json

from PIL import Image
from playwright.async_api import Page, Route

from bot.standin import StandIn
from tests.conftest import BotRunner
from tests.test_complaints import KINH_TE, OFFICIAL, citizen_message, file_complaint, linked
from tests.webadmin import RESULT, base, browser_signs_in, file_ticket, mini_app_data


async def test_an_official_takes_and_resolves_a_complaint_in_the_browser(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3401, "Lan", language_code="vi")
    ticket = await file_ticket(web, citizen)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")

    await browser_signs_in(web, page, official)
    assert await page.locator("h1").inner_text() == "Phản ánh, kiến nghị"
    await page.get_by_role("link", name=ticket.code).click()
    assert await page.locator("h1").inner_text() == f"{ticket.code} · Chờ tiếp nhận"

    await page.get_by_role("button", name="✋ Nhận xử lý").click()
    assert f"Đã nhận xử lý {ticket.code}" in await page.get_by_role("status").inner_text()
    await citizen_message(citizen, "Cán bộ phụ trách: Hùng")

    await page.get_by_label("Nội dung (người dân sẽ đọc được)").fill(RESULT)
    await page.get_by_role("button", name="✅ Đã giải quyết").click()
    assert "Đã ghi nhận kết quả" in await page.get_by_role("status").inner_text()
    assert RESULT in await page.locator("table").inner_text()
    heard = await citizen_message(citizen, RESULT)
    assert ticket.code in heard.plain
    assert any("đã giải quyết" in m.plain for m in group.messages)

    # The English switch keeps the page and the session.
    await page.get_by_role("button", name="English").click()
    assert await page.locator("h1").inner_text() == f"{ticket.code} · Resolved"


async def test_the_mini_app_signs_in_with_what_telegram_hands_the_page(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    signed = mini_app_data(OFFICIAL, web.services.clock.now().timestamp())

    async def telegram_script(route: Route) -> None:
        # What Telegram's script gives a Mini App opened from the bot: its signed data.
        body = f"window.Telegram = {{WebApp: {{initData: {json.dumps(signed)}, ready() {{}}}}}};"
        await route.fulfill(body=body, content_type="text/javascript")

    await page.route("https://telegram.org/js/telegram-web-app.js", telegram_script)
    await page.goto(base(web) + "/admin/app")
    await page.wait_for_url("**/admin/tickets")
    assert await page.locator("h1").inner_text() == "Phản ánh, kiến nghị"


async def test_the_citizens_photo_shows_on_the_tickets_page(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    picture = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 60, 40)).save(picture, "PNG")
    citizen = standin.user(3402, "Lan", language_code="vi")
    await file_complaint(citizen, photo=picture.getvalue())
    ticket = (await web.services.tickets.of_user(citizen.id))[0]
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await browser_signs_in(web, page, official)
    await page.goto(f"{base(web)}/admin/tickets/{ticket.id}")
    shown = "img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])"
    assert await page.get_by_alt_text("Ảnh 1").evaluate(shown) == [320, 240]
    fetched = await page.request.get(f"{base(web)}/admin/tickets/{ticket.id}/photos/0")
    image = Image.open(io.BytesIO(await fetched.body()))
    assert image.size == (320, 240) and image.getpixel((10, 10)) == (200, 60, 40)
    missing = await page.request.get(f"{base(web)}/admin/tickets/{ticket.id}/photos/1")
    assert missing.status == 404
