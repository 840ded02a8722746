"""The rows the leadership's figures are counted from: tickets filed in a period with what
happened to each, events in a period, dossiers' results and new dates, questions by kind,
and the messages the bot delivered of its own accord. Deciding what counts is the service's."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass

import aiosqlite

from bot.domain.dossiers import DossierStatus
from bot.domain.tickets import Status
from bot.storage.db import Database
from bot.storage.tickets import OPEN, PAST_DUE


def _iso(moment: dt.datetime) -> str:
    """As tickets and dossiers store their times (bot/storage/tickets.py)."""
    return moment.astimezone(dt.UTC).isoformat()


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# Rows a hop to the database's thread for what the figures count: a quarter's in a handful.
_BATCH = 5000
# Whether a resolution deadline was ever missed: the ticket's own flag is cleared by a reopening.
# Only events since ``:start`` are looked at: none of a ticket filed then comes before it.
_RESOLVE_MISSED = (
    "t.id IN (SELECT ticket_id FROM ticket_events WHERE action = 'resolve_missed' AND at >= :start)"
)


@dataclass(frozen=True, slots=True)
class TicketRow:
    id: int
    kind: str
    citizen_name: str
    phone: str | None
    hide_name: bool
    department: str
    category: str
    status: Status
    created_at: dt.datetime
    acknowledge_due: dt.datetime
    acknowledged_at: dt.datetime | None
    resolve_due: dt.datetime
    resolved_at: dt.datetime | None
    rating: int | None


@dataclass(frozen=True, slots=True)
class DossierResult:
    first_result_at: dt.datetime
    first_due_on: dt.date | None  # the date promised at receipt


@dataclass(frozen=True, slots=True)
class DueChange:
    at: dt.datetime
    status: DossierStatus
    due_on: dt.date | None
    before: dt.date | None  # the date promised until then


@dataclass(frozen=True, slots=True)
class TicketTally:
    """Tickets filed in a period that are alike in everything the figures count, and how
    many: the database groups a quarter's thousands of tickets into a few hundred of these."""

    department: str
    category: str
    status: Status
    acknowledged: bool
    acknowledged_by_due: bool  # taken up by its deadline
    acknowledge_missed: bool
    resolved_by_due: bool  # a resolution time by its deadline
    resolve_missed: bool  # a resolution deadline was missed at some point
    past_due: bool  # now, were it open
    rating: int | None
    n: int


@dataclass(frozen=True, slots=True)
class TicketTimes:
    """When a ticket filed in a period was taken up and resolved, for the median times."""

    department: str
    category: str
    status: Status
    created_at: dt.datetime
    acknowledged_at: dt.datetime
    resolved_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class CountedEvent:
    action: str
    department: str  # the ticket's, as it is now
    category: str


class FigureRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def tickets_filed(self, start: dt.datetime, end: dt.datetime) -> list[TicketRow]:
        """The tickets filed in the period, in order, a row each for the spreadsheet."""
        rows = await self._db.fetchall(
            "SELECT id, kind, citizen_name, phone, hide_name, department, category, status,"
            " created_at, acknowledge_due, acknowledged_at, resolve_due, resolved_at, rating"
            " FROM tickets WHERE created_at >= ? AND created_at < ? ORDER BY id",
            (_iso(start), _iso(end)),
        )
        return [
            TicketRow(
                id=r["id"],
                kind=r["kind"],
                citizen_name=r["citizen_name"],
                phone=r["phone"],
                hide_name=bool(r["hide_name"]),
                department=r["department"],
                category=r["category"],
                status=Status(r["status"]),
                created_at=dt.datetime.fromisoformat(r["created_at"]),
                acknowledge_due=dt.datetime.fromisoformat(r["acknowledge_due"]),
                acknowledged_at=_time(r["acknowledged_at"]),
                resolve_due=dt.datetime.fromisoformat(r["resolve_due"]),
                resolved_at=_time(r["resolved_at"]),
                rating=r["rating"],
            )
            for r in rows
        ]

    async def ticket_tallies(
        self, start: dt.datetime, end: dt.datetime, now: dt.datetime
    ) -> list[TicketTally]:
        """The tickets filed in the period, grouped by what the figures count."""
        rows = await self._db.fetchall(
            "SELECT department, category, status, acknowledged, acknowledged_by_due,"
            " acknowledge_missed, resolved_by_due, resolve_missed, past_due, rating,"
            " COUNT(*) AS n FROM ("
            "  SELECT t.department, t.category, t.status,"
            "   t.acknowledged_at IS NOT NULL AS acknowledged,"
            "   COALESCE(t.acknowledged_at <= t.acknowledge_due, 0) AS acknowledged_by_due,"
            "   t.acknowledge_missed,"
            "   COALESCE(t.resolved_at <= t.resolve_due, 0) AS resolved_by_due,"
            f"  {_RESOLVE_MISSED} AS resolve_missed,"
            f"  {PAST_DUE} AS past_due, t.rating"
            "  FROM tickets t WHERE t.created_at >= :start AND t.created_at < :end)"
            " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
            {"start": _iso(start), "end": _iso(end), "now": _iso(now)},
        )
        return [
            TicketTally(
                department=r["department"],
                category=r["category"],
                status=Status(r["status"]),
                acknowledged=bool(r["acknowledged"]),
                acknowledged_by_due=bool(r["acknowledged_by_due"]),
                acknowledge_missed=bool(r["acknowledge_missed"]),
                resolved_by_due=bool(r["resolved_by_due"]),
                resolve_missed=bool(r["resolve_missed"]),
                past_due=bool(r["past_due"]),
                rating=r["rating"],
                n=r["n"],
            )
            for r in rows
        ]

    async def ticket_times(
        self, start: dt.datetime, end: dt.datetime
    ) -> AsyncIterator[TicketTimes]:
        """The tickets filed in the period that were taken up, a batch at a time."""
        rows = self._db.stream(
            "SELECT department, category, status, created_at, acknowledged_at, resolved_at"
            " FROM tickets WHERE created_at >= ? AND created_at < ?"
            " AND acknowledged_at IS NOT NULL",
            (_iso(start), _iso(end)),
            batch=_BATCH,
        )
        async for r in rows:
            yield TicketTimes(
                department=r["department"],
                category=r["category"],
                status=Status(r["status"]),
                created_at=dt.datetime.fromisoformat(r["created_at"]),
                acknowledged_at=dt.datetime.fromisoformat(r["acknowledged_at"]),
                resolved_at=_time(r["resolved_at"]),
            )

    async def ticket_events(
        self, actions: tuple[str, ...], start: dt.datetime, end: dt.datetime
    ) -> list[CountedEvent]:
        """Each such event in the period."""
        marks = ", ".join("?" * len(actions))
        rows = await self._db.fetchall(
            "SELECT e.action, t.department, t.category FROM ticket_events e"
            " JOIN tickets t ON t.id = e.ticket_id"
            f" WHERE e.action IN ({marks}) AND e.at >= ? AND e.at < ?",
            (*actions, _iso(start), _iso(end)),
        )
        return [CountedEvent(r["action"], r["department"], r["category"]) for r in rows]

    async def open_tickets_now(self, now: dt.datetime) -> tuple[int, int]:
        """Every open ticket, and how many are past a deadline, whenever they were filed."""
        row = await self._db.fetchone(
            f"SELECT COUNT(*) AS open, COALESCE(SUM({PAST_DUE}), 0) AS overdue"
            f" FROM tickets t WHERE {OPEN}",
            {"now": _iso(now)},
        )
        return (row["open"], row["overdue"]) if row else (0, 0)

    async def dossiers_received(self, first: dt.date, last: dt.date) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM dossiers WHERE received_on BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        return row["n"] if row else 0

    async def dossier_results(
        self, start: dt.datetime, end: dt.datetime
    ) -> AsyncIterator[DossierResult]:
        """Dossiers whose first result (ready or returned) came in the period, with the date
        promised when they were received."""
        rows = self._db.stream(
            "SELECT r.first_at, (SELECT e.due_on FROM dossier_events e WHERE e.code = r.code"
            "                    AND e.due_on IS NOT NULL ORDER BY e.id LIMIT 1) AS first_due"
            " FROM (SELECT code, MIN(at) AS first_at FROM dossier_events"
            "       WHERE status IN ('result_ready', 'returned') GROUP BY code) AS r"
            " WHERE r.first_at >= ? AND r.first_at < ?",
            (_iso(start), _iso(end)),
            batch=_BATCH,
        )
        async for r in rows:
            yield DossierResult(
                dt.datetime.fromisoformat(r["first_at"]),
                _day(r["first_due"]),
            )

    async def dossier_due_changes(
        self, start: dt.datetime, end: dt.datetime
    ) -> AsyncIterator[DueChange]:
        """Each change in the period that set a later date than the one promised before it
        (the others can give no apology), with that one."""
        rows = self._db.stream(
            "SELECT * FROM (SELECT e.at, e.status, e.due_on, (SELECT p.due_on"
            "  FROM dossier_events p WHERE p.code = e.code AND p.id < e.id"
            "  ORDER BY p.id DESC LIMIT 1) AS before"
            " FROM dossier_events e WHERE e.at >= ? AND e.at < ? AND e.due_on IS NOT NULL)"
            " WHERE due_on > before",
            (_iso(start), _iso(end)),
            batch=_BATCH,
        )
        async for r in rows:
            yield DueChange(
                dt.datetime.fromisoformat(r["at"]),
                DossierStatus(r["status"]),
                _day(r["due_on"]),
                _day(r["before"]),
            )

    async def dossiers_overdue(self, today: dt.date) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM dossiers"
            " WHERE status IN ('received', 'in_progress') AND due_on < ?",
            (today.isoformat(),),
        )
        return row["n"] if row else 0

    async def questions(self, first: dt.date, last: dt.date) -> dict[str, int]:
        rows = await self._db.fetchall(
            "SELECT kind, SUM(n) AS n FROM question_counts WHERE day BETWEEN ? AND ? GROUP BY kind",
            (first.isoformat(), last.isoformat()),
        )
        return {r["kind"]: r["n"] for r in rows}

    async def count_questions(self, counts: Mapping[tuple[str, str, str], int]) -> None:
        """Add (day, kind, language) -> n to the tally, in one transaction."""
        await self._db.write_many(
            "INSERT INTO question_counts (day, kind, language, n) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (day, kind, language) DO UPDATE SET n = n + excluded.n",
            [(*key, n) for key, n in counts.items()],
        )

    async def delivered(
        self, start: dt.datetime, end: dt.datetime, besides: Iterable[int] = ()
    ) -> tuple[int, int]:
        """Messages the bot delivered of its own accord to people (not groups, nor the
        ``besides``: admins) in the period, and to how many. Delivered rows are kept 90 days
        (``OutboxRepository.purge``)."""
        clock = self._db.clock
        excluded = sorted(set(besides))
        marks = ", ".join("?" * len(excluded))
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS messages, COUNT(DISTINCT chat_id) AS people FROM outbox"
            " WHERE state = 'sent' AND done_at >= ? AND done_at < ? AND chat_id > 0"
            f" AND chat_id NOT IN ({marks})",
            (clock.stamp(start), clock.stamp(end), *excluded),
        )
        return (row["messages"], row["people"]) if row else (0, 0)


@dataclass(frozen=True, slots=True)
class Overdue:
    id: int
    kind: str
    due: dt.datetime  # the deadline passed: taking it up, or resolving it


class ReportRepository:
    """Which scheduled reports went out, and the items a report lists."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def sent(self, key: str) -> bool:
        row = await self._db.fetchone("SELECT 1 FROM reports_sent WHERE key = ?", (key,))
        return row is not None

    @staticmethod
    async def mark_sent(conn: aiosqlite.Connection, key: str, at: dt.datetime) -> bool:
        """Record the report inside the transaction that queues it; False if it already was."""
        cursor = await conn.execute(
            "INSERT INTO reports_sent (key, sent_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (key, _iso(at)),
        )
        return cursor.rowcount == 1

    async def most_overdue(self, now: dt.datetime, limit: int) -> list[Overdue]:
        """Open tickets past a deadline, the longest overdue first."""
        rows = await self._db.fetchall(
            "SELECT id, kind, CASE WHEN acknowledged_at IS NULL AND acknowledge_due < resolve_due"
            " THEN acknowledge_due ELSE resolve_due END AS due FROM tickets t"
            f" WHERE {OPEN} AND {PAST_DUE} ORDER BY due LIMIT :limit",
            {"now": _iso(now), "limit": limit},
        )
        return [Overdue(r["id"], r["kind"], dt.datetime.fromisoformat(r["due"])) for r in rows]
