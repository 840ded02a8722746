"""Personal data under Decree 13/2023/NĐ-CP, through the real bot and the stand-in: the notice
before a first complaint (agreed, with its time, or gone on without), a person erasing their
data, the purge of phones, photos and places months after a ticket is finished, an admin's
export of one person's data, and a whole session whose every log line is searched for the
citizen's phone, name and words and for the bot's token."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.domain import privacy as privacy_domain
from bot.domain.dossiers import DossierChange, DossierStatus
from bot.logs import log_handler
from bot.services import privacy as privacy_service
from bot.standin import StandIn
from bot.standin.sims import UserSim
from bot.standin.state import SentMessage
from tests.conftest import ADMIN_ID, TOKEN, BotRunner, alert, pressed, run_bot
from tests.test_complaints import (
    KINH_TE,
    OFFICIAL,
    arrived,
    citizen_message,
    group_message,
    linked,
    reads,
)

NOTICE = "🔒 Trước khi gửi phản ánh"
AGREE = "✅ Tôi đồng ý"
BARE = "📝 Gửi không kèm ảnh, vị trí, số điện thoại"
CATEGORY = "Rác thải, vệ sinh môi trường"
FIRST, LAST = "Diễm Hằng", "Khổng Thị"  # a name no other text of the bot contains
PHONE = "+84912345678"
WORDS = (
    "Nhà số 47 ngõ Quỳnh Lôi xả nước thải ra lòng đường mỗi tối, mùi hôi bốc lên khắp xóm "
    "và trẻ con đi học phải lội qua."
)
DOSSIER, CHECK = "000.00.12.H26-261128-0001", "K7M2QX"


def export_of(message: SentMessage) -> dict[str, Any]:
    assert message.kind == "document" and message.file_bytes is not None
    data = json.loads(message.file_bytes)
    assert isinstance(data, dict)
    return data


async def exported(admin: UserSim, argument: str) -> dict[str, Any]:
    """What ``/xuatdulieu ARGUMENT`` sends the admin, read back."""
    await admin.send(f"/xuatdulieu {argument}")
    return export_of(await admin.next_message(10))


async def file_everything(citizen: UserSim, words: str = WORDS, hide: bool = False) -> SentMessage:
    """A complaint with a photo, a shared location and the citizen's own phone; the notice
    agreed to first if it comes. Returns the acknowledgement."""
    start = await citizen.reply("/phananh")
    if start.plain.startswith(NOTICE):
        start = await pressed(citizen, AGREE, start)
    ask_body = await pressed(citizen, CATEGORY, start)
    assert "mô tả sự việc" in ask_body.plain
    photos = await citizen.reply(words)
    assert "ảnh chụp hiện trường" in photos.plain
    await citizen.send_photo(b"\xff\xd8 the street")
    added = await citizen.next_message()
    place = await pressed(citizen, "➡️ Tiếp tục", added)
    assert "Sự việc ở đâu" in place.plain
    await citizen.send_location(21.0441, 105.8577)
    phone = await citizen.next_message()
    assert "chia sẻ số điện thoại" in phone.plain
    await citizen.share_contact(PHONE)
    assert (await citizen.next_message()).plain == "Đã nhận số điện thoại, cảm ơn anh/chị."
    privacy = await citizen.next_message()
    review = await pressed(citizen, "🙈 Giấu tên" if hide else "👤 Để tên", privacy)
    assert "Ảnh: 1" in review.plain and PHONE in review.plain
    return await pressed(citizen, "📨 Gửi phản ánh", review)


# --- 1. the notice before a first complaint --------------------------------------------------


async def test_the_notice_comes_before_a_first_complaint_and_consent_is_kept_with_its_time(
    bot: BotRunner, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = standin.user(7101, "Lan", language_code="vi")
    notice = await citizen.reply("/phananh")
    assert notice.plain.startswith(NOTICE)
    said = notice.plain
    for kept in ("nội dung phản ánh, ảnh, địa chỉ hoặc vị trí", "số điện thoại", "tên Telegram"):
        assert kept in said, kept  # what is kept
    assert "cán bộ của phòng ban phụ trách sẽ xem" in said  # why, and who sees it
    assert "được xóa sau 12 tháng kể từ khi phản ánh kết thúc" in said  # for how long
    assert "để làm số liệu thống kê" in said and "/xoadulieu" in said
    assert notice.buttons == [[AGREE], [BARE], ["✖️ Hủy"]]
    privacy = bot.services.privacy
    assert await privacy.consent(citizen.id) is None  # not before they agree

    before = bot.services.clock.now()
    categories = await pressed(citizen, AGREE, notice)
    assert categories.plain.startswith("📣 Gửi phản ánh, kiến nghị")
    consent = await privacy.consent(citizen.id)
    assert consent is not None and consent.version == privacy_domain.NOTICE_VERSION
    assert before - dt.timedelta(seconds=1) <= consent.at <= bot.services.clock.now()
    # Pressed again, the notice's buttons do nothing: the intake has moved on.
    await citizen.press(AGREE, notice)
    assert "đã cũ" in (await alert(citizen))["text"]

    # Agreed once: the next complaint starts with its categories.
    await citizen.reply("/cancel")
    assert (await citizen.reply("/phananh")).plain.startswith("📣 Gửi phản ánh, kiến nghị")
    # A question to an official asks for no photo, place or phone: no notice.
    asker = standin.user(7102, "Minh", language_code="vi")
    menu = await asker.reply("/menu")
    await asker.press_data("q", menu)  # «🙋 Hỏi cán bộ», as under a procedure's card
    question = await asker.next_message()
    assert not question.plain.startswith(NOTICE) and "câu hỏi" in question.plain

    # A changed notice is asked again of those who agreed to the old one.
    monkeypatch.setattr(privacy_domain, "NOTICE_VERSION", 2)
    monkeypatch.setattr(privacy_service, "NOTICE_VERSION", 2)
    await citizen.reply("/cancel")
    again = await citizen.reply("/phananh")
    assert again.plain.startswith(NOTICE)
    await pressed(citizen, AGREE, again)
    renewed = await privacy.consent(citizen.id)
    assert renewed is not None and renewed.version == 2


async def test_the_notice_says_the_months_set_and_reads_in_english(
    bot: BotRunner, standin: StandIn
) -> None:
    await bot.stop()
    await bot.start(personal_data_months=6)
    citizen = standin.user(7103, "Anna", language_code="en")
    notice = await citizen.reply("/complain")
    assert notice.plain.startswith("🔒 Before you send a complaint")
    assert "deleted 6 months after the complaint is closed" in notice.plain
    assert "/forgetme" in notice.plain
    assert notice.buttons == [
        ["✅ I agree"],
        ["📝 Send without photos, location or phone"],
        ["✖️ Cancel"],
    ]


async def test_going_on_without_consent_skips_photos_place_and_phone_and_asks_again(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(7104, "Hoa", language_code="vi")
    notice = await citizen.reply("/phananh")
    await citizen.press(BARE, notice)
    said = await citizen.next_message()
    assert said.plain.startswith("Vâng ạ. Phản ánh này sẽ được gửi không kèm ảnh")
    categories = await citizen.next_message()
    await pressed(citizen, CATEGORY, categories)
    # The words come with a photo: the words are taken, the photo is not.
    await citizen.send_photo(b"\xff\xd8 rubbish", WORDS)
    asked = await citizen.next_message()
    assert "giấu tên" in asked.plain  # straight to the name: no photos, place or phone
    assert citizen.reply_keyboard is None
    review = await pressed(citizen, "👤 Để tên", asked)
    assert "📷 Ảnh: 0" in review.plain and "📍 Địa điểm: không nêu" in review.plain
    assert "☎️ Điện thoại: không chia sẻ" in review.plain
    sent = await pressed(citizen, "📨 Gửi phản ánh", review)
    assert sent.plain.startswith("✅ Đã nhận phản ánh PA-000001")
    await group_message(group, "PA-000001")
    await citizen.settle()
    assert not [m for m in group.messages if m.kind in ("photo", "location")]
    assert await bot.services.privacy.consent(citizen.id) is None
    # Not agreed: the next complaint asks again.
    assert (await citizen.reply("/phananh")).plain.startswith(NOTICE)


# --- 2. erasing one's data -------------------------------------------------------------------


async def test_a_citizen_erases_their_data_and_their_ticket_stays_only_as_a_number(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(7105, FIRST, language_code="vi", last_name=LAST)
    other = standin.user(7106, "Minh", language_code="vi")
    await file_everything(citizen)
    await file_everything(other, "Đèn đường trước số 8 ngõ Thịnh Hào tắt ba tối nay rồi ạ.")
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    first = await group_message(group, "PA-000001")
    assert f"{FIRST} {LAST}" in first.plain and PHONE in first.plain and WORDS in first.plain
    await group.press(official, "✋ Nhận xử lý", first)
    await citizen_message(citizen, "đã được Phòng Kinh tế - Hạ tầng - Đô thị tiếp nhận")
    await bot.services.dossiers.apply(
        DossierChange(DOSSIER, DossierStatus.RECEIVED, check_value=CHECK), "csv", "test"
    )
    following = await citizen.reply(f"/hoso {DOSSIER} {CHECK}")
    assert following.plain.startswith("🔔 Anh/chị đang theo dõi hồ sơ")
    await citizen.reply("/tatthongbao")  # a setting of theirs
    english = await citizen.reply("/language")
    await citizen.press("🇬🇧 English", english)
    await citizen.settle()

    # What would be erased, and the warning: one request is still open.
    asked = await citizen.reply("/forgetme extra words")
    assert asked.plain.startswith("🗑 Erase your personal data")
    assert "complaints and questions you sent (1)" in asked.plain
    assert "the dossiers you follow (1)" in asked.plain
    assert "Requests of yours still open: 1" in asked.plain
    assert asked.buttons == [["🗑 Erase my data"], ["↩️ Keep it"]]
    done = await pressed(citizen, "🗑 Erase my data", asked)
    assert done.plain.startswith("✅ Your personal data has been erased.")
    await citizen.settle()
    assert asked.buttons == []  # the list was answered: its buttons are gone

    # The department is told, and its alert now reads without the person.
    told = await group_message(group, "Người gửi PA-000001 đã xóa dữ liệu cá nhân")
    assert "bot không còn chuyển được lời nhắn" in told.plain
    erased = await reads(group, first, "Nội dung đã được xóa theo yêu cầu của người gửi")
    for gone in (FIRST, LAST, PHONE, WORDS[:30]):
        assert gone not in erased.plain, gone
    assert "👤 Người dân đề nghị giấu tên" in erased.plain and "📍 không nêu" in erased.plain
    # An official's words no longer reach them: refused politely in the group.
    await group.send(official, "Chị cho biết thêm địa chỉ cụ thể ạ?", first)
    await group_message(group, "Người gửi yêu cầu này đã xóa dữ liệu cá nhân")
    # The other citizen's request is as it was.
    second = await group_message(group, "PA-000002")
    assert "Minh" in second.plain and PHONE in second.plain

    # An admin asked for their data finds nothing left that names them.
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    by_code = await admin.reply("/xuatdulieu PA-000001")
    assert by_code.plain == (
        "Người gửi PA-000001 đã xóa dữ liệu cá nhân: yêu cầu này không còn gắn với ai."
    )
    nothing = await admin.reply(f"/xuatdulieu {citizen.id}")
    assert nothing.plain == f"Bot không lưu dữ liệu nào về người dùng {citizen.id}."

    # Their settings are gone: the bot speaks their phone's language again; no request and no
    # dossier of theirs is left; the dossier's news no longer reaches them.
    mine = await citizen.reply("/mine")
    assert mine.plain.startswith("Anh/chị chưa gửi phản ánh hay câu hỏi nào")
    await bot.services.dossiers.apply(
        DossierChange(DOSSIER, DossierStatus.RESULT_READY), "csv", "test"
    )
    assert await citizen.settle(quiet=1.0) == []
    # Announcements reach them again (they had said no), as anyone who writes to the bot.
    await bot.services.people.flush()
    news = await admin.reply("/thongbao Thứ Bảy này bộ phận một cửa làm việc cả ngày.")
    await admin.press(0, news)
    await citizen_message(citizen, "Thứ Bảy này bộ phận một cửa làm việc cả ngày.")
    # The next complaint asks for consent again.
    assert (await citizen.reply("/phananh")).plain.startswith(NOTICE)

    # The figures still count the request.
    await admin.send("/thongke")
    figures = await arrived(admin, lambda m: m.plain.startswith("📊 Số liệu"), within=30)
    assert "📣 Phản ánh, câu hỏi gửi cán bộ: nhận 2 (kỳ trước: 0)" in figures.plain.splitlines()


async def test_keeping_ones_data_erases_nothing_and_old_lists_do_nothing(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(7107, "Lan", language_code="vi")
    await file_everything(citizen)
    first = await citizen.reply("/xoadulieu")
    assert first.plain.startswith("🗑 Xóa dữ liệu cá nhân của anh/chị")
    assert "phản ánh, câu hỏi đã gửi (1)" in first.plain
    assert "Anh/chị còn 1 yêu cầu chưa giải quyết xong" in first.plain
    second = await citizen.reply("/xoadulieu")
    # The first list's button is stale now that a newer one waits.
    await citizen.press("🗑 Xóa dữ liệu của tôi", first)
    assert (await alert(citizen))["text"].startswith("Yêu cầu xóa này đã được xử lý")
    kept = await pressed(citizen, "↩️ Giữ lại", second)
    assert kept.plain == "Đã giữ nguyên dữ liệu của anh/chị, không có gì bị xóa."
    await citizen.press("🗑 Xóa dữ liệu của tôi", second)  # after keeping: nothing
    assert (await alert(citizen))["text"].startswith("Yêu cầu xóa này đã được xử lý")
    # Words typed while a list waits are taken as usual, and drop the list.
    third = await citizen.reply("/xoadulieu")
    hours = await citizen.reply("giờ làm việc của phường")
    assert "Thứ Hai – Thứ Sáu" in hours.plain
    await citizen.press("🗑 Xóa dữ liệu của tôi", third)
    assert (await alert(citizen))["text"].startswith("Yêu cầu xóa này đã được xử lý")
    mine = await citizen.reply("/mine")
    assert "PA-000001" in mine.plain
    ticket = await bot.services.tickets.get(1)
    assert ticket is not None and ticket.phone == PHONE and ticket.citizen_name == "Lan"


# --- 3. the purge ------------------------------------------------------------------------------


async def sent_with(bot: BotRunner, text: str) -> int:
    """Outbox rows whose message holds ``text``."""
    db = bot.app.bot_data.db if bot.app is not None else None
    assert db is not None
    row = await db.fetchone("SELECT count(*) AS n FROM outbox WHERE instr(payload, ?)", (text,))
    return int(row["n"]) if row is not None else 0


async def test_phones_photos_and_places_are_purged_months_after_a_ticket_is_finished(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(7108, "Lan", language_code="vi")
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await file_everything(citizen)  # resolved, then rated: closed
    await file_everything(citizen, "Đèn đường trước số 8 ngõ Thịnh Hào tắt ba tối nay rồi ạ.")
    await file_everything(citizen, "Vỉa hè trước chợ Kim Liên bị lấn chiếm hết chỗ đi bộ.")
    resolved = await group_message(group, "PA-000001")
    await group.press(official, "✅ Đã giải quyết", resolved)
    prompt = await group_message(group, "kết quả giải quyết PA-000001")
    await group.send(official, "Đã yêu cầu hộ gia đình nối ống thoát nước.", prompt)
    rate = await citizen_message(citizen, "Đã yêu cầu hộ gia đình nối ống")
    await citizen.press("5 ⭐", rate)
    await citizen.settle()
    await bot.services.tickets.withdraw(2, citizen.id)
    states = {t.id: t.status.value for t in await bot.services.tickets.of_user(citizen.id)}
    assert states == {1: "closed", 2: "withdrawn", 3: "new"}

    privacy, clock = bot.services.privacy, bot.services.clock
    start = clock.now()
    assert await sent_with(bot, PHONE) > 0  # the group's alerts name the phone
    # Eleven months on, nothing is due; an hour later it is not even looked at again. The
    # messages delivered then are forgotten (after 90 days).
    clock.travel(start + dt.timedelta(days=335))
    assert await privacy.purge_due() == 0
    assert await sent_with(bot, PHONE) == 0
    before = await exported(admin, str(citizen.id))
    assert [t["phone"] for t in before["tickets"]] == [PHONE] * 3
    # Twelve months and a day after they were finished: the finished two lose their phone,
    # photos and place; the open one keeps them.
    clock.travel(start + dt.timedelta(days=367))
    assert await privacy.purge_due() == 2
    after = {t["code"]: t for t in (await exported(admin, str(citizen.id)))["tickets"]}
    for code in ("PA-000001", "PA-000002"):
        ticket = after[code]
        assert ticket["phone"] is None and ticket["photos"] == [], ticket
        assert ticket["latitude"] is None and ticket["longitude"] is None
        assert ticket["body"] and ticket["rating"] in (5, None)  # the rest stays
    assert after["PA-000003"]["phone"] == PHONE and len(after["PA-000003"]["photos"]) == 1
    assert after["PA-000003"]["latitude"] == pytest.approx(21.0441)
    # Once an hour at most, and nothing twice.
    assert await privacy.purge_due() == 0
    clock.travel(start + dt.timedelta(days=367, hours=2))
    assert await privacy.purge_due() == 0


# --- 4. an admin's export ----------------------------------------------------------------------


async def test_an_admin_exports_everything_held_about_one_person(
    bot: BotRunner, standin: StandIn, tmp_path: Path
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(7109, FIRST, language_code="vi", last_name=LAST)
    await file_everything(citizen, hide=True)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    alert_message = await group_message(group, "PA-000001")
    await group.press(official, "✋ Nhận xử lý", alert_message)
    await bot.services.dossiers.apply(
        DossierChange(DOSSIER, DossierStatus.RECEIVED, check_value=CHECK), "csv", "test"
    )
    await citizen.reply(f"/hoso {DOSSIER} {CHECK}")

    # Not for citizens, nor officials.
    refused = await citizen.reply(f"/xuatdulieu {citizen.id}")
    assert refused.plain == "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    for wrong in ("", "²", "abc", "9" * 20):
        usage = await admin.reply(f"/xuatdulieu {wrong}")
        assert usage.plain.startswith("Cách dùng: /xuatdulieu mã-người-dùng"), wrong
    missing = await admin.reply("/xuatdulieu PA-000999")
    assert missing.plain == "Không tìm thấy yêu cầu PA-000999."
    # Admin work is done in private: in a department's group no file goes to everyone there.
    in_group = await group.reply(admin, f"/xuatdulieu {citizen.id}")
    assert in_group.plain == "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
    await asyncio.sleep(0.5)
    assert not [m for m in group.messages if m.kind == "document"]

    await admin.send("/xuatdulieu pa 1")  # by one of their tickets' codes, as typed
    sent = await arrived(admin, lambda m: m.kind == "document", within=10)
    assert sent.filename == f"du-lieu-ca-nhan-{citizen.id}.json"
    assert sent.plain.startswith(f"📦 Toàn bộ dữ liệu bot đang lưu về người dùng {citizen.id}")
    assert "phản ánh, câu hỏi: 1; hồ sơ theo dõi: 1" in sent.plain
    data = export_of(sent)
    assert data["user_id"] == citizen.id
    assert data["profile"]["first_name"] == FIRST and data["profile"]["announcements"] is True
    assert data["consent"]["notice_version"] == 1 and data["consent"]["agreed_at"]
    (ticket,) = data["tickets"]
    assert ticket["code"] == "PA-000001" and ticket["body"] == WORDS
    assert ticket["citizen_name"] == f"{FIRST} {LAST}" and ticket["hide_name"] is True
    assert ticket["phone"] == PHONE and len(ticket["photos"]) == 1
    assert ticket["latitude"] == pytest.approx(21.0441) and ticket["assignee_name"] == "Hùng"
    assert [(e["action"], e["by"]) for e in ticket["events"]] == [
        ("filed", "you"),
        ("accepted", "official"),
    ]
    assert all("actor_id" not in e for e in ticket["events"])  # officials are not named by id
    assert data["dossiers_followed"] == [
        {"code": DOSSIER, "since": data["dossiers_followed"][0]["since"], "status": "received"}
    ]
    assert (await exported(admin, str(citizen.id)))["tickets"][0]["code"] == "PA-000001"

    # The same from the server's command line.
    out = tmp_path / "export.json"
    done = await asyncio.to_thread(
        run_bot, bot.settings.database, "people", "export", "PA-000001", "--out", out
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{out}: user {citizen.id}, 1 complaints and questions")
    on_disk = json.loads(out.read_text(encoding="utf-8"))
    assert {**on_disk, "exported_at": None} == {**data, "exported_at": None}
    database = bot.settings.database
    bad = await asyncio.to_thread(lambda: run_bot(database, "people", "export", "²", "--out", "-"))
    assert bad.returncode == 2 and "a user id" in bad.stderr


# --- 5. what the logs never hold ----------------------------------------------------------------


def _spaced(digits: str) -> str:
    """A pattern for ``digits`` written with spaces, dots or dashes anywhere between them."""
    return r"[\s.\-]?".join(digits)


# The subscriber number in any spelling: +84 91 234 5678, 0912.345.678, 84912345678...
PHONE_IN_ANY_SPELLING = re.compile(r"(?:\+?84|0)?[\s.\-]?" + _spaced(PHONE[3:]))


def fragments(text: str, size: int = 4) -> list[str]:
    words = text.split()
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """Every logger at DEBUG, written as the bot writes its log (bot/logs.py's handler)."""
    lines = io.StringIO()
    handler = log_handler([TOKEN], lines)
    root = logging.getLogger()
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    levels = {logger: logger.level for logger in loggers}
    root_level = root.level
    for logger in loggers:
        logger.setLevel(logging.NOTSET)  # nothing quieter than the root: all at DEBUG
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(root_level)
        for logger, level in levels.items():
            logger.setLevel(level)


async def test_a_whole_session_leaves_no_phone_name_words_or_token_in_the_log(
    settings: Settings, standin: StandIn, logged: io.StringIO
) -> None:
    runner = BotRunner(settings)
    await runner.start()
    try:
        group = await linked(standin, KINH_TE, "kinh-te")
        citizen = standin.user(7110, FIRST, language_code="vi", last_name=LAST)
        await file_everything(citizen)
        official = standin.user(OFFICIAL, "Hùng", language_code="vi")
        alert_message = await group_message(group, "PA-000001")
        await group.press(official, "✋ Nhận xử lý", alert_message)
        await group.send(
            official, "Chị cho biết nước thải chảy ra từ lúc mấy giờ ạ?", alert_message
        )
        asked = await citizen_message(citizen, "nước thải chảy ra từ lúc mấy giờ")
        await citizen.send("Khoảng bảy giờ tối, ngay trước cửa nhà số 47 ạ.", reply_to=asked)
        await group_message(group, "Khoảng bảy giờ tối")
        await group.press(official, "✅ Đã giải quyết", alert_message)
        prompt = await group_message(group, "kết quả giải quyết PA-000001")
        await group.send(official, "Đã yêu cầu hộ gia đình nối ống thoát nước.", prompt)
        rate = await citizen_message(citizen, "Đã yêu cầu hộ gia đình nối ống")
        await citizen.press("4 ⭐", rate)
        await citizen.settle()
        asked_to_erase = await citizen.reply("/xoadulieu")
        done = await pressed(citizen, "🗑 Xóa dữ liệu của tôi", asked_to_erase)
        assert done.plain.startswith("✅ Đã xóa dữ liệu cá nhân của anh/chị")
        await group.settle(quiet=0.5)
    finally:
        await runner.stop()

    log = logged.getvalue()
    assert "DEBUG" in log and log.count("\n") > 100  # it was all written, at DEBUG
    secrets = [FIRST, LAST, TOKEN, TOKEN.split(":", 1)[1], *fragments(WORDS)]
    secrets += fragments("Khoảng bảy giờ tối, ngay trước cửa nhà số 47 ạ.")
    leaks = []
    for line in log.splitlines():
        folded = line.casefold()
        found = [s for s in secrets if s.casefold() in folded]
        if PHONE_IN_ANY_SPELLING.search(line):
            found.append("phone")
        if found:
            leaks.append(f"{found}: {line[:300]}")
    assert not leaks, f"{len(leaks)} log line(s) give away personal data:\n" + "\n".join(leaks[:20])
