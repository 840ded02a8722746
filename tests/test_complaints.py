"""A complaint's whole life through the real bot and the stand-in: filed by a citizen, alerted
to the department's group, taken, answered both ways, resolved, rated; transfers, rejection,
reopening, people who may not act, forged buttons, missed deadlines and restarts."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.domain.tickets import Draft
from bot.standin import StandIn
from bot.standin.sims import GroupSim, UserSim
from bot.standin.state import SentMessage
from tests.conftest import ADMIN_ID, BotRunner, alert, pressed, run_bot

ROOT = Path(__file__).resolve().parent.parent
KINH_TE = -100501  # Phòng Kinh tế - Hạ tầng - Đô thị
CONG_AN = -100502
LANH_DAO = -100503
OFFICIAL = 7001
OUTSIDER = 7002
DESCRIPTION = "Rác thải ở đầu ngõ 12 phố Tôn Đức Thắng ba ngày nay chưa được thu gom, bốc mùi."


async def linked(standin: StandIn, chat_id: int, code: str, forum: bool = False) -> GroupSim:
    """The admin adds the bot to the department's group and links it."""
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    group = standin.group(
        chat_id,
        f"Nhóm {code}",
        forum=forum,
        members={ADMIN_ID: "administrator", OFFICIAL: "member"},
    )
    await group.add_bot(admin)
    done = await group.reply(admin, f"/link {code}")
    assert done.plain.startswith("✅ Nhóm này đã được liên kết với")
    return group


async def start_complaint(citizen: UserSim) -> SentMessage:
    """/phananh, up to the categories: before a person's first complaint the privacy notice
    comes first, and they agree to it."""
    start = await citizen.reply("/phananh")
    if start.plain.startswith("🔒 Trước khi gửi phản ánh"):
        start = await pressed(citizen, "✅ Tôi đồng ý", start)
    return start


async def file_complaint(
    citizen: UserSim,
    text: str = DESCRIPTION,
    category: str = "Rác thải, vệ sinh môi trường",
    photo: bytes = b"\xff\xd8 photo of rubbish",
) -> SentMessage:
    """/phananh (agreeing to the notice the first time) → category → description → a photo →
    an address → skip phone → show name → send."""
    start = await start_complaint(citizen)
    assert "Gửi phản ánh, kiến nghị" in start.plain
    ask_body = await pressed(citizen, category, start)
    assert "mô tả sự việc" in ask_body.plain
    photos = await citizen.reply(text)
    assert "ảnh chụp hiện trường" in photos.plain
    await citizen.send_photo(photo)
    added = await citizen.next_message()
    assert added.plain.startswith("Đã nhận ảnh 1/5")
    place = await pressed(citizen, "➡️ Tiếp tục", added)
    assert "Sự việc ở đâu" in place.plain
    phone = await citizen.reply("Ngõ 12 Tôn Đức Thắng")
    assert "chia sẻ số điện thoại" in phone.plain
    skipped = await citizen.reply("⏭ Bỏ qua")
    assert skipped.reply_markup == {"remove_keyboard": True}  # the phone keyboard goes away
    privacy = await citizen.next_message()
    assert "giấu tên" in privacy.plain
    review = await pressed(citizen, "👤 Để tên", privacy)
    assert "Mời anh/chị kiểm tra lại trước khi gửi" in review.plain
    assert "Ngõ 12 Tôn Đức Thắng" in review.plain and "Ảnh: 1" in review.plain
    return await pressed(citizen, "📨 Gửi phản ánh", review)


async def arrived(
    chat: GroupSim | UserSim, wanted: Callable[[SentMessage], bool], within: float = 5.0
) -> SentMessage:
    """The newest message in ``chat`` that ``wanted`` accepts, waiting for it to come."""
    deadline = time.monotonic() + within
    while True:
        found = next((m for m in reversed(chat.messages) if wanted(m)), None)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing wanted arrived in {chat!r}")
        await asyncio.sleep(0.02)


async def group_message(group: GroupSim, containing: str, within: float = 5.0) -> SentMessage:
    return await arrived(group, lambda m: containing in m.plain, within)


async def citizen_message(citizen: UserSim, containing: str) -> SentMessage:
    return await arrived(citizen, lambda m: containing in m.plain)


async def reads(chat: GroupSim, message: SentMessage, containing: str) -> SentMessage:
    """``message`` once the bot has edited it to say ``containing``."""
    return await arrived(chat, lambda m: m is message and containing in m.plain)


async def test_a_complaint_from_filing_to_rating(bot: BotRunner, standin: StandIn) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3001, "Lan", language_code="vi")
    sent = await file_complaint(citizen)
    assert sent.plain.startswith("✅ Đã nhận phản ánh PA-000001. Cảm ơn anh/chị!")
    assert "Phòng Kinh tế - Hạ tầng - Đô thị sẽ tiếp nhận trước" in sent.plain

    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    alert_message = await group_message(group, "PA-000001")
    assert "Rác thải, vệ sinh môi trường" in alert_message.plain
    assert "👤 Lan" in alert_message.plain and DESCRIPTION in alert_message.plain
    assert "Ngõ 12 Tôn Đức Thắng" in alert_message.plain
    photo = await arrived(group, lambda m: m.kind == "photo")  # follows, replying to it
    assert photo.reply_to_message_id == alert_message.message_id

    await group.press(official, "✋ Nhận xử lý", alert_message)
    assert (await alert(official))["text"] == "Đã nhận xử lý PA-000001."
    taken = await citizen_message(citizen, "đã được Phòng Kinh tế - Hạ tầng - Đô thị tiếp nhận")
    assert "Cán bộ phụ trách: Hùng" in taken.plain
    # The alert now says who has it, and no longer offers to take it.
    await reads(group, alert_message, "📌 Trạng thái: Đang xử lý · Cán bộ phụ trách: Hùng")
    assert alert_message.buttons == [["↪️ Chuyển phòng ban"], ["✅ Đã giải quyết", "⛔ Từ chối"]]

    # An official writes to the citizen by replying to the alert; the citizen answers back.
    await group.send(official, "Chị cho biết rác để ở bên trái hay bên phải ngõ ạ?", alert_message)
    asked = await citizen_message(citizen, "rác để ở bên trái hay bên phải")
    assert asked.plain.startswith("💬 Phòng Kinh tế - Hạ tầng - Đô thị trả lời về PA-000001")
    await citizen.send("Bên trái, cạnh cột điện ạ.", reply_to=asked)
    back = await group_message(group, "Bên trái, cạnh cột điện")
    assert back.plain.startswith("💬 Người dân bổ sung cho PA-000001")
    # Or, not knowing Telegram's swipe-to-reply, with the button under the official's message.
    how = await pressed(citizen, "💬 Trả lời cán bộ", asked)
    assert how.plain.startswith("Mời anh/chị gõ câu trả lời cho cán bộ về PA-000001")
    done = await citizen.reply("Túi rác màu đen ạ.")
    assert done.plain == "✅ Đã gửi câu trả lời của anh/chị về PA-000001 tới cán bộ phụ trách."
    await group_message(group, "Túi rác màu đen ạ.")

    # Resolve with a result note.
    await group.press(official, "✅ Đã giải quyết", alert_message)
    prompt = await group_message(group, "kết quả giải quyết PA-000001")
    await group.send(official, "Đã thu gom xong lúc 9 giờ sáng nay.", prompt)
    resolved = await citizen_message(citizen, "đã được giải quyết")
    assert "Kết quả: Đã thu gom xong lúc 9 giờ sáng nay." in resolved.plain
    assert resolved.buttons[0] == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
    await reads(group, alert_message, "📌 Trạng thái: Đã giải quyết")
    assert alert_message.buttons == []

    thanks = await pressed(citizen, "5 ⭐", resolved)
    assert thanks.plain.startswith("Cảm ơn anh/chị đã đánh giá 5/5")
    await group_message(group, "Người dân đánh giá kết quả PA-000001: 5/5")
    await citizen.send("Cán bộ làm việc nhanh, cảm ơn.")
    await group_message(group, "Góp ý của người dân về PA-000001: Cán bộ làm việc nhanh")

    mine = await citizen.reply("/mine")
    assert "PA-000001 · Đã hoàn tất · Rác thải, vệ sinh môi trường" in mine.plain
    await reads(group, alert_message, "📌 Trạng thái: Đã hoàn tất")


async def test_outsider_and_forged_buttons_change_nothing(bot: BotRunner, standin: StandIn) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3002, "Minh", language_code="vi")
    await file_complaint(citizen)
    alert_message = await group_message(group, "PA-000001")
    outsider = standin.user(OUTSIDER, "Người lạ", language_code="vi")
    await group.press(outsider, "✋ Nhận xử lý", alert_message)
    refusal = await alert(outsider)
    assert refusal["show_alert"] and "Chỉ thành viên nhóm" in refusal["text"]
    # A member of another department's group pressing forged data for this ticket.
    other = await linked(standin, CONG_AN, "cong-an")
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    other_alert = await other.reply(official, "/link")  # any bot message in that group
    await other.press_data(official, "t:1:accept", other_alert)
    assert "không thuộc phòng ban của nhóm này" in (await alert(official))["text"]
    await group.press_data(official, "t:999:accept", alert_message)
    assert "Không tìm thấy" in (await alert(official))["text"]
    for forged in ("t:abc:zzz", "t:99999999999999999999:accept", "t:²:accept", "tt:1:lanh-dao"):
        await group.press_data(official, forged, alert_message)
        assert (await alert(official))["show_alert"], forged
    for forged in ("rt:1:9", "rt:²:5", "ro:99999999999999999999", "rq:add:abc", "c:cat:hoi-dap"):
        await citizen.press_data(forged, (await citizen.reply("/menu")))
        assert (await alert(citizen))["show_alert"], forged
    mine = await citizen.reply("/mine")
    assert "Chờ tiếp nhận" in mine.plain  # nobody took it


async def test_transfer_reject_and_reopen(bot: BotRunner, standin: StandIn) -> None:
    kinh_te = await linked(standin, KINH_TE, "kinh-te")
    cong_an = await linked(standin, CONG_AN, "cong-an")
    citizen = standin.user(3003, "Nam", language_code="vi")
    await file_complaint(citizen)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    first = await group_message(kinh_te, "PA-000001")
    await kinh_te.press(official, "↪️ Chuyển phòng ban", first)
    choose = await group_message(kinh_te, "Chuyển PA-000001 sang phòng ban nào?")
    await kinh_te.press(official, "Công an phường", choose)
    moved = await group_message(cong_an, "PA-000001")
    assert "Công an phường" in moved.plain
    await citizen_message(citizen, "đã được chuyển đến Công an phường")
    await reads(kinh_te, first, "↪️ Đã chuyển sang Công an phường.")
    assert first.buttons == []
    await kinh_te.press_data(official, "t:1:accept", first)  # a keyboard shown before the edit
    assert "không thuộc phòng ban của nhóm này" in (await alert(official))["text"]

    await cong_an.press(official, "✅ Đã giải quyết", moved)
    prompt = await group_message(cong_an, "kết quả giải quyết PA-000001")
    await cong_an.send(official, "Đã nhắc nhở hộ gia đình.", prompt)
    resolved = await citizen_message(citizen, "đã được giải quyết")
    why = await pressed(citizen, "😞 Chưa hài lòng, đề nghị xử lý lại", resolved)
    assert "Mời anh/chị cho biết điều gì chưa ổn" in why.plain
    reopened = await citizen.reply("Nhà đó vẫn đổ rác ra ngõ mỗi tối.")
    assert "đã được mở lại" in reopened.plain
    told = await group_message(cong_an, "Người dân chưa hài lòng với kết quả PA-000001")
    assert "«Nhà đó vẫn đổ rác ra ngõ mỗi tối.»" in told.plain
    await reads(cong_an, moved, "📌 Trạng thái: Đang xử lý")  # open again: buttons back
    assert moved.buttons == [["↪️ Chuyển phòng ban"], ["✅ Đã giải quyết", "⛔ Từ chối"]]

    await cong_an.press(official, "⛔ Từ chối", moved)
    prompt = await group_message(cong_an, "lý do từ chối PA-000001")
    await cong_an.send(official, "Việc này thuộc thẩm quyền của Tòa án.", prompt)
    rejected = await citizen_message(citizen, "Lý do: Việc này thuộc thẩm quyền của Tòa án.")
    assert "chưa được giải quyết qua kênh này" in rejected.plain


async def test_wrong_input_gets_a_prompt_and_cancel_leaves(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(3004, "Hoa", language_code="vi")
    start = await start_complaint(citizen)
    ask_body = await pressed(citizen, "Đèn chiếu sáng công cộng", start)
    await citizen.send_sticker()
    assert "tôi cần nội dung bằng chữ" in (await citizen.next_message()).plain
    assert "hơi ngắn" in (await citizen.reply("đèn hỏng")).plain
    assert "quá mức 2.000 ký tự" in (await citizen.reply("x" * 2500)).plain
    assert "mô tả sự việc" in ask_body.plain
    cancelled = await citizen.reply("/cancel")
    assert cancelled.plain.startswith("Đã hủy thao tác đang làm")
    mine = await citizen.reply("/mine")
    assert mine.plain.startswith("Anh/chị chưa gửi phản ánh hay câu hỏi nào")


async def test_intake_survives_a_restart(bot: BotRunner, standin: StandIn) -> None:
    citizen = standin.user(3005, "Tú", language_code="vi")
    start = await start_complaint(citizen)
    await pressed(citizen, "Đường sá, vỉa hè, thoát nước", start)
    await bot.restart()
    photos = await citizen.reply("Ổ gà lớn trước số nhà 45 phố Hào Nam, xe máy rất dễ ngã.")
    assert "ảnh chụp hiện trường" in photos.plain


async def test_same_text_twice_offers_to_add_to_the_open_ticket(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3006, "Lan", language_code="vi")
    await file_complaint(citizen)
    start = await start_complaint(citizen)
    await pressed(citizen, "Rác thải, vệ sinh môi trường", start)
    offer = await citizen.reply(DESCRIPTION)
    assert "Anh/chị vừa gửi nội dung này trong PA-000001" in offer.plain
    added = await pressed(citizen, "➕ Bổ sung vào PA-000001", offer)
    assert added.plain.startswith("✅ Đã chuyển phần bổ sung cho PA-000001")
    await group_message(group, "Người dân bổ sung cho PA-000001")
    mine = await citizen.reply("/mine")
    assert "PA-000002" not in mine.plain


async def test_missed_deadline_escalates_and_apologises_once(
    bot: BotRunner, standin: StandIn
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    leaders = await linked(standin, LANH_DAO, "lanh-dao")
    citizen = standin.user(3007, "Lan", language_code="vi")
    await file_complaint(citizen)
    assert bot.app is not None
    tickets = bot.services.tickets
    deadlines = bot.services.deadlines
    ticket = await tickets.get(1)
    assert ticket is not None
    later = ticket.resolve_due + dt.timedelta(hours=1)
    bot.services.clock.travel(later)
    assert await deadlines.check() >= 1
    escalated = await group_message(leaders, "PA-000001")
    assert "quá hạn" in escalated.plain
    apology = await citizen_message(citizen, "Chúng tôi thành thật xin lỗi")
    assert "chậm nhất" in apology.plain  # both deadlines passed: one apology, one new date
    assert await deadlines.check() == 0
    assert await deadlines.check() == 0
    await asyncio.sleep(0.3)
    assert sum("thành thật xin lỗi" in m.plain for m in citizen.messages) == 1

    # The new date is a promise too: missing it is told once more, with a later date.
    moved = await tickets.get(1)
    assert moved is not None and moved.resolve_due > later
    bot.services.clock.travel(moved.resolve_due + dt.timedelta(minutes=1))
    assert await deadlines.check() == 1
    assert await deadlines.check() == 0
    await arrived(
        citizen, lambda m: sum("thành thật xin lỗi" in x.plain for x in citizen.messages) == 2
    )
    await asyncio.sleep(0.3)
    assert sum("thành thật xin lỗi" in m.plain for m in citizen.messages) == 2


async def test_question_from_a_card_goes_to_the_office_that_receives_it(
    bot: BotRunner, standin: StandIn
) -> None:
    """Tạm trú is received by Công an phường: the question goes to the police's group (by
    the office, departments.yaml ``offices``), not to the one-stop office."""
    police = await linked(standin, CONG_AN, "cong-an")
    citizen = standin.user(3008, "Lan", language_code="vi")
    card = await citizen.reply("Đăng ký tạm trú")
    asked = await pressed(citizen, "🙋 Hỏi cán bộ", card)
    assert "câu hỏi về thủ tục «Đăng ký tạm trú»" in asked.plain
    privacy = await citizen.reply("Nhà thuê thì chủ nhà có phải đi cùng không ạ?")
    review = await pressed(citizen, "🙈 Giấu tên", privacy)
    sent = await pressed(citizen, "📨 Gửi câu hỏi", review)
    assert sent.plain.startswith("✅ Đã gửi câu hỏi HD-000001 tới Công an phường.")
    question = await group_message(police, "HD-000001")
    assert "Người dân đề nghị giấu tên" in question.plain and "Lan" not in question.plain


async def test_question_about_a_police_procedure_of_any_field_reaches_the_police(
    bot: BotRunner, standin: StandIn
) -> None:
    """Vehicle registration's field is in no ``fields:`` entry; its office (the ward police,
    among the provincial and national traffic police) decides; so does the admin's
    correction in unit.yaml."""
    police = await linked(standin, CONG_AN, "cong-an")
    economy = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3018, "Minh", language_code="vi")
    card = await citizen.reply("/start p-1_013076")  # đăng ký xe khi thay đổi chủ xe
    assert "Nơi nộp hồ sơ: Công an phường Đống Đa" in card.plain
    asked = await pressed(citizen, "🙋 Hỏi cán bộ", card)
    privacy = await citizen.reply("Xe mua lại của người quen ở tỉnh khác thì làm ở đâu ạ?")
    review = await pressed(citizen, "👤 Để tên", privacy)
    sent = await pressed(citizen, "📨 Gửi câu hỏi", review)
    assert sent.plain.startswith("✅ Đã gửi câu hỏi HD-000001 tới Công an phường.")
    assert "Xe mua lại" in (await group_message(police, "HD-000001")).plain
    assert "câu hỏi về thủ tục «Cấp chứng nhận đăng ký xe" in asked.plain

    # The tax office's questions go to the economy office; a correction moves one to the UBND.
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    profile = await admin.reply("/unit")
    assert profile.file_bytes is not None
    corrected = profile.file_bytes.decode("utf-8").replace(
        "procedure_offices: {}", 'procedure_offices:\n  "1.013076": tax'
    )
    await admin.send_document(corrected.encode("utf-8"), filename="unit.yaml")
    assert "Đã áp dụng tệp unit.yaml" in (await admin.next_message()).plain
    card = await citizen.reply("/start p-1_013076")
    assert "Nơi nộp hồ sơ: Thuế cơ sở phụ trách phường Đống Đa" in card.plain
    asked = await pressed(citizen, "🙋 Hỏi cán bộ", card)
    privacy = await citizen.reply("Lệ phí trước bạ xe máy cũ nộp ở đâu ạ?")
    review = await pressed(citizen, "👤 Để tên", privacy)
    await pressed(citizen, "📨 Gửi câu hỏi", review)
    assert "Lệ phí trước bạ" in (await group_message(economy, "HD-000002")).plain


async def test_a_redelivered_update_files_once(bot: BotRunner, standin: StandIn) -> None:
    """Telegram may deliver the "send" press again after a crash; the ticket is filed once."""
    group = await linked(standin, KINH_TE, "kinh-te")
    assert bot.app is not None
    tickets = bot.services.tickets
    filed = []
    for _ in range(2):
        draft = Draft(category="rac-thai", body=DESCRIPTION)
        filed.append(
            await tickets.file(
                draft, user_id=3009, chat_id=3009, name="Lan", language="vi", update_id=424242
            )
        )
    (first, first_new), (again, again_new) = filed
    assert first_new and not again_new and first.id == again.id
    await group_message(group, first.code)
    await asyncio.sleep(0.3)  # time for a second alert, were there one
    assert sum(first.code in m.plain for m in group.messages) == 1


async def test_an_alert_pending_at_a_restart_arrives_once(bot: BotRunner, standin: StandIn) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3010, "Lan", language_code="vi")
    start = await start_complaint(citizen)
    await pressed(citizen, "Rác thải, vệ sinh môi trường", start)
    photos = await citizen.reply(DESCRIPTION)
    place = await pressed(citizen, "➡️ Tiếp tục", photos)
    await pressed(citizen, "⏭ Bỏ qua", place)
    await citizen.reply("⏭ Bỏ qua")
    privacy = await citizen.next_message()
    review = await pressed(citizen, "👤 Để tên", privacy)
    standin.fail_next("sendMessage", status=502, times=1)  # the alert's first try
    await pressed(citizen, "📨 Gửi phản ánh", review)
    await bot.restart()  # while the alert waits for its retry
    alert_message = await group_message(group, "PA-000001", within=10)
    await asyncio.sleep(0.5)
    assert sum("📣 Phản ánh PA-000001" in m.plain for m in group.messages) == 1
    assert "Rác thải" in alert_message.plain


async def test_a_flood_gets_one_polite_answer(bot: BotRunner, standin: StandIn) -> None:
    citizen = standin.user(3011, "Lan", language_code="vi")
    for number in range(25):
        await citizen.send(f"tin nhắn số {number}")
    await asyncio.sleep(1.0)
    slow_down = [m for m in citizen.messages if "đang gửi hơi nhanh" in m.plain]
    assert len(slow_down) == 1
    assert len(citizen.messages) <= 21  # twenty answers at most, then the one warning


def test_a_broken_departments_file_is_refused_with_its_place(tmp_path: Path) -> None:
    shipped = (ROOT / "bot" / "data" / "departments.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "departments.yaml"
    broken.write_text(shipped.replace("code: kinh-te", "code: Kinh Te", 1), encoding="utf-8")
    result = run_bot(tmp_path / "bot.sqlite3", "files", "load", broken)
    assert result.returncode == 1
    assert f"{broken}:8: departments.1.code: use 1-31 lowercase letters" in result.stderr
    unknown = tmp_path / "unknown" / "departments.yaml"
    unknown.parent.mkdir()
    unknown.write_text(shipped.replace("department: cong-an", "department: toa-an", 1), "utf-8")
    result = run_bot(tmp_path / "bot.sqlite3", "files", "load", unknown)
    assert result.returncode == 1
    assert "category 'trat-tu': no department with code 'toa-an'" in result.stderr
    assert "Nothing was changed." in result.stderr


async def test_forum_group_gets_a_topic_per_ticket_and_keeps_talk_inside(
    bot: BotRunner, standin: StandIn
) -> None:
    forum = await linked(standin, KINH_TE, "kinh-te", forum=True)
    citizen = standin.user(3012, "Lan", language_code="vi")
    await file_complaint(citizen)
    alert_message = await group_message(forum, "PA-000001")
    topic = alert_message.message_thread_id
    assert topic is not None and "PA-000001 · Rác thải" in forum.topics[topic]
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await forum.send(
        official, "Anh em ai qua đó xem giúp nhé.", thread_id=topic
    )  # among themselves
    await forum.send(official, "Chiều nay tổ vệ sinh sẽ đến ạ.", alert_message, thread_id=topic)
    await citizen_message(citizen, "Chiều nay tổ vệ sinh sẽ đến ạ.")
    assert not any("Anh em ai qua đó" in m.plain for m in citizen.messages)
    await forum.press(official, "✋ Nhận xử lý", alert_message)
    note = await group_message(forum, "Hùng đã nhận xử lý PA-000001")
    assert note.message_thread_id == topic


async def test_cancel_at_the_phone_step_takes_the_keyboard_away(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(3013, "Hoa", language_code="vi")
    start = await start_complaint(citizen)
    await pressed(citizen, "Đèn chiếu sáng công cộng", start)
    photos = await citizen.reply("Bóng đèn đường trước nhà văn hóa tổ 5 không sáng.")
    place = await pressed(citizen, "➡️ Tiếp tục", photos)
    phone = await pressed(citizen, "⏭ Bỏ qua", place)
    assert citizen.reply_keyboard == [["📱 Chia sẻ số điện thoại"], ["⏭ Bỏ qua"]]
    assert "chia sẻ số điện thoại" in phone.plain
    cancelled = await citizen.reply("/cancel")
    assert cancelled.reply_markup == {"remove_keyboard": True}
    assert citizen.reply_keyboard is None


async def test_only_a_reply_to_the_prompt_becomes_the_result(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3014, "Lan", language_code="vi")
    await file_complaint(citizen)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    alert_message = await group_message(group, "PA-000001")
    await group.press(official, "✅ Đã giải quyết", alert_message)
    prompt = await group_message(group, "kết quả giải quyết PA-000001")
    await group.send(official, "Anh Tuấn chiều nay họp mấy giờ nhỉ?")  # not an answer to it
    await asyncio.sleep(0.3)
    assert not any("đã được giải quyết" in m.plain for m in citizen.messages)
    await group.send(official, "Đã thu gom xong.", prompt)
    resolved = await citizen_message(citizen, "đã được giải quyết")
    assert "Kết quả: Đã thu gom xong." in resolved.plain
    # The old review's cancel button no longer says "nothing was sent".
    review = next(m for m in citizen.messages if "kiểm tra lại trước khi gửi" in m.plain)
    await citizen.press("✖️ Hủy", review)
    assert (await alert(citizen))["show_alert"]


async def test_a_reply_at_once_to_a_message_not_yet_recorded_still_reaches_officials(
    bot: BotRunner, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram shows the official's message before the bot has noted which ticket it is
    about; a citizen who replies at once is still heard by the department, not answered as
    if asking about a procedure."""
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3031, "Lan", language_code="vi")
    await file_complaint(citizen)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    alert_message = await group_message(group, "PA-000001")
    await group.press(official, "✋ Nhận xử lý", alert_message)
    await citizen_message(citizen, "đã được Phòng Kinh tế - Hạ tầng - Đô thị tiếp nhận")
    outbox = bot.services.outbox
    record = outbox.part_sent

    async def slowly(*args: Any, **kwargs: Any) -> None:
        await asyncio.sleep(1.0)
        await record(*args, **kwargs)

    monkeypatch.setattr(outbox, "part_sent", slowly)
    await group.send(official, "Rác ở bên trái hay bên phải ngõ ạ?", alert_message)
    asked = await citizen_message(citizen, "bên trái hay bên phải")
    await citizen.send("Bên trái ạ.", reply_to=asked)
    back = await group_message(group, "Bên trái ạ")
    assert back.plain.startswith("💬 Người dân bổ sung cho PA-000001"), back.plain
    assert not any("chưa tìm thấy thủ tục" in m.plain for m in citizen.messages)
