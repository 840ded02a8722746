"""Dossier statuses from every source (officials, the one-stop software's CSV, the HTTP
endpoint) through one door, and everyone following a dossier told of each change.

A change, its history line and its notifications commit together; applying the same change
twice changes nothing and tells no one twice, so a CSV can be imported again safely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from bot.domain.dossiers import (
    Dossier,
    DossierChange,
    DossierStatus,
    checks_match,
    new_check_value,
    new_date_given,
)
from bot.domain.quiet import QuietHours
from bot.domain.workcalendar import WorkCalendar
from bot.html import Html
from bot.services.dossier_import import Refusal, parse_csv
from bot.services.views import NotAllowed, View
from bot.storage.db import Database
from bot.storage.dossiers import DossierRepository
from bot.storage.outbox import OutboxRepository, Outgoing


class DossierViews(Protocol):
    """What followers are told; bot/handlers/dossiers/views.py renders it in their language."""

    def card(self, dossier: Dossier, language: str) -> Html: ...

    def update(self, dossier: Dossier, before: Dossier, language: str, late: bool) -> View: ...

    def overdue(self, late: list[Dossier], today: dt.date) -> View: ...


@dataclass(frozen=True, slots=True)
class Applied:
    dossier: Dossier
    outcome: str  # created | changed | unchanged
    told: int  # followers a notification was written for
    apology: bool = False  # what they were told was an apology for a missed date


@dataclass
class ImportReport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    told: int = 0
    refused: list[Refusal] = field(default_factory=list)


def ref_of(code: str) -> str:
    return f"dossier:{code}"


class DossierService:
    def __init__(
        self,
        db: Database,
        repository: DossierRepository,
        outbox: OutboxRepository,
        views: DossierViews,
        language_of: Callable[[int], str],
        tz: dt.tzinfo,
        quiet: QuietHours | None = None,
        office: Callable[[], list[int]] = list,
        calendar: Callable[[], WorkCalendar] | None = None,
    ) -> None:
        self._db = db
        self._repository = repository
        self._outbox = outbox
        self._views = views
        self._language_of = language_of
        self._tz = tz
        self._quiet = quiet  # a status can wait for the morning
        self._clock = db.clock
        self._office = office  # the one-stop office's group (the admins while it has none)
        self._calendar = calendar  # the office's working days and hours

    def today(self) -> dt.date:
        return self._clock.now().astimezone(self._tz).date()

    def card(self, dossier: Dossier, language: str) -> Html:
        """What a look-up shows: status and dates, nothing about the person."""
        return self._views.card(dossier, language)

    async def get(self, code: str) -> Dossier | None:
        return await self._repository.get(code)

    async def history(self, code: str) -> list[tuple[dt.datetime, DossierStatus, str | None]]:
        return await self._repository.history(code)

    async def apply(self, change: DossierChange, source: str, actor: str | None) -> Applied:
        """The one door for every source: create or change the dossier, keep the history,
        and write a notification for each follower, all in one transaction."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            before = await self._repository.get_in(conn, change.code)
            after = self._after(before, change, now)
            if before is not None and _same(before, after):
                return Applied(before, "unchanged", 0)
            await self._repository.put(conn, after)
            event = await self._repository.add_event(conn, after, source, actor)
            if before is None:
                return Applied(after, "created", 0)
            followers = await self._repository.followers_in(conn, after.code)
            late = self._late(before, after)
            hold = self._quiet.wait_until(now, self._tz) if self._quiet else None
            items = []
            for user_id in followers:
                view = self._views.update(after, before, self._language_of(user_id), late)
                items.append(
                    Outgoing(
                        user_id,
                        view.text,
                        ref=ref_of(after.code),
                        buttons=view.buttons,
                        dedupe=f"d:{after.code}:{event}:{user_id}",
                        not_before=hold,
                    )
                )
            await self._outbox.enqueue(conn, items)
        return Applied(after, "changed", len(items), late)

    async def import_csv(self, data: bytes, name: str, actor: str) -> ImportReport:
        """The one-stop software's export: every readable row applied (a row already as the
        file says changes nothing, so a file can be imported again), the others refused."""
        parsed = parse_csv(data, name)
        report = ImportReport(refused=parsed.problems)
        for _, change in parsed.changes:
            applied = await self.apply(change, "csv", actor)
            setattr(report, applied.outcome, getattr(report, applied.outcome) + 1)
            report.told += applied.told
        return report

    def _after(self, before: Dossier | None, change: DossierChange, now: dt.datetime) -> Dossier:
        if before is None:
            return Dossier(
                code=change.code,
                check_value=change.check_value or new_check_value(),
                procedure_code=change.procedure_code,
                received_on=change.received_on or self.today(),
                due_on=change.due_on,
                status=change.status,
                note=change.note,
                updated_at=now,
            )
        # A note belongs to the status it came with: a new status without one clears it.
        note = change.note
        if change.status == before.status and change.note is None:
            note = before.note
        return replace(
            before,
            procedure_code=change.procedure_code or before.procedure_code,
            received_on=change.received_on or before.received_on,
            due_on=change.due_on or before.due_on,
            status=change.status,
            note=note,
            updated_at=now,
        )

    def _late(self, before: Dossier, after: Dossier) -> bool:
        """The promised date had passed without a result and the office set a new one: the
        citizen is owed an apology with it (rule 7), once, with this change."""
        return new_date_given(before.due_on, after.due_on, after.status, self.today())

    async def remind_overdue(self) -> int:
        """Once a working day, in office hours, the office hears of each dossier past its date
        without a result: the citizen's apology goes out when they set a new date (rule 7).
        Returns how many dossiers were in the reminder."""
        now = self._clock.now()
        if self._calendar is not None and not self._calendar().is_working_time(now):
            return 0
        today = self.today()
        async with self._db.transaction() as conn:
            late = await self._repository.overdue_unreminded(conn, today)
            if not late:
                return 0
            view = self._views.overdue(late, today)
            items = [Outgoing(chat, view.text, buttons=view.buttons) for chat in self._office()]
            await self._outbox.enqueue(conn, items)
        return len(late)

    async def follow(self, code: str, check: str, user_id: int) -> tuple[Dossier, bool]:
        """Follow with the receipt's check value; (dossier, newly followed)."""
        dossier = await self._repository.get(code)
        if dossier is None:
            raise NotAllowed("unknown")
        if not checks_match(dossier.check_value, check):
            raise NotAllowed("wrong_check")
        return dossier, await self._repository.follow(code, user_id, self._clock.now())

    async def unfollow(self, code: str, user_id: int) -> bool:
        return await self._repository.unfollow(code, user_id)

    async def follows(self, code: str, user_id: int) -> bool:
        return await self._repository.follows(code, user_id)


def _same(before: Dossier, after: Dossier) -> bool:
    return replace(after, updated_at=before.updated_at) == before
