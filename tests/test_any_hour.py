"""The suite's time-sensitive tests again, with every clock of the bot started at a night, a
Sunday noon and Tết: a decision that reads a clock other than bot.clock (SQLite's 'now', the
wall clock, the date of the machine) fails one of these while passing today.

Each moment runs in a fresh interpreter (``pytest --clock-at``), so the clocks of the tests
around this one are not touched. ``make test-clocks`` runs the whole suite so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Modules whose tests decide something by the time: deadlines, quiet hours, working days,
# dossier due dates, retries and purges of the outbox, greetings by the hour.
TIME_SENSITIVE = [
    "tests/test_workcalendar.py",
    "tests/test_complaints.py",
    "tests/test_dossiers.py",
    "tests/test_dossier_office.py",
    "tests/test_outbox.py",
    "tests/test_defects.py",
    "tests/test_greeting.py",
    "tests/test_misses.py",  # local times in the queue, the weekly list on Monday 08:00
    "tests/test_privacy.py",  # consent's time, the purge months after a ticket is finished
]
MOMENTS = {
    "night": "2026-12-02T02:00:00+07:00",  # a Wednesday, 02:00 in Hà Nội
    "sunday": "2026-12-06T12:00:00+07:00",
    "tet": "2027-02-06T23:30:00+07:00",  # Tết's eve, late
}
_NESTED = "UBND_TEST_ANY_HOUR"


@pytest.mark.timeout(900)
@pytest.mark.skipif(bool(os.environ.get(_NESTED)), reason="already inside a clock run")
@pytest.mark.parametrize("moment", MOMENTS.values(), ids=list(MOMENTS))
def test_time_sensitive_tests_pass_at(moment: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-x",
            "--clock-at",
            moment,
            *TIME_SENSITIVE,
        ],
        cwd=ROOT,
        env={**os.environ, _NESTED: "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"with the clock at {moment}:\n{result.stdout[-4000:]}"


def test_only_the_clock_reads_the_time() -> None:
    """Every decision about time goes through bot.clock: no SQL asks SQLite for 'now', no
    module but the clock asks the machine."""
    readers = []
    for path in sorted((ROOT / "bot").rglob("*")):
        if path.suffix not in (".py", ".sql") or "standin" in path.parts:
            continue
        if path.name == "clock.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("--" if path.suffix == ".sql" else "#", 1)[0]  # not comments
            if any(
                needle in code
                for needle in (
                    "'now'",
                    "CURRENT_TIMESTAMP",
                    "CURRENT_DATE",
                    "datetime.now(",
                    "date.today(",
                    "time.time(",
                )
            ):
                readers.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert readers == []
