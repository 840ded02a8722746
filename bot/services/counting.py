"""The leadership's figures counted in a child process, ``python -m bot.services.counting``.

A quarter's figures are some 0.7 s of work, most of it in SQLite. Inside the bot, every row
the database hands over needs the interpreter lock back from the event loop, which a busy
ward keeps busy answering citizens: a quarter's figures took 2.5 s there. A child has a lock
of its own. It is given what it counts with (the database, the period, the moment, the
calendar) and gives the figures back, pickled: both ends are this program."""

from __future__ import annotations

import asyncio
import datetime as dt
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.domain.figures import Depth, Figures, Period
from bot.domain.workcalendar import WorkCalendar
from bot.services.figures import FigureService
from bot.storage.db import Database
from bot.storage.figures import FigureRepository

PICKLED = b"\x80"  # how a pickle begins (protocol 2 and later)


@dataclass(frozen=True, slots=True)
class Ask:
    database: Path
    period: Period
    now: dt.datetime
    before: Depth
    calendar: WorkCalendar
    admins: tuple[int, ...]


def asked(ask: Ask) -> bytes:
    return pickle.dumps(ask, protocol=pickle.HIGHEST_PROTOCOL)


def answered(data: bytes) -> tuple[Figures, Figures]:
    counted: tuple[Figures, Figures] = pickle.loads(data)
    return counted


async def _count(ask: Ask) -> tuple[Figures, Figures]:
    async with Database(ask.database, Clock()) as db:
        figures = FigureService(FigureRepository(db), db.clock, lambda: ask.calendar, ask.admins)
        return await figures.count(ask.period, ask.now, ask.before)


def main() -> None:
    ask = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(asyncio.run(_count(ask)), pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
