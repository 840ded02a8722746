"""A real PTB bot long-polling the stand-in: people talk, the bot answers."""

from __future__ import annotations

import asyncio
import time

import aiohttp
from telegram.ext import Application

from bot.standin import SentMessage, StandIn

# A 1x1 PNG, enough for Telegram-like photo handling.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def test_echo_round_trip_vietnamese(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    lan = standin.user(1001, "Lan")
    reply = await lan.reply("Xin chào, tôi muốn hỏi về hộ khẩu")
    assert reply.text == "Xin chào, tôi muốn hỏi về hộ khẩu"
    assert reply.chat_id == 1001
    assert lan.last is reply
    assert [c.method for c in standin.calls_to("sendMessage")] == ["sendMessage"]
    assert standin.calls_to("getMe") and standin.calls_to("getUpdates")


async def test_start_payload_and_command_entity(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    lan = standin.user(1001, "Lan")
    reply = await lan.reply("/start hoso_42")
    assert reply.text == "start:hoso_42"
    assert reply.buttons == [["Có", "Không"]]
    assert reply.button_data == [["yes", "no"]]
    reply = await lan.reply("/start@ubnd_demo_bot")
    assert reply.text == "start:"


async def test_button_press_reaches_bot_and_answer_recorded(
    standin: StandIn,
    app: Application,  # type: ignore[type-arg]
) -> None:
    lan = standin.user(1001, "Lan")
    menu = await lan.reply("/start")
    edited = await lan.click("Không")
    assert edited is menu
    assert edited.plain == "Bạn chọn no"
    assert edited.text == "<b>Bạn chọn</b> no"
    assert edited.edited == 1
    assert edited.reply_markup is None  # editing without markup drops the keyboard
    assert lan.callback_answers == [
        {"text": "đã chọn no", "show_alert": True, "url": None, "cache_time": None}
    ]
    (call,) = standin.calls_to("answerCallbackQuery")
    assert call.ok and call.params["show_alert"] is True


async def test_press_by_index_and_unknown_button(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    lan = standin.user(1001, "Lan")
    await lan.reply("/start")
    assert (await lan.click(0)) is not None
    try:
        await lan.press("Không có nút này")
    except LookupError:
        pass
    else:
        raise AssertionError("expected LookupError")


async def test_photo_download_via_get_file(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    lan = standin.user(1001, "Lan")
    await lan.send_photo(PNG, caption="giấy tờ")
    reply = await lan.next_message()
    assert reply.text == f"photo {len(PNG)} bytes, caption=giấy tờ"
    (get_file,) = standin.calls_to("getFile")
    assert get_file.result["file_path"].startswith("photos/")


async def test_cursor_separates_answers(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    lan = standin.user(1001, "Lan")
    await lan.send("một")
    await asyncio.sleep(0.3)  # the answer to "một" arrives before the next send
    second = await lan.reply("hai")
    assert second.text == "hai"
    settled = await lan.settle(quiet=0.1)
    assert settled == []


async def test_long_polling_wakes_promptly(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    lan = standin.user(1001, "Lan")
    await lan.reply("khởi động")  # the bot is now in a long poll
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await lan.reply("nhanh")
    assert time.monotonic() - started < 0.5


async def test_next_message_timeout_explains(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    lan = standin.user(1001, "Lan")
    await lan.send_sticker()  # the echo bot ignores stickers
    try:
        await lan.next_message(timeout=0.3)
    except AssertionError as err:
        assert "no new bot message" in str(err)
    else:
        raise AssertionError("expected a timeout")


async def test_observer_and_group_flow(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    events: list[tuple[str, SentMessage]] = []
    standin.on_bot_message(lambda event, msg: events.append((event, msg)))
    lan = standin.user(1001, "Lan")
    grp = standin.group(-100123, "Phòng Kinh tế", members={1001: "member"})
    await grp.add_bot(by=lan)
    echoed = await grp.reply(lan, "chào cả phòng")
    assert echoed.text == "chào cả phòng" and echoed.chat_id == -100123
    assert echoed.reply_to_message_id is not None
    assert grp.last is echoed
    assert events == [("sent", echoed)]


async def test_wrong_token_and_unknown_method(standin: StandIn) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{standin.api_url}999:WRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.post(f"{standin.api_url}{standin.token}/noSuchMethod") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found"
        # Method names are case-insensitive, JSON bodies and GET queries work too.
        async with session.get(f"{standin.api_url}{standin.token}/GETME") as response:
            assert (await response.json())["result"]["username"] == "ubnd_demo_bot"
        standin.user(5, "Hà")
        url = f"{standin.api_url}{standin.token}/sendMessage"
        async with session.post(url, json={"chat_id": 5, "text": "123"}) as response:
            assert (await response.json())["result"]["text"] == "123"
        async with session.get(url, params={"chat_id": "5", "text": "456"}) as response:
            assert (await response.json())["result"]["text"] == "456"
    assert standin.calls[0].method == "getMe" and standin.calls[0].error_code == 401
