"""Announcements: an admin's news to every citizen, and a citizen's way to say no (or yes
again)."""

from __future__ import annotations

from bot.handlers.announcements import handlers
from bot.handlers.announcements.buttons import DropAnnouncement, NoMoreNews, SendAnnouncement
from bot.handlers.pressing import on_press
from bot.handlers.wiring import Wiring


def register(wiring: Wiring) -> None:
    wiring.commands(handlers.command, "announce", "thongbao")
    wiring.commands(handlers.opt, "tatthongbao", "batthongbao", "stopnews", "news")
    wiring.app.add_handler(on_press(SendAnnouncement, handlers.send_pressed))
    wiring.app.add_handler(on_press(DropAnnouncement, handlers.drop_pressed))
    wiring.app.add_handler(on_press(NoMoreNews, handlers.no_more_news))
