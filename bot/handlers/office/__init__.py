"""The one-stop office's group: officials register dossiers and say what became of them."""

from __future__ import annotations

from telegram.ext import filters

from bot.handlers.office import handlers
from bot.handlers.office.buttons import AddNote, OpenDossier, SetDue, SetStatus, ShowQr
from bot.handlers.pressing import on_press
from bot.handlers.wiring import REPLIES, Wiring


def register(wiring: Wiring) -> None:
    # In a private chat, /hoso and /hs are a citizen's look-up (bot/handlers/dossiers).
    wiring.commands(handlers.command, "hoso", "hs", chats=~filters.ChatType.PRIVATE)
    # Before the officials' group taker: a reply to our prompt is the office's answer.
    wiring.group_text.add(handlers.group_reply, REPLIES)
    for press in (
        on_press(SetStatus, handlers.status_pressed),
        on_press(SetDue, handlers.due_pressed),
        on_press(AddNote, handlers.note_pressed),
        on_press(ShowQr, handlers.qr_pressed),
        on_press(OpenDossier, handlers.open_pressed),
    ):
        wiring.app.add_handler(press)
