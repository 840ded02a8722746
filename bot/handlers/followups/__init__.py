"""Follow-ups on a filed ticket: «Phản ánh của tôi» and each request there, opened also by
typing its code; adding to it, answering an official (by button or by replying to the bot's
message), rating, reopening with a reason, withdrawing, and its history."""

from __future__ import annotations

from bot.handlers.followups import handlers
from bot.handlers.followups.buttons import (
    AddToTicket,
    AnswerOfficial,
    ConfirmWithdraw,
    MyRequests,
    OpenTicket,
    Rate,
    Reopen,
    SkipComment,
    TicketHistory,
    Withdraw,
)
from bot.handlers.pressing import on_press
from bot.handlers.wiring import OWN_CODES, REPLIES, Wiring
from bot.ui.buttons import MenuEntry


def register(wiring: Wiring) -> None:
    wiring.commands(handlers.mine_command, "mine")
    wiring.menu[MenuEntry.MINE] = handlers.mine_item
    wiring.router.register(handlers.ADD, handlers.added, media=True)
    wiring.router.register(handlers.COMMENT, handlers.commented, media=True)
    wiring.router.register(handlers.REOPEN, handlers.reopen_reason, media=True)
    wiring.text.add(handlers.typed_code, OWN_CODES)
    wiring.text.add(handlers.reply_to_ticket, REPLIES)
    wiring.media.add(handlers.reply_to_ticket, REPLIES)
    for press in (
        on_press(AddToTicket, handlers.add_pressed),
        on_press(AnswerOfficial, handlers.answer_pressed),
        on_press(SkipComment, handlers.skip_pressed),
        on_press(Rate, handlers.rate_pressed),
        on_press(Reopen, handlers.reopen_pressed),
        on_press(MyRequests, handlers.list_pressed),
        on_press(OpenTicket, handlers.open_pressed),
        on_press(TicketHistory, handlers.history_pressed),
        on_press(Withdraw, handlers.withdraw_pressed),
        on_press(ConfirmWithdraw, handlers.withdraw_confirmed),
    ):
        wiring.app.add_handler(press)
