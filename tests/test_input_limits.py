"""Inputs at and past the limits: replies longer than Telegram allows, hostile HTTP requests,
odd ``/block`` arguments. Each gets an answer, and none leaves an ERROR in the log."""

from __future__ import annotations

import json
import logging
import random
import re

import aiohttp
import pytest
from pydantic import SecretStr

from bot.handlers.context import Services
from bot.html import Html
from bot.standin import StandIn
from bot.standin.html import parse_html, utf16_len
from bot.ui import send
from bot.ui.send import send_html
from bot.ui.text import CAPTION_LIMIT, MESSAGE_LIMIT, split_html, visible_length
from tests.conftest import ADMIN_ID, BotRunner

TOKEN = "s3cret-token-for-limits"
CODE = "000.00.12.H26-261128-0001"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()[:200]}" for r in caplog.records if r.levelno >= logging.ERROR
    ]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- 1. splitting ------------------------------------------------------------------------------

_LETTERS = "abcxyzăâđêôơưáàảãạếềểễệ"
_ASTRAL = ["😀", "𝔘", "🇻🇳", "👩‍👩‍👧"]  # two UTF-16 units each (flags and families: more)
_ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&#128512;", "&#x1F600;", "&nbsp;"]
_TAGS = ["b", "i", "u", "s", "code", "tg-spoiler"]


def _word(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        return "".join(rng.choice(_ENTITIES) for _ in range(rng.randint(1, 400)))
    if kind < 0.3:
        return "".join(rng.choice(_ASTRAL) for _ in range(rng.randint(1, 800)))
    length = rng.choice([1, 3, 8, 20, 499, 500, 501, 1200, 5000])
    return "".join(
        rng.choice(_ENTITIES) if rng.random() < 0.05 else rng.choice(_LETTERS)
        for _ in range(length)
    )


def _html(rng: random.Random, depth: int, budget: list[int], spaces: bool) -> str:
    parts: list[str] = []
    while budget[0] > 0 and rng.random() < 0.92:
        budget[0] -= 1
        if depth < 4 and rng.random() < 0.2:
            name = rng.choice(_TAGS)
            parts.append(f"<{name}>{_html(rng, depth + 1, budget, spaces)}</{name}>")
        elif depth < 4 and rng.random() < 0.05:
            inner = _html(rng, depth + 1, budget, spaces)
            parts.append(f'<a href="https://example.vn/?a=1&amp;b=2">{inner}</a>')
        else:
            parts.append(_word(rng))
        if spaces:
            parts.append(rng.choice([" ", " ", " ", "\n", "\n\n", "  "]))
    return "".join(parts)


def _generated(count: int) -> list[tuple[str, int]]:
    rng = random.Random(20260101)
    cases = []
    for _ in range(count):
        spaces = rng.random() < 0.7
        text = _html(rng, 0, [rng.randint(1, 60)], spaces)
        limits = [MESSAGE_LIMIT, CAPTION_LIMIT, 200, 37] + ([3, 2] if len(text) < 3000 else [])
        cases.append((text, rng.choice(limits)))
    return cases


def test_every_piece_fits_and_nothing_is_lost() -> None:
    checked = 0
    for text, limit in _generated(250):
        original = parse_html(text).text  # the generator makes markup Telegram accepts
        pieces = split_html(Html(text), limit)
        seen = []
        for piece in pieces:
            parsed = parse_html(piece)  # valid markup: no tag or entity was cut
            assert utf16_len(parsed.text) <= limit, (limit, piece[:200])
            assert visible_length(piece) == utf16_len(parsed.text)
            seen.append(parsed.text)
        assert _squeeze("".join(seen)) == _squeeze(original)
        checked += visible_length(text) > limit
    assert checked > 150  # most cases really needed splitting


def test_a_long_word_after_a_short_start_is_cut_again() -> None:
    """The /link answer: a break early in the piece, then 5,000 characters with none."""
    for code in ["x" * 5000, "&lt;" * 5000, "😀" * 5000, "&amp;x" * 2500]:
        text = f"Không có phòng ban nào mã «{code}». Gửi /link để xem danh sách mã."
        pieces = split_html(Html(text))
        assert all(visible_length(p) <= MESSAGE_LIMIT for p in pieces)
        assert _squeeze("".join(parse_html(p).text for p in pieces)) == _squeeze(
            parse_html(text).text
        )


def test_a_piece_still_over_the_limit_is_cut_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every piece is measured before it is returned: should the splitter ever hand back one
    too long, it is split again, and at worst sent as escaped plain text."""
    from bot.ui import text as module

    monkeypatch.setattr(module, "_split", lambda text, limit: [text])
    source = "<b>" + "Hồ sơ &lt;số 1&gt; 😀 " * 200 + "</b>"
    pieces = split_html(Html(source), 100)
    assert len(pieces) > 1
    assert all(utf16_len(parse_html(p).text) <= 100 for p in pieces)
    assert "".join(parse_html(p).text for p in pieces) == parse_html(source).text


def test_entities_telegram_does_not_know_count_as_written() -> None:
    # Telegram decodes only &lt; &gt; &amp; &quot; and numbers; "&nbsp;" stays six characters.
    assert visible_length("&nbsp;") == 6 == utf16_len(parse_html("&nbsp;").text)
    assert visible_length("&#128512;") == 2
    pieces = split_html(Html("&nbsp;" * 1000))
    assert all(utf16_len(parse_html(p).text) <= MESSAGE_LIMIT for p in pieces)


@pytest.mark.parametrize("code", ["x" * 5000, "<&>" * 1700])
async def test_link_with_a_very_long_code_is_answered(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture, code: str
) -> None:
    caplog.set_level(logging.WARNING)
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    group = standin.group(-1005201, "Phòng Văn phòng", members={ADMIN_ID: "administrator"})
    first = await group.reply(admin, f"/link {code}")
    assert first.plain.startswith("Không có phòng ban nào mã")
    await group.settle()
    refused = [c for c in standin.calls_to("sendMessage") if not c.ok]
    assert refused == []
    received = "".join(m.plain for m in group.messages)
    assert code.lower() in _squeeze(received)
    assert "Gửi /link để xem danh sách mã." in received
    assert _errors(caplog) == []


async def test_a_piece_telegram_refuses_is_sent_as_plain_text(
    bot: BotRunner,
    standin: StandIn,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.WARNING)
    assert bot.app is not None
    user = standin.user(602, "Lan", language_code="vi")
    # Markup Telegram cannot parse.
    sent = await send_html(bot.app.bot, user.chat_id, Html("<b>Giờ làm việc & <ngày nghỉ"))
    assert [m.text for m in sent] == ["Giờ làm việc & <ngày nghỉ"]
    # A piece longer than Telegram allows (as if our count and Telegram's disagreed).
    monkeypatch.setattr(send, "split_html", lambda text: [text])
    sent = await send_html(bot.app.bot, user.chat_id, Html("<i>" + "y&amp;" * 3000 + "</i>"))
    assert len(sent) == 1 and sent[0].text == "y&" * 2048
    assert [m.plain for m in user.messages] == ["Giờ làm việc & <ngày nghỉ", "y&" * 2048]
    warnings = [r for r in caplog.records if r.name == "bot.ui.send"]
    assert [r.levelno for r in warnings] == [logging.WARNING] * 2
    assert all("y&" not in r.getMessage() and "ngày" not in r.getMessage() for r in warnings)
    assert "BadRequest" in warnings[0].getMessage()
    assert _errors(caplog) == []


# --- 2. the HTTP endpoint ----------------------------------------------------------------------


def _services(bot: BotRunner) -> Services:
    return bot.services


async def test_hostile_http_requests_get_a_4xx_and_no_error_in_the_log(
    bot: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.stop()
    app = await bot.start(http_token=SecretStr(TOKEN), http_port=0)
    caplog.set_level(logging.WARNING)
    url = f"http://127.0.0.1:{app.bot_data.http_port}/dossiers"
    good = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    async with aiohttp.ClientSession() as http:

        async def post(body: str, **headers: str) -> tuple[int, dict[str, object]]:
            async with http.post(url, data=body.encode(), headers={**good, **headers}) as r:
                assert r.content_type == "application/json"
                return r.status, await r.json()

        # A 5,000-digit number: int() refuses more than 4,300 digits.
        status, body = await post('{"code": ' + "7" * 5000 + ', "status": "received"}')
        assert (status, body["field"]) == (400, "code")
        assert body["error"] == "code: must be a string"
        status, body = await post("[" + "1" * 5000 + "]")
        assert status == 400 and "JSON object" in str(body["error"])

        # Nested 1,000 deep, in a list and in objects.
        for deep in ["[" * 1000 + "]" * 1000, '{"a": ' * 1000 + "1" + "}" * 1000]:
            status, body = await post(deep)
            assert status == 400 and "nested too deeply" in str(body["error"])
        status, body = await post("[" * 1000 + "]" * 1000, **{"Accept-Language": "vi"})
        assert status == 400 and "lồng nhau quá nhiều cấp" in str(body["error"])

        # A lone surrogate: valid JSON, not text.
        # json.dumps writes a lone surrogate as the escape "\\ud800", as other software may.
        change = json.dumps({"code": CODE, "status": "received", "note": "ghi ch\ud800 u"})
        assert "\\ud800" in change
        status, body = await post(change)
        assert (status, body["field"], body["index"]) == (400, "note", 0)
        assert "Unicode" in str(body["error"])
        status, body = await post(json.dumps({"code": CODE, "status": "received", "\udc80": "1"}))
        assert (status, body["field"]) == (400, "\\udc80")
        assert await _services(bot).dossiers.get(CODE) is None

        # A long path: under aiohttp's line limit it is ours to answer, past it aiohttp's 400.
        async with http.get(f"{url}/{'A' * 5000}", headers=good) as long:
            assert long.status == 404 and "error" in await long.json()
        async with http.get(f"{url}/{'A' * 9000}", headers=good) as too_long:
            assert too_long.status == 400
        async with http.get(f"{url}/{CODE}", headers={**good, "X-Note": "b" * 9000}) as header:
            assert header.status == 400

        # A token with characters outside ASCII: compared as bytes, refused as any wrong one.
        for token in ["ÄÖÜ", "ÄÖÜ" + TOKEN[3:], "😀" * 8]:
            headers = {"Authorization": f"Bearer {token}"}
            async with http.get(f"{url}/{CODE}", headers=headers) as wrong:
                assert wrong.status == 401 and "token" in (await wrong.json())["error"]

        # The endpoint still works.
        status, body = await post(f'{{"code": "{CODE}", "status": "received", "note": "ổn"}}')
        assert status == 200, body
    assert _errors(caplog) == []
    assert not any(r.exc_info for r in caplog.records if r.name.startswith("aiohttp"))


# --- 3. /block arguments -----------------------------------------------------------------------


async def test_block_answers_the_usage_for_anything_but_a_plain_id(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    for argument in [
        "²",
        "--5",
        "99999999999999999999",
        "9" * 5000,
        "１２３",  # full-width digits
        "٣",  # Arabic-Indic three
        "12a",
        "1234567890123456",  # 16 digits: past Telegram's ids
        "",
    ]:
        answer = await admin.reply(f"/block {argument}".strip())
        assert answer.plain.startswith("Cách dùng: /block mã-người-dùng"), argument
        answer = await admin.reply(f"/unblock {argument}".strip())
        assert answer.plain.startswith("Cách dùng: /block mã-người-dùng"), argument
    done = await admin.reply("/block 123456789012345")
    assert "123456789012345" in done.plain and not done.plain.startswith("Cách dùng")
    assert _errors(caplog) == []
