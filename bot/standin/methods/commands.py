"""The bot's command lists, kept per scope and language as setMyCommands leaves them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ..params import Params, str_param
from ..registry import method
from ..state import JSON

if TYPE_CHECKING:
    from ..server import StandIn

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def scope_key(scope: Any, language_code: str | None) -> tuple[Any, ...]:
    """What identifies one command list: the scope's type and target, and the language."""
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return (
        scope.get("type", "default"),
        scope.get("chat_id"),
        scope.get("user_id"),
        language_code or "",
    )


def _key(params: Params) -> tuple[Any, ...]:
    return scope_key(params.get("scope"), str_param(params, "language_code"))


@method("setMyCommands")
async def set_my_commands(server: StandIn, params: Params) -> Any:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands is empty")
    stored: list[JSON] = []
    for item in commands:
        if not isinstance(item, dict) or not _COMMAND_RE.fullmatch(str(item.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(item.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        stored.append({"command": item["command"], "description": description})
    key = _key(params)
    if stored:
        server._commands[key] = stored
    else:
        server._commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(server: StandIn, params: Params) -> Any:
    return server._commands.get(_key(params), [])


@method("deleteMyCommands")
async def delete_my_commands(server: StandIn, params: Params) -> Any:
    server._commands.pop(_key(params), None)
    return True
