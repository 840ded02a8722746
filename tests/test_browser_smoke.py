"""The headless browser works here: it fills a Vietnamese form, and it stays on this machine.
(The admin pages' own tests will take these' place.)"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from playwright.async_api import Page

from tests.browser import OffsiteRequests
from tests.netguard import NetworkAccessError

FORM = """<!doctype html><html lang="vi"><meta charset="utf-8"><title>Phiếu</title>
<h1>Phiếu phản ánh</h1>
<form method="post" action="/gui"><textarea name="noi_dung"></textarea><button>Gửi</button></form>
"""
OFFSITE = """<!doctype html><meta charset="utf-8"><p>Trang</p>
<script src="https://example.com/x.js"></script>"""


class Site:
    def __init__(self) -> None:
        self.received: list[str] = []
        self.url = ""

    async def form(self, request: web.Request) -> web.Response:
        return web.Response(text=FORM, content_type="text/html")

    async def offsite(self, request: web.Request) -> web.Response:
        return web.Response(text=OFFSITE, content_type="text/html")

    async def submit(self, request: web.Request) -> web.Response:
        self.received.append(str((await request.post())["noi_dung"]))
        return web.Response(text="<p>Đã nhận</p>", content_type="text/html")


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    site = Site()
    app = web.Application()
    app.router.add_get("/", site.form)
    app.router.add_get("/ngoai", site.offsite)
    app.router.add_post("/gui", site.submit)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    site.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield site
    finally:
        await runner.cleanup()


async def test_fills_and_sends_a_vietnamese_form(page: Page, site: Site) -> None:
    await page.goto(site.url + "/")
    assert await page.locator("h1").inner_text() == "Phiếu phản ánh"
    await page.fill("textarea", "Đường Nguyễn Trãi ngập nước")
    async with page.expect_navigation():
        await page.click("button")
    assert site.received == ["Đường Nguyễn Trãi ngập nước"]
    assert await page.locator("p").inner_text() == "Đã nhận"


async def test_a_request_off_the_machine_is_refused_and_reported(
    page: Page, offsite: OffsiteRequests, site: Site
) -> None:
    await page.goto(site.url + "/ngoai")
    assert offsite.urls == ["https://example.com/x.js"]
    with pytest.raises(NetworkAccessError, match=r"example\.com/x\.js"):
        offsite.check()  # what the page fixture does at teardown
    offsite.urls.clear()
