"""The web admin's fixtures and helpers for its tests: the bot with its HTTP server and a
public address, a browser-like HTTP client, the /admin link, tickets and Mini App data."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import aiohttp
import pytest
from playwright.async_api import Page
from pydantic import SecretStr

from bot.domain.tickets import Draft, Ticket
from bot.services.sign_ins import init_data_signature
from bot.standin.sims import UserSim
from tests.conftest import TOKEN, BotRunner

PUBLIC = "http://127.0.0.1"  # where links point; the tests reach the server on its own port
RESULT = "Đội vệ sinh đã thu gom xong rác ở đầu ngõ 12 sáng nay."


@pytest.fixture
async def web(bot: BotRunner) -> BotRunner:
    await bot.stop()
    await bot.start(http_token=SecretStr("s3cret-token-for-tests"), http_port=0, public_url=PUBLIC)
    return bot


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # A cookie jar that keeps cookies for 127.0.0.1 (aiohttp's default skips IP addresses).
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


def base(bot: BotRunner) -> str:
    assert bot.app is not None
    return f"http://127.0.0.1:{bot.app.bot_data.http_port}"


async def link_of(user: UserSim) -> str:
    """The one-time link /admin sends, on the test server's own port."""
    sent = await user.reply("/admin")
    found = re.search(r"http://127\.0\.0\.1(/admin/sign-in\?t=\S+)", sent.plain)
    assert found is not None, sent.plain
    return found.group(1)


def secret_of(link: str) -> str:
    return link.partition("?t=")[2]


async def by_link(bot: BotRunner, http: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    """What a browser does with the link: open its page, then press «Đăng nhập»."""
    async with http.get(base(bot) + link) as response:
        assert response.status == 200 and "Đăng nhập" in await response.text()
    response = await http.post(base(bot) + "/admin/sign-in", data={"t": secret_of(link)})
    await response.read()
    return response


async def signed_in(bot: BotRunner, http: aiohttp.ClientSession, user: UserSim) -> str:
    """Sign ``user`` in through a link; the tickets' page they land on."""
    response = await by_link(bot, http, await link_of(user))
    assert response.status == 200, await response.text()
    assert response.url.path == "/admin/tickets"
    return await response.text()


async def browser_signs_in(bot: BotRunner, page: Page, user: UserSim) -> None:
    """``user`` opens the bot's link in the browser and presses «Đăng nhập»."""
    await page.goto(base(bot) + await link_of(user))
    await page.get_by_role("button", name="Đăng nhập").click()
    await page.wait_for_url("**/admin/tickets")


async def file_ticket(
    bot: BotRunner,
    citizen: UserSim,
    category: str = "rac-thai",
    name: str = "Lan",
    phone: str | None = None,
    hide_name: bool = False,
) -> Ticket:
    draft = Draft(
        category=category,
        body="Rác thải ở đầu ngõ 12 ba ngày chưa thu gom.",
        phone=phone,
        hide_name=hide_name,
    )
    ticket, _ = await bot.services.tickets.file(
        draft, user_id=citizen.id, chat_id=citizen.id, name=name, language="vi", update_id=None
    )
    return ticket


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found is not None
    return found.group(1)


def version_of(page: str) -> str:
    """The version of its file a form was made from."""
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found is not None
    return found.group(1)


def mini_app_data(user_id: int, signed_at: float, token: str = TOKEN) -> str:
    fields = {
        "user": json.dumps({"id": user_id, "first_name": "Hùng", "language_code": "vi"}),
        "auth_date": str(int(signed_at)),
        "query_id": "AAE",
    }
    return urlencode({**fields, "hash": init_data_signature(fields, token)})
