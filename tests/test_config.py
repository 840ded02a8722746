"""A wrong setting stops start-up with one line naming the variable, and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from tests.conftest import bot_process_env


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("BOT_ADMINS", "[1, 2]", [1, 2]),
        ("BOT_ADMINS", "1, 2", [1, 2]),
        ("BOT_ADMINS", "", []),
    ],
)
def test_admins_accept_json_or_commas(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: list[int]
) -> None:
    monkeypatch.setenv(variable, value)
    assert load_settings(_env_file=None).admins == expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOT_ADMINS", "an, bình"),
        ("BOT_TIMEZONE", "Mars/Olympus"),
        ("BOT_DEFAULT_LANGUAGE", "fr"),
        ("BOT_TOKEN", "not-a-token"),
        ("BOT_API_URL", "api.telegram.org"),
        ("BOT_HTTP_TOKEN", "short"),
        ("BOT_HTTP_PORT", "99999"),
        ("BOT_MAX_LOOKUPS_PER_MINUTE", "0"),
        ("BOT_WEBHOOK_URL", "http://bot.phuong.gov.vn/telegram"),  # Telegram posts to https
        ("BOT_WEBHOOK_URL", "bot.phuong.gov.vn/telegram"),
        ("BOT_WEBHOOK_SECRET", "short"),
        ("BOT_WEBHOOK_SECRET", "có dấu và khoảng trắng 0123456789"),
        ("BOT_WEBHOOK_PORT", "70000"),
        ("BOT_BACKUP_TIME", "25:00"),
        ("BOT_BACKUP_KEEP", "-1"),
        ("BOT_PERSONAL_DATA_MONTHS", "0"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    assert str(info.value).startswith(variable + ":")


def test_token_value_never_appears_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "secret-value-without-colon")
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    assert "secret-value" not in str(info.value)


def test_cli_prints_one_line_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=bot_process_env(BOT_TIMEZONE="Mars/Olympus"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: BOT_TIMEZONE: expected an IANA time zone such as Asia/Ho_Chi_Minh"
    ]


def test_file_url_follows_api_url() -> None:
    settings = load_settings(_env_file=None, api_url="http://127.0.0.1:8081/bot")
    assert settings.file_url == "http://127.0.0.1:8081/file/bot"


def test_webhook_settings_give_the_path_and_a_secret_that_outlives_restarts() -> None:
    settings = load_settings(
        _env_file=None, token="123:ABC", webhook_url="https://bot.phuong.gov.vn/telegram/hook"
    )
    assert settings.webhook_path == "/telegram/hook"
    again = load_settings(
        _env_file=None, token="123:ABC", webhook_url="https://bot.phuong.gov.vn/telegram/hook"
    )
    assert settings.webhook_token == again.webhook_token  # Telegram keeps posting after restarts
    assert "ABC" not in settings.webhook_token and len(settings.webhook_token) >= 32
    other = load_settings(_env_file=None, token="124:ABC", webhook_url="https://x.vn/")
    assert other.webhook_token != settings.webhook_token
    chosen = load_settings(
        _env_file=None, token="123:ABC", webhook_url="https://x.vn/", webhook_secret="s" * 20
    )
    assert chosen.webhook_token == "s" * 20
