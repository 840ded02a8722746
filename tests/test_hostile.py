"""Hostile input, generated from a fixed seed, against the real bot through the stand-in.

Every command with odd and huge arguments, every step of every conversation fed what it does
not expect (empty, 5,000 and 50,000 characters, control and invisible characters, combining
floods, emoji sequences, lone surrogates, markup, format tokens, media, someone else's
contact), forged, stale and hammered buttons, people outside the officials' groups, a flood
from one person and many people at once, and the dossier endpoint's bad requests.

Whatever comes in, the bot must: log no ERROR (a handler that crashed); make no call Telegram
would refuse with 400 (too long, bad markup); answer a citizen in a private chat every time
(a flooder is told once to slow down, then ignored); show officials what citizens wrote as it
was written, not as markup; keep every request it acknowledged with a code across a restart;
and answer the endpoint's bad requests with a 4xx, never a 5xx.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import random
import re
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.domain.dossiers import DossierChange, DossierStatus, follow_payload
from bot.handlers.context import Services
from bot.standin import StandIn
from bot.standin.sims import GroupSim, UserSim
from bot.standin.state import SentMessage
from tests.conftest import ADMIN_ID, BotRunner
from tests.test_complaints import OFFICIAL, linked

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

SEED = 20_261_128
BOT = "ubnd_test_bot"
ADMINS = [ADMIN_ID, 9002, 9003, 9004, 9005, 9006, 9007]
HTTP_TOKEN = "hostile-suite-http-token-0123456789"
ANSWER_S = 10.0  # a citizen waits at most this long for a first word back, even under load
CODE = "000.00.12.H26-261128-0001"
CHECK = "K7M2QX"

# Input classes to leave out while a defect they expose is being fixed, so the others can
# still be run: "surrogate", "doc-deep-yaml", "long-alert", "reply-media", "truncated".
# Empty: every class runs, and the suite fails on any defect still open.
EXCLUDED: frozenset[str] = frozenset()

# Groups: department code -> chat id (linked by the admin, with OFFICIAL as a member).
GROUPS = {
    "kinh-te": -100701,
    "cong-an": -100702,
    "van-phong": -100703,
    "van-hoa": -100704,
    "hanh-chinh-cong": -100705,  # also the one-stop office
    "lanh-dao": -100706,
}
# One complaint category per department, so alerts spread over the groups.
CATEGORIES = {
    "kinh-te": ["rac-thai", "chieu-sang", "duong-sa", "xay-dung"],
    "cong-an": ["trat-tu", "cu-tru"],
    "van-phong": ["thai-do"],  # "khac" goes wherever its words say
    "van-hoa": ["chinh-sach", "van-hoa-giao-duc"],
    "hanh-chinh-cong": ["ho-so-cham"],
}
OUTSIDER = 7702  # never in any group
LEFT = 7703  # was a member, left
KICKED = 7704

COMMANDS = [
    "start",
    "help",
    "menu",
    "cancel",
    "language",
    "unit",
    "files",
    "misses",
    "phananh",
    "complain",
    "mine",
    "hoso",
    "hs",
    "announce",
    "thongbao",
    "tatthongbao",
    "batthongbao",
    "stopnews",
    "news",
    "link",
    "block",
    "unblock",
    "xoadulieu",
    "forgetme",
    "xuatdulieu",
    "exportdata",
]
ADMIN_COMMANDS = [
    *("unit", "files", "misses", "announce", "thongbao", "link", "block", "unblock"),
    *("xuatdulieu", "exportdata"),
]
CALLBACK_ACTIONS = [
    "m",
    "lang",
    "p",
    "pd",
    "sn",
    "fl",
    "fp",
    "g",
    "af",
    "c",
    "t",
    "tt",
    "rq",
    "rt",
    "ro",
    "q",
    "ds",
    "do",
    "an",
    "xd",
    "c:consent",
]

# --- what hostile people type -----------------------------------------------------------------

WORDS = [
    *("rác", "thải", "ở", "đầu", "ngõ", "chưa", "được", "thu", "gom", "bốc", "mùi", "đèn"),
    *("đường", "hỏng", "ổ", "gà", "trước", "số", "nhà", "vỉa", "hè", "bị", "lấn", "chiếm"),
    *("karaoke", "ồn", "ào", "đến", "nửa", "đêm", "xin", "cán", "bộ", "kiểm", "tra", "giúp"),
]
CONTROL = [
    "\x00",
    "\x01\x02\x03",
    "\x1b[31mđỏ\x1b[0m",
    "\r\n",
    "\t",
    "\x7f",
    "\x85",
    "\x0b\x0c",
    "\u2028\u2029",
]
INVISIBLE = ["\u200b", "\u200e", "\u202e", "\u2066", "\u2069", "\ufeff", "\u00ad", "\u200d"]
MARKUP = [
    "<b>x</b>",
    "&lt;",
    "</code>",
    "*_`[x](http://a)",
    "'; DROP TABLE tickets;--",
    '<a href="javascript:alert(1)">x</a>',
    "<",
    "&",
    "&amp;lt;",
    "<tg-spoiler>",
    "<br/>",
    "<!-- x -->",
    "]]>",
    "\"'`\\",
    "<pre><code class='language-python'>",
    "&#0;&#x110000;&#xD800;",
]
FORMAT = ["{code}", "{0}", "%s", "{__class__}", "{name!r:>{width}}", "%(name)s", "{", "}", "%n"]
NUMBERS = ["9" * 20, "9" * 5000, "²", "--5", "-0", "1e309", "NaN", "١٢٣", "Ⅻ", "-" + "9" * 19]
EMOJI = ["👩‍👩‍👧‍👦", "🏳️‍🌈", "🇻🇳", "👍🏽", "🧑🏻‍❤️‍💋‍🧑🏼", "\U0001d518", "❤️"]
SURROGATES = ["\ud800", "\udfff", "x\udbffy", "\ud83d"]
COMBINING = "a" + "\u0301" * 3000

PIECES: dict[str, list[str]] = {
    "control": CONTROL,
    "invisible": INVISIBLE,
    "markup": MARKUP,
    "format": FORMAT,
    "number": NUMBERS[:1] + NUMBERS[2:],  # 5,000 digits has its own class
    "emoji": EMOJI,
    "surrogate": SURROGATES,
}
# Classes of free text; each input draws one (and "mixed" several pieces).
TEXT_CLASSES = [
    "empty",
    "blank",
    "5k",
    "50k",
    "digits5000",
    "combining",
    "control",
    "invisible",
    "markup",
    "format",
    "number",
    "emoji",
    "surrogate",
    "mixed",
]


def _fill(rng: random.Random, length: int) -> str:
    """Exactly ``length`` characters of one kind a long paste is made of."""
    kind = rng.choice(["words", "entities", "tags", "astral", "combining", "newlines"])
    unit = {
        "words": " ".join(rng.choice(WORDS) for _ in range(8)) + " ",
        "entities": "&lt;&amp;",
        "tags": "<b>",
        "astral": "😀",
        "combining": "e\u0301",
        "newlines": "\n\n ",
    }[kind]
    return (unit * (length // len(unit) + 1))[:length]


def hostile(rng: random.Random, kind: str) -> str:
    """One text of class ``kind``."""
    if kind == "empty":
        return ""
    if kind == "blank":
        return rng.choice([" ", "\t", "\n\n", " \u3000 ", "\u2028"])
    if kind == "5k":
        return _fill(rng, 5000)
    if kind == "50k":
        return _fill(rng, 50000)
    if kind == "digits5000":
        return "9" * 5000
    if kind == "combining":
        return COMBINING
    if kind == "mixed":
        kinds = [k for k in PIECES if k not in EXCLUDED]
        return "".join(
            rng.choice(PIECES[rng.choice(kinds)]) + rng.choice(["", " ", rng.choice(WORDS)])
            for _ in range(rng.randint(2, 6))
        )
    if kind == "emoji":
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 300)))
    return rng.choice(PIECES[kind])


def text_classes() -> list[str]:
    return [k for k in TEXT_CLASSES if k not in EXCLUDED]


def description(rng: random.Random, kind: str, nonce: str) -> str:
    """A complaint's description the intake accepts (10-2,000 characters) carrying class
    ``kind``; ``nonce`` keeps each one distinct."""
    if kind.startswith("astral-"):  # emoji up to the limit: twice as many UTF-16 units
        tag = f" #{nonce}"
        return "😀" * ((2000 if kind == "astral-max" else 1880) - len(tag)) + tag
    if kind == "combining":
        core = "a" + "\u0301" * rng.randint(20, 1500)
    elif kind == "emoji":
        core = "".join(rng.choice(EMOJI) for _ in range(rng.randint(5, 120)))
    elif kind in ("5k", "50k"):
        core = _fill(rng, rng.randint(600, 1500))
    elif kind == "mixed":
        core = hostile(rng, "mixed")[:1500]
    elif kind in PIECES:
        core = "".join(rng.choice(PIECES[kind]) for _ in range(rng.randint(1, 5)))[:1500]
    else:
        core = rng.choice(MARKUP)
    parts = [core, " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8))), f"#{nonce}"]
    rng.shuffle(parts)
    return rng.choice([" ", "\n", "", "\t"]).join(parts)


def forged_data(rng: random.Random) -> str:
    """Callback data no button of ours carries: random bytes, or a known action with
    garbage arguments (at most Telegram's 64 bytes, almost always)."""
    if rng.random() < 0.35:
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        text = raw.decode("utf-8", "ignore") or "\x00"
        while len(text.encode("utf-8")) > 64:
            text = text[:-1]
        return text or "x"
    garbage = [
        "",
        "²",
        "--5",
        "9" * 20,
        "-1",
        "0",
        "{0}",
        "<b>",
        "%s",
        "\u202e",
        "None",
        "nan",
        "add",
        "ans",
        "accept",
        "set",
        "in_progress",
        "resolve",
        "reject",
        "transfer",
        "1",
        "2",
        "5",
        "6",
        "cat",
        "send",
        "hide",
        "fol",
        "unf",
        "get",
        "restore",
        "home",
        "ask",
        "dossier",
        "..",
        "'",
        "😀",
        CODE,
    ]
    parts = [rng.choice(CALLBACK_ACTIONS)]
    parts += [rng.choice(garbage) for _ in range(rng.randint(0, 4))]
    data = ":".join(parts)
    while len(data.encode("utf-8")) > 64:
        data = data[:-1]
    if rng.random() < 0.03:
        data = rng.choice(CALLBACK_ACTIONS) + ":" + "9" * 80  # over 64: Telegram never sends it
    return data


# --- the ledger: what was fired, and what went wrong ----------------------------------------


@dataclass
class Ledger:
    """Inputs by class, which update carried which input, and every broken promise."""

    counts: Counter[str] = field(default_factory=Counter)
    updates: dict[int, str] = field(default_factory=dict)
    timeline: list[tuple[float, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def fired(self, kind: str, update_id: int | None, shown: str) -> None:
        self.counts[kind] += 1
        self.timeline.append((time.time(), f"{kind} {shown}"))
        if update_id is not None:
            self.updates[update_id] = f"{kind} {shown}"

    def cause(self, message: str, created: float) -> str:
        """The input an error line names by its update, else the last one fired before it."""
        found = re.search(r"update (\d+)", message)
        if found and int(found.group(1)) in self.updates:
            return self.updates[int(found.group(1))]
        earlier = [shown for at, shown in self.timeline if at <= created]
        return f"near {earlier[-1]}" if earlier else "?"

    def problem(self, text: str) -> None:
        self.problems.append(text)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def show(text: str, width: int = 70) -> str:
    """An input as a report line can hold it."""
    shown = repr(text)
    return shown if len(shown) <= width else f"{shown[: width - 20]}…({len(text)} chars)"


def verdict(ledger: Ledger, standin: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    """The promises every test keeps, checked on everything that happened."""
    problems = list(ledger.problems)
    for record in caplog.records:
        if record.levelno < logging.ERROR:
            continue
        message = record.getMessage()
        cause = ledger.cause(message, record.created)
        where = ""
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            tb = error.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                where = f" at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
            where = f" [{type(error).__name__}: {str(error)[:120]}{where}]"
        problems.append(f"ERROR {record.name}: {message[:160]}{where} <- input: {cause}")
    for call in standin.calls:
        if not call.method.startswith(("send", "edit")) or call.ok or call.error_code != 400:
            continue
        if "not modified" in (call.description or ""):
            continue
        text = str(call.params.get("text") or call.params.get("caption") or "")
        problems.append(
            f"refused {call.method} to {call.params.get('chat_id')}: {call.description} "
            f"(text {show(text)})"
        )
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


# --- acting as people -----------------------------------------------------------------------


def sent_since(sim: UserSim | GroupSim, mark: int) -> list[SentMessage]:
    found: list[SentMessage] = []
    for event in sim.chat.log[mark:]:
        if event.event == "sent" and event.message not in found:
            found.append(event.message)
    return found


async def said(
    ledger: Ledger,
    sim: UserSim,
    kind: str,
    shown: str,
    act: Callable[[], Awaitable[int]],
    answer: bool = True,
) -> list[SentMessage]:
    """Fire one input in a private chat; unless ``answer`` is False, the bot must answer it.
    Returns the bot's messages that followed, once it has fallen quiet."""
    mark = len(sim.chat.log)
    update_id = await act()
    ledger.fired(kind, update_id, shown)
    if not answer:
        await sim.settle(quiet=0.3, timeout=30)
        return sent_since(sim, mark)
    try:
        await sim.next_message(ANSWER_S)
    except AssertionError as silence:
        ledger.problem(f"silence for {kind} {shown} from {sim.id}: {str(silence)[:300]}")
        return []
    await sim.settle(quiet=0.3, timeout=30)
    return sent_since(sim, mark)


async def text(ledger: Ledger, sim: UserSim, kind: str, typed: str) -> list[SentMessage]:
    return await said(ledger, sim, kind, show(typed), lambda: sim.send(typed))


async def tapped(
    ledger: Ledger,
    chat: UserSim | GroupSim,
    who: UserSim,
    data: str,
    message: SentMessage | None,
    kind: str,
    times: int = 1,
    settle: bool = True,
) -> list[SentMessage]:
    """Press (forged or real) callback data ``times`` times at once; every press must get
    its answer (else the button spins). Returns the messages that followed in ``chat`` once
    it is quiet (unless ``settle`` is False)."""
    mark = len(chat.chat.log)
    before = len(who.callback_answers)
    for _ in range(times):
        if isinstance(chat, GroupSim):
            update_id = await chat.press_data(who, data, message)
        else:
            update_id = await chat.press_data(data, message)
        ledger.fired(kind, update_id, show(data))
    deadline = time.monotonic() + ANSWER_S
    while len(who.callback_answers) < before + times:
        if time.monotonic() > deadline:
            got = len(who.callback_answers) - before
            ledger.problem(f"{times - got} press(es) of {show(data)} ({kind}) never answered")
            break
        await asyncio.sleep(0.02)
    if settle:
        await chat.settle(quiet=0.3, timeout=30)
    return sent_since(chat, mark)


LOCATION: dict[str, object] = {"location": {"latitude": 21.03, "longitude": 105.85}}


async def reply_with(sim: UserSim, content: dict[str, object], to: SentMessage) -> int:
    """``sim`` answers the bot's message ``to`` (swipe to reply) with ``content``."""
    return sim._push(content, to)


async def contact_of(sim: UserSim, other: int) -> int:
    """``sim`` shares someone else's contact card (Telegram lets anyone do that)."""
    card = {"phone_number": "+84900000000", "first_name": "Người khác", "user_id": other}
    return sim._push({"contact": card})


UNIT_YAML = """name:
  vi: "UBND <b>Phường A & B</b> {name} %s \\u202e"
  en: "Ward <i>A & B</i> {0}"
address: "Số 1 <code>ngõ</code> &lt;2&gt; '; DROP TABLE units;--"
office_hours:
  - days: [mon, tue, wed, thu, fri]
    hours: ["07:30-11:30"]
hotline: "<b>024</b> & {0}"
email: "a<b>@x.vn"
website: "https://x.vn/?a=1&b=<2>"
working_days: [mon, tue, wed, thu, fri]
"""
UNIT_SHOWN = [
    "UBND <b>Phường A & B</b> {name} %s \u202e",
    "Số 1 <code>ngõ</code> &lt;2&gt; '; DROP TABLE units;--",
    "<b>024</b> & {0}",
]


def announcer_of(standin: StandIn) -> UserSim:
    return standin.user(ADMIN_ID, "Quản trị", language_code="vi")


def last_text(sim: UserSim) -> int | None:
    """The message_id of the person's latest text (what they can edit)."""
    texts = [mid for mid, m in sim.chat.user_messages.items() if m.get("text")]
    return texts[-1] if texts else None


def button(message: SentMessage, prefix: str) -> str | None:
    """The callback data of the first button on ``message`` that starts with ``prefix``."""
    for data in (d for row in message.button_data for d in row):
        if data.startswith(prefix):
            return data
    return None


def find(messages: list[SentMessage], prefix: str) -> tuple[SentMessage, str] | None:
    for message in reversed(messages):
        data = button(message, prefix)
        if data is not None:
            return message, data
    return None


def services(bot: BotRunner) -> Services:
    return bot.services


@pytest.fixture
async def roomy(settings: Settings, standin: StandIn) -> AsyncIterator[BotRunner]:
    """The bot with several admins, look-ups not limited (the limit is tested in
    test_dossiers.py; here people must be able to try many codes), and neither the bot nor the
    stand-in held to Telegram's 30 messages a second and 20 a minute into a group: the pace is
    tested in test_pace.py and in the flood test below; here it would only make the run slow."""
    standin.limits.group_per_minute = None
    standin.limits.global_per_second = None
    changes = {
        "admins": ADMINS,
        "max_lookups_per_minute": 1000,
        "max_group_messages_per_minute": 10_000,
        "max_messages_per_second": 1000.0,
    }
    runner = BotRunner(settings.model_copy(update=changes))
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


# --- 1. commands and free text --------------------------------------------------------------


def command_inputs(rng: random.Random) -> list[tuple[str, str]]:
    """(class, text): every command with odd and huge arguments, unknown commands."""
    arguments = [
        ("cmd-bare", ""),
        ("cmd-5k", " " + _fill(rng, 5000)),
        ("cmd-50k", " " + _fill(rng, 50000)),
        ("cmd-sup2", " ²"),
        ("cmd-dashdash", " --5"),
        ("cmd-digits20", " " + "9" * 20),
        ("cmd-digits5000", " " + "9" * 5000),
        ("cmd-at-us", f"@{BOT}"),
        ("cmd-at-other", "@some_other_bot"),
        ("cmd-at-us-upper", f"@{BOT.upper()} ²"),
    ]
    found: list[tuple[str, str]] = []
    for command in COMMANDS:
        found += [(kind, f"/{command}{argument}") for kind, argument in arguments]
        extra = rng.choice([k for k in text_classes() if k not in ("50k",)])
        found.append((f"cmd-{extra}", f"/{command} {hostile(rng, extra)}"))
    for name in ["x", "START", "Help", "phananh_", "a" * 32, "hoso2", "start@", "đ", "_", "0"]:
        found.append(("cmd-unknown", f"/{name} {hostile(rng, rng.choice(text_classes()))}"))
    found.append(("cmd-deeplink", "/start h-" + follow_payload(CODE, "ÄÖÜ")))
    found.append(("cmd-deeplink", "/start h-!!!"))
    found.append(("cmd-deeplink", "/start h-" + "A" * 62))
    found.append(("cmd-deeplink", "/start p-" + "9" * 62))
    found.append(("cmd-deeplink", "/start g-" + "-" * 62))
    found.append(("cmd-deeplink", "/start m-home"))
    for kind in ("5k", "markup", "combining", "number", "invisible"):
        found.append((f"cmd-hoso-check-{kind}", f"/hoso {CODE} {hostile(rng, kind)}"))
        found.append((f"cmd-hoso-code-{kind}", f"/hoso {hostile(rng, kind)} {CHECK}"))
    return found


@pytest.mark.timeout(150)
async def test_every_command_and_odd_text_gets_an_answer_telegram_accepts(
    roomy: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """Citizens and admins give every command odd and huge arguments and type hostile text
    and media outside any step; admins send data files that are not what they claim, a
    valid profile full of markup, and an announcement in markup."""
    rng = random.Random(SEED)
    ledger = Ledger()
    inputs = command_inputs(rng)
    for _ in range(170):
        kind = rng.choice(text_classes())
        inputs.append((f"text-{kind}", hostile(rng, kind)))
    rng.shuffle(inputs)
    # Citizens, some with names and phone languages of their own, each sending fewer than
    # the 20 messages a minute the flood guard allows.
    names = ["Lan", "<b>Lan</b>", "{name}", "\u202eLan", "%s", "👩‍👩‍👧‍👦", "'; DROP TABLE users;--"]
    if "surrogate" not in EXCLUDED:
        names.append("Lan\ud800")
    languages = ["vi", "en", None, "ar", "zh-hans", "EN-us", "vi_VN", "x" * 40]
    per_person = 16
    people = [
        standin.user(
            4000 + i,
            rng.choice(names),
            language_code=rng.choice(languages),
            last_name=rng.choice([None, "&amp;", "\u0301" * 50]),
            username=rng.choice([None, "user_" + str(i)]),
        )
        for i in range(len(inputs) // per_person + 1)
    ]

    async def person(sim: UserSim, mine: list[tuple[str, str]]) -> None:
        for kind, typed in mine:
            await text(ledger, sim, kind, typed)
        # Media where words are expected (outside any step), and an edit that is ignored.
        await said(ledger, sim, "media-sticker", "sticker", lambda: sim.send_sticker("🤬"))
        if sim.id % 3 == 0:
            caption = hostile(rng, rng.choice(text_classes()))[:1024]
            await said(
                ledger,
                sim,
                "media-photo",
                show(caption),
                lambda: sim.send_photo(b"\xff\xd8", caption),
            )
        if sim.id % 3 == 1:
            other = 4000 + (sim.id + 1) % len(people)
            await said(
                ledger,
                sim,
                "media-contact",
                "someone else's",
                lambda: contact_of(sim, other),
            )
        if sim.id % 3 == 2:
            await said(
                ledger,
                sim,
                "media-location",
                "(-90, 180)",
                lambda: sim.send_location(-90.0, 180.0),
            )
        await said(
            ledger,
            sim,
            "media-document",
            "evil.exe",
            lambda: sim.send_document(b"MZ\x00", filename="<b>{0}</b>.exe", caption="%s"),
        )
        edit_to = hostile(rng, rng.choice(text_classes())) or "x"
        edited = last_text(sim)
        if edited is not None:  # outside a step an edit is ignored: no answer is due
            await said(ledger, sim, "edit", show(edit_to), lambda: sim.edit(edited, edit_to), False)

    chunks = [inputs[i :: len(people)] for i in range(len(people))]
    await asyncio.gather(*(person(sim, chunk) for sim, chunk in zip(people, chunks, strict=True)))

    # Admins: the commands only they may use, with the same arguments, and data files that
    # are not what they claim to be.
    admin_inputs = [
        (kind, typed)
        for kind, typed in command_inputs(random.Random(SEED + 1))
        if typed[1:].split(" ")[0].split("@")[0] in ADMIN_COMMANDS
    ]
    admins = [standin.user(a, "Quản trị", language_code="vi") for a in ADMINS[1:]]

    async def admin(sim: UserSim, mine: list[tuple[str, str]]) -> None:
        for kind, typed in mine:
            await text(ledger, sim, f"admin-{kind}", typed)

    admin_chunks = [admin_inputs[i :: len(admins)] for i in range(len(admins))]
    files = [
        ("doc-yaml-aliases", "unit.yaml", b"a: &a [1, 2]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"),
        ("doc-deep-yaml", "flows.yaml", b"[" * 5000 + b"]" * 5000),
        ("doc-markup-yaml", "lexicon.yaml", "{code}: <b>\n%s: '\u202e'\n".encode()),
        ("doc-not-utf8", "departments.yaml", b"\xff\xfe\x00not utf-8"),
        ("doc-csv-hostile", "motcua.csv", ("code,status\n" + "9" * 5000 + ",x\n<b>,%s\n").encode()),
        ("doc-csv-not-utf8", "motcua2.csv", b"\xff\xfe,\x00\n"),
    ]

    async def admin_files(sim: UserSim) -> None:
        for kind, name, data in files:
            if kind not in EXCLUDED:
                await said(
                    ledger,
                    sim,
                    f"admin-{kind}",
                    name,
                    lambda: sim.send_document(data, filename=name),  # noqa: B023 - awaited now
                )

    await asyncio.gather(
        *(admin(sim, chunk) for sim, chunk in zip(admins, admin_chunks, strict=True)),
        admin_files(standin.user(ADMIN_ID, "Quản trị", language_code="vi")),
    )
    # A profile that is valid but full of markup: applied, and every citizen reads it as typed.
    profile = UNIT_YAML.encode()
    applied = await said(
        ledger,
        announcer_of(standin),
        "admin-doc-unit-markup",
        "unit.yaml",
        lambda: announcer_of(standin).send_document(profile, filename="unit.yaml"),
    )
    if not any("Đã áp dụng" in m.plain for m in applied):
        ledger.problem(f"a valid unit.yaml with markup was not applied: {applied!r}")
    newcomer = standin.user(4999, "Mới", language_code="vi")
    greeting = await text(ledger, newcomer, "start-after-unit", "/start")
    for wanted in UNIT_SHOWN:
        if not any(wanted in m.plain for m in greeting):
            ledger.problem(f"the greeting does not show {show(wanted)}: {greeting!r}")

    # What nobody found, as the admins read it (the hostile questions above among them).
    await text(ledger, announcer_of(standin), "admin-misses", "/misses")

    # An admin's announcement in markup and format tokens: previewed and received as typed.
    news = "Nghỉ Tết <b>{code}</b> %s \u202e&lt;2&gt;\u2066 '; DROP TABLE users;-- 👩‍👩‍👧‍👦"
    announcer = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    preview = await text(ledger, announcer, "admin-announce", f"/thongbao  {news} ")
    if not any(news in m.plain for m in preview):
        ledger.problem(f"the announcement's preview does not show {show(news)}: {preview!r}")
    await tap(ledger, announcer, "an:send", "admin-announce-send", preview)
    for sim in people:
        await waited(lambda: containing(sim, "Nghỉ Tết"), 0.5)  # noqa: B023 - awaited now
    heard = [m for sim in people if (m := containing(sim, "Nghỉ Tết")) is not None]
    if len(heard) < len(people) // 2:
        ledger.problem(f"only {len(heard)} of {len(people)} citizens got the announcement")
    for message in heard:
        if news not in message.plain:
            ledger.problem(f"announcement shown as {show(message.plain, 200)}")
    print(f"\ncommands and free text: {ledger.total} inputs {dict(ledger.counts)}")
    assert ledger.total >= 450
    verdict(ledger, standin, caplog)


# --- 2. every step of every conversation ------------------------------------------------------


@dataclass
class Filed:
    """A request the bot acknowledged with a code, and what its alert must show."""

    code: str
    citizen: UserSim
    department: str
    body: str
    place: str | None
    name: str | None  # as officials must read it, None when hidden


ACK = re.compile(r"\b(PA|HD)-\d{6}\b")
# What a citizen may send where words are wanted: media, and texts the step must refuse.
SHORT = ["{0}", "%s", "\u200b" * 9, "<b></b>", "²", "{code}", "</code>"]  # under 10 characters
WRONG_BODIES = ["empty", "blank", "5k", "50k", "combining", "digits5000", "short"]
WRONG_MEDIA = ["sticker", "location", "document", "contact-other", "photo", "edit"]


async def wrong_input(
    ledger: Ledger, sim: UserSim, rng: random.Random, step: str, choices: list[str]
) -> list[SentMessage]:
    """Something the step cannot take; it must still be answered."""
    kind = rng.choice([c for c in choices if c not in EXCLUDED])
    label = f"{step}-{kind}"
    if kind == "sticker":
        return await said(ledger, sim, label, "sticker", lambda: sim.send_sticker())
    if kind == "location":
        return await said(ledger, sim, label, "(0, 0)", lambda: sim.send_location(0.0, 0.0))
    if kind == "document":
        return await said(
            ledger,
            sim,
            label,
            "file",
            # A caption of ten characters or more would be taken as the description.
            lambda: sim.send_document(b"%PDF", filename="{0}.pdf", caption=rng.choice(SHORT)),
        )
    if kind == "contact-other":
        return await said(ledger, sim, label, "other's", lambda: contact_of(sim, sim.id + 1))
    if kind == "photo":
        return await said(ledger, sim, label, "photo", lambda: sim.send_photo(b"\xff\xd8photo"))
    edited = last_text(sim)
    if kind == "edit" and edited is not None:
        # An edit is an answer only if the step just turned that message down; an edit of an
        # older message is ignored on purpose. Either way nothing may break.
        new = rng.choice(["x" * 2001, COMBINING, *SHORT])
        return await said(ledger, sim, label, show(new), lambda: sim.edit(edited, new), False)
    typed = rng.choice(SHORT) if kind == "short" else hostile(rng, kind)
    return await text(ledger, sim, label, typed)


async def tap(
    ledger: Ledger,
    sim: UserSim,
    prefix: str,
    kind: str,
    within: list[SentMessage] | None = None,
    times: int = 1,
) -> list[SentMessage]:
    """Press the button whose data starts with ``prefix`` on the newest message that has it."""
    found = find(within if within is not None else sim.messages, prefix)
    if found is None:
        ledger.problem(f"{sim.id}: no button {prefix!r} to press ({kind})")
        return []
    message, data = found
    return await tapped(ledger, sim, sim, data, message, kind, times)


async def intake(
    ledger: Ledger,
    sim: UserSim,
    rng: random.Random,
    department: str,
    kind: str,
    *,
    question: bool = False,
    quick: bool = False,
    send_taps: int = 1,
) -> Filed | None:
    """A complaint (or a question to an official) through every step, with hostile input at
    each; returns what was filed, or None if the bot did not acknowledge it."""
    nonce = f"{sim.id}{rng.randrange(10**6)}"
    if question:
        menu = await text(ledger, sim, "step-menu", "/menu")
        await tapped(ledger, sim, sim, "q", menu[-1] if menu else None, "button-ask-official")
    else:
        started = await text(ledger, sim, "step-start", "/phananh")
        if find(started, "c:consent:") is not None:  # a first complaint: the privacy notice
            if not quick:
                own = random.Random(SEED + sim.id + 99)  # the rest draws as it always has
                wrong = own.choice(text_classes())
                await text(ledger, sim, f"consent-{wrong}", hostile(own, wrong))
            await tap(ledger, sim, "c:consent:ok", "button-consent")
        if not quick:
            wrong = rng.choice(text_classes())
            await text(ledger, sim, f"category-{wrong}", hostile(rng, wrong))
        category = rng.choice(CATEGORIES[department])
        await tap(ledger, sim, f"c:cat:{category}", "button-category")
    if not quick:
        for _ in range(2):
            await wrong_input(ledger, sim, rng, "body", WRONG_BODIES + WRONG_MEDIA)
    body = description(rng, kind, nonce)
    if rng.random() < 0.15 and not question:  # the words as a photo's caption
        answer = await said(
            ledger,
            sim,
            f"body-caption-{kind}",
            show(body),
            lambda: sim.send_photo(b"\xff\xd8", body),
        )
    else:
        answer = await text(ledger, sim, f"body-{kind}", body)
    place: str | None = None
    if not question:
        if find(answer, "c:next") is None:
            ledger.problem(f"{sim.id}: description {show(body)} ({kind}) not taken: {answer!r}")
            return None
        if not quick:
            wrong = rng.choice(text_classes())
            await text(ledger, sim, f"photos-{wrong}", hostile(rng, wrong))
            photos = rng.choice([0, 1, 1, 6])  # six: one more than a complaint may carry
            for _ in range(photos):
                caption = hostile(rng, rng.choice(text_classes()))[:1000]
                await said(
                    ledger,
                    sim,
                    "photos-photo",
                    show(caption),
                    lambda: sim.send_photo(b"\xff\xd8 scene", caption or None),  # noqa: B023
                )
        await tap(ledger, sim, "c:next", "button-continue")
        if not quick:
            await wrong_input(ledger, sim, rng, "place", ["sticker", "document", "empty", "blank"])
        if rng.random() < 0.2:
            await said(
                ledger, sim, "place-location", "(90, -180)", lambda: sim.send_location(90, -180)
            )
        else:
            wrong = rng.choice([k for k in text_classes() if k not in ("empty", "blank")])
            typed = hostile(rng, wrong) + f" số {nonce}"
            await text(ledger, sim, f"place-{wrong}", typed)
            place = " ".join(typed.split())[:300]
        if not quick:
            wrong = rng.choice(text_classes())
            await text(ledger, sim, f"phone-{wrong}", hostile(rng, wrong))
            await wrong_input(ledger, sim, rng, "phone", ["contact-other", "sticker", "location"])
        if rng.random() < 0.3:
            await said(ledger, sim, "phone-own-contact", "own", lambda: sim.share_contact())
        else:
            keyboard = sim.reply_keyboard or []
            skip = keyboard[-1][0] if keyboard and keyboard[-1] else "⏭ Bỏ qua"
            await text(ledger, sim, "phone-skip", skip)
    elif find(answer, "c:hide") is None:
        ledger.problem(f"{sim.id}: question {show(body)} ({kind}) not taken: {answer!r}")
        return None
    if not quick:
        wrong = rng.choice(text_classes())
        await text(ledger, sim, f"privacy-{wrong}", hostile(rng, wrong))
    hide = rng.random() < 0.3
    await tap(ledger, sim, f"c:hide:{int(hide)}", "button-privacy")
    if not quick:
        wrong = rng.choice(text_classes())
        await text(ledger, sim, f"review-{wrong}", hostile(rng, wrong))
    sent = await tap(ledger, sim, "c:send", "button-send", times=send_taps)
    codes = [m for m in (ACK.search(s.plain) for s in sent) if m]
    if not codes:
        ledger.problem(f"{sim.id}: no code after sending {show(body)} ({kind}): {sent!r}")
        return None
    name = None
    if not hide:
        name = sim.first_name + (f" {sim.last_name}" if sim.last_name else "")
    return Filed(codes[0].group(0), sim, department, body.strip(), place, name)


async def dossier_lookup(ledger: Ledger, sim: UserSim, rng: random.Random) -> None:
    """The look-up's code step and the follow's check step, fed hostile text (and an edit)."""
    menu = await text(ledger, sim, "step-menu", "/menu")
    await tapped(ledger, sim, sim, "m:dossier", menu[-1] if menu else None, "button-dossier")
    for _ in range(3):
        wrong = rng.choice(text_classes())
        await text(ledger, sim, f"code-{wrong}", hostile(rng, wrong))
    card = await text(ledger, sim, "code-real", f"  {CODE.lower()}\u200b ")
    if find(card, "ds:fol:") is None:
        card = await text(ledger, sim, "code-real", CODE.lower())
    await tap(ledger, sim, "ds:fol:", "button-follow", card)
    for _ in range(3):
        wrong = rng.choice(text_classes())
        await text(ledger, sim, f"check-{wrong}", hostile(rng, wrong))
    edited = last_text(sim)
    if edited is not None:  # a step waiting for words takes an edit as the new answer
        wrong = rng.choice([k for k in text_classes() if k not in ("empty", "blank")])
        typed = hostile(rng, wrong)
        await said(ledger, sim, f"check-edit-{wrong}", show(typed), lambda: sim.edit(edited, typed))
    followed = await text(ledger, sim, "check-real", CHECK.lower())
    if not any("🔔" in m.plain for m in followed):
        ledger.problem(f"{sim.id}: the right check value did not follow: {followed!r}")


async def explore(ledger: Ledger, sim: UserSim, rng: random.Random) -> None:
    """The "ask" step, a guided flow and browsing, each met with hostile text."""
    menu = await text(ledger, sim, "step-menu", "/menu")
    ask = await tapped(ledger, sim, sim, "m:ask", menu[-1] if menu else None, "button-ask")
    wrong = rng.choice(text_classes())
    await text(ledger, sim, f"ask-{wrong}", hostile(rng, wrong))
    flow = find(ask, "g:")
    if flow is not None:
        steps = await tapped(ledger, sim, sim, flow[1], flow[0], "button-flow")
        wrong = rng.choice(text_classes())
        await text(ledger, sim, f"flow-{wrong}", hostile(rng, wrong))
        await tap(ledger, sim, "g:", "button-flow-option", steps)
    fields = await tapped(ledger, sim, sim, "fl:0", sim.last, "button-browse")
    await tap(ledger, sim, "fp:", "button-field", fields)
    wrong = rng.choice(text_classes())
    await text(ledger, sim, f"browse-{wrong}", hostile(rng, wrong))


async def waited(found: Callable[[], SentMessage | None], within: float) -> SentMessage | None:
    """What ``found`` finds, looking again until ``within`` seconds have passed."""
    deadline = time.monotonic() + within
    while True:
        message = found()
        if message is not None or time.monotonic() > deadline:
            return message
        await asyncio.sleep(0.05)


def alert_of(group: GroupSim, code: str) -> SentMessage | None:
    return next((m for m in group.messages if m.plain.startswith("📣") and code in m.plain), None)


def whole_alert(group: GroupSim, first: SentMessage) -> str:
    """The alert's visible text with the parts that followed it when it had to be split
    (the outbox sends a row's parts one after another)."""
    messages = group.messages
    at = messages.index(first)
    parts = [first.plain]
    for message in messages[at + 1 :]:
        if message.kind != "text" or message.plain.startswith("📣"):
            break
        if message.reply_to_message_id not in (None, first.message_id):
            break
        parts.append(message.plain)
    return "\n".join(parts)


def readable(text: str) -> str:
    """``text`` as Telegram can carry it: JSON joins a surrogate pair into its character, and
    a lone surrogate, which no UTF-8 text can hold, can only be shown as U+FFFD."""
    joined = json.loads(json.dumps(text))
    return str(joined).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def unshown(group: GroupSim, alert: SentMessage, request: Filed) -> list[tuple[str, str]]:
    """What the alert (with the messages that complete it: its other parts, or the full text
    of a long description) does not show as typed; whitespace aside once it is split."""
    whole = whole_alert(group, alert)
    missing = []
    for label, typed in (
        ("description", request.body),
        ("place", request.place),
        ("name", request.name),
    ):
        wanted = readable(typed) if typed else None
        if not wanted or wanted in alert.plain:
            continue
        if whole != alert.plain and squeezed(wanted) in squeezed(whole):
            continue
        missing.append((label, wanted))
    return missing


async def alert_shows(ledger: Ledger, group: GroupSim, request: Filed) -> SentMessage | None:
    """The request's alert, once it has come; it must show the citizen's words (and place,
    and name) as typed."""
    alert = await waited(lambda: alert_of(group, request.code), 30)
    if alert is None:
        ledger.problem(f"{request.code}: no alert in {request.department}'s group")
        return None
    deadline = time.monotonic() + 10  # the rest of a long one follows the alert
    while True:
        missing = unshown(group, alert, request)
        if not missing or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    for label, wanted in missing:
        ledger.problem(
            f"{request.code}: the alert's {label} {show(wanted)} is not shown verbatim; "
            f"the alert reads {show(whole_alert(group, alert), 300)}"
        )
    return alert


def containing(chat: UserSim | GroupSim, *parts: str) -> SentMessage | None:
    return next((m for m in reversed(chat.messages) if all(p in m.plain for p in parts)), None)


async def shows_verbatim(
    ledger: Ledger, chat: UserSim | GroupSim, what: str, anchor: str, wanted: str
) -> None:
    """The message in ``chat`` that mentions ``anchor`` must show ``wanted`` as typed."""
    wanted = readable(wanted)
    found = await waited(lambda: containing(chat, anchor, wanted), 30)
    if found is None:
        near = containing(chat, anchor)
        seen = show(near.plain, 300) if near else "no message about it"
        ledger.problem(f"{what}: {show(wanted)} not shown verbatim in {chat!r}; it reads {seen}")


@pytest.mark.timeout(150)
async def test_every_conversation_step_takes_hostile_text_and_officials_read_it_verbatim(
    roomy: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """Complaints, questions to officials, dossier look-ups, the ask screen, flows and
    browsing, each step fed what it cannot take; then officials and citizens write to each
    other in hostile text through every path (replies, additions, results, reasons, ratings'
    comments), a restart cuts intakes in the middle, and every code survives."""
    rng = random.Random(SEED + 2)
    ledger = Ledger()
    groups = {code: await linked(standin, chat_id, code) for code, chat_id in GROUPS.items()}
    await services(roomy).dossiers.apply(
        DossierChange(CODE, DossierStatus.RECEIVED, check_value=CHECK), "csv", "test"
    )
    names = ["Lan", "<i>Lan</i>", "{code}", "\u202eLan\u2066", "&lt;", "🇻🇳", "'; --", "%(x)s"]
    departments = list(CATEGORIES)
    kinds = [k for k in text_classes() if k not in ("empty", "blank", "digits5000")]
    citizens = [
        standin.user(
            5000 + i, rng.choice(names), rng.choice(["vi", "en"]), rng.choice([None, "<b>"])
        )
        for i in range(34)
    ]
    filed: list[Filed] = []

    async def complaint(sim: UserSim, index: int) -> None:
        department = departments[index % len(departments)]
        kind = kinds[index % len(kinds)]
        done = await intake(ledger, sim, random.Random(SEED + sim.id), department, kind)
        if done is not None:
            filed.append(done)

    async def question(sim: UserSim, index: int) -> None:
        kind = kinds[index % len(kinds)]
        got = await intake(
            ledger, sim, random.Random(SEED + sim.id), "hanh-chinh-cong", kind, question=True
        )
        if got is not None:
            filed.append(got)

    async def lookup(sim: UserSim) -> None:
        await dossier_lookup(ledger, sim, random.Random(SEED + sim.id))
        await explore(ledger, sim, random.Random(SEED - sim.id))

    await asyncio.gather(
        *(complaint(sim, i) for i, sim in enumerate(citizens[:22])),
        *(question(sim, i) for i, sim in enumerate(citizens[22:27])),
        *(lookup(sim) for sim in citizens[27:]),
    )
    assert len(filed) >= 20, ledger.problems[:10]

    # Officials read each alert with the citizen's words (and place, and name) as typed.
    for request in filed:
        await alert_shows(ledger, groups[request.department], request)

    # Officials and citizens talk back and forth in hostile text; each reads the other's
    # words as written. Fresh citizens, so the flood guard's minute is theirs.
    official = standin.user(OFFICIAL, "Hùng <b>", language_code="vi")
    talkers = [standin.user(5100 + i, rng.choice(names), "vi") for i in range(len(departments))]
    # Two of them write as many emoji as a description may hold, so their alerts are as long
    # as Telegram allows (or longer, and split) before officials act on them.
    talk_kinds = [rng.choice(kinds) for _ in departments]
    if "long-alert" not in EXCLUDED:
        talk_kinds[:2] = ["astral-max", "astral-edge"]
    lifecycles = await asyncio.gather(
        *(
            intake(ledger, sim, random.Random(SEED + sim.id), dep, kind, quick=True)
            for sim, dep, kind in zip(talkers, departments, talk_kinds, strict=False)
        )
    )

    async def lifecycle(request: Filed) -> None:
        local = random.Random(SEED + request.citizen.id + 7)
        citizen, group = request.citizen, groups[request.department]
        alert = await alert_shows(ledger, group, request)
        if alert is None:
            return
        ticket_id = int(request.code[3:])
        await tapped(ledger, group, official, f"t:{ticket_id}:accept", alert, "group-accept")
        await shows_verbatim(ledger, citizen, "official's name", request.code, official.first_name)
        said_by_official = description(local, local.choice(kinds), "o")[:1500].strip()
        update = await group.send(official, said_by_official, alert)
        ledger.fired("group-reply-to-alert", update, show(said_by_official))
        await shows_verbatim(ledger, citizen, "official's reply", request.code, said_by_official)
        caption = description(local, local.choice(kinds), "p")[:1000].strip()
        update = await group.send_photo(official, b"\xff\xd8 proof", caption, alert)
        ledger.fired("group-photo-reply-to-alert", update, show(caption))
        await shows_verbatim(ledger, citizen, "official's photo", request.code, caption)
        relayed = containing(citizen, request.code, readable(said_by_official))
        answer = description(local, local.choice(kinds), "c")[:1500]
        if relayed is not None:
            await said(
                ledger,
                citizen,
                "reply-to-official",
                show(answer),
                lambda: citizen.send(answer, reply_to=relayed),
            )
            await shows_verbatim(ledger, group, "citizen's answer", request.code, answer.strip())
            if "reply-media" not in EXCLUDED:
                # A pin or a contact card as the answer: nothing in words to pass on.
                media: dict[str, object] = local.choice(
                    [LOCATION, {"contact": {"phone_number": "+8490", "first_name": "X"}}]
                )
                await said(
                    ledger,
                    citizen,
                    "reply-media-to-official",
                    next(iter(media)),
                    lambda: reply_with(citizen, media, relayed),
                )
        mine = await text(ledger, citizen, "step-mine", "/mine")
        opened = await tap(ledger, citizen, f"mo:{ticket_id}", "button-open", mine)
        await tap(ledger, citizen, f"rq:add:{ticket_id}", "button-add", opened)
        await wrong_input(ledger, citizen, local, "add", ["sticker", "empty", "blank", "location"])
        more = description(local, local.choice(kinds), "a")[:1500]
        await text(ledger, citizen, "add-text", more)
        await shows_verbatim(ledger, group, "citizen's addition", request.code, more.strip())
        rejecting = request.department in ("cong-an", "van-hoa")
        action, asks = ("reject", "lý do từ chối") if rejecting else ("resolve", "kết quả giải")
        await tapped(ledger, group, official, f"t:{ticket_id}:{action}", alert, f"group-{action}")
        prompt = await waited(lambda: containing(group, request.code, asks), 30)
        if prompt is None:
            ledger.problem(f"{request.code}: no prompt to {action}")
            return
        result = description(local, local.choice(kinds), "r")[:900].strip()
        update = await group.send(official, result, prompt)
        ledger.fired(f"group-{action}-note", update, show(result))
        await shows_verbatim(ledger, citizen, f"official's {action} note", request.code, result)
        if rejecting:
            return
        rating = await waited(
            lambda: next((m for m in citizen.messages if button(m, "rt:")), None), 30
        )
        if rating is None:
            ledger.problem(f"{request.code}: no rating buttons")
            return
        await tapped(
            ledger, citizen, citizen, f"rt:{ticket_id}:{local.randint(1, 5)}", rating, "rate"
        )
        comment = description(local, local.choice(kinds), "g")[:1500]
        await text(ledger, citizen, "comment-text", comment)
        await shows_verbatim(ledger, group, "citizen's comment", request.code, comment.strip())

    # Meanwhile, intakes to be cut by a restart, their hostile drafts in the database.
    pausing = [standin.user(5200 + i, rng.choice(names), "vi") for i in range(4)]
    drafts = {sim.id: description(rng, rng.choice(kinds), str(sim.id)) for sim in pausing}

    async def pause(sim: UserSim) -> None:
        await text(ledger, sim, "step-start", "/phananh")
        await tap(ledger, sim, "c:consent:ok", "button-consent")
        await tap(ledger, sim, "c:cat:rac-thai", "button-category")
        await text(ledger, sim, "body-before-restart", drafts[sim.id])

    talked = [request for request in lifecycles if request is not None]
    await asyncio.gather(
        *(lifecycle(request) for request in talked), *(pause(sim) for sim in pausing)
    )
    filed += talked

    # Officials never get an empty "the citizen added" (from something that had no words).
    for group in groups.values():
        for message in group.messages:
            head, _, note = message.plain.partition("\n")
            if head.startswith("💬") and "bổ sung" in head and not note.strip():
                ledger.problem(f"officials got an empty addition: {show(message.plain)}")

    # The intakes cut by a restart go on where they were.
    await roomy.restart()
    for sim in pausing:
        await tap(ledger, sim, "c:next", "button-continue-after-restart")
        await text(ledger, sim, "place-after-restart", "Ngõ 12 <b>{0}</b>")
        keyboard = sim.reply_keyboard or [["⏭ Bỏ qua"]]
        await text(ledger, sim, "phone-skip", keyboard[-1][0])
        await tap(ledger, sim, "c:hide:0", "button-privacy")
        sent = await tap(ledger, sim, "c:send", "button-send")
        found = next((m for m in (ACK.search(x.plain) for x in sent) if m), None)
        if found is None:
            ledger.problem(f"{sim.id}: no code after a restart mid-intake: {sent!r}")
            continue
        resumed = Filed(found.group(0), sim, "kinh-te", drafts[sim.id].strip(), None, None)
        await alert_shows(ledger, groups["kinh-te"], resumed)  # the draft, kept over it
        filed.append(resumed)

    # Nothing acknowledged is lost: after a restart every code is still there, and each
    # citizen still finds theirs under /mine.
    await roomy.restart()
    with sqlite3.connect(roomy.settings.database) as db:
        stored = {
            f"{'PA' if kind == 'complaint' else 'HD'}-{ticket_id:06d}"
            for ticket_id, kind in db.execute("SELECT id, kind FROM tickets")
        }
    lost = [request.code for request in filed if request.code not in stored]
    assert not lost, f"acknowledged but gone after a restart: {lost}"
    for request in filed[:12]:
        mine = await text(ledger, request.citizen, "after-restart-mine", "/mine")
        if not any(request.code in m.plain for m in mine):
            ledger.problem(f"{request.code} missing from /mine after a restart")
    print(f"\nconversation steps: {ledger.total} inputs {dict(ledger.counts)}")
    assert ledger.total >= 550
    verdict(ledger, standin, caplog)


# --- 3. buttons, groups and people who are not officials ------------------------------------


@pytest.mark.timeout(150)
async def test_forged_stale_and_hammered_buttons_and_outsiders_change_nothing(
    roomy: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """Non-members, people who left or were removed, and the anonymous admin press the
    officials' buttons and reply to alerts; the office answers its prompts in hostile text;
    buttons are hammered, pressed long after, and forged."""
    rng = random.Random(SEED + 3)
    ledger = Ledger()
    department = await linked(standin, GROUPS["kinh-te"], "kinh-te")
    office = await linked(standin, GROUPS["hanh-chinh-cong"], "hanh-chinh-cong")
    for group in (department, office):
        group.add_member(LEFT, "left")
        group.add_member(KICKED, "kicked")
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    outsider = standin.user(OUTSIDER, "<b>Người lạ</b>", language_code="vi")
    gone = standin.user(LEFT, "Đã rời {0}", language_code="en")
    kicked = standin.user(KICKED, "%s", language_code=None)
    anonymous = standin.user(1087968824, "Group", username="GroupAnonymousBot")
    strangers = [outsider, gone, kicked, anonymous]
    dossiers = services(roomy).dossiers
    await dossiers.apply(DossierChange(CODE, DossierStatus.RECEIVED, check_value=CHECK), "csv", "t")

    citizen = standin.user(6001, "Lan", language_code="vi")
    asker = standin.user(6002, "Minh", language_code="en")
    complaint, question = await asyncio.gather(
        intake(ledger, citizen, random.Random(SEED + 31), "kinh-te", "markup", quick=True),
        intake(ledger, asker, random.Random(SEED + 32), "hanh-chinh-cong", "format", question=True),
    )
    assert complaint is not None and question is not None, ledger.problems
    alert = await waited(lambda: alert_of(department, complaint.code), 30)
    asked = await waited(lambda: alert_of(office, question.code), 30)
    assert alert is not None and asked is not None
    ticket_id = int(complaint.code[3:])
    card_update = await office.send(official, f"/hs {CODE}")
    ledger.fired("group-cmd", card_update, "/hs")
    card = await waited(lambda: containing(office, CODE, "📌"), 30)
    assert card is not None

    # People outside the groups press the officials' real buttons, reply to the alerts and
    # give the groups' commands; nothing they do changes a ticket or a dossier.
    async def stranger(sim: UserSim) -> None:
        for message in (alert, asked, card):
            group = department if message is alert else office
            for data in (d for row in message.button_data for d in row if d):
                await tapped(ledger, group, sim, data, message, "stranger-button", settle=False)
            typed = hostile(rng, rng.choice(text_classes())) or "x"
            update = await group.send(sim, typed, message)
            ledger.fired("stranger-reply-to-alert", update, show(typed))
            update = await group.send_photo(sim, b"\xff\xd8", "<b>ảnh</b>", message)
            ledger.fired("stranger-photo-reply", update, "photo")
        for typed in (f"/hs {CODE}", "/hs " + "9" * 5000, "/link kinh-te", "/link ²", "/start"):
            for group in (department, office):
                update = await group.send(sim, typed)
                ledger.fired("stranger-group-cmd", update, show(typed))

    await asyncio.gather(*(stranger(sim) for sim in strangers))
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    for typed in ["/link " + _fill(rng, 5000), "/link <b>{0}</b>", "/link ²", f"/link@{BOT} --5"]:
        update = await department.send(admin, typed)
        ledger.fired("admin-group-link", update, show(typed))
    for typed in ["/hs " + "9" * 20, "/hs <b>x</b>", "/hs " + _fill(rng, 5000), "/hs ²"]:
        update = await office.send(official, typed)
        ledger.fired("member-group-hs", update, show(typed))
    await asyncio.gather(department.settle(quiet=0.5, timeout=30), office.settle(quiet=0.5))
    ticket = await services(roomy).tickets.get(ticket_id)
    dossier = await dossiers.get(CODE)
    assert ticket is not None and ticket.status.value == "new", ticket
    assert dossier is not None and dossier.status is DossierStatus.RECEIVED, dossier
    assert not any("💬" in m.plain and complaint.code in m.plain for m in citizen.messages), (
        "a stranger's words reached the citizen"
    )
    refusals = [a for s in strangers for a in s.callback_answers]
    assert refusals and all(a["show_alert"] for a in refusals), refusals

    # The office answers its prompts in hostile text: what is refused is said in the group,
    # what is taken reaches the follower as written.
    follower = standin.user(6003, "Theo dõi", language_code="vi")
    await text(ledger, follower, "follow", f"/hoso {CODE} {CHECK}")
    replies = {
        "need_more": ["x" * 1001, _fill(rng, 5000), "<b>CCCD</b> {code} %s \u202e&lt;2&gt;"],
        "due": ["31/02", "²/¹²/²⁰²⁶", "9" * 5000, "1/1/1", "<b>15/12</b>", "31/12/9999"],
        "note": [_fill(rng, 50000), "'; DROP TABLE dossiers;-- {0} \x00 👩‍👩‍👧‍👦"],
    }
    prompts = {"need_more": "cần bổ sung những", "due": "ngày hẹn", "note": "ghi chú gửi"}
    for step, typed_all in replies.items():
        data = f"do:set:need_more:{CODE}" if step == "need_more" else f"do:{step}:{CODE}"
        await tapped(ledger, office, official, data, card, f"office-{step}")
        prompt = await waited(lambda: containing(office, CODE, prompts[step]), 30)  # noqa: B023
        if prompt is None:
            ledger.problem(f"office: no prompt for {step}")
            continue
        for typed in typed_all:
            mark = len(office.chat.log)
            update = await office.send(official, typed, prompt)
            ledger.fired(f"office-reply-{step}", update, show(typed))
            answered = await waited(
                lambda: next(iter(sent_since(office, mark)), None),  # noqa: B023
                15,
            )
            if answered is None:
                ledger.problem(f"office: no answer to {show(typed)} for {step}")
        if step != "due":
            await shows_verbatim(ledger, follower, f"office {step}", CODE, typed_all[-1])
    after = await dossiers.get(CODE)
    assert after is not None and after.due_on is not None and after.due_on.year == 9999, after

    # A citizen taps "send" five times at once: one request.
    eager = standin.user(6004, "Vội", language_code="vi")
    hurried = await intake(
        ledger, eager, random.Random(SEED + 34), "kinh-te", "emoji", quick=True, send_taps=5
    )
    assert hurried is not None, ledger.problems
    assert len(await services(roomy).tickets.of_user(eager.id)) == 1

    # The official hammers "take it": taken once.
    await tapped(ledger, department, official, f"t:{ticket_id}:accept", alert, "hammer", 15)
    events = await services(roomy).tickets.history(ticket_id)
    assert [e.action for e in events].count("accepted") == 1, events

    # Stale buttons: every button of every earlier message in the citizens' chats, pressed
    # three times at once. The intake's "send" pressed again files nothing new.
    async def stale(sim: UserSim) -> None:
        for message in list(sim.messages):
            for data in (d for row in message.button_data for d in row if d):
                await tapped(ledger, sim, sim, data, message, "stale-button", 3, settle=False)

    await asyncio.gather(stale(citizen), stale(asker))

    # Forged data: by the citizens in private, by a member and by strangers in the groups.
    async def forge(chat: UserSim | GroupSim, who: UserSim, count: int, kind: str) -> None:
        for _ in range(count):
            data = forged_data(rng)
            target = rng.choice(chat.messages) if chat.messages else None
            await tapped(ledger, chat, who, data, target, kind, settle=False)

    await asyncio.gather(
        forge(citizen, citizen, 100, "forged-private"),
        forge(asker, asker, 60, "forged-private"),
        forge(department, official, 50, "forged-member"),
        forge(office, official, 50, "forged-office-member"),
        forge(department, outsider, 30, "forged-stranger"),
        forge(office, gone, 30, "forged-stranger"),
    )
    await asyncio.gather(
        *(chat.settle(quiet=0.5, timeout=30) for chat in (citizen, asker, department, office))
    )
    for sim in (citizen, asker):
        mine = await services(roomy).tickets.of_user(sim.id)
        assert len(mine) == 1, f"{sim!r} filed {[t.code for t in mine]} by pressing old buttons"
    print(f"\nbuttons and groups: {ledger.total} inputs {dict(ledger.counts)}")
    assert ledger.total >= 450
    verdict(ledger, standin, caplog)


# --- 3b. personal data: the notice, erasing one's data, an admin's export ---------------------


def forget_inputs(rng: random.Random) -> list[tuple[str, str]]:
    """(class, text): /xoadulieu and /forgetme with odd and huge arguments."""
    return [
        (kind, typed)
        for kind, typed in command_inputs(rng)
        if typed[1:].split(" ")[0].split("@")[0] in ("xoadulieu", "forgetme")
    ]


async def erased_only_once(ledger: Ledger, sim: UserSim) -> None:
    """Exactly one "erased" confirmation in the person's chat."""
    done = [m for m in sim.messages if m.plain.startswith("✅ Đã xóa dữ liệu cá nhân")]
    if len(done) != 1:
        ledger.problem(f"{sim.id}: told {len(done)} times that their data was erased")


@pytest.mark.timeout(150)
async def test_the_notice_erasing_and_export_take_odd_input_and_stray_buttons_change_nothing(
    roomy: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """The privacy notice fed hostile words and its buttons pressed twice, forged and late;
    /xoadulieu, /forgetme and /xuatdulieu with odd and huge arguments; the erase
    confirmation's buttons forged, from an older list, from a list already answered, pressed
    three times at once, pressed by someone else and in a group. Only the one press on the
    person's latest list erases, once, and only their data; the department may still act on
    the ticket, and what its officials write reaches nobody."""
    rng = random.Random(SEED + 7)
    ledger = Ledger()
    department = await linked(standin, GROUPS["kinh-te"], "kinh-te")
    official = standin.user(OFFICIAL, "Hùng <b>", language_code="vi")
    citizen = standin.user(6101, "Lan <b>{0}</b>", language_code="vi", last_name="'; --")
    other = standin.user(6102, "Minh %s", language_code="en")
    services_ = services(roomy)

    # The notice: hostile words at it (a prompt each time), its buttons forged, pressed twice
    # at once, and pressed again once the intake has moved on.
    hesitant = standin.user(6103, "\u202eDo dự", language_code="vi")
    started = await text(ledger, hesitant, "consent-start", "/phananh")
    notice = find(started, "c:consent:")
    assert notice is not None, started
    for _ in range(4):
        kind = rng.choice(text_classes())
        await text(ledger, hesitant, f"consent-{kind}", hostile(rng, kind))
    await said(ledger, hesitant, "consent-photo", "photo", lambda: hesitant.send_photo(b"\xff"))
    for data in ("c:consent", "c:consent:", "c:consent:yes", "c:consent:ok:1", "c:consent:²"):
        await tapped(ledger, hesitant, hesitant, data, notice[0], "consent-forged")
    await tap(ledger, hesitant, "c:consent:ok", "consent-agree-twice", times=2)
    categories = [m for m in hesitant.messages if button(m, "c:cat:")]
    if len(categories) != 1:
        ledger.problem(f"agreeing twice at once showed the categories {len(categories)} times")
    for data in (d for row in notice[0].button_data for d in row if d):
        await tapped(ledger, hesitant, hesitant, data, notice[0], "consent-stale", 2)
    consent = await services_.privacy.consent(hesitant.id)
    if consent is None:
        ledger.problem("agreeing to the notice was not recorded")

    # Two citizens with a request each; one will erase their data.
    mine, theirs = await asyncio.gather(
        intake(ledger, citizen, random.Random(SEED + 71), "kinh-te", "markup", quick=True),
        intake(ledger, other, random.Random(SEED + 72), "kinh-te", "format", quick=True),
    )
    assert mine is not None and theirs is not None, ledger.problems
    alert = await waited(lambda: alert_of(department, mine.code), 30)
    assert alert is not None
    mine_id, theirs_id = int(mine.code[3:]), int(theirs.code[3:])

    # /xoadulieu and /forgetme with odd arguments, from people who file nothing: each is
    # answered (the list, unless the command was for another bot), and nothing is erased.
    odd = forget_inputs(rng)
    askers = [standin.user(6110 + i, rng.choice(["An", "<i>", "{0}"]), "vi") for i in range(3)]

    async def ask_oddly(sim: UserSim, inputs: list[tuple[str, str]]) -> None:
        for kind, typed in inputs:
            answer = await text(ledger, sim, f"forget-{kind}", typed)
            if "@some_other_bot" not in typed and find(answer, "xd:") is None:
                ledger.problem(f"{show(typed)}: no list of what would be erased: {answer!r}")

    await asyncio.gather(*(ask_oddly(sim, odd[i :: len(askers)]) for i, sim in enumerate(askers)))

    # An older list, then the latest; the older one's buttons do nothing.
    older = await text(ledger, citizen, "forget", "/xoadulieu")
    latest = await text(ledger, citizen, "forget", "/xoadulieu")
    old_found, new_found = find(older, "xd:"), find(latest, "xd:")
    assert old_found is not None and new_found is not None, (older, latest)
    old_list, new_list = old_found[0], new_found[0]
    erase = next(d for row in new_list.button_data for d in row if d.endswith(":1"))
    keep = next(d for row in new_list.button_data for d in row if d.endswith(":0"))
    nonce = int(erase.split(":")[1])
    for data in (d for row in old_list.button_data for d in row if d):
        await tapped(ledger, citizen, citizen, data, old_list, "forget-older-list", 2)
    # Forged: another number, a number too long, a third state, extra fields, garbage.
    forged = [
        f"xd:{nonce % 999_999_999 + 1}:1",
        "xd:0:1",
        f"xd:{nonce}:2",
        f"xd:{nonce}:1:1",
        f"xd:{nonce}",
        "xd:" + "9" * 20 + ":1",
        "xd:²:1",
        "xd:-1:1",
        "xd::1",
        "xd",
    ]
    for data in forged:
        await tapped(ledger, citizen, citizen, data, new_list, "forget-forged")
    # Someone else presses the citizen's real data in their own chat (with no list of
    # their own, then with one), and an official in the department's group.
    await tapped(ledger, other, other, erase, other.last, "forget-anothers")
    their_list = await text(ledger, other, "forget-own", "/forgetme")
    await tapped(ledger, other, other, erase, other.last, "forget-anothers-with-own")
    await tapped(ledger, department, official, erase, alert, "forget-in-group")
    still = await services_.tickets.get(mine_id)
    if still is None or still.erased or not still.citizen_name:
        ledger.problem(f"a stray button erased the citizen's data: {still!r}")

    # The real button, three times at once: erased once, told once.
    await tapped(ledger, citizen, citizen, erase, new_list, "forget-erase-thrice", 3)
    await erased_only_once(ledger, citizen)
    for data in (erase, keep):  # the answered list, pressed later
        await tapped(ledger, citizen, citizen, data, new_list, "forget-answered", 2)
    await erased_only_once(ledger, citizen)
    gone = await services_.tickets.get(mine_id)
    if gone is None or not gone.erased or gone.citizen_name or gone.phone or gone.body:
        ledger.problem(f"the citizen's ticket still names them: {gone!r}")
    kept = await services_.tickets.get(theirs_id)
    if kept is None or kept.erased or not kept.citizen_name.startswith("Minh"):
        ledger.problem(f"erasing one person's data touched another's: {kept!r}")
    # The other person's own list still waits, and keeping answers it.
    theirs_found = find(their_list, "xd:")
    if theirs_found is None:
        ledger.problem(f"no list for the other person: {their_list!r}")
    else:
        rows = theirs_found[0].button_data
        their_keep = next(d for row in rows for d in row if d.endswith(":0"))
        answer = await tapped(ledger, other, other, their_keep, theirs_found[0], "forget-keep")
        if not any(m.plain.startswith("Your data is kept") for m in answer):
            ledger.problem(f"keeping one's data was not answered: {answer!r}")

    # The department may still act on the ticket; what officials write reaches nobody.
    told = await waited(lambda: containing(department, mine.code, "đã xóa dữ liệu cá nhân"), 30)
    if told is None:
        ledger.problem("the department was not told that the citizen erased their data")
    heard_before = len(citizen.messages)
    for typed in (hostile(rng, "markup"), hostile(rng, "5k"), "Chị cho biết thêm ạ?"):
        update = await department.send(official, typed or "x", alert)
        ledger.fired("group-reply-to-erased", update, show(typed))
    await tapped(ledger, department, official, f"t:{mine_id}:accept", alert, "group-accept")
    await department.settle(quiet=0.5, timeout=30)
    refusals = [m for m in department.messages if "bot không còn chuyển được" in m.plain]
    if len(refusals) < 4:  # the note, and one refusal for each reply
        ledger.problem(f"officials' replies to an erased ticket: {len(refusals)} refusals")
    await citizen.settle(quiet=0.5, timeout=30)
    if len(citizen.messages) != heard_before:
        ledger.problem("an official's words or action on an erased ticket reached its citizen")

    # An admin's export: odd arguments, the erased ticket's code, another person's id; and
    # a citizen trying it.
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    for kind, typed in command_inputs(random.Random(SEED + 73)):
        if typed[1:].split(" ")[0].split("@")[0] == "xuatdulieu":
            await text(ledger, admin, f"export-{kind}", typed)
    erased_answer = await text(ledger, admin, "export-erased", f"/xuatdulieu  {mine.code.lower()}")
    if not any("không còn gắn với ai" in m.plain for m in erased_answer):
        ledger.problem(f"exporting an erased ticket's citizen: {erased_answer!r}")
    exported = await text(ledger, admin, "export-other", f"/xuatdulieu {other.id}")
    if not any(m.kind == "document" for m in exported):
        ledger.problem(f"no export of a person's data: {exported!r}")
    refused = await text(ledger, citizen, "export-citizen", f"/xuatdulieu {other.id}")
    if any(m.kind == "document" for m in refused):
        ledger.problem("a citizen got someone's data")
    print(f"\npersonal data: {ledger.total} inputs {dict(ledger.counts)}")
    assert ledger.total >= 100
    verdict(ledger, standin, caplog)


# --- 4. a flood from one person, and many people at once ------------------------------------


@pytest.mark.timeout(150)
async def test_a_flooder_is_told_once_and_a_crowd_is_each_answered(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """With Telegram's real limits and the bot's own (20 messages a minute a person)."""
    rng = random.Random(SEED + 4)
    ledger = Ledger()
    flooder = standin.user(8001, "Spam <b>", language_code="vi")
    crowd = [
        standin.user(8100 + i, rng.choice(["An", "{0}", "\u202eB"]), rng.choice(["vi", "en"]))
        for i in range(150)
    ]

    async def flood() -> None:
        for _ in range(100):
            kind = rng.choice([*text_classes(), "command"])
            typed = f"/{rng.choice(COMMANDS)} ²" if kind == "command" else hostile(rng, kind)
            update = await flooder.send(typed)
            ledger.fired(f"flood-{kind}", update, show(typed))
        # The crowd shares the bot fairly with the flooder, whose turn comes now and then:
        # wait for the one "slow down" rather than for a pause in their chat.
        deadline = time.monotonic() + 90
        while not any("hơi nhanh" in m.plain for m in flooder.messages):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        await flooder.settle(quiet=2.0, timeout=50)

    async def one_of_many(sim: UserSim) -> None:
        await text(ledger, sim, "crowd-start", "/start")
        kind = rng.choice(text_classes())
        await text(ledger, sim, f"crowd-{kind}", hostile(rng, kind))

    async def hammer() -> None:
        """Someone taps the same menu button a hundred times."""
        tapper = standin.user(8002, "Tap", language_code="vi")
        menu = await text(ledger, tapper, "hammer-menu", "/menu")
        found = find(menu, "m:")
        assert found is not None
        await tapped(ledger, tapper, tapper, found[1], found[0], "hammer-button", 100)

    await asyncio.gather(flood(), hammer(), *(one_of_many(sim) for sim in crowd))
    warnings = [m for m in flooder.messages if "hơi nhanh" in m.plain]
    answers = [m for m in flooder.messages if m not in warnings]
    assert len(warnings) == 1, f"the flooder was told {len(warnings)} times to slow down"
    assert len(answers) >= 20, f"only {len(answers)} answers to the first 20 messages"
    print(f"\nflood and crowd: {ledger.total} inputs, {standin.rate_limited_count} 429s")
    assert ledger.total >= 500
    verdict(ledger, standin, caplog)


# --- 5. the dossier endpoint ----------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request to the endpoint: ``bad`` ones must get a 4xx; none may get a 5xx."""

    kind: str
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    bad: bool = True
    auth: bool = True


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def http_calls(rng: random.Random) -> list[Call]:
    good = {"code": CODE, "status": "received"}
    post = "POST"
    calls = [
        Call("json-broken", post, "/dossiers", body)
        for body in [
            b"{oops",
            b"",
            b"[",
            b"nul",
            b"\x00",
            b"\xff\xfe{}",
            b'{"code": }',
            b"[1,2,",
            b'{"code": NaN, "status": "received"}',
            b'{"code": "A", "status": Infinity}',
            b'"just a string"',
            b"123",
            b"null",
            b"true",
            b"[]",
            b"{}",
            b"'; DROP TABLE dossiers;--",
            b'{"code": "\xed\xa0\x80", "status": "received"}',  # a surrogate in UTF-8 bytes
        ]
    ]
    # JSON read in the encodings JSON allows (a byte-order mark, UTF-16): lenient, not wrong.
    calls.append(Call("json-bom", post, "/dossiers", b"\xef\xbb\xbf" + _json(good), bad=False))
    calls += [
        Call("json-deep", post, "/dossiers", body)
        for body in [
            b"[" * 1000 + b"]" * 1000,
            b'{"a":' * 1000 + b"1" + b"}" * 1000,
            b"[" * 100_000 + b"]" * 100_000,
            _json({**good, "note": None}).replace(b"null", b"[" * 1000 + b"]" * 1000),
        ]
    ]
    calls += [
        Call("json-number", post, "/dossiers", body)
        for body in [
            b'{"code": ' + b"9" * 5000 + b', "status": "received"}',
            b'{"code": "X1", "status": ' + b"9" * 5000 + b"}",
            b'{"code": "X1", "status": "received", "due": 1e99999}',
            b'{"code": "X1", "status": "received", "due": -' + b"9" * 5000 + b".5e-99999}",
            b'[{"code": "X1", "status": "received"}, ' + b"9" * 5000 + b"]",
        ]
    ]
    calls += [
        Call("json-fields", post, "/dossiers", _json(item))
        for item in [
            {"code": "9" * 5000, "status": "received"},
            {"code": CODE, "status": "²"},
            {"code": CODE, "status": "--5"},
            {"code": CODE, "status": "received", "due": "99/99/9999"},
            {"code": CODE, "status": "received", "due": "29/02/2027"},
            {"code": CODE, "status": "received", "check": "<b>x</b>"},
            {"code": CODE, "status": "received", "note": "x" * 1001},
            {"code": "<b>", "status": "received"},
            {"code": "{code}", "status": "%s"},
            {"code": ["A"], "status": "received"},
            {"code": {"a": 1}, "status": "received"},
            {"code": True, "status": "received"},
            {**good, "extra": 1},
            {**good, "\u202e": "x"},
            {"status": "received"},
            {"code": CODE},
            [good, "x"],
            [good, [good]],
        ]
    ]
    surrogates = [
        b'{"code": "\\ud800", "status": "received"}',
        b'{"code": "A1", "status": "\\udfff"}',
        b'{"code": "A1", "status": "received", "note": "x\\ud800y"}',
        b'{"\\ud800": "A1", "status": "received"}',
        b'[{"code": "A1", "status": "received"}, {"code": "A2\\udbff", "status": "received"}]',
        b'{"code": "A1", "status": "received", "procedure": "\\ud83d"}',
        b'{"code": "A1", "status": "received", "check": "\\ud800\\ud800\\ud800\\ud800"}',
    ]
    calls += [Call("json-surrogate", post, "/dossiers", body) for body in surrogates]
    huge = _json({**good, "note": "x" * 1_100_000})
    calls += [
        Call("too-big", post, "/dossiers", huge),
        Call("too-big", post, "/dossiers", _json([{**good, "procedure": "p" * 1200}] * 1000)),
        Call("too-many", post, "/dossiers", _json([good] * 1001)),
        Call("too-many", post, "/dossiers", _json([])),
    ]
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "",
        "*/*",
        "application/json\u202e",
    ]:
        calls.append(
            Call("content-type", post, "/dossiers", _json(good), (("Content-Type", content_type),))
        )
    calls.append(
        Call(
            "content-type",
            post,
            "/dossiers",
            json.dumps(good).encode("utf-16"),
            (("Content-Type", "application/json; charset=utf-16"),),
            bad=False,
        )
    )
    # A body shorter than its Content-Length, then the sender hangs up (half-closed): no
    # answer can reach it, but nothing may break either.
    if "truncated" not in EXCLUDED:
        calls.append(
            Call(
                "truncated",
                post,
                "/dossiers",
                b'{"code": "A',
                (("Content-Length", "100"),),
                bad=False,  # it is gone: no answer can reach it
            )
        )
    for token in [
        "Bearer tôken-không-đúng-0123456789",
        f"Bearer {HTTP_TOKEN}\u202e",
        f"Bearer {HTTP_TOKEN[:-1]}",
        f"Bearer  {HTTP_TOKEN}",
        f"Basic {HTTP_TOKEN}",
        "Bearer",
        "",
        "Bearer " + HTTP_TOKEN * 100,
        "Bearer \x00" + HTTP_TOKEN,
        "Bearer " + "9" * 5000,
    ]:
        calls.append(
            Call(
                "bad-token",
                post,
                "/dossiers",
                _json(good),
                (("Authorization", token),),
                True,
                False,
            )
        )
    calls += [
        Call("path", "GET", "/dossiers/" + "A" * 9000),
        Call("path", "GET", "/dossiers/" + "9" * 8000),
        Call("path", "GET", "/dossiers/%ED%A0%80"),
        Call("path", "GET", "/dossiers/%00"),
        Call("path", "GET", "/dossiers/..%2F..%2Fetc%2Fpasswd"),
        Call("path", "GET", "/dossiers/%F0%9F%98%80"),
        Call("path", "GET", "/dossiers/<b>x</b>"),
        Call("path", "GET", "/dossiers/{0}"),
        Call("path", "GET", "/dossiers/"),
        Call("path", "GET", "/" + "x" * 9000),
        Call("method", "PUT", "/dossiers", _json(good)),
        Call("method", "DELETE", "/dossiers/" + CODE),
        Call("method", "PATCH", "/dossiers", _json(good)),
        Call("method", "GET", "/dossiers"),
        Call("method", "POST", "/dossiers/" + CODE, _json(good)),
    ]
    # Valid requests at the edges: must succeed (or be refused with a 4xx), never a 5xx.
    calls += [
        Call(
            "edge",
            post,
            "/dossiers",
            _json([{**good, "code": f"E-{i}"} for i in range(1000)]),
            bad=False,
        ),
        Call(
            "edge",
            post,
            "/dossiers",
            _json({**good, "code": "E-DATES", "due": "9999-12-31", "received": "0001-01-01"}),
            bad=False,
        ),
        Call(
            "edge",
            post,
            "/dossiers",
            _json({**good, "code": "E-PAST", "due": "0001-01-01", "received": "0001-01-01"}),
            bad=False,
        ),
    ]
    rng.shuffle(calls)
    return calls


async def raw_request(port: int, call: Call) -> int:
    """Send ``call`` as raw bytes (no client library tidies the path or the headers); the
    answer's status code."""
    headers = {"Host": f"127.0.0.1:{port}", "Connection": "close"}
    if call.body or call.method in ("POST", "PUT", "PATCH"):
        headers["Content-Type"] = "application/json"
        headers["Content-Length"] = str(len(call.body))
    if call.auth:
        headers["Authorization"] = f"Bearer {HTTP_TOKEN}"
    headers.update(dict(call.headers))
    head = f"{call.method} {call.path} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head.encode("utf-8", "surrogateescape") + b"\r\n" + call.body)
        await writer.drain()
        if call.kind == "truncated":
            writer.write_eof()
        line = await asyncio.wait_for(reader.readline(), 15)
    finally:
        writer.close()
    parts = line.split()
    return int(parts[1]) if len(parts) >= 2 else 0


async def test_the_dossier_endpoint_answers_bad_requests_with_4xx_and_followers_read_notes(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """Malformed, deep, huge, oversized, mistyped, unauthorised and badly addressed requests
    get a 4xx; notes in markup reach a follower as written; dates at the calendar's ends are
    shown and reminded of."""
    await bot.stop()
    app = await bot.start(http_token=SecretStr(HTTP_TOKEN), http_port=0)
    port = int(app.bot_data.http_port or 0)
    rng = random.Random(SEED + 5)
    ledger = Ledger()
    dossiers = services(bot).dossiers
    await dossiers.apply(DossierChange(CODE, DossierStatus.RECEIVED, check_value=CHECK), "csv", "t")
    follower = standin.user(8501, "Lan", language_code="vi")
    followed = await text(ledger, follower, "follow", f"/hoso {CODE} {CHECK}")
    assert any("🔔" in m.plain for m in followed), followed

    for call in http_calls(rng):
        body = call.body.decode("utf-8", "replace")
        shown = f"{call.method} {show(call.path, 50)} {show(body, 90)} {call.headers!r:.90}"
        ledger.fired(f"http-{call.kind}", None, shown)
        status = await raw_request(port, call)
        if status >= 500 or (status == 0 and call.bad):
            ledger.problem(f"http {call.kind}: {status} for {shown}")
        elif call.bad and not 400 <= status < 500:
            ledger.problem(f"http {call.kind}: {status} (wanted a 4xx) for {shown}")
    assert await dossiers.get(CODE) is not None

    # Notes in markup and format tokens reach the follower as written; a look-up of the
    # dossiers with dates at the calendar's ends shows them.
    for note in [
        "<b>{code}</b> %s",
        "\u202eBring &lt;2&gt; copies\u2066",
        "'; DROP TABLE dossiers;--",
    ]:
        change = {"code": CODE, "status": "need_more", "note": note}
        standin.person_typed(note)  # an official typed it into the dossier system
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"http://127.0.0.1:{port}/dossiers",
                json=change,
                headers={"Authorization": f"Bearer {HTTP_TOKEN}"},
            ) as answer,
        ):
            ledger.fired("http-note", None, show(note))
            if answer.status != 200:
                ledger.problem(f"http note {show(note)}: {answer.status}")
        await shows_verbatim(ledger, follower, "dossier note", CODE, note)
    for code in ("E-DATES", "E-PAST"):
        await text(ledger, follower, "edge-dossier", f"/hoso {code}")
    # The office's daily list of late dossiers (a minute's job) with those dates in it. It is
    # made in office hours only, so the clock says a Tuesday morning; with no office group
    # it goes to the admins.
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    services(bot).clock.travel(dt.datetime(2026, 12, 1, 9, 30, tzinfo=HANOI))
    assert await dossiers.remind_overdue() >= 1
    reminder = await admin.next_message()
    assert "E-PAST" in reminder.plain
    print(f"\nhttp: {ledger.total} inputs {dict(ledger.counts)}")
    assert ledger.total >= 90
    verdict(ledger, standin, caplog)


WEBHOOK_SECRET = "hostile-suite-webhook-secret_0123456789"


def ops_calls() -> list[Call]:
    """Health and metrics from outside (through a proxy) without the token, or done wrong."""
    calls: list[Call] = []
    proxies = [
        ("X-Forwarded-For", "203.0.113.9"),
        ("X-Forwarded-For", "127.0.0.1"),  # a proxy cannot make a caller local by saying so
        ("Forwarded", "for=127.0.0.1"),
        ("X-Real-IP", "::1"),
    ]
    tokens = ["", "Bearer", f"Bearer {HTTP_TOKEN[:-1]}", f"Basic {HTTP_TOKEN}", "Bearer \x00"]
    for path in ("/healthz", "/metrics"):
        for proxy in proxies:
            for token in tokens:
                headers = (proxy, ("Authorization", token)) if token else (proxy,)
                calls.append(Call("ops-outside", "GET", path, headers=headers, auth=False))
        calls += [
            Call("ops-method", method, path, b"{}", auth=False)
            for method in ("POST", "PUT", "DELETE", "PATCH")
        ]
        # From this machine: answered, whatever is tacked on.
        calls += [
            Call("ops-local", "GET", path + "?x=<b>&y=%ED%A0%80", auth=False, bad=False),
            Call("ops-local", "HEAD", path, auth=False, bad=False),
        ]
    calls += [
        Call("ops-path", "GET", "/healthz%00", auth=False),
        Call("ops-path", "GET", "/metrics/" + "x" * 5000, auth=False),
    ]
    return calls


def webhook_calls(path: str) -> list[Call]:
    """Posts to the webhook: forged (no secret, a wrong one), or with the secret but a body
    Telegram would never send."""
    update = {"update_id": 424_242, "message": {"message_id": 1}}
    body = _json(update)
    calls = [
        Call("webhook-secret", "POST", path, body, headers, auth=False)
        for headers in [
            (),
            (("X-Telegram-Bot-Api-Secret-Token", ""),),
            (("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET[:-1]),),
            (("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET.upper()),),
            (("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET + "x"),),
            (("X-Telegram-Bot-Api-Secret-Token", HTTP_TOKEN),),
            (("X-Telegram-Bot-Api-Secret-Token", "tôken-sai-" + WEBHOOK_SECRET),),
            (("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET * 50),),
            (("Authorization", f"Bearer {WEBHOOK_SECRET}"),),
        ]
    ]
    secret = (("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET),)
    bad_bodies = [
        b"{oops",
        b"",
        b"null",
        b"[]",
        b'"update"',
        b"{}",
        b'{"update_id": "1"}',
        b'{"update_id": 1.5}',
        b"[" * 100_000 + b"]" * 100_000,
        _json({"update_id": 1, "x": "y" * 1_100_000}),  # over the size any update has
    ]
    calls += [Call("webhook-body", "POST", path, b, secret, auth=False) for b in bad_bodies]
    # Well-formed JSON in shapes no update has: taken (Telegram would only post it again),
    # and nothing breaks.
    odd = [
        {"update_id": 9_000_001},
        {"update_id": 9_000_002, "message": {"message_id": 1}},
        {"update_id": 9_000_003, "message": "text"},
        {"update_id": 9_000_004, "callback_query": {"id": "1", "data": "\ud800"}},
        {"update_id": 9_000_005, "edited_message": [1, 2, 3]},
        {"update_id": -1, "unknown_kind": {"a": 1}},
    ]
    calls += [
        Call("webhook-odd", "POST", path, json.dumps(u).encode(), secret, bad=False, auth=False)
        for u in odd
    ]
    calls += [
        Call("webhook-method", "GET", path, headers=secret, auth=False),
        Call("webhook-method", "PUT", path, body, secret, auth=False),
        Call("webhook-path", "POST", path + "x", body, secret, auth=False),
        Call("webhook-path", "POST", "/", body, secret, auth=False),
    ]
    return calls


async def test_health_metrics_and_the_webhook_refuse_what_is_not_theirs(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """Health and metrics answer this machine and the token holder only; the webhook takes
    posts with Telegram's secret only, and bodies no update has get a 4xx or are dropped:
    never a 5xx, never a crash; a citizen is answered through the webhook afterwards."""
    from tests.test_ops import free_port

    await bot.stop()
    webhook_port = free_port()
    path = "/tg/" + "hook"
    app = await bot.start(
        http_token=SecretStr(HTTP_TOKEN),
        http_port=0,
        webhook_url=f"http://127.0.0.1:{webhook_port}{path}",
        webhook_port=webhook_port,
        webhook_secret=SecretStr(WEBHOOK_SECRET),
    )
    http_port = int(app.bot_data.http_port or 0)
    ledger = Ledger()
    rng = random.Random(SEED + 6)
    calls = [(http_port, call) for call in ops_calls()]
    calls += [(webhook_port, call) for call in webhook_calls(path)]
    rng.shuffle(calls)
    for port, call in calls:
        body = show(call.body.decode("utf-8", "replace"), 60)
        shown = f"{call.method} {show(call.path, 40)} {body} {call.headers!r:.80}"
        ledger.fired(call.kind, None, shown)
        status = await raw_request(port, call)
        if status >= 500 or (status == 0 and call.bad):
            ledger.problem(f"{call.kind}: {status} for {shown}")
        elif call.bad and not 400 <= status < 500:
            ledger.problem(f"{call.kind}: {status} (wanted a 4xx) for {shown}")
        elif not call.bad and status != 200:
            ledger.problem(f"{call.kind}: {status} (wanted 200) for {shown}")
    citizen = standin.user(8601, "Lan", language_code="vi")
    answered = await text(ledger, citizen, "after", "giờ làm việc")
    assert answered, "no answer through the webhook after the hostile posts"
    print(f"\nops and webhook: {ledger.total} inputs {dict(ledger.counts)}")
    assert ledger.total >= 80
    verdict(ledger, standin, caplog)
