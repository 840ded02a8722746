"""Regression tests for the defects a hostile run found (issue 11): non-ASCII check values,
officials who left their group, and a button hammered twenty times."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import aiohttp
import pytest
from pydantic import SecretStr

from bot.domain.dossiers import DossierChange, DossierStatus, follow_payload
from bot.standin import StandIn
from tests.conftest import BotRunner, alert, pressed
from tests.test_complaints import (
    KINH_TE,
    OFFICIAL,
    arrived,
    citizen_message,
    file_complaint,
    group_message,
    linked,
)
from tests.test_dossiers import CODE, office, services

LEFT = 7070  # was in the group, then left: still has its messages and their buttons


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


async def test_any_text_where_a_check_value_is_asked_gets_a_polite_no(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    dossiers = services(bot).dossiers
    start = DossierChange(CODE, DossierStatus.RECEIVED, check_value="ABC234")
    await dossiers.apply(start, source="csv", actor="test")
    lan = standin.user(3201, "Lan", language_code="vi")
    card = await lan.reply(f"/hoso {CODE}")
    ask = await pressed(lan, "🔔 Theo dõi hồ sơ này", card)
    assert "mã kiểm tra" in ask.plain
    for typed in ("không biết mã", "ÄÖÜÄÖÜ", "k7m2qé", "🙂🙂🙂"):  # within the look-up limit
        wrong = await lan.reply(typed)
        assert wrong.plain.startswith("Mã kiểm tra chưa đúng"), typed
    minh = standin.user(3202, "Minh", language_code="vi")
    assert (await minh.reply(f"/hoso {CODE} k7m2qé")).plain.startswith("Mã kiểm tra chưa đúng")
    nam = standin.user(3203, "Nam", language_code="en")
    await nam.send(f"/start h-{follow_payload(CODE, 'ÄÖÜÄÖÜ')}")
    assert (await nam.next_message()).plain.startswith("That check code is not right")
    assert (await nam.reply(f"/hoso {CODE} abc234")).plain.startswith("🔔 You are following")
    no_errors(caplog)


async def test_a_check_value_stored_before_in_other_letters_no_longer_breaks_following(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    dossiers = services(bot).dossiers
    await dossiers.apply(DossierChange(CODE, DossierStatus.RECEIVED), "csv", "test")
    with sqlite3.connect(bot.settings.database) as db:  # as an older version let it in
        db.execute("UPDATE dossiers SET check_value = 'ÄÖÜÄÖÜ' WHERE code = ?", (CODE,))
    lan = standin.user(3204, "Lan", language_code="vi")
    assert (await lan.reply(f"/hoso {CODE} ABC234")).plain.startswith("Mã kiểm tra chưa đúng")
    assert (await lan.reply(f"/hoso {CODE} äöüäöü")).plain.startswith("🔔")
    no_errors(caplog)


async def test_the_endpoint_refuses_a_check_value_nobody_could_type(
    bot: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.stop()
    app = await bot.start(http_token=SecretStr("s3cret-token-for-tests"), http_port=0)
    url = f"http://127.0.0.1:{app.bot_data.http_port}/dossiers"
    good = {"Authorization": "Bearer s3cret-token-for-tests"}
    change = {"code": CODE, "status": "received", "check": "ÄÖÜÄÖÜ"}
    async with aiohttp.ClientSession() as http, http.post(url, json=change, headers=good) as no:
        body = await no.json()
    assert no.status == 400 and body["field"] == "check"
    assert body["error"].startswith("check: 'ÄÖÜÄÖÜ' is not a check value")
    assert await services(bot).dossiers.get(CODE) is None
    no_errors(caplog)


async def test_someone_who_left_the_office_group_cannot_move_a_dossier(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await office(standin)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    gone = standin.user(LEFT, "Tuấn", language_code="vi")
    group.add_member(LEFT, "left")
    dossiers = services(bot).dossiers
    start = DossierChange(CODE, DossierStatus.NEED_MORE, check_value="ABC234")
    await dossiers.apply(start, source="csv", actor="test")
    lan = standin.user(3205, "Lan", language_code="vi")
    assert (await lan.reply(f"/hoso {CODE} ABC234")).plain.startswith("🔔")

    card = await group.reply(official, f"/hs {CODE}")
    await group.press(gone, "Đã trả kết quả", card)
    refused = await alert(gone)
    assert refused["show_alert"] and "Chỉ thành viên nhóm" in refused["text"]
    await group.reply(gone, f"/hs {CODE}")
    assert "Chỉ thành viên nhóm" in group.messages[-1].plain
    dossier = await dossiers.get(CODE)
    assert dossier is not None and dossier.status is DossierStatus.NEED_MORE
    await lan.reply("/menu")
    assert not any("đã được trả" in m.plain for m in lan.messages)


async def test_a_reply_from_someone_who_left_is_not_relayed(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    group.add_member(LEFT, "left")
    gone = standin.user(LEFT, "Tuấn", language_code="vi")
    citizen = standin.user(3206, "Lan", language_code="vi")
    await file_complaint(citizen)
    alert_message = await group_message(group, "PA-000001")
    await group.send(gone, "Chị ơi cho em xin số tài khoản", alert_message)
    await group_message(group, "Chỉ thành viên nhóm")
    await citizen.reply("/menu")
    assert not any("số tài khoản" in m.plain for m in citizen.messages)


async def test_a_button_pressed_twenty_times_takes_the_ticket_once(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3207, "Lan", language_code="vi")
    await file_complaint(citizen)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    alert_message = await group_message(group, "PA-000001")
    for _ in range(20):
        await group.press_data(official, "t:1:accept", alert_message)
    await citizen_message(citizen, "tiếp nhận")
    await asyncio.sleep(3.2)  # past the double-tap window: the ticket itself says no
    await group.press_data(official, "t:1:accept", alert_message)
    assert (await alert(official))["text"] == "Việc này đã có người nhận xử lý rồi."
    for _ in range(5):  # the result's prompt is asked once however often it is pressed
        await group.press(official, "✅ Đã giải quyết", alert_message)
    await group_message(group, "kết quả giải quyết PA-000001")
    await group.settle(quiet=1.0)
    await citizen.reply("/menu")
    assert (
        sum(
            "đã được Phòng Kinh tế - Hạ tầng - Đô thị tiếp nhận" in m.plain
            for m in citizen.messages
        )
        == 1
    )
    notes = [m for m in group.messages if "Hùng" in m.plain and "nhận xử lý" in m.plain]
    assert len(notes) <= 1
    assert sum("kết quả giải quyết PA-000001" in m.plain for m in group.messages) == 1
    events = await services(bot).tickets.history(1)
    assert [e.action for e in events].count("accepted") == 1
    await arrived(group, lambda m: m is alert_message and "Đang xử lý" in m.plain)


async def test_an_answer_telegram_refuses_still_leaves_the_person_with_an_answer(
    bot: BotRunner, standin: StandIn
) -> None:
    lan = standin.user(3208, "Lan", language_code="vi")
    await lan.reply("/start")
    standin.fail_next("sendMessage", 400, "Bad Request: can't parse entities", chat_id=lan.id)
    plain = await lan.reply("/help")  # the same answer, as plain text
    assert "/phananh" in plain.plain
    standin.fail_next("sendMessage", 400, "Bad Request: can't parse entities", 2, chat_id=lan.id)
    await lan.send("/help")
    sorry = await lan.next_message()
    assert sorry.plain.startswith("Xin lỗi")


async def test_a_lone_surrogate_in_a_message_is_answered_like_any_typo(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    lan = standin.user(3209, "Lan\ud800", language_code="vi")
    menu = await lan.reply("/start")
    assert "Lan" in menu.plain
    answer = await lan.reply("đăng ký tạm trú \ud800 ở đâu")
    assert answer.plain  # an answer, not the apology
    assert "sự cố" not in answer.plain
    no_errors(caplog)
