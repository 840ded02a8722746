"""How a citizen's own requests read: the list under «Yêu cầu của tôi», one request with
what can be done about it now, and its history, each state said in plain words (rule 10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.routing import Routing
from bot.domain.tickets import Status, Ticket, TicketEvent
from bot.handlers.followups.buttons import (
    AddToTicket,
    AnswerOfficial,
    ConfirmWithdraw,
    MyRequests,
    OpenTicket,
    Rate,
    Reopen,
    TicketHistory,
    Withdraw,
)
from bot.html import Html
from bot.i18n import Texts
from bot.ui import keyboards
from bot.ui.text import moment, shorten

SHOWN = 10  # requests in the list; older ones open by typing their code
LIST_BODY = 80
CARD_BODY = 600
HISTORY_SHOWN = 15  # the latest events; a long history says how many came before
NOTE_CHARS = 160
STARS = range(1, 6)
MISSED = ("acknowledge_missed", "resolve_missed")  # their note is the new date promised
# What the citizen reads in the history; other actions (reminders) are the officials' own.
TOLD = {
    "filed", "accepted", "transferred", "reply", "citizen_added", "resolved", "rejected",
    "rated", "commented", "reopened", "acknowledge_missed", "resolve_missed", "withdrawn",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Standing:
    """What a request's card offers now, decided by the services."""

    official_wrote: bool  # an official's message the citizen may answer
    reopen_until: dt.datetime | None  # None: it cannot be reopened (any more)


def _names(texts: Texts, routing: Routing, ticket: Ticket) -> tuple[str, str]:
    department = routing.department(ticket.department)
    category = routing.category(ticket.category)
    return (
        department.name.get(texts.language) if department else "",
        category.name.get(texts.language) if category else ticket.category,
    )


def state(texts: Texts, tz: dt.tzinfo, routing: Routing, ticket: Ticket) -> Html:
    """Where the request stands and what comes next, in words: «Đã giải quyết» alone says
    nothing of whether the citizen still has something to do."""
    department, _ = _names(texts, routing, ticket)
    key = ticket.status.value
    if ticket.status == Status.NEW and ticket.acknowledge_missed:
        key = "new_late"
    return texts(
        f"mine.state.{key}",
        department=department,
        actor=ticket.assignee_name or department,
        ack_due=moment(texts, ticket.acknowledge_due, tz),
        resolve_due=moment(texts, ticket.resolve_due, tz),
        resolved=moment(texts, ticket.resolved_at, tz) if ticket.resolved_at else "",
        rating=ticket.rating or 0,
    )


def status(texts: Texts, ticket: Ticket) -> str:
    return texts.plain(f"ticket.status.{ticket.status.value}")


def mine(
    texts: Texts, tz: dt.tzinfo, routing: Routing, tickets: Sequence[Ticket]
) -> tuple[Html, InlineKeyboardMarkup]:
    """The list, newest first, each request a button to open it."""
    lines = [texts("mine.title")]
    rows: list[list[InlineKeyboardButton]] = []
    for ticket in tickets[:SHOWN]:
        _, category = _names(texts, routing, ticket)
        lines.append(
            texts(
                "mine.line",
                code=ticket.code,
                status=status(texts, ticket),
                category=category,
                state=state(texts, tz, routing, ticket),
                body=shorten(ticket.body, LIST_BODY),
            )
        )
        label = texts.plain("mine.button.open", code=ticket.code, status=status(texts, ticket))
        rows.append([OpenTicket(ticket.id).button(label)])
    if len(tickets) > SHOWN:
        lines.append(texts("mine.older"))
    rows.append([keyboards.back_button(texts)])
    return Html("\n\n").join(lines), InlineKeyboardMarkup(rows)


def card(
    texts: Texts, tz: dt.tzinfo, routing: Routing, ticket: Ticket, standing: Standing
) -> tuple[Html, InlineKeyboardMarkup]:
    """One request whole, with only the actions that apply to it now."""
    department, category = _names(texts, routing, ticket)
    parts = [
        texts(
            "mine.card",
            kind=texts.plain(f"ticket.kind.{ticket.kind}"),
            code=ticket.code,
            category=category,
            department=department,
            status=status(texts, ticket),
            state=state(texts, tz, routing, ticket),
            filed=moment(texts, ticket.created_at, tz),
            body=shorten(ticket.body, CARD_BODY),
        )
    ]
    if ticket.result and ticket.status.has_result:
        parts.append(texts("mine.card.result", result=ticket.result))
    elif ticket.result and ticket.status == Status.REJECTED:
        parts.append(texts("mine.card.reason", result=ticket.result))
    if standing.reopen_until is not None:
        parts.append(
            texts("mine.card.reopen_until", until=moment(texts, standing.reopen_until, tz))
        )
    rows: list[list[InlineKeyboardButton]] = []
    if ticket.status.open:
        add = texts.plain("mine.button.add", code=ticket.code)
        rows.append([AddToTicket(ticket.id).button(add)])
        if standing.official_wrote:
            rows.append([AnswerOfficial(ticket.id).button(texts.plain("ticket.button.answer"))])
    if ticket.status == Status.RESOLVED:
        rows.append(
            [Rate(ticket.id, n).button(texts.plain("ticket.button.stars", n=n)) for n in STARS]
        )
    if standing.reopen_until is not None:
        rows.append([Reopen(ticket.id).button(texts.plain("ticket.button.reopen"))])
    if ticket.status.open:
        rows.append([Withdraw(ticket.id).button(texts.plain("mine.button.withdraw"))])
    rows.append([TicketHistory(ticket.id).button(texts.plain("mine.button.history"))])
    rows.append([MyRequests().button(texts.plain("mine.button.list"))])
    return Html("\n\n").join(parts), InlineKeyboardMarkup(rows)


def history(
    texts: Texts, tz: dt.tzinfo, routing: Routing, ticket: Ticket, events: Sequence[TicketEvent]
) -> tuple[Html, InlineKeyboardMarkup]:
    told = [e for e in events if e.action in TOLD]
    lines = [texts("mine.history.title", code=ticket.code)]
    if len(told) > HISTORY_SHOWN:
        lines.append(texts("mine.history.earlier", n=len(told) - HISTORY_SHOWN))
    for event in told[-HISTORY_SHOWN:]:
        lines.append(
            texts(
                "mine.history.line",
                at=moment(texts, event.at, tz),
                what=_event(texts, tz, routing, event),
            )
        )
    back = OpenTicket(ticket.id).button(texts.plain("mine.button.back_to", code=ticket.code))
    return Html("\n").join(lines), InlineKeyboardMarkup([[back]])


def _event(texts: Texts, tz: dt.tzinfo, routing: Routing, event: TicketEvent) -> Html:
    note = event.note or ""
    if event.action == "transferred":
        department = routing.department(note)
        note = department.name.get(texts.language) if department else ""
    elif event.action in MISSED and note:
        try:
            note = moment(texts, dt.datetime.fromisoformat(note), tz)
        except ValueError:
            note = ""
    key = f"mine.event.{event.action}"
    if not note and event.action in ("reopened", *MISSED):
        key += "_bare"  # recorded before a reason or a new date was kept
    return texts(key, note=shorten(note, NOTE_CHARS))


def withdraw_question(texts: Texts, ticket: Ticket) -> tuple[Html, InlineKeyboardMarkup]:
    """Withdrawing cannot be undone: a second tap says it is meant."""
    rows = [
        [ConfirmWithdraw(ticket.id).button(texts.plain("mine.button.withdraw_yes"))],
        [OpenTicket(ticket.id).button(texts.plain("mine.button.withdraw_no"))],
    ]
    return texts("mine.withdraw_ask", code=ticket.code), InlineKeyboardMarkup(rows)


def after(texts: Texts) -> InlineKeyboardMarkup:
    """Under what a change answers: the list, or the menu."""
    return InlineKeyboardMarkup(
        [
            [MyRequests().button(texts.plain("mine.button.list"))],
            [keyboards.back_button(texts)],
        ]
    )
