"""The bot's account: who it is, how it gets updates, and settings Telegram merely stores."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import ApiError, bad_request
from ..params import Params, int_param
from ..registry import Handler, method, register
from ..webhook import WebhookDelivery

if TYPE_CHECKING:
    from ..server import StandIn

WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")

# Settings the stand-in only remembers (in ``bot_settings``) and answers as Telegram does.
_STORED: dict[str, Any] = {
    "logOut": True,
    "close": True,
    "setMyDescription": True,
    "setMyShortDescription": True,
    "setMyName": True,
    "setChatMenuButton": True,
    "setMyDefaultAdministratorRights": True,
    "pinChatMessage": True,
    "unpinChatMessage": True,
    "unpinAllChatMessages": True,
    "setMessageReaction": True,
    "leaveChat": True,
}
# getMy* -> (the setter whose stored call it reads, the field it returns)
_GETTERS = {
    "getMyDescription": ("setMyDescription", "description"),
    "getMyShortDescription": ("setMyShortDescription", "short_description"),
    "getMyName": ("setMyName", "name"),
}


def _storing(name: str, value: Any) -> Handler:
    async def store(server: StandIn, params: Params) -> Any:
        server.bot_settings[name] = params
        return value

    return store


def _getter(setter: str, field: str) -> Handler:
    async def get(server: StandIn, params: Params) -> Any:
        return {field: str(server.bot_settings.get(setter, {}).get(field, ""))}

    return get


for _name, _value in _STORED.items():
    register(_name, _storing(_name, _value))
for _name, (_setter, _field) in _GETTERS.items():
    register(_name, _getter(_setter, _field))


@method("getMe")
async def get_me(server: StandIn, params: Params) -> Any:
    return {
        **server._bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(server: StandIn, params: Params) -> Any:
    if server.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    timeout = float(params.get("timeout") or 0)
    return await server.updates.fetch(
        offset=int_param(params, "offset") or 0,
        limit=int_param(params, "limit") or 100,
        timeout=timeout,
        allowed=params.get("allowed_updates"),
    )


@method("setWebhook")
async def set_webhook(server: StandIn, params: Params) -> Any:
    url = str(params.get("url") or "")
    secret = params.get("secret_token")
    if secret is not None and not WEBHOOK_SECRET.fullmatch(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    await server.set_webhook(None)
    if url:
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        allowed = params.get("allowed_updates")
        if params.get("drop_pending_updates"):
            server.updates.clear()
        await server.set_webhook(
            WebhookDelivery(
                url, str(secret) if secret else None, frozenset(allowed) if allowed else None
            )
        )
    return True


@method("deleteWebhook")
async def delete_webhook(server: StandIn, params: Params) -> Any:
    await server.set_webhook(None)
    if params.get("drop_pending_updates"):
        server.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(server: StandIn, params: Params) -> Any:
    pending = len(server.updates)
    if server.webhook is not None:
        return server.webhook.info(pending)
    return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}


@method("getChatMenuButton")
async def get_chat_menu_button(server: StandIn, params: Params) -> Any:
    return {"type": "default"}
