"""The week's figures in the web admin: a leader reads them on a phone inside Telegram (the
Mini App), with the chart and the spreadsheet; an official gets no ward-wide figures."""

from __future__ import annotations

import io
import json

import aiohttp
import openpyxl
from PIL import Image
from playwright.async_api import Page, Route

from bot.standin import StandIn
from tests.conftest import BotRunner
from tests.test_complaints import KINH_TE, LANH_DAO, OFFICIAL, linked
from tests.webadmin import base, file_ticket, mini_app_data, signed_in

LEADER = 7103


async def test_a_leader_reads_the_weeks_figures_on_a_phone_in_telegram(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    leaders = await linked(standin, LANH_DAO, "lanh-dao")
    leaders.add_member(LEADER, "member")
    ticket = await file_ticket(web, standin.user(3701, "Lan", language_code="vi"))
    signed = mini_app_data(LEADER, web.services.clock.now().timestamp())

    async def telegram_script(route: Route) -> None:
        body = f"window.Telegram = {{WebApp: {{initData: {json.dumps(signed)}, ready() {{}}}}}};"
        await route.fulfill(body=body, content_type="text/javascript")

    await page.route("https://telegram.org/js/telegram-web-app.js", telegram_script)
    await page.goto(base(web) + "/admin/app")
    await page.wait_for_url("**/admin/tickets")
    assert ticket.code in await page.locator("table").inner_text()  # every department's
    await page.get_by_role("link", name="Số liệu").click()
    report = await page.locator(".report").inner_text()
    assert "Tuần này" in report and "Kinh tế" in report
    # The page fits the phone: nothing wider than its screen.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    # The chart is drawn in a child process: it shows once it is there.
    shown = "img => img.decode().then(() => img.naturalWidth)"
    assert await page.locator("figure img").evaluate(shown) > 300

    chart = await page.request.get(base(web) + "/admin/figures/chart.png?period=this_week")
    image = Image.open(io.BytesIO(await chart.body()))
    assert image.format == "PNG" and image.width > 300
    sheet = await page.request.get(base(web) + "/admin/figures/export.xlsx?period=this_week")
    book = openpyxl.load_workbook(io.BytesIO(await sheet.body()), read_only=True)
    rows = [list(r) for ws in book.worksheets for r in ws.iter_rows(values_only=True)]
    assert any(ticket.code in row for row in rows)
    # A leader's spreadsheet masks citizens' names, as in Telegram.
    assert not any("Lan" in row for row in rows)


async def test_an_official_gets_no_ward_figures(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    page = await signed_in(web, http, standin.user(OFFICIAL, "Hùng", language_code="vi"))
    assert "/admin/figures" not in page
    async with http.get(base(web) + "/admin/figures") as response:
        assert response.status == 403
