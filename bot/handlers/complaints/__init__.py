"""Complaints and questions to officials: the citizen's intake (/phananh, «Gửi phản ánh»,
«Hỏi cán bộ») and the department group's side of the alert (its buttons, notes, replies
relayed to the citizen, /link)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.complaints import intake, officials
from bot.handlers.complaints.buttons import (
    Category,
    Consent,
    Continue,
    Duplicate,
    Edit,
    Privacy,
    Send,
    SkipPlace,
    TicketAction,
    TransferTo,
)
from bot.handlers.context import BotContext
from bot.handlers.pressing import on_press
from bot.handlers.wiring import RECOGNISED, Wiring
from bot.ui.buttons import AskOfficial, CancelDraft, MenuEntry


def register(wiring: Wiring) -> None:
    router = wiring.router

    async def cancel_pressed(update: Update, context: BotContext, button: CancelDraft) -> None:
        await intake.cancel_pressed(update, context, button, router)

    wiring.commands(intake.command, "phananh", "complain")
    wiring.commands(officials.link, "link")
    wiring.menu[MenuEntry.COMPLAIN] = intake.complain
    router.register(intake.COMPLAINT, intake.step, media=True)
    # A note or a reply about a ticket; the one-stop office's prompts (REPLIES) are asked first.
    wiring.group_text.add(officials.group_message, RECOGNISED)
    for press in (
        on_press(Consent, intake.consent_chosen),
        on_press(Category, intake.category_chosen),
        on_press(Continue, intake.photos_done),
        on_press(SkipPlace, intake.place_skipped),
        on_press(Privacy, intake.privacy_chosen),
        on_press(Send, intake.send_pressed),
        on_press(Edit, intake.edit_pressed),
        on_press(Duplicate, intake.duplicate_chosen),
        on_press(CancelDraft, cancel_pressed),
        on_press(AskOfficial, intake.ask_official),
        on_press(TicketAction, officials.alert_pressed),
        on_press(TransferTo, officials.transfer_to),
    ):
        wiring.app.add_handler(press)
