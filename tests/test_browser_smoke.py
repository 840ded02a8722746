"""The headless browser stays on this machine: a page that asks for anything elsewhere gets
nothing, and the test that opened it fails."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from playwright.async_api import Page

from tests.browser import OffsiteRequests
from tests.netguard import NetworkAccessError

OFFSITE = """<!doctype html><meta charset="utf-8"><p>Trang</p>
<script src="https://example.com/x.js"></script>"""


class Site:
    def __init__(self) -> None:
        self.url = ""

    async def offsite(self, request: web.Request) -> web.Response:
        return web.Response(text=OFFSITE, content_type="text/html")


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    site = Site()
    app = web.Application()
    app.router.add_get("/ngoai", site.offsite)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    site.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield site
    finally:
        await runner.cleanup()


async def test_a_request_off_the_machine_is_refused_and_reported(
    page: Page, offsite: OffsiteRequests, site: Site
) -> None:
    await page.goto(site.url + "/ngoai")
    assert offsite.urls == ["https://example.com/x.js"]
    with pytest.raises(NetworkAccessError, match=r"example\.com/x\.js"):
        offsite.check()  # what the page fixture does at teardown
    offsite.urls.clear()
