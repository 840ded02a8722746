"""Telegram's pace per chat (bot/delivery/pace.py), through PTB's own ExtBot and the stand-in: a
group never gets more than its limit in any rolling window, a 429 holds back only its chat,
and a group at its limit takes no sending slot from citizens in the outbox."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import ExtBot

from bot.delivery.pace import TelegramPace
from bot.delivery.worker import DeliveryWorker
from bot.html import Html
from bot.standin import Limits, StandIn
from bot.storage.db import Database
from bot.storage.outbox import OutboxRepository, Outgoing
from tests.conftest import TOKEN

GROUP = -1001000000777
WINDOW = 2.0  # seconds; Telegram's is a minute, which a test cannot wait for


@pytest.fixture
async def pace() -> TelegramPace:
    return TelegramPace(per_second=200, group_per_minute=3, group_window=WINDOW)


@pytest.fixture
async def tg(standin: StandIn, pace: TelegramPace) -> AsyncIterator[ExtBot[int]]:
    standin.limits = Limits(global_per_second=None, group_per_minute=None)
    async with ExtBot(TOKEN, base_url=standin.api_url, rate_limiter=pace) as bot:
        yield bot


def most_in_any_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


async def test_a_group_gets_its_limit_in_any_rolling_window_not_a_burst_more(
    standin: StandIn, tg: ExtBot[int]
) -> None:
    standin.group(GROUP, "Phòng Kinh tế")
    began = time.monotonic()
    await asyncio.gather(*(tg.send_message(GROUP, f"tin {n}") for n in range(7)))
    calls = [c.at for c in standin.calls_to("sendMessage") if c.ok]
    assert len(calls) == 7
    assert most_in_any_window(calls, WINDOW) <= 3
    assert time.monotonic() - began >= 2 * WINDOW  # 3 now, 3 after one window, 1 after two


async def test_a_429_in_one_chat_does_not_hold_back_another(
    standin: StandIn, tg: ExtBot[int]
) -> None:
    standin.group(GROUP, "Phòng Kinh tế")
    lan = standin.user(1001, "Lan")
    standin.fail_next("sendMessage", status=429, retry_after=3, chat_id=GROUP)
    to_group = asyncio.create_task(tg.send_message(GROUP, "cho nhóm"))
    await asyncio.sleep(0.2)  # the group's first try was refused; it now waits 3 s
    began = time.monotonic()
    await tg.send_message(lan.id, "cho Lan")
    assert time.monotonic() - began < 0.5  # the citizen does not wait for the group
    await to_group  # and the group's message still goes, once the 3 s are over
    to_group_calls = [c for c in standin.calls_to("sendMessage") if c.params["chat_id"] == GROUP]
    assert [c.error_code for c in to_group_calls] == [429, None]
    assert to_group_calls[1].at - to_group_calls[0].at >= 3


async def test_the_outbox_leaves_a_group_at_its_limit_and_serves_citizens(
    standin: StandIn, tg: ExtBot[int], pace: TelegramPace, tmp_path: Path
) -> None:
    group = standin.group(GROUP, "Phòng Kinh tế")
    people = [standin.user(2000 + n, f"P{n}") for n in range(12)]
    async with Database(tmp_path / "bot.sqlite3") as db:
        outbox = OutboxRepository(db)
        # One sending slot: a group waiting for its window inside that slot would hold up
        # every citizen behind it.
        sender = DeliveryWorker(outbox, concurrency=1, chat_gap=0, pace=pace)
        sender.start(tg)
        try:
            async with db.transaction() as conn:
                await outbox.enqueue(conn, [Outgoing(GROUP, Html(f"nhóm {n}")) for n in range(6)])
                await outbox.enqueue(conn, [Outgoing(p.id, Html("tin cho dân")) for p in people])
            began = time.monotonic()
            for person in people:
                await person.next_message(timeout=WINDOW)
            assert time.monotonic() - began < WINDOW  # not behind the group's window
            await group.settle(quiet=2 * WINDOW + 0.5, timeout=4 * WINDOW)
        finally:
            await sender.stop()
    times = [c.at for c in standin.calls_to("sendMessage") if c.params["chat_id"] == GROUP]
    assert len(times) == 6 and most_in_any_window(times, WINDOW) <= 3
    assert [m.plain for m in group.messages] == [f"nhóm {n}" for n in range(6)]
