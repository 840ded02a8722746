"""Settings read from the environment (prefix ``BOT_``) and a ``.env`` file.

A wrong value must stop start-up with one line that names the variable, never a traceback:
``load_settings`` turns pydantic's errors into :class:`SettingsError` for the CLI to print.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.quiet import QuietHours

SUPPORTED_LANGUAGES = ("vi", "en")
TELEGRAM_API_URL = "https://api.telegram.org/bot"
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr | None = None
    api_url: str = TELEGRAM_API_URL
    database: Path = Path("bot.sqlite3")
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    # Telegram allows about 30 messages a second overall; the benchmark raises it to measure
    # the bot's own overhead rather than Telegram's ceiling.
    max_messages_per_second: float = Field(default=30.0, gt=0)
    # ... and about 20 a minute into one group.
    max_group_messages_per_minute: float = Field(default=20.0, gt=0)
    # Updates handled at once (across chats; one chat is always in order). Telegram's
    # round trips are slow, so some concurrency pays; too much only adds contention.
    concurrent_updates: int = Field(default=4, ge=1, le=256)
    # What one person may send: requests (complaints and questions) a day, messages a minute.
    max_tickets_per_day: int = Field(default=5, ge=1, le=1000)
    max_messages_per_minute: int = Field(default=20, ge=1, le=10_000)
    # The HTTP endpoint for the one-stop software (POST /dossiers); off unless a token is set.
    http_token: SecretStr | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # News that can wait (dossier statuses, announcements) is held back at night, local time.
    quiet_hours: str = "21:00-07:00"
    # The bot's @name, for the links printed on receipts by the CLI (the bot itself knows it).
    username: str | None = None
    # Dossier look-ups and check values one person may try in a minute (codes cannot be farmed).
    max_lookups_per_minute: int = Field(default=5, ge=1, le=1000)
    log_level: str = "INFO"
    # Webhook mode (instead of long polling) when a public https URL is set: Telegram posts
    # updates to it, a reverse proxy hands them to webhook_listen:webhook_port, and each post
    # must carry the secret (derived from the token unless set) in its header.
    webhook_url: str | None = None
    # The web admin's address as browsers reach it (through the reverse proxy that also serves
    # webhooks), e.g. https://bot.phuong.gov.vn: /admin sends one-time links under it. The
    # pages are served by the HTTP server above, so they need http_token set too.
    public_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=0, le=65535)
    webhook_secret: SecretStr | None = None
    # A copy of the database every day at backup_time (local), the newest backup_keep kept;
    # 0 turns the daily copy off. The folder defaults to "backups" beside the database.
    backup_dir: Path | None = None
    backup_keep: int = Field(default=14, ge=0, le=3650)
    backup_time: str = "02:30"
    # Decree 13/2023: phones, photos and locations are purged this many months after a ticket
    # closes (the ticket stays, anonymised, for the statistics).
    personal_data_months: int = Field(default=12, ge=1, le=120)

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url_shape(cls, value: Any) -> Any:
        return _public_address(value, "expected the public https:// address Telegram posts to")

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url_shape(cls, value: Any) -> Any:
        address = _public_address(value, "expected the https:// address browsers reach the bot at")
        return address.rstrip("/") if address else None

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret_shape(cls, value: Any) -> Any:
        if value in (None, ""):
            return None
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not WEBHOOK_SECRET.fullmatch(text):
            raise ValueError("use 16 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return text

    @field_validator("backup_time")
    @classmethod
    def _backup_time_shape(cls, value: str) -> str:
        try:
            dt.time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("expected a local time such as 02:30") from None
        return value.strip()

    @property
    def backup_folder(self) -> Path:
        return self.backup_dir or self.database.parent / "backups"

    @property
    def backup_at(self) -> dt.time:
        return dt.time.fromisoformat(self.backup_time)

    @property
    def webhook_path(self) -> str:
        """Where the webhook server takes posts: the public URL's path (a reverse proxy
        passes it on unchanged)."""
        assert self.webhook_url is not None
        return urlsplit(self.webhook_url).path or "/"

    @property
    def webhook_token(self) -> str:
        """The header Telegram must send: the set secret, or one derived from the bot token,
        so that a ward need not invent one and it stays the same across restarts."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        assert self.token is not None
        key = self.token.get_secret_value().encode()
        return hmac.new(key, b"webhook", hashlib.sha256).hexdigest()

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        QuietHours.parse(value)  # says what is wrong
        return value

    @property
    def quiet(self) -> QuietHours | None:
        return QuietHours.parse(self.quiet_hours)

    @field_validator("http_token")
    @classmethod
    def _long_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("use a random string of at least 16 characters")
        return value

    @field_validator("token", mode="before")
    @classmethod
    def _token_shape(cls, value: Any) -> Any:
        if value in (None, ""):
            return None
        text = (value.get_secret_value() if isinstance(value, SecretStr) else str(value)).strip()
        head, sep, tail = text.partition(":")
        if not (sep and head.isdigit() and tail):
            raise ValueError("expected the form 123456789:ABC... given by BotFather")
        return text

    @field_validator("api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL such as " + TELEGRAM_API_URL)
        return value.rstrip("/")

    @field_validator("admins", mode="before")
    @classmethod
    def _admins_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return []
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError("expected a JSON list such as [123, 456]") from exc
            parts = [p.strip() for p in text.split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("expected Telegram user ids such as [123, 456] or 123,456")
            return [int(p) for p in parts]
        return value

    @field_validator("default_language")
    @classmethod
    def _language_known(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"expected one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("expected an IANA time zone such as Asia/Ho_Chi_Minh") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level_known(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
        return level

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def file_url(self) -> str:
        """Bot API file URL matching ``api_url`` (``.../bot`` -> ``.../file/bot``)."""
        base, sep, last = self.api_url.rpartition("/")
        return f"{base}/file/{last}" if sep else self.api_url + "/file"


def _public_address(value: Any, problem: str) -> str | None:
    """An https:// address (http:// only on this machine, for trying things out)."""
    if value in (None, ""):
        return None
    url = urlsplit(str(value).strip())
    local = url.hostname in ("127.0.0.1", "localhost", "::1")
    if not url.hostname or not (url.scheme == "https" or (url.scheme == "http" and local)):
        raise ValueError(problem)
    return str(value).strip()


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into one readable line per variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"BOT_{field.upper()}: {message}")
        raise SettingsError("; ".join(lines)) from None
