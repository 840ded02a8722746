"""Telegram's refusals, met through PTB's own Bot so its request encoding is exercised."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.standin import Limits, StandIn

from .conftest import TOKEN


@pytest.fixture
async def bot(standin: StandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as client:
        yield client


def _keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Nút", callback_data=data)]])


async def test_text_length_counted_after_html(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "Lan")
    sent = await bot.send_message(1001, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert sent.text == "a" * 4096
    assert standin.user(1001).last.plain == "a" * 4096
    await bot.send_message(1001, "&lt;" * 4096, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(1001, "<b>" + "a" * 4097 + "</b>", parse_mode="HTML")
    # UTF-16: an emoji outside the BMP counts twice.
    with pytest.raises(BadRequest, match=r"too long"):
        await bot.send_message(1001, "😀" * 2049)
    call = standin.calls_to("sendMessage")[-1]
    assert call.description == "Bad Request: message is too long"


async def test_empty_and_broken_html(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "Lan")
    with pytest.raises(BadRequest, match=r"text is empty"):
        await bot.send_message(1001, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r'(?i)parse entities: Unsupported start tag "br"'):
        await bot.send_message(1001, "dòng 1<br>dòng 2", parse_mode="HTML")
    with pytest.raises(
        BadRequest, match=r"(?i)Can't find end tag corresponding to start tag \"b\""
    ):
        await bot.send_message(1001, "<b>đậm", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)Unmatched end tag"):
        await bot.send_message(1001, "<b><i>x</b></i>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"parse entities"):
        await bot.send_message(1001, "1 < 2", parse_mode="HTML")
    sent = await bot.send_message(
        1001, '<a href="https://x.vn">A &amp; B</a> &quot;q&quot; &#273;', parse_mode="HTML"
    )
    assert sent.text == 'A & B "q" đ'
    assert sent.entities[0].type == "text_link"
    assert standin.calls_to("sendMessage")[0].description == ("Bad Request: message text is empty")


async def test_caption_length(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "Lan")
    await bot.send_photo(1001, b"\x89PNG fake", caption="c" * 1024)
    with pytest.raises(BadRequest, match=r"caption is too long"):
        await bot.send_photo(1001, b"\x89PNG fake", caption="c" * 1025)


async def test_callback_data_bytes(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "Lan")
    await bot.send_message(1001, "ok", reply_markup=_keyboard("x" * 64))
    await bot.send_message(1001, "ok", reply_markup=_keyboard("đ" * 32))
    for data in ("x" * 65, "đ" * 33):
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(1001, "no", reply_markup=_keyboard(data))
    with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
        await bot.send_message(
            1001, "no", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x")]])
        )


async def test_edit_not_modified_and_not_found(standin: StandIn, bot: Bot) -> None:
    lan = standin.user(1001, "Lan")
    sent = await bot.send_message(1001, "<b>x</b>", parse_mode="HTML", reply_markup=_keyboard("a"))
    with pytest.raises(BadRequest, match=r"Message is not modified: specified new message"):
        await bot.edit_message_text(
            "<strong>x</strong>", 1001, sent.message_id, parse_mode="HTML",
            reply_markup=_keyboard("a"),
        )  # fmt: skip
    await bot.edit_message_text("<b>x</b>", 1001, sent.message_id, parse_mode="HTML")
    assert lan.last.reply_markup is None and lan.last.edited == 1
    with pytest.raises(BadRequest, match=r"Message is not modified"):
        await bot.edit_message_reply_markup(1001, sent.message_id)
    with pytest.raises(BadRequest, match=r"Message to edit not found"):
        await bot.edit_message_text("y", 1001, 999)
    assert await bot.delete_message(1001, sent.message_id)
    assert lan.messages == []
    with pytest.raises(BadRequest, match=r"Message to delete not found"):
        await bot.delete_message(1001, sent.message_id)


async def test_chat_not_found_blocked_and_callback_too_old(standin: StandIn, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"Chat not found"):
        await bot.send_message(4242, "ai đó")
    standin.user(1001, "Lan")
    standin.block(1001)
    with pytest.raises(Forbidden, match=r"bot was blocked by the user"):
        await bot.send_message(1001, "chào")
    standin.unblock(1001)
    await bot.send_message(1001, "chào")
    with pytest.raises(BadRequest, match=r"Query is too old"):
        await bot.answer_callback_query("nope")


async def test_injected_failures(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "Lan")
    standin.fail_next("sendMessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"Bad Gateway"):
            await bot.send_message(1001, "x")
    await bot.send_message(1001, "x")
    standin.fail_next("sendmessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1001, "x")
    assert "Retry in 7 seconds" in str(caught.value)
    assert standin.rate_limited_count == 1


async def test_global_rate_limit(standin: StandIn, bot: Bot) -> None:
    standin.limits = Limits(global_per_second=5)
    for i in range(5):
        standin.user(2000 + i, "P")
        await bot.send_message(2000 + i, "x")
    standin.user(3000, "Q")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(3000, "x")
    assert "Retry in 1 seconds" in str(caught.value)
    call = standin.calls_to("sendMessage")[-1]
    assert call.error_code == 429 and call.description == "Too Many Requests: retry after 1"
    assert standin.rate_limited_count == 1
    standin.limits = Limits.off()
    await bot.send_message(3000, "x")


async def test_group_rate_limit_per_minute(standin: StandIn, bot: Bot) -> None:
    standin.group(-100123, "Phòng")
    standin.group(-100456, "Khác")
    for _ in range(20):
        await bot.send_message(-100123, "x")
    with pytest.raises(RetryAfter):
        await bot.send_message(-100123, "x")
    retry_after = standin.calls_to("sendMessage")[-1].description
    assert retry_after in {f"Too Many Requests: retry after {n}" for n in (59, 60)}
    await bot.send_message(-100456, "other groups are not affected")
    # Edits count too.
    standin.limits = Limits(group_per_minute=1, global_per_second=None)
    standin.group(-100789, "Thứ ba")
    sent = await bot.send_message(-100789, "y")
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("z", -100789, sent.message_id)


async def test_private_limit_optional(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "Lan")
    for _ in range(3):
        await bot.send_message(1001, "burst is fine by default")
    standin.limits.private_per_second = 1
    await bot.send_message(1001, "x")
    with pytest.raises(RetryAfter):
        await bot.send_message(1001, "x")
