"""Escaped markup in what people see is recorded, unless a person typed it.

The bot is driven through PTB's own ``Bot`` so the check sees exactly what PTB sends. A test
that makes errors on purpose clears them, or the fixture would fail it at teardown.
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import pytest
from markupsafe import escape
from telegram import Bot, InputFile

from bot.standin import StandIn
from bot.standin.html import parse_html
from bot.standin.markup_check import suspects
from tests.conftest import assert_no_markup_errors

from .conftest import TOKEN

PIXEL = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
async def bot(standin: StandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as client:
        yield client


def _snippets(standin: StandIn) -> list[tuple[int, str, str]]:
    return [(e.chat_id, e.method, e.snippet) for e in standin.markup_errors]


async def test_text_escaped_twice_is_a_markup_error_naming_the_snippet(
    standin: StandIn, bot: Bot
) -> None:
    standin.user(1001, "Lan")
    sent = await bot.send_message(1001, html.escape(html.escape("<b>x</b>")), parse_mode="HTML")
    assert sent.text == "&lt;b&gt;x&lt;/b&gt;"  # what Lan reads
    assert _snippets(standin) == [
        (1001, "sendMessage", "&lt;b&gt;"),
        (1001, "sendMessage", "&lt;/b&gt;"),
    ]
    with pytest.raises(AssertionError, match=r"sendMessage: '&lt;b&gt;' in"):
        assert_no_markup_errors(standin)
    standin.markup_errors.clear()


async def test_a_rendered_fragment_escaped_again_shows_literal_tags(
    standin: StandIn, bot: Bot
) -> None:
    standin.user(1001, "Lan")
    fragment = '<b>Hồ sơ</b> <a href="https://x.vn">xem</a>'
    await bot.send_message(1001, "Kết quả: " + html.escape(fragment), parse_mode="HTML")
    assert [snippet for _, _, snippet in _snippets(standin)] == [
        "<b>",
        "</b>",
        '<a href="https://x.vn">',
        "</a>",
    ]
    standin.markup_errors.clear()


async def test_what_a_person_typed_shown_back_escaped_once_is_no_error(
    standin: StandIn, bot: Bot
) -> None:
    lan = standin.user(1001, "Lan")
    for typed in ("<b>đậm</b> giúp tôi", "a &lt; b", "&amp;lt; &#39; </code>"):
        await lan.send(typed)
        sent = await bot.send_message(1001, f"Bạn viết: {html.escape(typed)}", parse_mode="HTML")
        assert sent.text == f"Bạn viết: {typed}"
    assert standin.markup_errors == []


async def test_a_typed_substring_excuses_only_itself(standin: StandIn, bot: Bot) -> None:
    lan = standin.user(1001, "Lan")
    await lan.send("&lt;")
    await bot.send_message(1001, "&amp;lt; " + html.escape(html.escape("<i>")), parse_mode="HTML")
    assert _snippets(standin) == [(1001, "sendMessage", "&lt;i&gt;")]
    standin.markup_errors.clear()


async def test_names_captions_edits_and_files_count_as_typed(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "<b>Lan</b>")
    await bot.send_message(1001, f"Chào {html.escape('<b>Lan</b>')}", parse_mode="HTML")
    lan = standin.user(1001)
    await lan.send("lúc đầu")
    await lan.edit(None, "sửa thành <i>")
    await lan.send_photo(PIXEL, caption="ảnh &quot;")
    await lan.send_document(b"ten: <u>x</u>\n", filename="<s>.yaml", mime_type="text/yaml")
    standin.person_typed("ghi chú <code>")
    shown = ["<i>", "&quot;", "<u>x</u>", "<s>", "<code>"]
    await bot.send_message(1001, html.escape(" ".join(shown)), parse_mode="HTML")
    assert standin.markup_errors == []


async def test_captions_and_edits_are_checked(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "Lan")
    photo = await bot.send_photo(
        1001, InputFile(PIXEL, filename="p.png"), caption="A &amp;amp; B", parse_mode="HTML"
    )
    message = await bot.send_message(1001, "Đang xử lý", parse_mode="HTML")
    await bot.edit_message_text("Xong &amp;quot;", 1001, message.message_id, parse_mode="HTML")
    await bot.edit_message_caption(
        1001, photo.message_id, caption="&lt;tg-spoiler&gt;", parse_mode="HTML"
    )
    assert _snippets(standin) == [
        (1001, "sendPhoto", "&amp;"),
        (1001, "editMessageText", "&quot;"),
        (1001, "editMessageCaption", "<tg-spoiler>"),
    ]
    standin.markup_errors.clear()


async def test_plain_text_is_what_people_see(standin: StandIn, bot: Bot) -> None:
    standin.user(1001, "Lan")
    await bot.send_message(1001, "1 < 2 & 3 > 2, <3")
    assert standin.markup_errors == []
    await bot.send_message(1001, "A &amp; B")
    assert _snippets(standin) == [(1001, "sendMessage", "&amp;")]
    standin.markup_errors.clear()


@pytest.mark.parametrize(
    ("source", "visible"),
    [
        ("it&#39;s &#34;x&#34;", 'it\'s "x"'),
        ("it&#x27;s &#X27;y&#x27;", "it's 'y'"),
        (str(escape('Lan\'s "<b>" & co')), 'Lan\'s "<b>" & co'),
    ],
)
def test_numeric_references_are_decoded_as_telegram_does(source: str, visible: str) -> None:
    assert parse_html(source).text == visible


async def test_markupsafe_escaping_once_is_clean_and_twice_is_caught(
    standin: StandIn, bot: Bot
) -> None:
    standin.user(1001, "Lan")
    once = escape("Nhà 'Văn hoá' \"số 1\"")
    sent = await bot.send_message(1001, str(once), parse_mode="HTML")
    assert sent.text == "Nhà 'Văn hoá' \"số 1\""
    assert standin.markup_errors == []
    await bot.send_message(1001, str(escape(str(once))), parse_mode="HTML")
    assert {snippet for _, _, snippet in _snippets(standin)} == {"&#39;", "&#34;"}
    standin.markup_errors.clear()


@pytest.mark.parametrize(
    ("visible", "found"),
    [
        ("Đậm & nghiêng, a < b > c, 5 <3, x&y;", []),
        ("&lt;code&gt;123&lt;/code&gt;", ["&lt;code&gt;", "&lt;/code&gt;"]),
        ("&amp;lt; &quot; &#39; &#x27;", ["&amp;", "&quot;", "&#39;", "&#x27;"]),
        ("<pre>x</pre><blockquote expandable>", ["<pre>", "</pre>", "<blockquote expandable>"]),
        ("<strong>a</strong><em>b</em>", ["<strong>", "</strong>", "<em>", "</em>"]),
        ("<tg-spoiler>x</tg-spoiler>", ["<tg-spoiler>", "</tg-spoiler>"]),
        ('xem <a href="https://x.vn', ['<a href="https://x.vn']),
        ("<br> <p> <query> <B>", ["<B>"]),
    ],
)
def test_what_counts_as_escaped_markup(visible: str, found: list[str]) -> None:
    assert [snippet for snippet, _ in suspects(visible)] == found
