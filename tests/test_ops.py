"""Running for a ward: webhook mode, ``GET /healthz`` and ``GET /metrics``, end to end through
the stand-in (which posts updates to the webhook as Telegram does)."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.html import Html
from bot.services import health as health_module
from bot.standin import StandIn
from bot.storage.outbox import Outgoing
from tests.conftest import BotRunner
from tests.test_complaints import file_complaint

HTTP_TOKEN = "ops-tests-http-token-0123456789"
SECRET = "ops-tests-webhook-secret_0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_webhook_bot(bot: BotRunner) -> str:
    """The bot in webhook mode, listening where its (loopback) public address points."""
    await bot.stop()
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    await bot.start(
        webhook_url=url,
        webhook_port=port,
        webhook_secret=SecretStr(SECRET),
        http_token=SecretStr(HTTP_TOKEN),
        http_port=0,
    )
    return url


async def get(bot: BotRunner, path: str, **headers: str) -> tuple[int, str]:
    assert bot.app is not None
    url = f"http://127.0.0.1:{bot.app.bot_data.http_port}{path}"
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as answer:
        return answer.status, await answer.text()


async def healthz(bot: BotRunner) -> tuple[int, dict[str, object]]:
    assert bot.app is not None
    url = f"http://127.0.0.1:{bot.app.bot_data.http_port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        return answer.status, await answer.json()


async def until_healthy(bot: BotRunner, within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while (answer := await healthz(bot))[0] != 200:
        assert asyncio.get_running_loop().time() < deadline, answer
        await asyncio.sleep(0.2)


def metric(text: str, name: str, **labels: str) -> float:
    """The sample ``name`` with ``labels`` (0 if the bot has not counted it yet)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


# --------------------------------------------------------------------------------- webhook


async def test_in_webhook_mode_telegram_posts_updates_and_the_same_handlers_answer(
    bot: BotRunner, standin: StandIn
) -> None:
    url = await start_webhook_bot(bot)
    registered = standin.calls_to("setWebhook")[-1].params
    assert registered["url"] == url and registered["secret_token"] == SECRET
    polls_before = standin.arrived["getUpdates"]

    citizen = standin.user(7101, "Lan", language_code="vi")
    card = await citizen.reply("đăng ký tạm trú ở đâu", timeout=10)
    assert "tạm trú" in card.plain.lower()
    assert standin.webhook is not None
    assert [p.status for p in standin.webhook.posted] == [200]
    assert standin.arrived["getUpdates"] == polls_before  # no long polling beside it

    # While the bot is down Telegram keeps what comes; it is answered after the restart.
    await bot.stop()
    await citizen.send("/start")
    await asyncio.sleep(0.5)
    assert standin.webhook.posted[-1].status is None  # no one listening
    await bot.start()
    greeting = await citizen.next_message(timeout=10)
    assert "Xin chào" in greeting.plain or "Chào" in greeting.plain


async def test_a_post_without_the_right_secret_is_refused_and_changes_nothing(
    bot: BotRunner, standin: StandIn
) -> None:
    url = await start_webhook_bot(bot)
    citizen = standin.user(7102, "Minh", language_code="vi")
    forged = {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 1_764_547_200,
            "chat": {"id": 7102, "type": "private", "first_name": "Minh"},
            "from": {"id": 7102, "is_bot": False, "first_name": "Minh"},
            "text": "/start",
        },
    }
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "wrong-secret-0123456789"}, {SECRET_HEADER: ""}):
            async with http.post(url, json=forged, headers=headers) as answer:
                assert answer.status == 403
        async with http.post(url, data=b"{oops", headers={SECRET_HEADER: SECRET}) as answer:
            assert answer.status == 400
    await asyncio.sleep(0.5)
    assert citizen.messages == []  # the forged /start reached no handler
    # The real secret in a real post still works.
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=forged, headers={SECRET_HEADER: SECRET}) as answer,
    ):
        assert answer.status == 200
    assert await citizen.next_message(timeout=10)


# ---------------------------------------------------------------------------------- health


async def test_healthz_is_ok_while_serving_and_names_what_is_wrong_with_503(
    bot: BotRunner, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.stop()
    await bot.start(http_token=SecretStr(HTTP_TOKEN), http_port=0)
    status, report = await healthz(bot)
    assert status == 200, report
    assert report["status"] == "ok" and report["problems"] == []
    assert report["database"] == {"writable": True}
    telegram = report["telegram"]
    assert isinstance(telegram, dict) and telegram["mode"] == "polling"
    assert telegram["seconds_since"] is not None and float(telegram["seconds_since"]) < 30

    # Through a proxy (or from elsewhere) only with the token.
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    assert (await get(bot, "/healthz", **proxied))[0] == 401
    assert (await get(bot, "/metrics", **proxied))[0] == 401
    with_token = {**proxied, "Authorization": f"Bearer {HTTP_TOKEN}"}
    assert (await get(bot, "/healthz", **with_token))[0] == 200

    # Telegram stops answering (a 502 to the next two polls) and ten minutes pass.
    services = bot.services
    standin.fail_next("getUpdates", 502, times=2)
    await asyncio.sleep(1.3)  # the poll under way ends, the first failure is answered
    services.clock.travel(services.clock.now() + dt.timedelta(minutes=10))
    status, report = await healthz(bot)
    assert status == 503 and report["problems"] == ["telegram_unreachable"], report
    await until_healthy(bot)  # Telegram answers the next poll

    # The sender is dead and a message has been due for a quarter of an hour.
    assert bot.app is not None and bot.app.bot_data.sender is not None
    await bot.app.bot_data.sender.stop()
    await services.outbox.post(Outgoing(chat_id=7103, text=Html("Thông báo")))
    services.clock.travel(services.clock.now() + dt.timedelta(minutes=15))
    await asyncio.sleep(1.5)  # a poll answers after the travel: Telegram is in touch
    status, report = await healthz(bot)
    assert status == 503 and report["problems"] == ["outbox_stuck"], report
    outbox = report["outbox"]
    assert isinstance(outbox, dict) and outbox["due"] == 1
    assert float(outbox["oldest_due_seconds"]) >= 15 * 60

    # The database does not take the probe's write in time (held by a long write).
    monkeypatch.setattr(health_module, "PROBE_WITHIN_S", 0.3)
    db = bot.app.bot_data.db
    assert db is not None
    async with db.transaction():
        status, report = await healthz(bot)
    assert status == 503 and report["problems"] == ["database_not_writable", "outbox_stuck"]
    assert report["database"] == {"writable": "TimeoutError"}


async def test_in_webhook_mode_healthz_reports_what_telegram_says_of_delivery(
    bot: BotRunner, standin: StandIn
) -> None:
    url = await start_webhook_bot(bot)
    assert bot.app is not None and bot.app.bot_data.webhook is not None
    await bot.app.bot_data.webhook.watch()  # the every-minute look
    status, report = await healthz(bot)
    telegram = report["telegram"]
    assert status == 200 and isinstance(telegram, dict), report
    assert telegram["mode"] == "webhook"
    assert telegram["webhook"] == {
        "registered": True,
        "pending_updates": 0,
        "last_error_at": None,
        "last_error": None,
    }

    # Someone pointed the bot's webhook elsewhere: the next look says so and sets it again.
    assert standin.webhook is not None
    await standin.set_webhook(None)
    await bot.app.bot_data.webhook.watch()
    status, report = await healthz(bot)
    assert status == 503 and report["problems"] == ["webhook_not_registered"], report
    assert standin.webhook is not None and standin.webhook.url == url
    await bot.app.bot_data.webhook.watch()
    assert (await healthz(bot))[0] == 200
    # Telegram out of reach for the look: the minute's other work (the backup) goes on.
    standin.fail_next("getWebhookInfo", 502)
    await bot.app.bot_data.webhook.watch()


# --------------------------------------------------------------------------------- metrics


async def test_metrics_count_updates_latency_misses_tickets_and_429s(
    bot: BotRunner, standin: StandIn
) -> None:
    await bot.stop()
    await bot.start(http_token=SecretStr(HTTP_TOKEN), http_port=0)
    citizen = standin.user(7104, "Hoa", language_code="vi")
    await citizen.reply("xin chào")
    await citizen.reply("zxqv plmokn")  # nothing of the kind
    await file_complaint(citizen)
    # Telegram asks the bot to slow down once, on a message to the citizen.
    standin.fail_next("sendMessage", 429, retry_after=1, chat_id=7104)
    await citizen.reply("giờ làm việc", timeout=10)

    status, text = await get(bot, "/metrics")
    assert status == 200
    assert metric(text, "ubnd_updates_handled_total", kind="message") >= 4
    assert metric(text, "ubnd_updates_handled_total", kind="callback_query") >= 3
    handled = metric(text, "ubnd_updates_handled_total", kind="message") + metric(
        text, "ubnd_updates_handled_total", kind="callback_query"
    )
    assert metric(text, "ubnd_reply_seconds_count") == handled
    assert metric(text, "ubnd_reply_seconds_bucket", le="+Inf") == handled
    # Each bucket counts the replies within its bound: none took 30 s, and none is lost.
    bounds = ("0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "+Inf")
    within = [metric(text, "ubnd_reply_seconds_bucket", le=bound) for bound in bounds]
    assert within == sorted(within) and within[-2] == handled
    assert 0 < metric(text, "ubnd_reply_seconds_sum") < 30 * handled
    assert metric(text, "ubnd_search_misses_total", kind="nothing") == 1
    assert metric(text, "ubnd_tickets", state="new") == 1
    assert metric(text, "ubnd_tickets", state="resolved") == 0
    assert metric(text, "ubnd_telegram_responses_total", status="429") == 1
    assert metric(text, "ubnd_telegram_responses_total", status="200") > handled
    assert metric(text, "ubnd_tickets_overdue", stage="acknowledge") == 0

    # Forty days later the complaint is past both deadlines, and the counts say so.
    services = bot.services
    services.clock.travel(services.clock.now() + dt.timedelta(days=40))
    text = (await get(bot, "/metrics"))[1]
    assert metric(text, "ubnd_tickets_overdue", stage="acknowledge") == 1
    assert metric(text, "ubnd_tickets_overdue", stage="resolve") == 1
