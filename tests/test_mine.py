"""«Yêu cầu của tôi» as a citizen uses it days later: each request's state in plain words and
the actions that apply now (rate, reopen with a reason within the set days, add, answer the
official, withdraw, history); a code typed alone opens one's own request and reveals nothing
of anyone else's; old and forged buttons change nothing."""

from __future__ import annotations

import datetime as dt

from bot.domain.tickets import Draft
from bot.standin import StandIn
from bot.standin.sims import GroupSim, UserSim
from bot.standin.state import SentMessage
from tests.conftest import BotRunner, alert, pressed
from tests.test_complaints import (
    KINH_TE,
    OFFICIAL,
    citizen_message,
    file_complaint,
    group_message,
    linked,
    reads,
)


async def resolved_complaint(
    standin: StandIn, citizen: UserSim
) -> tuple[GroupSim, SentMessage, SentMessage]:
    """Filed, taken by Hùng, resolved: the group, its alert and the citizen's result message."""
    group = await linked(standin, KINH_TE, "kinh-te")
    await file_complaint(citizen)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    alert_message = await group_message(group, "PA-000001")
    await group.press(official, "✋ Nhận xử lý", alert_message)
    await citizen_message(citizen, "Cán bộ phụ trách: Hùng")
    await group.press(official, "✅ Đã giải quyết", alert_message)
    prompt = await group_message(group, "kết quả giải quyết PA-000001")
    await group.send(official, "Đã thu gom xong lúc 9 giờ sáng nay.", prompt)
    result = await citizen_message(citizen, "đã được giải quyết")
    return group, alert_message, result


def labels(message: SentMessage) -> list[str]:
    return [text for row in message.buttons for text in row]


async def test_each_request_says_where_it_stands_and_offers_what_applies_now(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3101, "Lan", language_code="vi")
    await file_complaint(citizen)
    waiting = await citizen.reply("/mine")
    assert "PA-000001 · Chờ tiếp nhận · Rác thải, vệ sinh môi trường" in waiting.plain
    assert "Phòng Kinh tế - Hạ tầng - Đô thị sẽ tiếp nhận trước" in waiting.plain

    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    alert_message = await group_message(group, "PA-000001")
    await group.press(official, "✋ Nhận xử lý", alert_message)
    await group.send(official, "Chị gửi giúp ảnh chỗ để rác ạ?", alert_message)
    await citizen_message(citizen, "Chị gửi giúp ảnh chỗ để rác")
    listed = await citizen.reply("/mine")
    assert "PA-000001 · Đang xử lý" in listed.plain
    assert "Cán bộ phụ trách: Hùng. Hạn có kết quả:" in listed.plain
    card = await pressed(citizen, "📄 PA-000001 · Đang xử lý", listed)
    assert card.plain.startswith("Phản ánh PA-000001 · Rác thải, vệ sinh môi trường")
    assert "📨 Gửi lúc" in card.plain and "Rác thải ở đầu ngõ 12" in card.plain
    # Open: add, answer the official who wrote, withdraw; no stars, no reopening yet.
    assert labels(card) == [
        "➕ Bổ sung thông tin",
        "💬 Trả lời cán bộ",
        "🗑 Rút yêu cầu",
        "📜 Lịch sử xử lý",
        "📋 Yêu cầu của tôi",
    ]
    ask = await pressed(citizen, "💬 Trả lời cán bộ", card)
    assert ask.plain.startswith("Mời anh/chị gõ câu trả lời cho cán bộ về PA-000001")
    await citizen.reply("Rác để bên trái ngõ ạ.")
    await group_message(group, "Rác để bên trái ngõ ạ.")

    history = await pressed(citizen, "📜 Lịch sử xử lý", await pressed(
        citizen, "📄 PA-000001 · Đang xử lý", await citizen.reply("/mine")
    ))  # fmt: skip
    lines = history.plain.splitlines()
    assert lines[0] == "📜 Lịch sử xử lý PA-000001"
    assert [line.split(": ", 1)[1] for line in lines[1:]] == [
        "Anh/chị gửi yêu cầu.",
        "Phòng ban tiếp nhận và giao cán bộ xử lý.",
        "Cán bộ nhắn: «Chị gửi giúp ảnh chỗ để rác ạ?»",
        "Anh/chị bổ sung: «Rác để bên trái ngõ ạ.»",
    ]
    back = await pressed(citizen, "⬅️ Về PA-000001", history)
    assert back.plain.startswith("Phản ánh PA-000001")


async def test_a_result_scrolled_past_is_rated_and_reopened_from_my_requests(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(3102, "Minh", language_code="vi")
    group, alert_message, result = await resolved_complaint(standin, citizen)
    await citizen.reply("thứ 7 phường có làm việc không")  # the result scrolls away
    listed = await citizen.reply("/mine")
    assert "PA-000001 · Đã giải quyết" in listed.plain
    assert "Mời anh/chị đánh giá mức độ hài lòng" in listed.plain
    card = await pressed(citizen, "📄 PA-000001 · Đã giải quyết", listed)
    assert "✅ Kết quả: Đã thu gom xong lúc 9 giờ sáng nay." in card.plain
    assert "anh/chị có thể đề nghị xử lý lại đến" in card.plain
    assert card.buttons[0] == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
    assert "➕ Bổ sung thông tin" not in labels(card) and "🗑 Rút yêu cầu" not in labels(card)
    thanks = await pressed(citizen, "4 ⭐", card)
    assert thanks.plain.startswith("Cảm ơn anh/chị đã đánh giá 4/5 cho PA-000001")
    await group_message(group, "Người dân đánh giá kết quả PA-000001: 4/5")
    await pressed(citizen, "⏭ Bỏ qua", thanks)

    # Rated, it is finished, and says so; it may still be found wanting within the days set.
    rated = await pressed(citizen, "📄 PA-000001 · Đã hoàn tất", await citizen.reply("/mine"))
    assert "Đã có kết quả và anh/chị đã đánh giá 4/5. Việc đã xong." in rated.plain
    assert "⭐" not in " ".join(labels(rated))
    why = await pressed(citizen, "😞 Chưa hài lòng, đề nghị xử lý lại", rated)
    assert "Mời anh/chị cho biết điều gì chưa ổn" in why.plain
    await citizen.send_sticker()  # no words: asked again, nothing reopened
    again = await citizen.next_message()
    assert again.plain == "Mời anh/chị gõ nội dung bằng chữ hoặc gửi ảnh."
    reopened = await citizen.reply("Sáng nay rác lại đầy ngõ.")
    assert "PA-000001 đã được mở lại" in reopened.plain
    told = await group_message(group, "Người dân chưa hài lòng với kết quả PA-000001")
    assert "«Sáng nay rác lại đầy ngõ.»" in told.plain
    await reads(group, alert_message, "📌 Trạng thái: Đang xử lý")
    # The stars on the first result message are stale now: nothing changes.
    await citizen.press("5 ⭐", result)
    assert "chưa có kết quả để đánh giá" in (await alert(citizen))["text"]
    listed = await citizen.reply("/mine")
    assert "PA-000001 · Đang xử lý" in listed.plain


async def test_reopening_is_refused_once_the_set_days_have_passed(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(3103, "Nam", language_code="vi")
    _, _, result = await resolved_complaint(standin, citizen)
    ticket = await bot.services.tickets.get(1)
    assert ticket is not None and ticket.resolved_at is not None
    days = bot.services.departments.routing.reopen_days
    bot.services.clock.travel(ticket.resolved_at + dt.timedelta(days=days, minutes=1))
    card = await pressed(citizen, "📄 PA-000001 · Đã giải quyết", await citizen.reply("/mine"))
    assert "đề nghị xử lý lại đến" not in card.plain
    assert "😞 Chưa hài lòng, đề nghị xử lý lại" not in labels(card)
    assert card.buttons[0] == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]  # rating stays open
    await citizen.press("😞 Chưa hài lòng, đề nghị xử lý lại", result)  # the old button
    refusal = await alert(citizen)
    assert refusal["show_alert"] and "Đã quá thời hạn đề nghị xử lý lại" in refusal["text"]
    assert (await bot.services.tickets.get(1)).status.value == "resolved"  # type: ignore[union-attr]


async def test_withdrawing_asks_first_stops_the_department_and_old_buttons(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3104, "Hoa", language_code="vi")
    await file_complaint(citizen)
    alert_message = await group_message(group, "PA-000001")
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await group.send(official, "Chị cho biết rác ở đầu ngõ nào ạ?", alert_message)
    asked = await citizen_message(citizen, "rác ở đầu ngõ nào")
    card = await pressed(citizen, "📄 PA-000001 · Chờ tiếp nhận", await citizen.reply("/mine"))
    ask = await pressed(citizen, "🗑 Rút yêu cầu", card)
    assert "Anh/chị muốn rút PA-000001?" in ask.plain
    kept = await pressed(citizen, "✖️ Không rút", ask)
    assert kept.plain.startswith("Phản ánh PA-000001")  # nothing changed
    assert (await bot.services.tickets.get(1)).status.value == "new"  # type: ignore[union-attr]
    done = await pressed(citizen, "✅ Đồng ý rút yêu cầu", ask)
    assert done.plain.startswith("Đã rút PA-000001; phòng ban phụ trách đã được báo.")
    await group_message(group, "Người dân đã rút PA-000001; không cần xử lý tiếp.")
    await reads(group, alert_message, "📌 Trạng thái: Đã rút")
    assert alert_message.buttons == []
    await group.press_data(official, "t:1:accept", alert_message)  # a keyboard shown before
    assert "đã kết thúc" in (await alert(official))["text"]
    # The citizen's own old buttons: withdrawing twice, adding to a withdrawn request.
    await citizen.press("✅ Đồng ý rút yêu cầu", ask)
    assert "đã kết thúc" in (await alert(citizen))["text"]
    await citizen.press("➕ Bổ sung thông tin", card)
    assert "đã kết thúc" in (await alert(citizen))["text"]
    # Nor does a reply to the official's message about it reach the department.
    await citizen.send("Thêm: rác lại đầy rồi.", reply_to=asked)
    refused = await citizen.next_message()
    assert refused.plain.startswith("Yêu cầu này đã kết thúc")
    assert not any("rác lại đầy rồi" in m.plain for m in group.messages)
    listed = await citizen.reply("/mine")
    assert "PA-000001 · Đã rút" in listed.plain
    assert "Anh/chị đã rút yêu cầu này; phòng ban đã dừng xử lý." in listed.plain
    final = await pressed(citizen, "📄 PA-000001 · Đã rút", listed)
    assert labels(final) == ["📜 Lịch sử xử lý", "📋 Yêu cầu của tôi"]


async def test_a_typed_code_opens_ones_own_request_and_reveals_nothing_of_others(
    bot: BotRunner, standin: StandIn
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    owner = standin.user(3105, "Lan", language_code="vi")
    await file_complaint(owner)
    for typed in ("PA-000001", "pa 000001", "PA-1"):
        card = await owner.reply(typed)
        assert card.plain.startswith("Phản ánh PA-000001 · Rác thải"), typed
    other = standin.user(3106, "Tuấn", language_code="vi")
    someone_elses = await other.reply("PA-000001")
    nobodys = await other.reply("PA-000777")
    assert someone_elses.plain == (
        "Không tìm thấy yêu cầu «PA-000001» trong các yêu cầu anh/chị đã gửi. Mời anh/chị"
        " kiểm tra lại mã, hoặc xem danh sách yêu cầu của mình bên dưới."
    )
    assert nobodys.plain == someone_elses.plain.replace("PA-000001", "PA-000777")
    assert "Rác thải" not in someone_elses.plain
    # Forged or someone else's buttons open nothing either.
    for forged in ("mo:1", "mh:1", "mw:1", "mwy:1", "ro:1", "rt:1:5", "mo:2"):
        await other.press_data(forged, someone_elses)
        refusal = await alert(other)
        assert refusal["show_alert"] and "Không tìm thấy yêu cầu này" in refusal["text"], forged
    assert (await bot.services.tickets.get(1)).status.value == "new"  # type: ignore[union-attr]


async def test_my_requests_in_english(bot: BotRunner, standin: StandIn) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    tom = standin.user(3107, "Tom", language_code="en")
    draft = Draft(category="rac-thai", body="Rubbish has not been collected for three days.")
    ticket, _ = await bot.services.tickets.file(
        draft, user_id=tom.id, chat_id=tom.id, name="Tom", language="en", update_id=None
    )
    listed = await tom.reply("/mine")
    assert f"{ticket.code} · Waiting" in listed.plain and "will take it up by" in listed.plain
    card = await pressed(tom, f"📄 {ticket.code} · Waiting", listed)
    assert card.plain.startswith(f"Complaint {ticket.code}")
    assert labels(card) == [
        "➕ Add information", "🗑 Withdraw request", "📜 History", "📋 My requests"
    ]  # fmt: skip
