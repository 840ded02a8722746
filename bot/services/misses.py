"""Questions the bot could not answer well, and admins teaching it the answer.

Each question that found nothing, each list where the citizen pressed "none of these", each
answer the bot was not sure of is recorded; ``/misses`` shows them grouped by what was asked
(folded, so "Giấy phép nuôi chó" and "giay phep nuoi cho" are one question asked twice). For
each, an admin picks what it means (the phrase becomes an alias in aliases.yaml: versioned,
applied at once, undoable), writes a new everyday answer (an entry of faq.yaml), or dismisses
it. Once a week admins get the most-asked questions still waiting.

What citizens typed is personal data: it is never logged, and forgotten after
``KEPT_DAYS``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import secrets
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from bot.domain.faq import MAX_PHRASE, FaqEntry
from bot.domain.procedure import ProcedureRef
from bot.search.normalize import fold
from bot.services.answers import ALIASES_FILE, FAQ_FILE, MAX_QUERY, AnswerService, target_of
from bot.services.documents import DocumentService
from bot.services.faq_file import new_entry_id, with_entry
from bot.services.views import View
from bot.storage.db import Database
from bot.storage.misses import GroupRow, MissRepository, MissRow
from bot.storage.outbox import OutboxRepository, Outgoing
from bot.yamldoc import DocumentError, problems_of

log = logging.getLogger(__name__)

WEEKLY_SHOWN = 10
WEEKLY_AT = dt.time(8, 0)  # Monday, local time
KEPT_DAYS = 180
TICKETS_KEPT = 2_000  # questions answered with «↪» choices, remembered until one is pressed
MAX_TICKET = 999_999_999  # a button's number field holds no more

Choice = ProcedureRef | FaqEntry


class MissKind(enum.StrEnum):
    NOTHING = "nothing"  # the search found nothing
    NONE_FIT = "none_fit"  # the citizen pressed "none of these" under a list
    UNSURE = "unsure"  # a list, or a card the bot was not sure of
    OTHER_CHOSEN = "other_chosen"  # the citizen chose a «↪» choice under an outright answer


class MissStatus(enum.StrEnum):
    OPEN = "open"
    TAUGHT = "taught"
    DISMISSED = "dismissed"


class TaughtFile(enum.StrEnum):
    """The file a teaching changed (the undo button names it in one letter)."""

    ALIASES = "a"
    FAQ = "f"

    @property
    def filename(self) -> str:
        return ALIASES_FILE if self is TaughtFile.ALIASES else FAQ_FILE


@dataclass(frozen=True, slots=True)
class MissGroup:
    """One question asked (maybe many times) and not yet handled."""

    id: int  # its newest row: what buttons carry
    query: str  # as the newest asker typed it
    folded: str
    language: str
    kind: MissKind  # the strongest signal among its rows
    asked: int
    last_at: dt.datetime  # aware, UTC


@dataclass(frozen=True, slots=True)
class QueuePage:
    groups: list[MissGroup]
    total: int  # open groups in all
    page: int
    pages: int
    first: int  # the number of the page's first group, from 1


@dataclass(frozen=True, slots=True)
class Taught:
    group: MissGroup
    phrase: str
    file: TaughtFile
    version: int  # of the file, after the teaching
    choice: Choice


class MissHandled(Exception):
    """The question was taught or dismissed already (or is gone)."""


class ChangedSince(Exception):
    """The file changed again after the teaching: undoing it would undo that too."""


class WeeklyView(Protocol):
    def __call__(self, groups: list[MissGroup], total: int, language: str) -> View: ...


def group_key(text: str) -> str:
    """What repeats of one question share: folded words, or (for a script folding drops)
    the lowercased words."""
    return fold(text) or " ".join(unicodedata.normalize("NFC", text).lower().split())


def _phrase(query: str) -> str:
    phrase = " ".join(unicodedata.normalize("NFC", query).split())
    if len(phrase) > MAX_PHRASE:
        phrase = phrase[:MAX_PHRASE].rsplit(" ", 1)[0]
    return phrase


def _moment(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _group(row: GroupRow) -> MissGroup:
    return MissGroup(
        id=row.id,
        query=row.query,
        folded=row.folded,
        language=row.language,
        kind=MissKind(row.kind),
        asked=row.asked,
        last_at=_moment(row.last_at),
    )


class MissService:
    def __init__(
        self,
        db: Database,
        repository: MissRepository,
        outbox: OutboxRepository,
        answers: AnswerService,
        documents: DocumentService,
        *,
        admins: Sequence[int],
        tz: dt.tzinfo,
        language_of: Callable[[int], str],
        weekly_view: WeeklyView,
        counted: Callable[[str], None] = lambda kind: None,
    ) -> None:
        self._db = db
        self._clock = db.clock
        self._repository = repository
        self._outbox = outbox
        self._answers = answers
        self._documents = documents
        self._admins = list(admins)
        self._tz = tz
        self._language_of = language_of
        self._weekly_view = weekly_view
        self._counted = counted  # each miss, by kind, as it happens (the metrics)
        self._lock = asyncio.Lock()  # one teaching at a time: each rewrites a whole file
        self._week_done = ""  # the week whose list went out (or was found sent)
        # Questions answered with «↪» choices, by ticket; a ticket starts anywhere, so that a
        # button from before a restart does not name a question asked after it.
        self._tickets: OrderedDict[int, int | tuple[str, str]] = OrderedDict()
        self._next_ticket = secrets.randbelow(MAX_TICKET) + 1

    async def start(self) -> None:
        """Group the questions stored before they were folded (by an earlier version): once,
        at start-up, not on every look at the queue."""
        await self._repository.fold_missing(group_key)

    # ---------------------------------------------------------------- what citizens asked

    async def record(self, text: str, language: str, kind: MissKind) -> int:
        """A question the bot could not answer well; returns its id (a «none of these»
        button under a list carries it)."""
        query = text[:MAX_QUERY]
        self._counted(kind.value)
        return await self._repository.add(query, group_key(query), language, kind.value)

    async def none_fit(self, miss_id: int) -> bool:
        """The citizen pressed «none of these» under the list recorded as ``miss_id``."""
        self._counted(MissKind.NONE_FIT.value)
        return await self._repository.became(miss_id, MissKind.NONE_FIT.value)

    def offered(self, text: str, language: str, miss: int = 0) -> int:
        """A question answered outright with «↪» choices under it; returns the ticket its
        buttons carry. Only a press stores it (``other_chosen``): until then it is kept in
        memory, the last TICKETS_KEPT, and a restart forgets them. ``miss``: the row already
        recorded for it (an answer the bot was not sure of)."""
        ticket = self._next_ticket
        self._next_ticket = ticket % MAX_TICKET + 1
        self._tickets[ticket] = miss or (text[:MAX_QUERY], language)
        while len(self._tickets) > TICKETS_KEPT:
            self._tickets.popitem(last=False)
        return ticket

    async def other_chosen(self, ticket: int) -> bool:
        """The citizen chose a «↪» choice under the answer given ``ticket``: the answer was not
        what they asked, and the question goes to the admins' queue (once; False if it is
        not remembered)."""
        asked = self._tickets.pop(ticket, None)
        if isinstance(asked, int):
            self._counted(MissKind.OTHER_CHOSEN.value)
            return await self._repository.became(asked, MissKind.OTHER_CHOSEN.value)
        if asked is None:
            return False
        await self.record(*asked, MissKind.OTHER_CHOSEN)
        return True

    # ---------------------------------------------------------------- the admins' queue

    async def queue(self, page: int = 0, per_page: int = 8) -> QueuePage:
        """Open questions, most asked first, then the most recently asked."""
        total = await self._repository.count_groups()
        pages = max(1, -(-total // per_page))
        page = max(0, min(page, pages - 1))
        rows = await self._repository.groups(page * per_page, per_page)
        return QueuePage([_group(r) for r in rows], total, page, pages, page * per_page + 1)

    async def group(self, miss_id: int) -> MissGroup | None:
        """The open question ``miss_id`` belongs to; None once it was handled."""
        row = await self._repository.get(miss_id)
        if row is None or row.status != MissStatus.OPEN:
            return None
        found = await self._repository.group(row.folded)
        return _group(found) if found else None

    async def miss(self, miss_id: int) -> MissRow | None:
        return await self._repository.get(miss_id)

    async def teach(self, miss_id: int, choice: Choice, admin_id: int) -> Taught:
        """The question now means ``choice``: its words become an alias, effective at once.
        Raises MissHandled, or DocumentError if aliases.yaml refuses it."""
        async with self._lock:
            group = await self._open(miss_id)
            phrase = _phrase(group.query)

            def aliases(_: str) -> str:  # from the aliases in use, as they are at the save
                try:
                    return self._answers.alias_yaml(phrase, choice)
                except ValidationError as error:  # a phrase with no letter or digit
                    raise DocumentError(ALIASES_FILE, problems_of(error)) from None

            version = await self._documents.edit(ALIASES_FILE, aliases, admin_id)
            await self._repository.handle(
                group.folded, MissStatus.TAUGHT, admin_id, target_of(choice)
            )
        log.info("miss %d taught as %s by %d", miss_id, target_of(choice), admin_id)
        return Taught(group, phrase, TaughtFile.ALIASES, version, choice)

    async def write_answer(self, miss_id: int, answer: str, admin_id: int) -> Taught:
        """A new everyday answer for the question (faq.yaml), its words the entry's question.
        Raises MissHandled, or DocumentError if faq.yaml refuses it (the admin's text)."""
        async with self._lock:
            group = await self._open(miss_id)
            phrase = _phrase(group.query)
            taken = {e.id for e in self._answers.faq.entries}
            entry_id = new_entry_id(phrase, taken)
            entry = {"id": entry_id, "questions": [phrase], "answer": {"vi": answer.strip()}}
            version = await self._documents.edit(
                FAQ_FILE, lambda text: with_entry(text, entry), admin_id
            )
            made = self._answers.entry(entry_id)
            assert made is not None  # it validated and was applied
            await self._repository.handle(
                group.folded, MissStatus.TAUGHT, admin_id, target_of(made)
            )
        log.info("miss %d answered by the new FAQ entry %s by %d", miss_id, entry_id, admin_id)
        return Taught(group, phrase, TaughtFile.FAQ, version, made)

    async def undo(self, miss_id: int, file: TaughtFile, version: int, admin_id: int) -> int:
        """Back to the file before the teaching, and the question open again; returns the
        file's new version. Raises MissHandled if it is not taught (any more), ChangedSince
        if the file changed after it."""
        async with self._lock:
            row = await self._repository.get(miss_id)
            if row is None or row.status != MissStatus.TAUGHT or row.taught_as is None:
                raise MissHandled(miss_id)
            if self._documents.version(file.filename) != version:
                raise ChangedSince(file.filename)
            restored = await self._documents.restore_previous(file.filename, admin_id)
            await self._repository.reopen(row.folded, row.taught_as)
        log.info("miss %d untaught by %d (%s version %d)", miss_id, admin_id, file, restored)
        return restored

    async def dismiss(self, miss_id: int, admin_id: int) -> MissGroup:
        async with self._lock:
            group = await self._open(miss_id)
            await self._repository.handle(group.folded, MissStatus.DISMISSED, admin_id)
        log.info("miss %d dismissed by %d", miss_id, admin_id)
        return group

    async def _open(self, miss_id: int) -> MissGroup:
        group = await self.group(miss_id)
        if group is None:
            raise MissHandled(miss_id)
        return group

    # ---------------------------------------------------------------- the weekly list

    def week_due(self, now: dt.datetime) -> tuple[str, dt.datetime]:
        """This week's ISO name and when its list is due: Monday at ``WEEKLY_AT``, local."""
        local = now.astimezone(self._tz)
        monday = local.date() - dt.timedelta(days=local.weekday())
        year, week, _ = monday.isocalendar()
        return f"{year}-W{week:02d}", dt.datetime.combine(monday, WEEKLY_AT, tzinfo=self._tz)

    async def send_weekly(self) -> int:
        """From Monday 08:00 local time, once a week (also across restarts; a Monday missed
        while the bot was down is made up later that week): each admin gets the week's
        most-asked questions still open. The first week the bot runs sends nothing: its
        first list is the next Monday's. Returns how many were listed (0 when not due, sent
        already, or nothing waits). Also forgets questions asked over KEPT_DAYS ago."""
        now = self._clock.now()
        week, due = self.week_due(now)
        if now < due or week == self._week_done:
            return 0
        since = self._clock.stamp(due - dt.timedelta(days=7))
        rows = await self._repository.groups(0, WEEKLY_SHOWN, since)
        total = await self._repository.count_groups(since)
        groups = [_group(r) for r in rows]
        async with self._db.transaction() as conn:
            # Not sent before: True; sent: False; None: the bot's first week, whose list is
            # next Monday's (not one at once on the day the bot is installed).
            claimed = await self._repository.claim_week(conn, week)
            if claimed and groups:
                await self._outbox.enqueue(conn, self._weekly_items(week, groups, total))
        self._week_done = week  # the minute's job asks again only next week
        if not claimed:
            return 0
        forgotten = await self._repository.purge(
            self._clock.stamp(now - dt.timedelta(days=KEPT_DAYS))
        )
        log.info("weekly misses %s: %d listed, %d old ones forgotten", week, len(groups), forgotten)
        return len(groups)

    def _weekly_items(self, week: str, groups: list[MissGroup], total: int) -> list[Outgoing]:
        items = []
        for admin in self._admins:
            view = self._weekly_view(groups, total, self._language_of(admin))
            dedupe = f"misses:{week}:{admin}"
            items.append(Outgoing(admin, view.text, buttons=view.buttons, dedupe=dedupe))
        return items


# -------------------------------------------------------------------- a new FAQ entry
