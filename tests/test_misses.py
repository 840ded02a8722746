"""Admins teach the bot what it could not answer: ``/misses`` is a queue of the questions that
found nothing, got "none of these" or an answer the bot was not sure of, grouped and in local
time; two taps teach a question (the next citizen asking it gets the card), undo takes it back;
a new everyday answer or dismissing it are the other ways out; a weekly list reminds admins."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.config import Settings
from bot.handlers.answers.buttons import Related
from bot.handlers.teaching.buttons import (
    DismissMiss,
    FindOther,
    MissesPage,
    TeachAs,
    TeachMiss,
    UndoTeach,
    WriteAnswer,
)
from bot.services.answers import ALIASES_FILE, FAQ_FILE
from bot.services.faq_file import new_entry_id, with_entry
from bot.services.misses import MissKind, TaughtFile, group_key
from bot.standin import StandIn
from bot.standin.sims import UserSim
from bot.standin.state import SentMessage
from bot.storage.db import Database, _split_sql, migrations
from bot.ui.buttons import Meaning
from tests.conftest import ADMIN_ID, BotRunner, alert

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ADMIN_ONLY = "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
NOTHING = "Xin lỗi, tôi chưa tìm thấy thủ tục nào phù hợp"
HANDLED = "Câu hỏi này đã được xử lý rồi (đã dạy bot hoặc bỏ qua). Gõ /misses để xem danh sách mới."
EMPTY = "✅ Không còn câu hỏi nào chờ xử lý: bot đã trả lời được mọi câu hỏi gần đây."
# Gets only a list today (an unsure answer); its words are close to some procedures, which the
# admin picks from.
PHRASE = "dang ky xe may moi mua"
LISTED = "Tôi tìm thấy một số thủ tục gần với câu hỏi của anh/chị."
ASKED_AT = dt.datetime(2026, 11, 30, 1, 30, tzinfo=dt.UTC)  # 08:30 in Hà Nội
TEACH_FIRST = "🎓 1. Dạy bot"


def admin_of(standin: StandIn) -> UserSim:
    return standin.user(ADMIN_ID, "Quản trị", language_code="vi")


def teach_buttons(message: SentMessage) -> list[tuple[str, TeachAs]]:
    """The candidates offered, as (label, button)."""
    found = []
    for row, datas in zip(message.buttons, message.button_data, strict=True):
        for text, data in zip(row, datas, strict=True):
            button = TeachAs.parse(data)
            if button is not None:
                found.append((text, button))
    return found


def pause_jobs(bot: BotRunner) -> None:
    assert bot.app is not None and bot.app.job_queue is not None
    for job in bot.app.job_queue.jobs():
        job.enabled = False


async def after_press(user: UserSim, label: str, message: SentMessage) -> SentMessage:
    await user.press(label, message)
    return await user.next_message()


async def test_two_taps_teach_a_missed_phrase_and_undo_takes_it_back(
    bot: BotRunner, standin: StandIn
) -> None:
    bot.services.clock.travel(ASKED_AT)
    admin = admin_of(standin)
    assert (await admin.reply("/misses")).plain == EMPTY

    citizen = standin.user(1401, "Lan", language_code="vi")
    missed = await citizen.reply(PHRASE)
    assert missed.plain.startswith(LISTED)

    queue = await admin.reply("/misses")
    lines = queue.plain.splitlines()
    assert lines[0] == "📝 1 câu hỏi bot chưa trả lời tốt (trang 1/1, hỏi nhiều nhất trước):"
    # Local time (Hà Nội), not UTC; and why it is there.
    assert lines[1] == f"1. «{PHRASE}» — 1 lần, gần nhất 08:30 30/11/2026 · trả lời chưa chắc"
    assert "01:30" not in queue.plain
    assert queue.buttons == [[TEACH_FIRST, "✖️ 1. Bỏ qua"]]

    # Tap one: what the question could mean, procedures and everyday answers together.
    meanings = await after_press(admin, TEACH_FIRST, queue)
    assert meanings.plain.startswith(f"🎓 Dạy bot: «{PHRASE}»\nĐã hỏi 1 lần, gần nhất 08:30")
    assert "Câu hỏi này nghĩa là gì?" in meanings.plain
    offered = teach_buttons(meanings)
    assert 1 <= len(offered) <= 6
    assert meanings.buttons[-3:] == [
        ["🔎 Tìm thủ tục khác"],
        ["✍️ Viết câu trả lời mới"],
        ["✖️ Bỏ qua"],
    ]
    number, (label, choice) = next(
        (n, (lb, b)) for n, (lb, b) in enumerate(offered, 1) if b.meaning is Meaning.PROCEDURE
    )
    assert label.startswith(f"{number}. 📄 ")
    named = bot.services.catalogue.get(choice.key)
    assert named is not None  # named in full in the message, with its code
    assert f"\n{number}. 📄 {named.name} (mã {choice.key})" in meanings.plain
    version = bot.services.documents.version(ALIASES_FILE)

    # Tap two: taught, effective at once, as a new version of aliases.yaml.
    taught = await after_press(admin, label, meanings)
    assert taught.plain.startswith(f"✅ Đã dạy bot: «{PHRASE}» → ")
    assert f"(aliases.yaml, phiên bản {version + 1})" in taught.plain
    assert taught.buttons == [["↩️ Hoàn tác"]]
    assert bot.services.documents.version(ALIASES_FILE) == version + 1
    assert f"phrase: {PHRASE}" in (await bot.services.documents.text(ALIASES_FILE))
    assert (await admin.reply("/misses")).plain == EMPTY

    # The next citizen asking the same (with marks, in capitals) gets the card.
    card = await standin.user(1402, "Hùng", language_code="vi").reply("Đăng ký XE máy mới mua")
    assert f"Mã thủ tục: {choice.key}" in card.plain

    # The old buttons are answered politely: the question was handled.
    await admin.press(TEACH_FIRST, queue)
    assert (await alert(admin))["text"] == HANDLED
    await admin.press(label, meanings)
    assert (await alert(admin))["text"] == HANDLED
    assert bot.services.documents.version(ALIASES_FILE) == version + 1

    # Undo: the previous aliases.yaml, and the question is a miss again.
    undone = await after_press(admin, "↩️ Hoàn tác", taught)
    assert undone.plain.startswith("↩️ Đã hoàn tác: aliases.yaml trở lại như trước")
    assert PHRASE not in (await bot.services.documents.text(ALIASES_FILE))
    again = await standin.user(1403, "Mai", language_code="vi").reply(PHRASE)
    assert again.plain.startswith(LISTED)
    back = await admin.reply("/misses")
    assert back.plain.splitlines()[1].startswith(f"1. «{PHRASE}» — 2 lần")
    await admin.press("↩️ Hoàn tác", taught)  # twice: nothing more to undo
    assert "Không còn gì để hoàn tác" in (await alert(admin))["text"]


async def test_a_citizen_cannot_press_an_admins_buttons(bot: BotRunner, standin: StandIn) -> None:
    citizen = standin.user(1411, "Tùng", language_code="vi")
    await citizen.reply(PHRASE)
    refused = await citizen.reply("/misses")
    assert refused.plain == ADMIN_ONLY and PHRASE not in refused.plain
    miss = (await bot.services.misses.queue()).groups[0].id
    version = bot.services.documents.version(ALIASES_FILE)
    forged = [
        TeachAs(miss, Meaning.PROCEDURE, "1.001193"),
        TeachMiss(miss),
        DismissMiss(miss),
        FindOther(miss),
        WriteAnswer(miss),
        UndoTeach(miss, TaughtFile.ALIASES, version),
        MissesPage(0),
    ]
    for button in forged:
        await citizen.press_data(button.data, refused)
        answer = await alert(citizen)
        assert answer["text"] == ADMIN_ONLY and answer["show_alert"] is True
    assert await citizen.settle() == []  # nothing else was said to them
    assert bot.services.documents.version(ALIASES_FILE) == version
    assert [g.id for g in (await bot.services.misses.queue()).groups] == [miss]


async def test_repeats_are_grouped_and_the_strongest_reason_shown(
    bot: BotRunner, standin: StandIn
) -> None:
    misses = bot.services.misses
    clock = bot.services.clock
    clock.travel(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC))
    await misses.record("Giấy phép nuôi chó", "vi", MissKind.UNSURE)
    clock.travel(dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC))
    listed = await misses.record("giay phep  nuoi cho", "vi", MissKind.UNSURE)
    await misses.record("hello there", "en", MissKind.NOTHING)
    clock.travel(dt.datetime(2026, 12, 2, 14, 5, tzinfo=dt.UTC))  # 21:05 local
    await misses.record("ổ gà đường làng", "vi", MissKind.NOTHING)
    assert await misses.none_fit(listed)  # the citizen said none of the list fit
    assert not await misses.none_fit(listed)  # once
    assert not await misses.none_fit(999_999)

    queue = await admin_of(standin).reply("/misses")
    lines = queue.plain.splitlines()
    assert lines[0].startswith("📝 3 câu hỏi bot chưa trả lời tốt")
    assert lines[1:4] == [
        "1. «giay phep nuoi cho» — 2 lần, gần nhất 10:00 01/12/2026"
        " · bấm “không có thủ tục nào đúng”",
        "2. «ổ gà đường làng» — 1 lần, gần nhất 21:05 02/12/2026 · không tìm thấy",
        "3. «hello there» — 1 lần, gần nhất 10:00 01/12/2026 · không tìm thấy",
    ]
    assert [row[0] for row in queue.buttons] == ["🎓 1. Dạy bot", "🎓 2. Dạy bot", "🎓 3. Dạy bot"]

    # Dismissed: the whole group leaves the queue; its other buttons are then stale.
    dismissed = await after_press(admin_of(standin), "✖️ 1. Bỏ qua", queue)
    assert dismissed.plain == "Đã bỏ qua «giay phep nuoi cho» (2 lần hỏi)."
    await admin_of(standin).press("🎓 1. Dạy bot", queue)
    assert (await alert(admin_of(standin)))["text"] == HANDLED
    after = await admin_of(standin).reply("/misses")
    assert after.plain.splitlines()[1].startswith("1. «ổ gà đường làng»")


async def test_a_long_queue_is_paged(bot: BotRunner, standin: StandIn) -> None:
    for n in range(10):
        for _ in range(10 - n):  # the first asked most
            await bot.services.misses.record(f"câu hỏi số {n}", "vi", MissKind.NOTHING)
    admin = admin_of(standin)
    first = await admin.reply("/misses")
    assert "(trang 1/2, hỏi nhiều nhất trước)" in first.plain
    assert first.plain.splitlines()[1].startswith("1. «câu hỏi số 0» — 10 lần")
    assert first.buttons[-1] == ["Trang sau ▶️"]
    second = await after_press(admin, "Trang sau ▶️", first)
    assert "(trang 2/2" in second.plain
    assert second.plain.splitlines()[1].startswith("9. «câu hỏi số 8» — 2 lần")
    assert second.buttons[-1] == ["◀️ Trang trước"]
    assert second.buttons[0] == ["🎓 9. Dạy bot", "✖️ 9. Bỏ qua"]


async def test_find_another_and_teach_with_the_admins_words(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(1421, "Hoa", language_code="vi")
    asked = "giấy tờ cho bé mới sinh xyzw"
    await bot.services.misses.record(asked, "vi", MissKind.NOTHING)
    admin = admin_of(standin)
    queue = await admin.reply("/misses")
    meanings = await after_press(admin, TEACH_FIRST, queue)
    prompt = await after_press(admin, "🔎 Tìm thủ tục khác", meanings)
    assert prompt.plain.startswith("🔎 Gõ vài từ trong tên thủ tục")
    assert prompt.buttons == [["✖️ Thôi"]]
    found = await admin.reply("đăng ký khai sinh")
    assert found.plain.startswith("Kết quả cho «đăng ký khai sinh».")
    label = next(lb for lb, b in teach_buttons(found) if b.key == "1.001193")
    taught = await after_press(admin, label, found)
    assert taught.plain.startswith(f"✅ Đã dạy bot: «{asked}» → Thủ tục đăng ký khai sinh.")
    # The step is over: the admin's next words are a question again, not a search.
    assert "Mã thủ tục: 1.001193" in (await citizen.reply(asked)).plain


async def test_write_a_new_everyday_answer(bot: BotRunner, standin: StandIn) -> None:
    asked = "phường có cho mượn loa kẹo kéo không"
    await bot.services.misses.record(asked, "vi", MissKind.NOTHING)
    admin = admin_of(standin)
    queue = await admin.reply("/misses")
    meanings = await after_press(admin, TEACH_FIRST, queue)
    prompt = await after_press(admin, "✍️ Viết câu trả lời mới", meanings)
    assert prompt.plain.startswith(f"✍️ Mời viết câu trả lời cho «{asked}».")
    assert "{hours}" in prompt.plain

    refused = await admin.reply("Phường không cho mượn {loa}.")  # not a placeholder
    assert refused.plain.startswith("Chưa lưu được, vì tệp mới có lỗi:")
    assert "không có chỗ điền {loa}" in refused.plain

    version = bot.services.documents.version(FAQ_FILE)
    before = await bot.services.documents.text(FAQ_FILE)
    done = await admin.reply("Phường không cho mượn loa.\nGọi {hotline} nếu cần hỏi thêm.")
    assert done.plain.startswith(f"✅ Đã thêm câu trả lời mới cho «{asked}» (faq.yaml, phiên bản")
    assert bot.services.documents.version(FAQ_FILE) == version + 1
    text = await bot.services.documents.text(FAQ_FILE)
    assert text.startswith(before.rstrip("\n"))  # every comment of the file kept
    entry = yaml.safe_load(text)["entries"][-1]
    assert entry == {
        "id": "phuong-co-cho-muon-loa-keo-keo",
        "questions": [asked],
        "answer": {"vi": "Phường không cho mượn loa.\nGọi {hotline} nếu cần hỏi thêm."},
    }
    answer = await standin.user(1431, "Bình", language_code="vi").reply(asked)
    assert answer.plain.startswith("Phường không cho mượn loa.\nGọi ")
    assert "{hotline}" not in answer.plain

    undone = await after_press(admin, "↩️ Hoàn tác", done)
    assert undone.plain.startswith("↩️ Đã hoàn tác: faq.yaml trở lại như trước")
    assert (await bot.services.documents.text(FAQ_FILE)) == before


async def test_the_weekly_list_goes_out_on_monday_morning_once(
    bot: BotRunner, standin: StandIn
) -> None:
    pause_jobs(bot)  # the test says when the minute's job runs
    clock = bot.services.clock
    misses = bot.services.misses
    first_week = dt.datetime(2026, 11, 25, 10, 0, tzinfo=HANOI)  # a Wednesday
    clock.travel(first_week)
    assert await misses.send_weekly() == 0  # the bot's first week: its list is next Monday's
    for n in range(12):
        for _ in range(n + 1):
            await misses.record(f"câu hỏi {n}", "vi", MissKind.NOTHING)
    admin = admin_of(standin)

    clock.travel(dt.datetime(2026, 11, 30, 7, 59, tzinfo=HANOI))  # Monday, before eight
    assert await misses.send_weekly() == 0
    clock.travel(dt.datetime(2026, 11, 30, 8, 0, tzinfo=HANOI))
    sent = await misses.send_weekly()
    weekly = await admin.next_message()
    assert sent == 10
    lines = weekly.plain.splitlines()
    assert lines[0] == "📝 Tuần qua có 12 câu hỏi bot chưa trả lời tốt; hỏi nhiều nhất:"
    assert lines[1].startswith("1. «câu hỏi 11» — 12 lần, gần nhất 10:00 25/11/2026")
    assert lines[11] == "… và 2 câu hỏi khác."
    assert weekly.buttons == [["📝 Mở danh sách câu hỏi"]]
    assert await misses.send_weekly() == 0  # once a week

    await bot.restart()  # the week's list is remembered in the database
    pause_jobs(bot)
    clock = bot.services.clock
    clock.travel(dt.datetime(2026, 12, 3, 9, 0, tzinfo=HANOI))
    assert await bot.services.misses.send_weekly() == 0
    assert await admin.settle() == []

    queue = await after_press(admin, "📝 Mở danh sách câu hỏi", weekly)
    assert queue.plain.startswith("📝 12 câu hỏi bot chưa trả lời tốt")

    # The next Monday, the minute's job sends it: only what was asked that week counts.
    await bot.services.misses.record("câu hỏi mới", "vi", MissKind.UNSURE)
    clock.travel(dt.datetime(2026, 12, 7, 8, 1, tzinfo=HANOI))
    assert bot.app is not None and bot.app.job_queue is not None
    (job,) = bot.app.job_queue.jobs()
    await job.run(bot.app)
    later = await admin.next_message()
    assert later.plain.splitlines()[:2] == [
        "📝 Tuần qua có 1 câu hỏi bot chưa trả lời tốt; hỏi nhiều nhất:",
        "1. «câu hỏi mới» — 1 lần, gần nhất 09:00 03/12/2026 · trả lời chưa chắc",
    ]


def _stored_unfolded(path: Path, query: str, created_at: str) -> None:
    """A database as version 7 left it: a question stored without its folded text."""
    conn = sqlite3.connect(path)
    for number, _, sql in migrations():
        if number <= 7:
            for statement in _split_sql(sql):
                conn.execute(statement)
    conn.execute("PRAGMA user_version=7")
    conn.execute(
        "INSERT INTO search_misses (query, language, created_at) VALUES (?, ?, ?)",
        (query, "vi", created_at),
    )
    conn.commit()
    conn.close()


async def test_misses_recorded_before_this_version_still_read(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _stored_unfolded(path, "Giấy phép nuôi chó", "2020-11-20T01:00:00.000Z")
    async with Database(path) as db:
        from bot.storage.misses import MissRepository

        repository = MissRepository(db)
        assert await repository.fold_missing(group_key) == 1
        new = await repository.add("giay phep nuoi cho", "giay phep nuoi cho", "vi", "unsure")
        (group,) = await repository.groups(0, 10)
        assert (group.id, group.asked, group.kind) == (new, 2, "nothing")
        assert group.last_at > "2020-11-20T01:00:00.000Z"


async def test_the_bot_started_on_an_old_database_lists_its_misses(
    settings: Settings, standin: StandIn
) -> None:
    """Questions stored by a version that did not fold them are grouped at start-up, so the
    admins' queue shows them like any other."""
    _stored_unfolded(settings.database, "Giấy phép nuôi chó", "2026-11-20T01:00:00.000Z")
    runner = BotRunner(settings)
    await runner.start()
    try:
        admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
        queue = await admin.reply("/misses")
        assert queue.plain.splitlines()[1].startswith("1. «Giấy phép nuôi chó» — 1 lần"), (
            queue.plain
        )
    finally:
        await runner.stop()


def test_a_new_entry_id_is_made_from_the_words() -> None:
    assert new_entry_id("Giấy phép nuôi chó?", set()) == "giay-phep-nuoi-cho"
    assert new_entry_id("giấy phép", {"giay-phep", "giay-phep-2"}) == "giay-phep-3"
    assert len(new_entry_id("một câu hỏi rất dài " * 10, set())) <= 34
    assert new_entry_id("???", set()) == "cau-hoi"


def test_an_entry_is_appended_keeping_comments_or_dumped_under_the_header() -> None:
    entry = {"id": "b", "questions": ["hỏi"], "answer": {"vi": "Một\nHai"}}
    last = "# Tiêu đề\n\nentries:\n  # mục a\n  - id: a\n    questions: [x]\n    answer: {vi: y}\n"
    appended = with_entry(last, entry)
    assert appended.startswith(last) and "# mục a" in appended
    assert yaml.safe_load(appended)["entries"][1] == entry
    assert "vi: |-\n        Một\n        Hai" in appended  # an answer's lines, as lines

    not_last = "# Tiêu đề\nentries:\n- id: a\n  questions: [x]\n  answer: {vi: y}\nother: 1\n"
    dumped = with_entry(not_last, entry)
    assert dumped.startswith("# Tiêu đề\nentries:\n")
    assert yaml.safe_load(dumped) == {
        "entries": [{"id": "a", "questions": ["x"], "answer": {"vi": "y"}}, entry],
        "other": 1,
    }


async def test_two_admins_teaching_at_once_teach_once(bot: BotRunner, standin: StandIn) -> None:
    misses = bot.services.misses
    miss = await misses.record(PHRASE, "vi", MissKind.NOTHING)
    procedure = bot.services.catalogue.get("1.001193")
    assert procedure is not None
    version = bot.services.documents.version(ALIASES_FILE)
    results = await asyncio.gather(
        misses.teach(miss, procedure, ADMIN_ID),
        misses.teach(miss, procedure, ADMIN_ID + 1),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert bot.services.documents.version(ALIASES_FILE) == version + 1


async def test_choosing_another_answer_under_a_card_tells_the_admins(
    bot: BotRunner, standin: StandIn
) -> None:
    """«↪» under an outright answer: choosing it says the answer was not what was asked. The
    question joins the queue once, however often pressed (an answer the bot was not sure of
    is the question already there, now marked so); the choice opens as from a list."""
    bot.services.clock.travel(ASKED_AT)
    lan = standin.user(1401, "Lan", language_code="vi")
    asked = "ba noi mat tu nam 98 ma gio moi di khai tu thi co duoc ko"
    card = await lan.reply(asked)
    before = await admin_of(standin).reply("/misses")
    assert before.plain.splitlines()[1].endswith("· trả lời chưa chắc"), before.plain
    chosen = await after_press(lan, "↪ Đăng ký lại khai tử", card)
    assert chosen.plain.startswith("Đăng ký lại khai tử\n"), chosen.plain[:100]
    again = await after_press(lan, "↪ Đăng ký lại khai tử", card)
    assert again.plain == chosen.plain

    # A sure answer stores nothing until a «↪» under it is pressed.
    misses = bot.services.misses
    ticket = misses.offered("giay phep nuoi cho", "vi")
    assert "nuoi cho" not in (await admin_of(standin).reply("/misses")).plain
    assert await misses.other_chosen(ticket)
    assert not await misses.other_chosen(ticket)  # once
    queue = await admin_of(standin).reply("/misses")
    assert queue.plain.splitlines()[1:3] == [
        "1. «giay phep nuoi cho» — 1 lần, gần nhất 08:30 30/11/2026 · bấm “↪” chọn nội dung khác",
        f"2. «{asked}» — 1 lần, gần nhất 08:30 30/11/2026 · bấm “↪” chọn nội dung khác",
    ], queue.plain

    # A forged choice (a code no procedure has) is answered as a stale button, nothing else.
    await lan.press_data(Related(ticket, Meaning.PROCEDURE, "9.999999").data, card)
    assert (await alert(lan))["text"].startswith("Nút này đã cũ"), lan.callback_answers[-1]
