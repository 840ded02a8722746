"""A loopback Telegram Bot API server ("stand-in") and simulated people, for end-to-end tests.

The real bot runs unchanged against it by long polling; tests act as citizens and staff
through :class:`UserSim` and :class:`GroupSim` and read what the bot sent as
:class:`SentMessage` objects. Nothing leaves 127.0.0.1.

    async with StandIn(token="123456:TEST") as standin:
        app = (Application.builder().token(standin.token)
               .base_url(standin.api_url).base_file_url(standin.file_url).build())
        ...  # start app and updater.start_polling(poll_interval=0.0, timeout=1)
        lan = standin.user(1001, "Lan")
        menu = await lan.reply("/start")
        edited = await lan.click("Có")
"""

from .limits import Limits
from .markup_check import MarkupError
from .server import ApiError, StandIn, Upload
from .sims import GroupSim, UserSim
from .state import ApiCall, SentMessage

__all__ = [
    "ApiCall",
    "ApiError",
    "GroupSim",
    "Limits",
    "MarkupError",
    "SentMessage",
    "StandIn",
    "Upload",
    "UserSim",
]
