"""Signing in to the web admin without a password: the Mini App's data signed by Telegram, or
a one-time link from the bot. Every way in that is not exactly that is refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.services.sign_ins import (
    SIGN_IN_WINDOW,
    Refusal,
    SignedIn,
    SignInRefused,
    SignIns,
    init_data_signature,
)
from bot.storage.db import Database
from bot.storage.sign_ins import SignInRepository
from tests.conftest import TOKEN

USER = {"id": 4242, "first_name": "Hà", "language_code": "vi"}


@pytest.fixture
async def sign_ins(tmp_path: Path) -> AsyncIterator[tuple[SignIns, Database]]:
    async with Database(tmp_path / "bot.sqlite3") as db:
        yield SignIns(SignInRepository(db), db.clock, TOKEN), db


def init_data(signed_at: dt.datetime, token: str = TOKEN, **changes: str) -> str:
    """What a Mini App opened at ``signed_at`` sends, as Telegram signs it with ``token``."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(USER, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(signed_at.timestamp())),
    }
    fields["hash"] = init_data_signature(fields, token)
    return urlencode(fields | changes)


async def refused(attempt: Awaitable[object]) -> Refusal:
    with pytest.raises(SignInRefused) as raised:
        await attempt
    return raised.value.refusal


async def test_the_mini_app_signs_in_its_user_once(sign_ins: tuple[SignIns, Database]) -> None:
    service, db = sign_ins
    data = init_data(db.clock.now())
    assert await service.by_mini_app(data) == SignedIn(4242, "vi")
    assert await refused(service.by_mini_app(data)) is Refusal.REPLAYED


async def test_mini_app_data_not_signed_by_telegram_for_this_bot_is_refused(
    sign_ins: tuple[SignIns, Database],
) -> None:
    service, db = sign_ins
    now = db.clock.now()
    other_bot = init_data(now, token="999:another-bots-token")
    assert await refused(service.by_mini_app(other_bot)) is Refusal.FORGED
    # Someone else's id put in after Telegram signed: the signature no longer matches.
    someone_else = init_data(now, user=json.dumps({"id": 1, "first_name": "Admin"}))
    assert await refused(service.by_mini_app(someone_else)) is Refusal.FORGED
    unsigned = urlencode({"user": json.dumps(USER), "auth_date": str(int(now.timestamp()))})
    assert await refused(service.by_mini_app(unsigned)) is Refusal.UNSIGNED
    assert await refused(service.by_mini_app("")) is Refusal.UNSIGNED
    twice = init_data(now) + "&user=" + json.dumps({"id": 1})
    assert await refused(service.by_mini_app(twice)) is Refusal.MALFORMED
    assert await refused(service.by_mini_app("x" * 5000)) is Refusal.MALFORMED


async def test_mini_app_data_signed_too_long_ago_or_ahead_is_refused(
    sign_ins: tuple[SignIns, Database],
) -> None:
    service, db = sign_ins
    now = db.clock.now()
    old = init_data(now - SIGN_IN_WINDOW - dt.timedelta(seconds=5))
    assert await refused(service.by_mini_app(old)) is Refusal.STALE
    ahead = init_data(now + dt.timedelta(minutes=5))
    assert await refused(service.by_mini_app(ahead)) is Refusal.STALE
    # Signed nine minutes ago: still in time.
    assert (await service.by_mini_app(init_data(now - dt.timedelta(minutes=9)))).user_id == 4242


async def test_signed_fields_that_are_not_a_mini_apps_are_refused(
    sign_ins: tuple[SignIns, Database],
) -> None:
    service, db = sign_ins
    now = db.clock.now()
    for user in ("not json", "[1, 2]", '{"first_name": "Hà"}', '{"id": "4242"}', '{"id": -5}'):
        fields = {"user": user, "auth_date": str(int(now.timestamp()))}
        data = urlencode(fields | {"hash": init_data_signature(fields, TOKEN)})
        assert await refused(service.by_mini_app(data)) is Refusal.MALFORMED, user
    fields = {"user": json.dumps(USER), "auth_date": "yesterday"}
    data = urlencode(fields | {"hash": init_data_signature(fields, TOKEN)})
    assert await refused(service.by_mini_app(data)) is Refusal.MALFORMED


async def test_a_link_signs_in_once_and_only_within_ten_minutes(
    sign_ins: tuple[SignIns, Database],
) -> None:
    service, db = sign_ins
    secret = await service.link_secret(4242)
    assert await service.by_link(secret) == SignedIn(4242)
    assert await refused(service.by_link(secret)) is Refusal.STALE  # used
    late = await service.link_secret(4242)
    db.clock.travel(db.clock.now() + SIGN_IN_WINDOW + dt.timedelta(seconds=1))
    assert await refused(service.by_link(late)) is Refusal.STALE  # expired
    assert await refused(service.by_link("made-up")) is Refusal.STALE
    assert await refused(service.by_link("")) is Refusal.STALE
    # Only digests are stored, and expired rows are forgotten.
    rows = await db.fetchall("SELECT digest FROM sign_ins")
    assert all(len(row["digest"]) == 64 and row["digest"] not in (secret, late) for row in rows)
    assert await service.forget_expired() == 2
