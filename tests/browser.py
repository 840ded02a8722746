"""Fixtures: a real headless Chromium (Debian's, driven by Playwright) that stays on this machine.

``page`` is a fresh context's page in Vietnamese on a phone's screen; another screen size comes
through indirect parametrization::

    @pytest.mark.parametrize("page", [{"width": 1280, "height": 800}], indirect=True)

The browser is launched for each test: Playwright's objects belong to the event loop that made
them, and the project's tests and fixtures each run in their own loop (pyproject's
``asyncio_default_*_loop_scope = "function"``), so a browser kept for the session or a module
would be driven from a loop not its own. Playwright and Chromium start in about a second.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from playwright.async_api import (
    Browser,
    Page,
    Route,
    ViewportSize,
    WebSocketRoute,
    async_playwright,
)

from tests.netguard import NetworkAccessError

# Debian's package, installed by the Makefile (`make unit`): Playwright's own download of a
# browser cannot be had here, and its build would differ from what a ward's admin may run.
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # WebRTC's UDP goes around the proxy below.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]
PHONE: ViewportSize = {"width": 390, "height": 844}


def on_this_machine(url: str) -> bool:
    """Whether ``url`` is served from the loopback (or from no host at all: data:, blob:)."""
    host = urlsplit(url).hostname
    if not host or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OffsiteRequests:
    """What a page asked of anywhere but this machine: each request is refused, and recorded
    so that the test fails (``check``) even when the page carried on without it."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    async def route(self, route: Route) -> None:
        url = route.request.url
        if on_this_machine(url):
            await route.continue_()
        else:
            self.urls.append(url)
            await route.abort("blockedbyclient")

    async def route_web_socket(self, ws: WebSocketRoute) -> None:
        if on_this_machine(ws.url):
            ws.connect_to_server()
        else:
            self.urls.append(ws.url)
            await ws.close(code=1008, reason="tests stay on this machine")

    def check(self) -> None:
        if self.urls:
            raise NetworkAccessError(
                "the page tried to leave the machine:\n" + "\n".join(f"  {u}" for u in self.urls)
            )


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's package `chromium` "
            "(`make unit` does: apt-get install --no-install-recommends chromium)"
        )
    # Chromium's own traffic (updates, Google accounts: seen despite the flags above) is sent
    # to a proxy that is a loopback port bound but not listening, so it is refused at once and
    # no name is looked up. The loopback is never proxied, so the pages under test load directly.
    with socket.socket() as nowhere:
        nowhere.bind(("127.0.0.1", 0))
        port = nowhere.getsockname()[1]
        async with async_playwright() as playwright:
            chromium = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=[*ARGS, f"--proxy-server=http://127.0.0.1:{port}"]
            )
            try:
                yield chromium
            finally:
                await chromium.close()


@pytest.fixture
def offsite() -> OffsiteRequests:
    """The requests the test's ``page`` made off this machine (the fixture fails on any)."""
    return OffsiteRequests()


@pytest.fixture
async def page(
    browser: Browser, offsite: OffsiteRequests, request: pytest.FixtureRequest
) -> AsyncIterator[Page]:
    viewport: ViewportSize = getattr(request, "param", PHONE)
    context = await browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport=viewport,
        service_workers="block",  # a service worker's fetches would pass by the routes below
    )
    context.set_default_timeout(10_000)  # well within pytest's 60 s, so the failure says where
    # Routes added later (a test's, e.g. a stand-in for telegram-web-app.js) are asked first.
    await context.route("**/*", offsite.route)
    await context.route_web_socket("**/*", offsite.route_web_socket)
    try:
        yield await context.new_page()
    finally:
        await context.close()
    offsite.check()
