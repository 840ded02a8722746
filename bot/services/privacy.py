"""Personal data under Decree 13/2023/NĐ-CP: consent to the notice before a first complaint,
a person's erasure of their data (/xoadulieu), the purge of phones, photos and places some
months after a ticket is finished, and everything held about one person for an admin.

The tickets themselves are kept, nobody's, so the leadership's figures (which count
categories, departments, dates, states and ratings, never people or words) do not change.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.clock import Clock
from bot.domain.privacy import NOTICE_VERSION, Consent, Erased, Holdings, months_before
from bot.domain.tickets import NOBODY, Ticket, ticket_code
from bot.storage.db import Database
from bot.storage.outbox import OutboxRepository, Outgoing
from bot.storage.privacy import PrivacyRepository
from bot.storage.tickets import TicketRepository

log = logging.getLogger(__name__)

PURGE_EVERY = dt.timedelta(hours=1)  # the every-minute job asks; the purge runs hourly
OUTBOX_KEPT_DAYS = 90  # a delivered message is kept this long, for replies to it and retries


async def _nothing() -> None:
    return None


class PrivacyService:
    def __init__(
        self,
        db: Database,
        repository: PrivacyRepository,
        outbox: OutboxRepository,
        tickets: TicketRepository,
        *,
        months: int,
        notes: Callable[[Ticket], Sequence[Outgoing]] = lambda _: (),
        before_erasing: Callable[[], Awaitable[None]] = _nothing,
        forget: Callable[[int], None] = lambda _: None,
    ) -> None:
        """``notes``: what a department is told of an open ticket whose citizen erased their
        data; ``before_erasing`` stores what is waiting to be written about people (so it is
        not written after); ``forget`` drops what memory holds of the person."""
        self._db = db
        self._repository = repository
        self._outbox = outbox
        self._tickets = tickets
        self._clock: Clock = db.clock
        self.months = months
        self._notes = notes
        self._before_erasing = before_erasing
        self._forget = forget
        self._purged_at: dt.datetime | None = None

    # --- consent -------------------------------------------------------------------------

    async def consent(self, user_id: int) -> Consent | None:
        return await self._repository.consent(user_id)

    async def needs_consent(self, user_id: int) -> bool:
        """Never agreed, or agreed to a notice that has changed since."""
        consent = await self._repository.consent(user_id)
        return consent is None or not consent.current

    async def agree(self, user_id: int) -> None:
        """Record, with the time, that the person agreed to the current notice."""
        await self._repository.record_consent(user_id, NOTICE_VERSION)

    # --- erasing -------------------------------------------------------------------------

    async def holdings(self, user_id: int) -> Holdings:
        return await self._repository.holdings(user_id)

    async def erase(self, user_id: int) -> Erased:
        """Erase the person's data in one transaction, telling each department that has one
        of their tickets open that its answers will no longer reach anyone."""
        await self._before_erasing()
        async with self._db.transaction() as conn:
            erased = await self._repository.erase(conn, user_id)
            items: list[Outgoing] = []
            for ticket_id in erased.open_tickets:
                ticket = await self._tickets.get_in(conn, ticket_id)
                if ticket is not None:
                    items += self._notes(ticket)
            if items:
                await self._outbox.enqueue(conn, items)
        self._forget(user_id)
        log.info(
            "personal data erased on request: %d tickets unlinked (%d open), %d follows",
            len(erased.tickets),
            len(erased.open_tickets),
            erased.follows,
        )
        return erased

    # --- the purge -----------------------------------------------------------------------

    async def purge_due(self) -> int:
        """Phones, photos and places of tickets finished ``months`` ago, and the outbox's
        delivered messages after OUTBOX_KEPT_DAYS, at most once an hour (the every-minute
        job asks); how many tickets were purged. A clock moved back runs it again at once."""
        now = self._clock.now()
        last = self._purged_at
        if last is not None and last <= now < last + PURGE_EVERY:
            return 0
        self._purged_at = now
        purged = await self._repository.purge(months_before(now, self.months))
        if purged:
            log.info("personal data purged from %d finished tickets", len(purged))
        # Messages sent long ago: their texts repeat names, phones and complaints.
        forgotten = await self._outbox.purge(OUTBOX_KEPT_DAYS)
        if forgotten:
            log.info(
                "%d delivered messages older than %d days forgotten", forgotten, OUTBOX_KEPT_DAYS
            )
        return len(purged)

    # --- a person's data, for an admin ---------------------------------------------------

    async def owner_of(self, ticket_id: int) -> int | None:
        """Whose ticket it is: ``None`` if there is no such ticket, ``NOBODY`` if its citizen
        erased their data."""
        return await self._repository.owner_of(ticket_id)

    async def export(self, user_id: int) -> dict[str, Any] | None:
        """Everything the bot holds about the person, as JSON-ready data; ``None`` if it
        holds nothing. Officials appear by the name the citizen was shown, never by id."""
        if user_id == NOBODY:
            return None
        repository = self._repository
        profile = await repository.profile(user_id)
        tickets = await repository.tickets(user_id)
        follows = await repository.follows(user_id)
        conversations = await repository.conversations(user_id)
        blocked = await repository.blocked_since(user_id)
        if not (profile or tickets or follows or conversations or blocked):
            return None
        consent = None
        if profile is not None:
            version, at = profile.pop("consent_version"), profile.pop("consent_at")
            if version is not None:
                consent = {"notice_version": version, "agreed_at": at}
            profile["announcements"] = bool(profile["announcements"])
        events: dict[int, list[dict[str, Any]]] = {}
        for event in await repository.events([int(t["id"]) for t in tickets]):
            actor = event.pop("actor_id")
            event["by"] = "you" if actor == user_id else "official" if actor else "bot"
            events.setdefault(int(event.pop("ticket_id")), []).append(event)
        for ticket in tickets:
            ticket["code"] = ticket_code(str(ticket["kind"]), int(ticket["id"]))
            ticket["photos"] = json.loads(str(ticket["photos"]))
            ticket["hide_name"] = bool(ticket["hide_name"])
            ticket["events"] = events.get(int(ticket["id"]), [])
        for conversation in conversations:
            conversation["data"] = json.loads(str(conversation["data"]))
        return {
            "user_id": user_id,
            "exported_at": self._clock.stamp(),
            "profile": profile,
            "consent": consent,
            "blocked_since": blocked,
            "tickets": tickets,
            "dossiers_followed": follows,
            "conversations_in_progress": conversations,
            "kept": {
                "phones_photos_places_months_after_finished": self.months,
            },
        }
