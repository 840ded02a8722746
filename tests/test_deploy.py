"""The deployment files say what the bot understands: a renamed setting or a value the bot
would refuse breaks here, not on a ward's server at night."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
FILES = ("env.example", "ubnd-bot.service", "Containerfile", "nginx.conf")


def _variables(text: str) -> set[str]:
    return set(re.findall(r"\bBOT_[A-Z_]+\b", text))


def test_every_variable_the_deploy_files_set_is_a_setting() -> None:
    known = {f"BOT_{name.upper()}" for name in Settings.model_fields}
    for name in FILES:
        unknown = _variables((DEPLOY / name).read_text(encoding="utf-8")) - known
        assert not unknown, f"deploy/{name} names settings the bot does not have: {unknown}"


def test_the_example_settings_load_as_they_are() -> None:
    settings = load_settings(_env_file=DEPLOY / "env.example")
    assert settings.webhook_url and settings.webhook_path == "/telegram/updates"
    assert settings.http_token is not None and settings.backup_keep > 0


def test_the_proxy_passes_the_webhook_path_to_the_port_the_bot_listens_on() -> None:
    settings = load_settings(_env_file=DEPLOY / "env.example")
    proxy = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert f"location = {settings.webhook_path} {{" in proxy
    assert f"proxy_pass http://127.0.0.1:{settings.webhook_port};" in proxy
    container = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert f"EXPOSE {settings.webhook_port}" in container
    assert f"http://127.0.0.1:{settings.http_port}/healthz" in container  # its health check


def test_the_service_keeps_the_database_in_its_state_directory() -> None:
    unit = (DEPLOY / "ubnd-bot.service").read_text(encoding="utf-8")
    assert "StateDirectory=ubnd-bot" in unit
    assert "Environment=BOT_DATABASE=/var/lib/ubnd-bot/bot.sqlite3" in unit
    assert "EnvironmentFile=/etc/ubnd-bot/env" in unit and "Restart=on-failure" in unit
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Running it for a ward" in readme
    for name in FILES:
        assert f"deploy/{name}" in readme, f"README does not tell of deploy/{name}"


def test_the_service_and_the_container_run_the_bytecode_compiled_for_them() -> None:
    """Both start ``python -OO`` (the bot without docstrings), from bytecode compiled when
    installed, since neither may write any at run time."""
    unit = (DEPLOY / "ubnd-bot.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/ubnd-bot/.venv/bin/python -OO -m bot run" in unit
    container = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert 'CMD ["python", "-OO", "-m", "bot", "run"]' in container
    assert "python -OO -m compileall" in container
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-OO -m compileall" in makefile
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make install" in readme
