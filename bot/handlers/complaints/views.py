"""How tickets read: the alert officials act on, the updates citizens receive, reminders,
escalations and apologies (what the ticket services send; bot/app.py hands them this).
Officials read the unit's default language; each citizen reads their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.domain.routing import Routing
from bot.domain.tickets import Status, Ticket
from bot.handlers.complaints.buttons import Action, TicketAction
from bot.handlers.followups.buttons import AnswerOfficial, Rate, Reopen
from bot.i18n import I18n, Texts
from bot.services.views import View
from bot.storage.outbox import Buttons
from bot.ui.keyboards import back_key
from bot.ui.text import cut_to_units, moment, shorten

STARS = 5
TOPIC_CHARS = 120  # Telegram's limit for a forum topic's name is 128


class TelegramTicketViews:
    def __init__(
        self, i18n: I18n, tz: dt.tzinfo, procedure_name: Callable[[str], str | None]
    ) -> None:
        self._i18n = i18n
        self._tz = tz
        self._procedure_name = procedure_name  # a question asked from a procedure's card

    @property
    def _officials(self) -> Texts:
        return self._i18n.texts(self._i18n.default_language)

    def _facts(self, texts: Texts, ticket: Ticket, routing: Routing) -> dict[str, object]:
        department = routing.department(ticket.department)
        category = routing.category(ticket.category)
        return {
            "code": ticket.code,
            "kind": texts.plain(f"ticket.kind.{ticket.kind}"),
            "department": department.name.get(texts.language) if department else "",
            "category": category.name.get(texts.language) if category else ticket.category,
            "ack_due": moment(texts, ticket.acknowledge_due, self._tz),
            "resolve_due": moment(texts, ticket.resolve_due, self._tz),
        }

    def _who(self, texts: Texts, ticket: Ticket) -> str:
        if ticket.hide_name:
            return texts.plain("ticket.hidden_name")
        if ticket.phone:
            return texts.plain("ticket.who_phone", name=ticket.citizen_name, phone=ticket.phone)
        return ticket.citizen_name

    def _place(self, texts: Texts, ticket: Ticket) -> str:
        if ticket.address:
            return ticket.address
        if ticket.latitude is not None:
            return texts.plain("ticket.place_pin")
        return texts.plain("ticket.place_none")

    def full_body(self, ticket: Ticket) -> View | None:
        """The whole description, after an alert that could only show its start."""
        if not ticket.body or _alert_body(ticket.body) == ticket.body:
            return None
        return View(self._officials("ticket.alert_full", code=ticket.code, body=ticket.body))

    def alert(self, ticket: Ticket, routing: Routing, here: bool = True) -> View:
        """The department's alert as it stands: its state once someone acted, and only the
        buttons that still make sense (none once it is closed or ``here`` no longer)."""
        texts = self._officials
        facts = self._facts(texts, ticket, routing)
        text = texts(
            "ticket.alert",
            **facts,
            who=self._who(texts, ticket),
            place=self._place(texts, ticket),
            body=_alert_body(ticket.body) or texts.plain("ticket.body_erased"),
        )
        procedure = self._procedure_name(ticket.procedure_code) if ticket.procedure_code else None
        if procedure:
            text = text + "\n" + texts("ticket.alert_about", procedure=procedure)
        if not here:
            return View(text + "\n\n" + texts("ticket.alert_moved", **facts))
        if ticket.status != Status.NEW:
            status = texts.plain(f"ticket.status.{ticket.status.value}")
            state = texts("ticket.alert_state", status=status)
            if ticket.assignee_name:
                state = texts("ticket.alert_state_by", status=status, actor=ticket.assignee_name)
            text = text + "\n\n" + state
        accept = TicketAction(ticket.id, Action.ACCEPT).pair(texts.plain("ticket.button.accept"))
        transfer = TicketAction(ticket.id, Action.TRANSFER).pair(
            texts.plain("ticket.button.transfer")
        )
        resolve = TicketAction(ticket.id, Action.RESOLVE).pair(texts.plain("ticket.button.resolve"))
        reject = TicketAction(ticket.id, Action.REJECT).pair(texts.plain("ticket.button.reject"))
        buttons: Buttons = ()
        if ticket.status == Status.NEW:
            buttons = ((accept, transfer), (resolve, reject))
        elif ticket.status.open:
            buttons = ((transfer,), (resolve, reject))
        return View(text, buttons)

    def acknowledgement(self, ticket: Ticket, routing: Routing) -> View:
        texts = self._i18n.texts(ticket.language)
        return View(
            texts(f"complaint.sent_{ticket.kind}", **self._facts(texts, ticket, routing)),
            ((back_key(texts),),),
        )

    def topic(self, ticket: Ticket, routing: Routing) -> str:
        texts = self._officials
        facts = self._facts(texts, ticket, routing)
        return shorten(f"{ticket.code} · {facts['category']}", TOPIC_CHARS)

    def group_note(
        self, ticket: Ticket, action: str, actor: str, note: str | None, routing: Routing
    ) -> View:
        texts = self._officials
        return View(
            texts(
                f"ticket.note.{action}",
                **self._facts(texts, ticket, routing),
                actor=actor,
                note=note or "",
            )
        )

    def citizen_update(
        self, ticket: Ticket, action: str, note: str | None, routing: Routing
    ) -> View:
        texts = self._i18n.texts(ticket.language)
        text = texts(
            f"ticket.update.{action}",
            **self._facts(texts, ticket, routing),
            actor=ticket.assignee_name or "",
            note=note or "",
        )
        buttons: Buttons = ()
        if action == "resolved":
            buttons = (
                tuple(
                    Rate(ticket.id, n).pair(texts.plain("ticket.button.stars", n=n))
                    for n in range(1, STARS + 1)
                ),
                (Reopen(ticket.id).pair(texts.plain("ticket.button.reopen")),),
            )
        elif action == "reply" and ticket.status.open:
            # Few people know Telegram's swipe-to-reply; a button says how to answer.
            buttons = ((AnswerOfficial(ticket.id).pair(texts.plain("ticket.button.answer")),),)
        return View(text, buttons)

    def reminder(self, ticket: Ticket, which: str) -> View:
        texts = self._officials
        due = ticket.acknowledge_due if which == "acknowledge" else ticket.resolve_due
        return View(
            texts(f"ticket.reminder.{which}", code=ticket.code, due=moment(texts, due, self._tz))
        )

    def escalation(self, ticket: Ticket, which: str, routing: Routing) -> View:
        texts = self._officials
        return View(
            texts(
                f"ticket.escalation.{which}",
                **self._facts(texts, ticket, routing),
                body=shorten(ticket.body, 300) or texts.plain("ticket.body_erased"),
            )
        )

    def apology(self, ticket: Ticket, which: str, new_due: dt.datetime) -> View:
        texts = self._i18n.texts(ticket.language)
        return View(
            texts(
                f"ticket.apology.{which}",
                code=ticket.code,
                kind=texts.plain(f"ticket.kind.{ticket.kind}"),
                due=moment(texts, new_due, self._tz),
            )
        )

    def unlinked(self, ticket: Ticket, routing: Routing) -> View:
        texts = self._officials
        return View(
            texts(
                "ticket.unlinked",
                **self._facts(texts, ticket, routing),
                department_code=ticket.department,
            )
        )


# The alert is edited as the ticket moves on, so it must stay one message (4,096 units with
# its state line): a description longer than this is shown in part, and in full just after.
ALERT_BODY_UNITS = 1500


def _alert_body(body: str) -> str:
    cut = cut_to_units(body, ALERT_BODY_UNITS)
    return body if cut == body else cut.rstrip() + "…"
