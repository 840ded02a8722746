"""The outbox: what services enqueue reaches people once, in order, whatever Telegram says.

A real SQLite file, PTB's own Bot over real HTTP to the stand-in; Telegram's refusals are the
stand-in's (its flood limits, a blocked citizen) or injected with ``fail_next``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.ext import AIORateLimiter, ExtBot

from bot.delivery.worker import DeliveryWorker, parts_of
from bot.html import Html
from bot.standin import Limits, StandIn
from bot.standin.sims import GroupSim, UserSim
from bot.standin.state import ApiCall
from bot.storage.db import Database
from bot.storage.outbox import OutboxRepository, Outgoing
from tests.conftest import TOKEN

FORUM, GROUP = -1001000000001, -1001000000002


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "bot.sqlite3") as database:
        yield database


@pytest.fixture
async def outbox(db: Database) -> OutboxRepository:
    return OutboxRepository(db)


@pytest.fixture
async def tg(standin: StandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as client:
        yield client


@pytest.fixture
async def sender(outbox: OutboxRepository, tg: Bot) -> AsyncIterator[DeliveryWorker]:
    running = DeliveryWorker(outbox, backoff=0.05)
    running.start(tg)
    try:
        yield running
    finally:
        await running.stop()


async def enqueue(db: Database, outbox: OutboxRepository, *items: Outgoing) -> list[int]:
    """As a service does: one transaction for its own writes and its messages."""
    async with db.transaction() as conn:
        return await outbox.enqueue(conn, items)


async def drained(db: Database, within: float = 10.0) -> None:
    """Wait until no row is pending: after this, nothing more will be sent."""
    deadline = time.monotonic() + within
    while True:
        row = await db.fetchone("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
        if row is not None and row[0] == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{row[0] if row else '?'} row(s) still pending after {within}s")
        await asyncio.sleep(0.02)


async def first_try(standin: StandIn) -> ApiCall:
    """The sender's first sendMessage, once it has made it."""
    deadline = time.monotonic() + 5
    while not standin.calls_to("sendMessage"):
        assert time.monotonic() < deadline, "the sender never tried"
        await asyncio.sleep(0.01)
    return standin.calls_to("sendMessage")[0]


def texts(chat: UserSim | GroupSim) -> list[str]:
    return [m.plain for m in chat.messages]


async def states(db: Database) -> list[tuple[str, int, str | None]]:
    rows = await db.fetchall("SELECT state, attempts, last_error FROM outbox ORDER BY id")
    return [(r[0], r[1], r[2]) for r in rows]


async def test_enqueued_with_the_callers_transaction_is_delivered(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    lan = standin.user(1001, "Lan")
    group = standin.group(GROUP, "Phòng Văn hóa")
    photo = standin.store_file(b"\xff\xd8 road", "photos").file_id
    with pytest.raises(RuntimeError):  # the ticket was not filed: no alert either
        async with db.transaction() as conn:
            await outbox.enqueue(conn, [Outgoing(GROUP, Html("never"))])
            raise RuntimeError("routing failed")
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO users (user_id, first_name, created_at, last_seen_at) "
            "VALUES (1001, 'Lan', '2026-11-29T09:00:00.000Z', '2026-11-29T09:00:00.000Z')"
        )
        await outbox.enqueue(
            conn,
            [
                Outgoing(
                    1001,
                    Html("Phản ánh <b>#12</b> đã được tiếp nhận."),
                    buttons=((("⭐ Đánh giá", "rate:12"), ("Menu", "m:main")),),
                ),
                Outgoing(
                    GROUP, Html("Ổ gà &amp; nước đọng"), photo=photo, location=(21.03, 105.85)
                ),
            ],
        )
    notice = await lan.next_message()
    assert notice.plain == "Phản ánh #12 đã được tiếp nhận."
    assert notice.buttons == [["⭐ Đánh giá", "Menu"]]
    assert notice.button_data == [["rate:12", "m:main"]]
    picture, pin = await group.next_message(), await group.next_message()
    assert (picture.kind, picture.plain, picture.file_id) == ("photo", "Ổ gà & nước đọng", photo)
    assert (pin.kind, pin.location) == ("location", (21.03, 105.85))
    await drained(db)
    assert texts(group) == ["Ổ gà & nước đọng", ""]
    assert [state for state, _, _ in await states(db)] == ["sent", "sent"]


async def test_the_same_dedupe_key_is_sent_once(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    lan = standin.user(1001, "Lan")
    first = await enqueue(
        db, outbox, Outgoing(1001, Html("Hồ sơ đã có kết quả"), dedupe="d:7:done")
    )
    again = await enqueue(
        db, outbox, Outgoing(1001, Html("Hồ sơ đã có kết quả"), dedupe="d:7:done")
    )
    assert len(first) == 1 and again == []
    await lan.next_message()
    await drained(db)
    assert texts(lan) == ["Hồ sơ đã có kết quả"]


async def test_rows_pending_at_a_restart_are_delivered_in_order(
    standin: StandIn, tmp_path: Path, db: Database, outbox: OutboxRepository, tg: Bot
) -> None:
    lan = standin.user(1001, "Lan")
    first = DeliveryWorker(outbox)
    first.start(tg)
    await first.stop()
    await enqueue(db, outbox, *(Outgoing(1001, Html(f"Tin {n}")) for n in range(1, 4)))
    assert [s for s, _, _ in await states(db)] == ["pending"] * 3
    assert texts(lan) == []
    await db.close()

    async with Database(tmp_path / "bot.sqlite3") as reopened:
        second = DeliveryWorker(OutboxRepository(reopened))
        second.start(tg)
        try:
            got = [(await lan.next_message()).plain for _ in range(3)]
            await drained(reopened)
        finally:
            await second.stop()
    assert got == texts(lan) == ["Tin 1", "Tin 2", "Tin 3"]


async def test_people_being_answered_go_first_but_a_notification_waits_at_most_a_moment(
    standin: StandIn, db: Database, outbox: OutboxRepository, tg: Bot
) -> None:
    lan = standin.user(1001, "Lan")
    answering = True
    sender = DeliveryWorker(outbox, interactive=lambda: answering, defer=0.8)
    sender.start(tg)
    try:
        # Held while the bot answers people, then sent the moment it has answered them.
        await enqueue(db, outbox, Outgoing(1001, Html("Phản ánh đã được tiếp nhận")))
        await asyncio.sleep(0.4)
        assert texts(lan) == []
        answering = False
        began = time.monotonic()
        sender.idle()
        assert (await lan.next_message(1)).plain == "Phản ánh đã được tiếp nhận"
        assert time.monotonic() - began < 0.3
        # Never held for longer than ``defer``, however busy the bot stays.
        answering = True
        began = time.monotonic()
        await enqueue(db, outbox, Outgoing(1001, Html("Phòng Kinh tế đã nhận xử lý")))
        assert (await lan.next_message(3)).plain == "Phòng Kinh tế đã nhận xử lý"
        assert 0.6 < time.monotonic() - began < 1.5
    finally:
        await sender.stop()


async def test_retry_after_holds_back_its_chat_and_no_other(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    lan, minh = standin.user(1001, "Lan"), standin.user(1002, "Minh")
    standin.fail_next("sendMessage", status=429, retry_after=2, chat_id=1001)
    await enqueue(
        db, outbox, Outgoing(1001, Html("cho Lan")), Outgoing(1001, Html("lần hai cho Lan"))
    )
    refused = await first_try(standin)
    assert refused.error_code == 429
    await enqueue(db, outbox, Outgoing(1002, Html("cho Minh")))  # another chat does not wait

    assert (await minh.next_message()).plain == "cho Minh"
    assert (await lan.next_message()).plain == "cho Lan"
    await drained(db)
    calls = standin.calls_to("sendMessage")[1:]
    to_minh = [c for c in calls if c.params["chat_id"] == 1002]
    to_lan = [c for c in calls if c.params["chat_id"] == 1001]
    assert len(to_minh) == 1 and to_minh[0].at < refused.at + 1
    assert len(to_lan) == 2 and all(c.ok for c in to_lan)
    assert min(c.at for c in to_lan) >= refused.at + 2  # the chat waited what Telegram asked
    assert texts(lan) == ["cho Lan", "lần hai cho Lan"] and texts(minh) == ["cho Minh"]


async def test_stopping_during_a_long_wait_is_prompt_and_loses_nothing(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker, tg: Bot
) -> None:
    lan, minh = standin.user(1001, "Lan"), standin.user(1002, "Minh")
    standin.fail_next("sendMessage", status=429, retry_after=60)
    await enqueue(
        db, outbox, Outgoing(1001, Html("cho Lan")), Outgoing(1001, Html("lần hai cho Lan"))
    )
    await first_try(standin)
    started = time.monotonic()
    await sender.stop()  # the bot is being restarted: it must not hang for a minute
    assert time.monotonic() - started < 3
    assert [(s, n) for s, n, _ in await states(db)] == [("pending", 1), ("pending", 0)]

    restarted = DeliveryWorker(outbox)
    restarted.start(tg)
    try:
        await enqueue(db, outbox, Outgoing(1002, Html("cho Minh")))
        assert (await minh.next_message()).plain == "cho Minh"
        row = await db.fetchone(  # by the bot's clock, not SQLite's: any hour, any day
            "SELECT state, next_at > ? FROM outbox WHERE chat_id = 1001", (db.clock.stamp(plus=50),)
        )
        assert row is not None and tuple(row) == ("pending", 1)  # still waiting its minute
        assert texts(lan) == []
    finally:
        await restarted.stop()


async def test_a_flood_of_429s_still_delivers_everything_once_in_order(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    standin.limits = Limits(global_per_second=4, group_per_minute=None)
    people = [standin.user(2000 + n, f"P{n}") for n in range(6)]
    for round_ in (1, 2):
        await enqueue(db, outbox, *(Outgoing(p.id, Html(f"{p.id} tin {round_}")) for p in people))
    await drained(db, within=30)
    assert standin.rate_limited_count > 0
    for person in people:
        assert texts(person) == [f"{person.id} tin 1", f"{person.id} tin 2"]


async def test_a_429_the_rate_limiter_gives_up_on_is_retried_by_the_sender(
    standin: StandIn, db: Database, outbox: OutboxRepository
) -> None:
    """The Application's AIORateLimiter retries a 429 itself (max_retries=3 in app.py) and then
    raises it; the sender must take over rather than lose the message."""
    lan = standin.user(1001, "Lan")
    limiter = AIORateLimiter(max_retries=1)
    async with ExtBot(TOKEN, base_url=standin.api_url, rate_limiter=limiter) as bot:
        running = DeliveryWorker(outbox)
        running.start(bot)
        try:
            standin.fail_next("sendMessage", status=429, retry_after=1, times=2)
            await enqueue(db, outbox, Outgoing(1001, Html("kiên nhẫn")))
            assert (await lan.next_message(timeout=10)).plain == "kiên nhẫn"
            await drained(db)
        finally:
            await running.stop()
    assert texts(lan) == ["kiên nhẫn"]
    assert [c.error_code for c in standin.calls_to("sendMessage")] == [429, 429, None]
    assert await states(db) == [("sent", 1, None)]


async def test_server_errors_are_retried_and_a_chat_keeps_its_order(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    lan = standin.user(1001, "Lan")
    standin.fail_next("sendMessage", status=502, times=2)
    standin.fail_next("sendMessage", status=500)
    await enqueue(db, outbox, Outgoing(1001, Html("một")), Outgoing(1001, Html("hai")))
    assert (await lan.next_message()).plain == "một"
    assert (await lan.next_message()).plain == "hai"
    await drained(db)
    assert texts(lan) == ["một", "hai"]
    assert [(state, attempts) for state, attempts, _ in await states(db)] == [
        ("sent", 3),
        ("sent", 0),
    ]


async def test_a_citizen_who_blocked_the_bot_is_marked_and_not_retried(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    lan, minh = standin.user(1001, "Lan"), standin.user(1002, "Minh")
    standin.block(1001)
    await enqueue(db, outbox, Outgoing(1001, Html("cho Lan")), Outgoing(1002, Html("cho Minh")))
    assert (await minh.next_message()).plain == "cho Minh"
    await drained(db)
    assert texts(lan) == []
    to_lan = [c for c in standin.calls_to("sendMessage") if c.params["chat_id"] == 1001]
    assert len(to_lan) == 1 and to_lan[0].error_code == 403
    assert await states(db) == [
        ("failed", 1, "Forbidden: bot was blocked by the user"),
        ("sent", 0, None),
    ]
    row = await db.fetchone("SELECT blocked_at FROM users WHERE user_id = 1001")
    assert row is not None and row[0] is not None

    standin.unblock(1001)  # they changed their mind; the next message gets through
    await enqueue(db, outbox, Outgoing(1001, Html("lần nữa")))
    assert (await lan.next_message()).plain == "lần nữa"
    await drained(db)
    row = await db.fetchone("SELECT blocked_at FROM users WHERE user_id = 1001")
    assert row is not None and row[0] is None


async def test_a_group_that_removed_the_bot_fails_without_marking_anyone(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    standin.group(GROUP, "Phòng Văn hóa")
    standin.fail_next(
        "sendMessage", status=403, description="Forbidden: bot was kicked from the supergroup chat"
    )
    await enqueue(db, outbox, Outgoing(GROUP, Html("cảnh báo")))
    await drained(db)
    [(state, _, error)] = await states(db)
    assert state == "failed" and error is not None and "kicked" in error
    row = await db.fetchone("SELECT COUNT(*) FROM users")
    assert row is not None and row[0] == 0


async def test_a_refused_message_is_set_aside_and_the_chat_moves_on(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    lan = standin.user(1001, "Lan")
    await enqueue(
        db, outbox, Outgoing(1001, Html("<b>chưa đóng thẻ")), Outgoing(1001, Html("tin sau"))
    )
    assert (await lan.next_message()).plain == "tin sau"
    await drained(db)
    [(state, attempts, error), _] = await states(db)
    assert (state, attempts) == ("failed", 1)
    assert error is not None and error.startswith("BadRequest: Can't parse entities")
    assert len(standin.calls_to("sendMessage")) == 2


async def test_a_forum_group_gets_one_topic_per_ref(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    forum = standin.group(FORUM, "Phòng Địa chính", forum=True)
    await enqueue(db, outbox, Outgoing(FORUM, Html("Phản ánh #1"), ref="t:1", topic="#1 Lấn chiếm"))
    first = await forum.next_message()
    await enqueue(
        db,
        outbox,
        Outgoing(FORUM, Html("#1 đã quá hạn"), ref="t:1", topic="#1 Lấn chiếm"),
        Outgoing(FORUM, Html("Phản ánh #2"), ref="t:2", topic="#2 Rác thải"),
        Outgoing(FORUM, Html("Công dân bổ sung ảnh cho #1"), ref="t:1"),
    )
    await drained(db)
    assert sorted(forum.topics.values()) == ["#1 Lấn chiếm", "#2 Rác thải"]
    one, two = await outbox.thread_of("t:1", FORUM), await outbox.thread_of("t:2", FORUM)
    assert one is not None and two is not None
    assert forum.topics[one] == "#1 Lấn chiếm"
    assert [(m.plain, m.message_thread_id) for m in forum.messages] == [
        ("Phản ánh #1", one),
        ("#1 đã quá hạn", one),
        ("Phản ánh #2", two),
        ("Công dân bổ sung ảnh cho #1", one),
    ]
    assert len(standin.calls_to("createForumTopic")) == 2
    assert await outbox.ref_of(FORUM, first.message_id) == "t:1"
    assert await outbox.ref_of_thread(FORUM, two) == "t:2"
    assert await outbox.thread_of("t:1", GROUP) is None


async def test_a_closed_topic_is_reopened_and_a_deleted_one_replaced(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker, tg: Bot
) -> None:
    forum = standin.group(FORUM, "Phòng Địa chính", forum=True)
    await enqueue(db, outbox, Outgoing(FORUM, Html("Phản ánh #1"), ref="t:1", topic="#1"))
    await forum.next_message()
    thread = await outbox.thread_of("t:1", FORUM)
    assert thread is not None
    await tg.close_forum_topic(FORUM, thread)
    await enqueue(
        db, outbox, Outgoing(FORUM, Html("Công dân không hài lòng"), ref="t:1", topic="#1")
    )
    assert (await forum.next_message()).message_thread_id == thread
    assert not forum.chat.topics[thread].closed

    await tg.delete_forum_topic(FORUM, thread)
    await enqueue(db, outbox, Outgoing(FORUM, Html("Mở lại #1"), ref="t:1", topic="#1"))
    reopened = await forum.next_message()
    await drained(db)
    assert reopened.message_thread_id not in (None, thread)
    assert forum.topics == {reopened.message_thread_id: "#1"}
    assert await outbox.thread_of("t:1", FORUM) == reopened.message_thread_id


async def test_in_a_plain_group_later_messages_reply_to_the_first(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    group = standin.group(GROUP, "Phòng Văn hóa")
    official = standin.user(5001, "Chị Hoa")
    # A topic asked for in a group that is not a forum: the alert still arrives.
    await enqueue(db, outbox, Outgoing(GROUP, Html("Phản ánh #7"), ref="t:7", topic="#7"))
    first = await group.next_message()
    await enqueue(
        db,
        outbox,
        Outgoing(GROUP, Html("Phản ánh #8"), ref="t:8"),
        Outgoing(GROUP, Html("#7 sắp quá hạn"), ref="t:7"),
        Outgoing(GROUP, Html("Không thuộc phản ánh nào")),
    )
    await drained(db)
    assert [(m.plain, m.reply_to_message_id) for m in group.messages] == [
        ("Phản ánh #7", None),
        ("Phản ánh #8", None),
        ("#7 sắp quá hạn", first.message_id),
        ("Không thuộc phản ánh nào", None),
    ]
    assert all(m.message_thread_id is None for m in group.messages)
    # An official answers the overdue reminder: the bot can tell which ticket it is about.
    reminder = group.messages[2]
    await group.send(official, "Đã xử lý", reply_to=reminder)
    assert await outbox.ref_of(GROUP, reminder.message_id) == "t:7"
    assert await outbox.ref_of(GROUP, group.messages[3].message_id) is None
    assert await outbox.thread_of("t:7", GROUP) is None


async def test_a_text_too_long_for_one_message_arrives_whole(
    standin: StandIn, db: Database, outbox: OutboxRepository, sender: DeliveryWorker
) -> None:
    group = standin.group(GROUP, "Phòng Văn hóa")
    photo = standin.store_file(b"\xff\xd8 wall", "photos").file_id
    body = Html("\n\n").join(f"Đoạn {n}: " + "chữ " * 300 for n in range(8))
    item = Outgoing(GROUP, body, ref="t:9", buttons=((("Nhận xử lý", "take:9"),),), photo=photo)
    await enqueue(db, outbox, item)
    await drained(db)
    messages = group.messages
    assert len(messages) == len(parts_of(item)) >= 3
    assert messages[0].kind == "photo" and messages[0].caption is None
    assert " ".join(m.plain for m in messages[1:]).split() == body.split()
    assert [bool(m.buttons) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert all(m.reply_to_message_id == messages[0].message_id for m in messages[1:])
    for message in messages:
        assert await outbox.ref_of(GROUP, message.message_id) == "t:9"


def test_mistakes_in_a_message_are_caught_when_it_is_written() -> None:
    with pytest.raises(ValueError, match="needs text"):
        Outgoing(1001, Html("  "))
    with pytest.raises(ValueError, match="needs a ref"):
        Outgoing(GROUP, Html("x"), topic="#1")
    with pytest.raises(ValueError, match="64 bytes"):
        Outgoing(1001, Html("x"), buttons=((("Nút", "đ" * 33),),))
    assert Outgoing(1001, Html(""), location=(21.0, 105.8)).kind == "location"


async def test_the_outbox_migration_adds_blocked_at(tmp_path: Path) -> None:
    """Checked on the file itself, as an admin's sqlite3 shell would see it."""
    path = tmp_path / "x.sqlite3"
    async with Database(path):
        pass
    with sqlite3.connect(path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(users)")}
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "blocked_at" in columns
    assert {"outbox", "outbox_messages", "outbox_threads"} <= tables
