"""Figures at the scale of a busy ward's year: does /thongke for a quarter stay quick, and do
the citizens being answered meanwhile notice?

The database is seeded as a year of a busy ward would leave it: 100,000 complaints and
questions with their events (filed, taken up, replies, results, ratings, reopenings, missed
deadlines), 60,000 dossiers with 200,000 changes, 500,000 questions to the bot (counted per
day, as the bot keeps them) and 90 days of delivered messages. Then the bot (a child process)
answers 200 citizens, twelve questions each, in rounds: without reports (the baseline, four
times, whose spread is the noise) and while an admin asks for the quarter's figures again and
again (the button under /thongke). Last, the export of the quarter (/xuatbaocao) is timed.

Prints: /thongke p95 (bar < 2 s); the citizens' p95 with and without reports (bar: within the
baselines' spread); the export's time (bar < 10 s); the database's size; the bot's peak RSS
(bar < 150 MB) and start-up (bar < 3 s).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import our_bot, percentile, run_citizens, standin_for, temp_database
from bot.clock import Clock
from bot.domain.routing import Routing
from bot.standin import StandIn
from bot.standin.state import SentMessage
from bot.storage.db import Database
from bot.yamldoc import parse_document

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 9_100_001
TICKETS = 100_000
DOSSIERS = 60_000
DOSSIER_CHANGES = 200_000
QUESTIONS = 500_000
DELIVERED = 120_000  # the last 90 days of the outbox
QUESTIONS_ASKED = ("đăng ký tạm trú", "thứ 7 phường có làm việc không", "làm căn cước cho con")
ROUND_QUESTIONS = QUESTIONS_ASKED * 4  # long enough for several asks of the figures
ROUNDS = 4


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def stamp(moment: dt.datetime) -> str:
    return Clock().stamp(moment)


def seed(database: Path, now: dt.datetime) -> dict[str, int]:
    """A year of a busy ward, written straight into a database the bot has migrated."""
    departments = ROOT / "bot/data/departments.yaml"
    routing = parse_document(departments.read_text(encoding="utf-8"), Routing, departments.name)
    categories = [(c.code, c.department) for c in routing.categories]
    rng = random.Random(20261130)
    year = dt.timedelta(days=365)
    Row = tuple[object, ...]
    tickets: list[Row] = []
    events: list[Row] = []
    for ticket_id in range(1, TICKETS + 1):
        created = now - year + dt.timedelta(seconds=rng.uniform(0, year.total_seconds()))
        category, department = rng.choice(categories)
        ack_due = created + dt.timedelta(hours=rng.choice((8, 16, 24)))
        resolve_due = created + dt.timedelta(days=rng.choice((5, 10, 14)))
        fate = rng.random()
        acknowledged: dt.datetime | None = created + dt.timedelta(hours=rng.expovariate(1 / 6))
        resolved: dt.datetime | None = created + dt.timedelta(days=rng.expovariate(1 / 5))
        recent = created > now - dt.timedelta(days=12)
        rating: int | None = rng.choices((1, 2, 3, 4, 5), (5, 5, 10, 35, 45))[0]
        status = "closed"
        if recent and fate < 0.5:
            status, resolved, rating = ("new" if fate < 0.2 else "accepted"), None, None
        elif fate < 0.25:
            status, rating = "resolved", None
        elif fate < 0.28:
            status, rating = "rejected", None
        elif fate < 0.30:
            status, resolved, rating = "withdrawn", None, None
        if status == "new":
            acknowledged = None
        missed_on = None
        if status in ("new", "accepted") and resolve_due <= now:
            # As the bot left it: the citizen was told of the miss and given a later date.
            missed_on, resolve_due = resolve_due, now + dt.timedelta(days=rng.choice((1, 2, 3)))
        tickets.append((
            ticket_id, "complaint" if rng.random() < 0.8 else "question", 700_000 + ticket_id,
            700_000 + ticket_id, category, department, status,
            f"Phản ánh số {ticket_id}: rác thải, đèn đường, tiếng ồn ở ngõ {ticket_id % 300}.",
            f"Dân {ticket_id}", "vi", iso(created), iso(ack_due), iso(resolve_due),
            iso(acknowledged) if acknowledged else None, iso(resolved) if resolved else None,
            rating, int(acknowledged is None or acknowledged > ack_due),
            int(resolved is None or resolved > resolve_due),
        ))  # fmt: skip
        events.append((ticket_id, iso(created), None, "filed", None))
        if acknowledged is not None:
            events.append((ticket_id, iso(acknowledged), 1, "accepted", None))
            events.append((ticket_id, iso(acknowledged), 1, "reply", "Cán bộ đã xem."))
        if acknowledged is not None and acknowledged > ack_due:
            events.append((ticket_id, iso(ack_due), None, "acknowledge_missed", None))
        if missed_on is not None:
            events.append((ticket_id, iso(missed_on), None, "resolve_missed", None))
        if resolved is not None:
            if resolved > resolve_due:
                events.append((ticket_id, iso(resolve_due), None, "resolve_missed", None))
            events.append((ticket_id, iso(resolved), 1, "resolved", "Đã xử lý xong."))
            if rating is not None:
                events.append((ticket_id, iso(resolved), None, "rated", str(rating)))
            if rng.random() < 0.03:
                events.append((ticket_id, iso(resolved), None, "reopened", "Chưa ổn."))
    dossiers: list[Row] = []
    changes: list[Row] = []
    statuses = ("received", "in_progress", "result_ready", "returned")
    per_dossier = DOSSIER_CHANGES // DOSSIERS
    extra = DOSSIER_CHANGES - per_dossier * DOSSIERS
    for n in range(DOSSIERS):
        code = f"000.00.12.H26-{n:06d}"
        received = now - year + dt.timedelta(seconds=rng.uniform(0, year.total_seconds()))
        due = (received + dt.timedelta(days=rng.choice((3, 5, 7, 15)))).date()
        steps = per_dossier + (1 if n < extra else 0)
        at = received
        for step in range(steps):
            status = statuses[min(step, len(statuses) - 1)]
            late = step == 1 and rng.random() < 0.1
            if late:
                due = due + dt.timedelta(days=3)
            changes.append((code, iso(at), status, due.isoformat(), None, "csv", "bench"))
            at = at + dt.timedelta(days=rng.expovariate(1 / 2))
        dossiers.append((
            code, "ABCD1234", "1.004194", received.date().isoformat(), due.isoformat(),
            statuses[min(steps - 1, len(statuses) - 1)], iso(at),
        ))  # fmt: skip
    counts: dict[tuple[str, str, str], int] = {}
    kinds = ("card", "faq", "choices", "elsewhere", "nothing")
    for _ in range(QUESTIONS):
        day = (now - dt.timedelta(days=rng.randrange(365))).date().isoformat()
        key = (day, rng.choices(kinds, (50, 20, 20, 2, 8))[0], rng.choice(("vi", "vi", "en")))
        counts[key] = counts.get(key, 0) + 1
    outbox: list[Row] = []
    for n in range(DELIVERED):
        done = now - dt.timedelta(seconds=rng.uniform(0, 90 * 86400))
        outbox.append((
            700_000 + rng.randrange(TICKETS), "text", '{"text": "tin"}', f"ticket:{n}",
            stamp(done), "sent", stamp(done), stamp(done),
        ))  # fmt: skip
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO tickets (id, kind, user_id, chat_id, category, department, status, body,"
            " citizen_name, language, created_at, acknowledge_due, resolve_due, acknowledged_at,"
            " resolved_at, rating, acknowledge_missed, resolve_missed, acknowledge_reminded,"
            " resolve_reminded)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)",
            tickets,
        )
        db.executemany(
            "INSERT INTO ticket_events (ticket_id, at, actor_id, action, note)"
            " VALUES (?, ?, ?, ?, ?)",
            events,
        )
        db.executemany(
            "INSERT INTO dossiers (code, check_value, procedure_code, received_on, due_on,"
            " status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            dossiers,
        )
        db.executemany(
            "INSERT INTO dossier_events (code, at, status, due_on, note, source, actor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            changes,
        )
        db.executemany(
            "INSERT INTO question_counts (day, kind, language, n) VALUES (?, ?, ?, ?)",
            [(*key, n) for key, n in counts.items()],
        )
        db.executemany(
            "INSERT INTO outbox (chat_id, kind, payload, ref, next_at, state, created_at,"
            " done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            outbox,
        )
    return {
        "tickets": len(tickets),
        "ticket events": len(events),
        "dossiers": len(dossiers),
        "dossier changes": len(changes),
        "questions": sum(counts.values()),
        "delivered messages": len(outbox),
    }


async def _migrate(database: Path) -> None:
    async with Database(database):
        pass


async def figures_shown(standin: StandIn) -> SentMessage:
    """The admin's /thongke, whose period buttons are pressed from then on."""
    admin = standin.user(ADMIN, "Quản trị")
    await admin.send("/thongke")
    shown = await admin.next_message(120)
    while not shown.plain.startswith("📊 Số liệu"):
        shown = await admin.next_message(120)
    return shown


async def reports_meanwhile(
    standin: StandIn, shown: SentMessage, stop: asyncio.Event, took: list[float]
) -> None:
    """The admin asks for the quarter's figures again and again, pressing its button under
    this week's figures, until the citizens are done."""
    admin = standin.user(ADMIN, "Quản trị")
    while not stop.is_set():
        began = time.monotonic()
        await admin.press("📈 Quý này", shown)
        while True:
            reply = await admin.next_message(120)
            if reply.plain.startswith("📊 Số liệu") and "Quý này" in reply.plain:
                break
        took.append(reply.at - began)


async def chart_kept(standin: StandIn, folder: Path) -> Path:
    """The quarter's chart as the admin got it, kept beside the database to be looked at."""
    admin = standin.user(ADMIN, "Quản trị")
    for message in reversed(admin.messages):
        if message.kind == "photo" and message.plain.startswith("📊 Quý này"):
            kept = folder / "quarter-chart.png"
            kept.write_bytes(message.file_bytes or b"")
            return kept
    raise LookupError("no chart of the quarter arrived")


async def exported(standin: StandIn) -> tuple[float, int]:
    admin = standin.user(ADMIN, "Quản trị")
    await admin.send("/xuatbaocao")
    which = await admin.next_message(60)
    while not which.plain.startswith("Mời chọn kỳ báo cáo"):  # past the overdue alerts
        which = await admin.next_message(60)
    began = time.monotonic()
    await admin.press("📈 Quý này", which)
    while True:
        sent = await admin.next_message(120)
        if sent.kind == "document":
            return sent.at - began, len(sent.file_bytes or b"")


async def main(citizens: int) -> int:
    database = temp_database()
    now = dt.datetime.now(dt.UTC)
    began = time.monotonic()
    await _migrate(database)
    seeded = seed(database, now)
    print(
        f"seeded in {time.monotonic() - began:.1f} s: "
        + ", ".join(f"{n:,} {what}" for what, n in seeded.items()),
        flush=True,
    )
    bot = our_bot(database, 100_000.0, BOT_ADMINS=str(ADMIN))
    baselines: list[float] = []
    loaded: list[float] = []
    reports: list[float] = []
    async with standin_for(False) as standin:
        await bot.start(standin)
        try:
            await run_citizens(standin, 1, 1, QUESTIONS_ASKED)  # warm
            print(f"  peak RSS once serving: {bot.peak_rss_mb():.1f} MB", flush=True)
            shown = await figures_shown(standin)
            first = 10_000
            for round_ in range(ROUNDS):
                latencies, _, _ = await run_citizens(standin, first, citizens, ROUND_QUESTIONS)
                baselines.append(percentile(latencies, 95))
                first += citizens
                stop = asyncio.Event()
                took: list[float] = []
                asking = asyncio.create_task(reports_meanwhile(standin, shown, stop, took))
                latencies, _, _ = await run_citizens(standin, first, citizens, ROUND_QUESTIONS)
                stop.set()
                await asking
                loaded.append(percentile(latencies, 95))
                reports.extend(took)
                first += citizens
                print(
                    f"  round {round_ + 1}: citizens' p95 {baselines[-1] * 1000:.0f} ms alone,"
                    f" {loaded[-1] * 1000:.0f} ms while /thongke ran {len(took)} times",
                    flush=True,
                )
            print(f"  peak RSS after the rounds: {bot.peak_rss_mb():.1f} MB", flush=True)
            print(f"  the quarter's chart: {await chart_kept(standin, database.parent)}")
            export_s, export_bytes = await exported(standin)
            rss = bot.peak_rss_mb()
        finally:
            await bot.stop()
    size_mb = database.stat().st_size / 2**20
    report_p95 = percentile(reports, 95)
    spread = max(baselines) - min(baselines)
    within = statistics.median(loaded) <= max(baselines) + spread
    print()
    print(
        f"/thongke for a quarter: p95 {report_p95:.2f} s over {len(reports)} asks,"
        f" median {statistics.median(reports):.2f} s (bar p95 < 2 s:"
        f" {'ok' if report_p95 < 2 else 'MISSED'})"
    )
    print(
        f"citizens' p95: {statistics.median(loaded) * 1000:.0f} ms with reports,"
        f" {statistics.median(baselines) * 1000:.0f} ms without (baselines"
        f" {', '.join(f'{b * 1000:.0f}' for b in baselines)} ms; spread {spread * 1000:.0f} ms);"
        f" ratio {statistics.median(loaded) / statistics.median(baselines):.2f}"
        f" (bar: within the spread: {'ok' if within else 'MISSED'})"
    )
    print(
        f"export of the quarter: {export_s:.2f} s, {export_bytes / 1024:.0f} KB"
        f" (bar < 10 s: {'ok' if export_s < 10 else 'MISSED'})"
    )
    print(f"database: {size_mb:.1f} MB")
    rss_ok, startup_ok = rss < 150, bot.startup_s < 3
    print(
        f"our peak RSS {rss:.1f} MB (bar < 150: {'ok' if rss_ok else 'MISSED'}),"
        f" start-up {bot.startup_s:.2f} s (bar < 3: {'ok' if startup_ok else 'MISSED'})"
    )
    good = report_p95 < 2 and within and export_s < 10 and rss_ok and startup_ok
    return 0 if good else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--citizens", type=int, default=200)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.citizens)))
