"""A reply longer than Telegram allows is split at natural breaks and every piece is accepted."""

from __future__ import annotations

import re

from bot.html import Html
from bot.standin import StandIn
from bot.ui.send import send_html
from bot.ui.text import MESSAGE_LIMIT, split_html, visible_length
from tests.conftest import BotRunner


def _long_document(paragraphs: int) -> str:
    return "\n\n".join(
        f"<b>Bước {i}.</b> Nộp hồ sơ tại <i>Bộ phận Một cửa</i> &amp; nhận giấy hẹn. " * 6
        for i in range(paragraphs)
    )


async def test_long_reply_is_split_and_accepted(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(601, "Lan", language_code="vi")
    text = _long_document(40)
    assert visible_length(text) > 3 * MESSAGE_LIMIT
    assert bot.app is not None
    sent = await send_html(bot.app.bot, user.chat_id, Html(text))
    assert len(sent) >= 4
    refused = [c for c in standin.calls_to("sendMessage") if not c.ok]
    assert refused == []
    received = [m.plain for m in user.messages]
    assert all(len(p.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT for p in received)
    # Nothing lost or reordered: the visible text is the original, modulo the break points.
    original = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text).replace("&amp;", "&"))
    assert re.sub(r"\s+", " ", " ".join(received)).strip() == original.strip()


def test_split_prefers_paragraph_breaks_and_keeps_tags_balanced() -> None:
    text = "<b>" + "\n\n".join("x" * 900 for _ in range(6)) + "</b>"
    pieces = split_html(Html(text), 2000)
    assert [visible_length(p) for p in pieces] == [1802, 1802, 1802]
    assert all(p.startswith("<b>") and p.endswith("</b>") for p in pieces)


def test_unbreakable_text_is_cut_hard_not_dropped() -> None:
    pieces = split_html(Html("y" * 9000))
    assert "".join(pieces) == "y" * 9000
    assert all(visible_length(p) <= MESSAGE_LIMIT for p in pieces)


def test_short_text_is_left_alone() -> None:
    assert split_html(Html("<i>ngắn</i>")) == ["<i>ngắn</i>"]


def test_length_counts_utf16_units_after_entities() -> None:
    assert visible_length("<b>&lt;đ&gt;</b>") == 3
    assert visible_length("😀") == 2  # outside the BMP: two UTF-16 units, as Telegram counts
