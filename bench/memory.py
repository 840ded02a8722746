"""What the bot's memory is made of, and its peak RSS (bar: at most 110 MB).

1. Imports. Each heavy module imported alone in a fresh interpreter (one child each, so what
   modules share is not hidden), then all of them in dependency order in one child: what each
   adds on top of those before it, and the process's RSS then; and all of them under
   ``python -OO``, as the service runs the bot: what the docstrings weigh.
2. Start-up, in a child: RSS after ``import bot.app``, then after ``open_services`` on a
   throwaway database holding the shipped ward catalogue (as bench/search_quality.py builds
   it). Every question of tests/data/questions.yaml is then answered, each card opened as a
   reply opens it. The data is broken down by structure, then the caches: a structure's size
   is every object reachable from it (``sys.getsizeof``; a numpy array with its buffer), each
   object counted once, for the first structure listed that reaches it. The allocators' state
   (Python's arenas, glibc's heap) shows what fragmentation and freed memory cost besides.
   A second child traces start-up with tracemalloc: what is alive by the file that allocated
   it (which reaches what no service holds), and the peak of Python allocations. Modules only
   rare paths need (a chart, a spreadsheet, a QR code...) are listed if start-up loaded them.
3. The bot itself as a ward's service starts it (``python -OO -m bot run``, no docstrings;
   deploy/ubnd-bot.service), against the stand-in: RSS once serving, then after citizens
   asked every question of tests/data/questions.yaml and the bot took the day's backup (due
   at once). Its peak (VmHWM) is the figure the bar is for, as in the other benches. The
   same with plain python follows, for comparison.

Runs in under a minute. Exit status 0 when the peak is within the bar.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import subprocess
import sys
import tempfile
import time
import types
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
BAR_MB = 110.0
MB = 1024 * 1024
CITIZENS = 50  # asking the questions at once, each a share of them in turn

# In dependency order: each row's cumulative figure adds to the rows above it.
HEAVY = (
    "numpy",
    "rapidfuzz",
    "yaml",
    "pydantic.main",
    "pydantic_settings",
    "aiosqlite",
    "babel.dates",
    "aiohttp",
    "aiohttp.web",
    "httpx",
    "telegram",
    "telegram.ext",
    "bot.config",
    "bot.search.index",
    "bot.services.answers",
    "bot.handlers.context",
    "bot.http_api",
    "bot.app",
)
# Only rare paths need these; bot/ui/chart.py and the report's child process import the first
# two, which the bot process itself must never hold.
RARE = ("matplotlib", "openpyxl", "segno", "PIL", "aiohttp.web", "prometheus_client")

_STATUS = re.compile(r"^(VmRSS|VmHWM):\s+(\d+) kB", re.MULTILINE)


def status(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM (the peak) in MB."""
    text = Path(f"/proc/{pid}/status").read_text()
    return {key: int(kb) / 1024 for key, kb in _STATUS.findall(text)}


def rss() -> float:
    return status()["VmRSS"]


# --------------------------------------------------------------------------------- imports

_IMPORTER = """
import sys
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
print(f"bare {rss():.2f}", flush=True)
for name in sys.argv[1:]:
    __import__(name)
    print(f"{name} {rss():.2f}", flush=True)
"""


def _import_child(names: Iterable[str], *options: str) -> list[tuple[str, float]]:
    run = subprocess.run(
        [sys.executable, *options, "-c", _IMPORTER, *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return [(name, float(mb)) for name, mb in (line.split() for line in run.stdout.splitlines())]


def imports() -> None:
    print("== 1. imports (MB): alone and as each adds in order, above a bare interpreter")
    with ThreadPoolExecutor(max_workers=2) as pool:
        alone = dict(zip(HEAVY, pool.map(lambda name: _import_child([name]), HEAVY), strict=True))
        together = _import_child(HEAVY)
        optimized = _import_child(HEAVY, "-OO")
    bare = together[0][1]
    print(f"   bare interpreter: {bare:.1f} MB")
    print(f"   {'module':<24}{'alone':>8}{'adds, in order':>16}{'RSS then':>10}")
    before = bare
    for name, total in together[1:]:
        only = alone[name][-1][1] - alone[name][0][1]
        print(f"   {name:<24}{only:8.1f}{total - before:16.1f}{total:10.1f}")
        before = total
    lean = optimized[-1][1]
    print(
        f"   all of them under python -OO, as the service runs the bot: {lean:.1f} MB"
        f" (the docstrings: {before - lean:.1f} MB)"
    )


# --------------------------------------------------------------------------------- start-up

_STOP = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.CodeType)


class Sizer:
    """Deep sizes, each object counted once, for the first structure that reaches it."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.rows: list[tuple[str, int]] = []

    def exclude(self, *objects: object) -> None:
        """What is no data structure's own (the settings, the services' shells...)."""
        self.seen.update(id(o) for o in objects)

    def size(self, *objects: object) -> int:
        import numpy as np

        total = 0
        stack = list(objects)
        while stack:
            obj = stack.pop()
            if id(obj) in self.seen or isinstance(obj, _STOP):
                continue
            self.seen.add(id(obj))
            total += sys.getsizeof(obj)
            if isinstance(obj, np.ndarray):  # a view's buffer is its base's
                if obj.base is not None:
                    stack.append(obj.base)
                continue
            stack.extend(gc.get_referents(obj))
        return total

    def add(self, name: str, *objects: object) -> None:
        self.rows.append((name, self.size(*objects)))

    def print(self, title: str) -> float:
        total = sum(size for _, size in self.rows)
        print(f"   {title}: {total / MB:.1f} MB")
        for name, size in self.rows:
            print(f"   {size / MB:8.2f}  {name}")
        self.rows = []
        return total / MB


def pymalloc() -> tuple[float, float]:
    """The Python allocator's arenas (1 MB each): MB held, MB in objects (the rest is free
    blocks, and pools a few live objects keep from being handed back)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()
    arenas = re.search(r"# arenas allocated current\s*=\s*([\d,]+)", text)
    used = re.search(r"# bytes in allocated blocks\s*=\s*([\d,]+)", text)
    if arenas is None or used is None:
        return float("nan"), float("nan")
    return float(arenas[1].replace(",", "")), int(used[1].replace(",", "")) / MB


def questions() -> list[tuple[str, str]]:
    """(question, language) for every labelled question, NFD where the file says so."""
    out = []
    for entry in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8")):
        text = entry["q"]
        if entry.get("nfd"):
            text = unicodedata.normalize("NFD", text)
        out.append((text, "en" if entry.get("lang") == "en" else "vi"))
    return out


def c_heap() -> tuple[float, float]:
    """glibc's heap (mallinfo2): MB held (heap and mmapped blocks), MB in use."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )]  # fmt: skip

    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return float("nan"), float("nan")
    mallinfo2.restype = MallInfo2
    info = mallinfo2()
    return (info.arena + info.hblkhd) / MB, (info.uordblks + info.hblkhd) / MB


def allocators(when: str) -> None:
    arenas, used = pymalloc()
    heap, heap_used = c_heap()
    print(
        f"   allocators {when}: Python's arenas {arenas:.1f} MB ({used:.1f} MB in objects),"
        f" C heap {heap:.1f} MB ({heap_used:.1f} MB in use)"
    )


def _index_rows(sizer: Sizer, name: str, index: Any) -> None:
    parts: list[tuple[str, tuple[str, ...]]] = [
        ("entries", ("procedures",)),
        ("postings and weights", ("_worth", "_head", "_idf", "_name_mass", "_for_citizens",
                                  "_shorter_first")),
        ("term ids", ("_ids",)),
        ("name words (vocabulary)", ("vocabulary",)),
        ("typo tables", ("_name_docs", "_words", "_word_pairs", "_pairs_with", "_sounds")),
    ]  # fmt: skip
    for label, attributes in parts:
        sizer.add(f"{name}: {label}", *(getattr(index, a, None) for a in attributes))


def breakdown(services: Any) -> float:
    """The services' data by structure, then what the caches hold; returns the MB of data
    outside the caches."""
    from bot.search import normalize

    catalogue, answers = services.catalogue, services.answers
    index = catalogue._index
    phrases = answers._phrases
    indexes = [index, *((phrases.everyday, phrases.procedures) if phrases else ())]
    names = ["catalogue index", "phrase index (everyday)", "phrase index (procedures)"]
    reader = answers._reader
    typos = getattr(reader, "_typos", None)
    caches: list[tuple[str, object]] = [
        ("catalogue: searches kept (lru_cache)", catalogue._search),
        ("catalogue: procedures opened kept", catalogue._opened),
        *((f"{n}: concepts kept", getattr(i, "_concepts", None))
          for n, i in zip(names, indexes, strict=False)),
        *((f"{n}: typo corrections", getattr(i, "_corrections", None))
          for n, i in zip(names, indexes, strict=False)),
        ("answers kept (lru_cache)", answers._answer),
        ("English reader: typos kept", typos),
        ("word tokens kept (bot/search/normalize.py)", normalize._word_tokens),
    ]  # fmt: skip
    sizer = Sizer()
    # The shells: what they hold is listed part by part, and the caches apart.
    sizer.exclude(
        services, services.settings, services.clock, catalogue, answers, phrases, reader,
        *indexes, *(vars(i) for i in indexes), vars(reader), *(c for _, c in caches),
    )  # fmt: skip
    sizer.add("catalogue: procedure refs by code", catalogue._refs)
    sizer.add(
        "catalogue: browsing and receiving offices",
        catalogue._by_field, catalogue._fields, catalogue._classified, catalogue._views,
    )  # fmt: skip
    _index_rows(sizer, "catalogue index", index)
    sizer.add("lexicon (folded, and lexicon.yaml's model)", index.lexicon)
    if phrases is not None:
        for name, built in zip(names[1:], indexes[1:], strict=True):
            _index_rows(sizer, name, built)
        sizer.add("everyday lexicon", phrases.everyday.lexicon)
    sizer.add("english.yaml model", answers._english)
    sizer.add(
        "English reader: phrase tables",
        *(getattr(reader, a, None) for a in ("_phrases", "_loose", "_foreign", "_stop")),
    )
    sizer.add("English reader: word sets", *(v for v in vars(reader).values() if v is not typos))
    sizer.add("faq.yaml, phrasings.yaml, aliases.yaml models",
              answers._faq, answers._phrasings, answers._aliases)  # fmt: skip
    sizer.add("answers: exact phrasings", answers._exact)
    sizer.add("i18n (texts, babel locales)", services.i18n)
    sizer.add("editable files kept", services.documents)
    sizer.add("people, flows, unit, departments", services.people, services.flows,
              services.unit, services.departments)  # fmt: skip
    sizer.add("everything else the services hold", services)
    data = sizer.print("data structures (deep sizes)")
    sizer.seen.difference_update(id(c) for _, c in caches)
    for name, cache in caches:
        sizer.add(name, cache)
    sizer.print("caches after answering (deep sizes)")
    return data


def _settings(folder: Path) -> Any:
    """The bot's settings for a throwaway database in ``folder`` (none of the machine's)."""
    from pydantic import SecretStr

    from bot.config import Settings

    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        token=SecretStr("0:bench"),
        database=folder / "memory.sqlite3",
    )


async def _services(folder: Path) -> None:
    began = rss()
    import bot.app
    from bot.storage.db import Database

    imported = rss()
    print(f"   import bot.app: {imported:.1f} MB ({imported - began:+.1f} MB)")
    allocators("after imports")
    settings = _settings(folder)
    db = Database(settings.database)
    try:
        await _measure(bot.app.open_services(settings, db), imported)
    finally:  # the database's threads would keep the process up
        await db.close()


async def _measure(opening: Awaitable[Any], imported: float) -> None:
    started = time.perf_counter()
    services = await opening
    spent = time.perf_counter() - started
    built = status()
    print(
        f"   open_services (shipped catalogue, {len(services.catalogue)} procedures) in"
        f" {spent:.2f} s: {built['VmRSS']:.1f} MB ({built['VmRSS'] - imported:+.1f} MB);"
        f" peak so far {built['VmHWM']:.1f} MB"
    )
    allocators("after start-up")
    loaded = [name for name in RARE if name in sys.modules]
    print(f"   rare-path modules loaded: {', '.join(loaded) or 'none'}")
    asked = questions()
    for text, language in asked:
        answer = services.answers.answer(text, language)
        if answer.procedure is not None:  # a reply opens the card
            await services.catalogue.procedure(answer.procedure.code)
    after = status()
    print(
        f"   after answering {len(asked)} questions (cards opened): {after['VmRSS']:.1f} MB"
        f" ({after['VmRSS'] - built['VmRSS']:+.1f} MB), peak {after['VmHWM']:.1f} MB"
    )
    allocators("after answering")
    data = breakdown(services)
    print(
        f"   of the {built['VmRSS'] - imported:.1f} MB open_services added, the data"
        f" explains {data:.1f} MB; the rest is the allocators' (above) and modules loaded"
        " on the way"
    )
    await services.close()


def services_part() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_services(Path(folder)))


def _where(filename: str) -> str:
    """A file as the project, a library or the standard library names it."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    if filename.startswith(f"{ROOT}/"):
        return filename[len(f"{ROOT}/") :]
    return Path(filename).name


async def _traced(folder: Path) -> None:
    """What is alive after start-up, by the file that allocated it: this reaches what no
    service holds (module-level caches, babel's locale data...), and start-up's peak of
    Python allocations. A process of its own: tracemalloc's bookkeeping would swell the
    RSS figures, and slows answering several times over."""
    import tracemalloc

    import bot.app
    from bot.storage.db import Database

    tracemalloc.start()
    settings = _settings(folder)
    db = Database(settings.database)
    try:
        services = await bot.app.open_services(settings, db)
        gc.collect()
        alive, peak = tracemalloc.get_traced_memory()
        snapshot = tracemalloc.take_snapshot()
        await services.close()
    finally:
        await db.close()
    print(
        f"   traced (tracemalloc, what open_services allocated): {alive / MB:.1f} MB alive"
        f" after start-up; at its peak {peak / MB:.1f} MB"
    )
    print("   alive after start-up, by the file that allocated it (top 12):")
    for stat in snapshot.statistics("filename")[:12]:
        print(f"   {stat.size / MB:8.2f}  {_where(stat.traceback[0].filename)}")


def traced_part() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_traced(Path(folder)))


def start_up() -> None:
    print("== 2. start-up and data structures (child processes)", flush=True)
    for part in ("services", "trace"):
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--part", part],
            cwd=ROOT,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )


# --------------------------------------------------------------------------------- the bot


async def _bot(command: list[str]) -> float:
    from bench.harness import our_bot, run_citizens, standin_for, temp_database

    asked = [text for text, _ in questions()]
    database = temp_database()
    async with standin_for(False) as standin:
        # The day's backup is due at once (a fresh database has none): its peak counts too.
        bot = our_bot(database, 100_000.0, command, BOT_BACKUP_TIME="00:00")
        await bot.start(standin)
        assert bot.process is not None
        pid = bot.process.pid
        try:
            serving = status(pid)
            print(
                f"   serving after {bot.startup_s:.2f} s: {serving['VmRSS']:.1f} MB,"
                f" peak so far {serving['VmHWM']:.1f} MB"
            )
            steps: Callable[[int], list[str]] = lambda number: asked[number::CITIZENS]  # noqa: E731
            began = time.monotonic()
            await run_citizens(standin, 7_000_000, CITIZENS, steps)
            asked_s = time.monotonic() - began
            backed_up = await _backup_in(database.parent / "backups", within_s=30.0)
            done = status(pid)
            print(
                f"   after {CITIZENS} citizens asked all {len(asked)} questions"
                f" ({asked_s:.1f} s) and the day's backup {'was' if backed_up else 'was NOT'}"
                f" taken: {done['VmRSS']:.1f} MB"
            )
            return done["VmHWM"]
        finally:
            await bot.stop()


async def _backup_in(folder: Path, within_s: float) -> bool:
    """Whether the bot's first every-minute job has written the day's backup into ``folder``."""
    deadline = time.monotonic() + within_s
    while not await asyncio.to_thread(lambda: any(folder.glob("bot-*.sqlite3"))):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


def the_bot() -> bool:
    from bench.harness import service_command

    deployed = service_command()
    print(
        f"== 3. the bot against the stand-in: {' '.join(deployed[1:])}, as the service", flush=True
    )
    peak = asyncio.run(_bot(deployed))
    print("   ... and with plain python (docstrings kept), for comparison", flush=True)
    plain = asyncio.run(_bot([sys.executable, "-m", "bot", "run"]))
    ok = peak <= BAR_MB
    print(
        f"peak RSS {peak:.1f} MB as the service runs it (bar <= {BAR_MB:.0f} MB:"
        f" {'ok' if ok else 'MISSED'}); {plain:.1f} MB with plain python"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--part", choices=("all", "imports", "services", "trace", "bot"), default="all"
    )
    args = parser.parse_args()
    if args.part == "services":  # the child processes of part 2
        services_part()
        return 0
    if args.part == "trace":
        traced_part()
        return 0
    began = time.monotonic()
    if args.part in ("all", "imports"):
        imports()
    if args.part == "all":
        start_up()
    ok = True
    if args.part in ("all", "bot"):
        ok = the_bot()
    print(f"({time.monotonic() - began:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
