"""The web admin's session: a cookie the server signed, holding who signed in, in which
language, and until when. Nothing is stored server-side, so a restart keeps people signed
in; the key comes from the bot's token, so a new token signs everyone out.

Every form carries a CSRF token derived from the session, so a page elsewhere cannot make a
signed-in browser post to us (SameSite=Lax already stops most of that; this stops the rest).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from aiohttp import web

from bot.clock import Clock

COOKIE = "ubnd_admin"
LIFETIME = dt.timedelta(hours=8)  # a working day at the desk


@dataclass(frozen=True)
class Session:
    user_id: int
    language: str
    expires: dt.datetime
    nonce: str


class Sessions:
    def __init__(self, token: str, clock: Clock, secure: bool) -> None:
        self._key = hmac.new(token.encode(), b"web admin session", hashlib.sha256).digest()
        self._clock = clock
        self._secure = secure

    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def start(self, response: web.StreamResponse, user_id: int, language: str) -> Session:
        session = Session(
            user_id, language, self._clock.now() + LIFETIME, secrets.token_urlsafe(16)
        )
        self._set(response, session)
        return session

    def with_language(self, response: web.StreamResponse, session: Session, language: str) -> None:
        self._set(response, Session(session.user_id, language, session.expires, session.nonce))

    def _set(self, response: web.StreamResponse, session: Session) -> None:
        payload = ".".join(
            (str(session.user_id), session.language, str(int(session.expires.timestamp())))
        )
        payload += "." + session.nonce
        response.set_cookie(
            COOKIE,
            f"{payload}.{self._sign(payload)}",
            max_age=int(LIFETIME.total_seconds()),
            path="/admin",
            secure=self._secure,
            httponly=True,
            samesite="Lax",
        )

    def read(self, request: web.Request) -> Session | None:
        """The session the request's cookie holds, if we signed it and it has not expired."""
        payload, _, signature = request.cookies.get(COOKIE, "").rpartition(".")
        if not payload or not hmac.compare_digest(self._sign(payload).encode(), signature.encode()):
            return None
        parts = payload.split(".")
        if len(parts) != 4:
            return None
        user, language, expires, nonce = parts
        try:
            session = Session(
                int(user), language, dt.datetime.fromtimestamp(int(expires), dt.UTC), nonce
            )
        except (ValueError, OverflowError, OSError):
            return None
        return session if self._clock.now() < session.expires else None

    @staticmethod
    def end(response: web.StreamResponse) -> None:
        response.del_cookie(COOKIE, path="/admin")

    def csrf(self, session: Session) -> str:
        return self._sign(f"csrf.{session.user_id}.{session.nonce}")

    def csrf_matches(self, session: Session, given: str) -> bool:
        # As bytes: a str with a letter beyond ASCII is refused by compare_digest.
        return hmac.compare_digest(self.csrf(session).encode(), given.encode())
