"""Wire-level behaviour: getUpdates semantics, parameter decoding, Telegram HTML."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from bot.standin import StandIn
from bot.standin.html import HtmlError, parse_html


async def _call(session: aiohttp.ClientSession, standin: StandIn, method: str, **data: Any) -> Any:
    async with session.post(f"{standin.api_url}{standin.token}/{method}", data=data) as response:
        return await response.json()


async def test_get_updates_offset_limit_and_wakeup(standin: StandIn) -> None:
    lan = standin.user(1001, "Lan")
    first = await lan.send("một")
    await lan.send("hai")
    async with aiohttp.ClientSession() as session:
        got = await _call(session, standin, "getUpdates", limit="1")
        assert [u["update_id"] for u in got["result"]] == [first]
        got = await _call(session, standin, "getUpdates", offset=str(first + 1))
        assert [u["message"]["text"] for u in got["result"]] == ["hai"]
        got = await _call(session, standin, "getUpdates", offset=str(first + 2), timeout="0")
        assert got["result"] == []
        # A long poll returns as soon as an update arrives.
        started = time.monotonic()
        poll = asyncio.create_task(
            _call(session, standin, "getUpdates", offset=str(first + 2), timeout="5")
        )
        await asyncio.sleep(0.2)
        third = await lan.send("/help")
        got = await poll
        assert time.monotonic() - started < 1.0
        (update,) = got["result"]
        assert update["update_id"] == third
        assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 5}]
        # allowed_updates filters kinds.
        grp = standin.group(-100123, "Phòng")
        await grp.add_bot(by=lan)
        got = await _call(
            session, standin, "getUpdates", offset=str(third + 1), allowed_updates='["message"]'
        )
        assert got["result"] == []
        got = await _call(session, standin, "getUpdates", allowed_updates='["my_chat_member"]')
        assert got["result"][0]["my_chat_member"]["new_chat_member"]["status"] == "member"


async def test_string_and_int_parameters_are_decoded_by_name(standin: StandIn) -> None:
    standin.user(1001, "Lan")
    async with aiohttp.ClientSession() as session:
        sent = await _call(session, standin, "sendMessage", chat_id="1001", text="123")
        assert sent["result"]["text"] == "123" and sent["result"]["chat"]["id"] == 1001
        standin.group(-100555, "Công khai", username="ubnd_public")
        sent = await _call(session, standin, "sendMessage", chat_id="@ubnd_public", text="true")
        assert sent["result"]["text"] == "true"
        bad = await _call(session, standin, "sendMessage", chat_id="1001", text="x",
                          reply_markup="{not json")  # fmt: skip
        assert bad["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
        form = aiohttp.FormData()
        form.add_field("chat_id", "1001")
        form.add_field("caption", "45")
        form.add_field("photo", b"\x89PNG...", filename="p.png", content_type="image/png")
        async with session.post(
            f"{standin.api_url}{standin.token}/sendPhoto", data=form
        ) as response:
            photo = (await response.json())["result"]
        assert photo["caption"] == "45" and len(photo["photo"]) == 2
        path = (await _call(session, standin, "getFile", file_id=photo["photo"][-1]["file_id"]))[
            "result"
        ]["file_path"]
        async with session.get(f"{standin.file_url}{standin.token}/{path}") as response:
            assert await response.read() == b"\x89PNG..."
        async with session.get(f"{standin.file_url}{standin.token}/nope/x") as response:
            assert response.status == 404


async def test_group_press_and_callback_answers(standin: StandIn) -> None:
    lan = standin.user(1001, "Lan")
    grp = standin.group(-100123, "Phòng", members={1001: "member"})
    markup = '{"inline_keyboard": [[{"text": "Nhận", "callback_data": "take:1"}]]}'
    async with aiohttp.ClientSession() as session:
        await _call(session, standin, "sendMessage", chat_id="-100123", text="Hồ sơ mới",
                    reply_markup=markup)  # fmt: skip
        update_id = await grp.press(lan, "Nhận")
        got = await _call(session, standin, "getUpdates", offset=str(update_id))
        query = got["result"][0]["callback_query"]
        assert query["data"] == "take:1" and query["from"]["id"] == 1001
        assert query["message"]["chat"]["id"] == -100123
        ok = await _call(session, standin, "answerCallbackQuery", callback_query_id=query["id"],
                         text="Đã nhận", show_alert="false")  # fmt: skip
        assert ok == {"ok": True, "result": True}
        again = await _call(session, standin, "answerCallbackQuery", callback_query_id=query["id"])
        assert again["error_code"] == 400
    assert lan.callback_answers[0]["text"] == "Đã nhận"
    with pytest.raises(LookupError):
        await grp.press(lan, 5)


@pytest.mark.parametrize(
    ("source", "plain"),
    [
        ("<b>Đậm</b> &amp; <i>nghiêng</i>", "Đậm & nghiêng"),
        ('<span class="tg-spoiler">bí mật</span><tg-spoiler>x</tg-spoiler>', "bí mậtx"),
        ("<u>a</u><ins>b</ins><s>c</s><strike>d</strike><del>e</del><em>f</em>", "abcdef"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ("<blockquote>trích</blockquote> a > b", "trích a > b"),
        ("&#128512; &#x1F600; &nbsp;", "😀 😀 &nbsp;"),
    ],
)
def test_html_accepted(source: str, plain: str) -> None:
    assert parse_html(source).text == plain


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("đ<br>", 'Unsupported start tag "br" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<i>x", 'Can\'t find end tag corresponding to start tag "i"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_html_refused(source: str, reason: str) -> None:
    with pytest.raises(HtmlError) as caught:
        parse_html(source)
    assert str(caught.value) == reason
