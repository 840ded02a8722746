"""Who is at the web admin: a person Telegram vouches for, never a password.

Two ways in, each good once and for a few minutes:
- inside Telegram, the Mini App's ``initData``: fields Telegram signed with a key made from
  the bot's token (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app);
- in a desktop browser, a one-time link the bot sent the person in a private chat.

Either gives the Telegram user id; what that person may see and do is decided elsewhere.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl

from bot.clock import Clock
from bot.storage.sign_ins import SignInRepository

# How long a link or the Mini App's signed data may wait before it is used to sign in.
SIGN_IN_WINDOW = dt.timedelta(minutes=10)
# A phone's clock a little ahead of ours is not a forgery.
CLOCK_SKEW = dt.timedelta(minutes=1)
INIT_DATA_CHARS = 4096  # Telegram's are well under 1 kB


class Refusal(enum.Enum):
    UNSIGNED = "unsigned"  # no signature at all
    FORGED = "forged"  # a signature that is not Telegram's for these fields
    STALE = "stale"  # signed, or issued, too long ago
    REPLAYED = "replayed"  # used to sign in before
    MALFORMED = "malformed"  # signed by Telegram but not what a Mini App sends


class SignInRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    language_code: str | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def init_data_signature(fields: dict[str, str], token: str) -> str:
    """What Telegram puts in ``hash`` for ``fields``: the HMAC-SHA-256, with a key derived
    from the bot's token, of the fields sorted by name as ``name=value`` lines."""
    check = "\n".join(f"{name}={value}" for name, value in sorted(fields.items()))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return hmac.new(key, check.encode(), hashlib.sha256).hexdigest()


class SignIns:
    def __init__(self, repository: SignInRepository, clock: Clock, token: str) -> None:
        self._repository = repository
        self._clock = clock
        self._token = token

    async def link_secret(self, user_id: int) -> str:
        """A secret for a one-time link, valid for SIGN_IN_WINDOW; only its digest is kept."""
        secret = secrets.token_urlsafe(32)
        expires = self._clock.now() + SIGN_IN_WINDOW
        await self._repository.issue(_digest(secret), user_id, expires)
        return secret

    async def by_link(self, secret: str) -> SignedIn:
        user_id = await self._repository.consume(_digest(secret)) if secret else None
        if user_id is None:
            raise SignInRefused(Refusal.STALE)
        return SignedIn(user_id)

    async def by_mini_app(self, init_data: str) -> SignedIn:
        """The person Telegram signed ``init_data`` for, once, within SIGN_IN_WINDOW."""
        if not init_data or len(init_data) > INIT_DATA_CHARS:
            raise SignInRefused(Refusal.UNSIGNED if not init_data else Refusal.MALFORMED)
        pairs = parse_qsl(init_data, keep_blank_values=True)
        fields = dict(pairs)
        if len(fields) != len(pairs):  # a field twice: which one did Telegram sign?
            raise SignInRefused(Refusal.MALFORMED)
        received = fields.pop("hash", "")
        if not received:
            raise SignInRefused(Refusal.UNSIGNED)
        expected = init_data_signature(fields, self._token)
        if not hmac.compare_digest(expected.encode(), received.encode()):  # any text: bytes
            raise SignInRefused(Refusal.FORGED)
        user = _user(fields)
        signed_at = _signed_at(fields)
        now = self._clock.now()
        if not now - SIGN_IN_WINDOW <= signed_at <= now + CLOCK_SKEW:
            raise SignInRefused(Refusal.STALE)
        expires = signed_at + SIGN_IN_WINDOW + CLOCK_SKEW
        if not await self._repository.take_once(_digest(received), user.user_id, expires):
            raise SignInRefused(Refusal.REPLAYED)
        return user

    async def forget_expired(self) -> int:
        return await self._repository.forget_expired()


def _user(fields: dict[str, str]) -> SignedIn:
    try:
        user = json.loads(fields["user"])
        user_id = user["id"]
    except (KeyError, TypeError, ValueError):
        raise SignInRefused(Refusal.MALFORMED) from None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise SignInRefused(Refusal.MALFORMED)
    language = user.get("language_code")
    return SignedIn(user_id, language if isinstance(language, str) else None)


def _signed_at(fields: dict[str, str]) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(fields["auth_date"]), dt.UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        raise SignInRefused(Refusal.MALFORMED) from None
