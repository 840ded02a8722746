"""The leadership's figures (/thongke, /xuatbaocao, the weekly and monthly reports) against a
week counted by hand: tickets taken up and resolved on time across the New Year holiday and a
weekend, ratings, a reopening, an apology,
a withdrawal; dossiers on time, late and given a new date; questions by how they were
answered. The chart is opened as a picture; people who are not the leadership are refused."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot import app
from bot.domain.dossiers import DossierChange, DossierStatus
from bot.domain.figures import Period, PeriodKind
from bot.domain.tickets import Draft
from bot.services.tickets import Official
from bot.standin import StandIn
from bot.standin.sims import GroupSim
from tests.conftest import ADMIN_ID, BotRunner, alert, run_bot
from tests.test_complaints import CONG_AN, KINH_TE, LANH_DAO, OFFICIAL, arrived, linked

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=HANOI)


async def seed_week(bot: BotRunner, standin: StandIn) -> None:
    """The week of Monday 28/12/2026 to Sunday 3/1/2027 (Friday 1/1 a holiday), and one
    ticket and one dossier of the week before."""
    services = bot.services
    clock, tickets, dossiers = services.clock, services.tickets, services.dossiers
    people = {
        user: standin.user(user, f"Dân {user}", language_code="vi") for user in range(4001, 4007)
    }
    kinh_te = Official(OFFICIAL, "Hùng", KINH_TE)
    cong_an = Official(OFFICIAL, "Hùng", CONG_AN)

    async def filed(when: dt.datetime, user: int, category: str) -> int:
        clock.travel(when)
        draft = Draft(category=category, body=f"Phản ánh số {user} về việc trong ngõ.")
        ticket, _ = await tickets.file(
            draft, user_id=user, chat_id=user, name=f"Dân {user}", language="vi", update_id=None
        )
        return ticket.id

    async def apply(
        when: dt.datetime,
        code: str,
        status: DossierStatus,
        received_on: dt.date | None = None,
        due_on: dt.date | None = None,
    ) -> None:
        clock.travel(when)
        change = DossierChange(code, status, received_on=received_on, due_on=due_on)
        await dossiers.apply(change, "csv", "test")

    # The week before: one ticket, resolved on Monday; one dossier, returned late on Monday.
    t6 = await filed(at("2026-12-25", "10:00"), 4006, "rac-thai")
    d = dt.date.fromisoformat
    await apply(
        at("2026-12-23", "09:00"), "D4", DossierStatus.RECEIVED,
        received_on=d("2026-12-23"), due_on=d("2026-12-24"),
    )  # fmt: skip
    clock.travel(at("2026-12-28", "08:00"))
    await tickets.resolve(t6, kinh_te, "Đã thu gom.")
    await apply(at("2026-12-28", "08:30"), "D4", DossierStatus.RETURNED)

    # T1: taken up after 1 working hour, resolved after 8.5, rated 5.
    t1 = await filed(at("2026-12-28", "09:00"), 4001, "rac-thai")
    clock.travel(at("2026-12-28", "10:00"))
    await tickets.accept(t1, kinh_te)
    # T5: withdrawn within the hour.
    t5 = await filed(at("2026-12-28", "14:00"), 4005, "rac-thai")
    clock.travel(at("2026-12-28", "15:00"))
    await tickets.withdraw(t5, 4005)
    # T4: taken up after 0.5 working hours, resolved after 7.5, rated 2.
    t4 = await filed(at("2026-12-29", "09:00"), 4004, "chieu-sang")
    clock.travel(at("2026-12-29", "09:30"))
    await tickets.accept(t4, kinh_te)
    clock.travel(at("2026-12-29", "10:00"))
    await tickets.resolve(t1, kinh_te, "Đã thu gom xong.")
    clock.travel(at("2026-12-29", "11:00"))
    await tickets.rate(t1, 4001, 5)
    clock.travel(at("2026-12-30", "09:00"))
    await tickets.resolve(t4, kinh_te, "Đã thay bóng đèn.")
    await tickets.rate(t4, 4004, 2)
    # T3: never taken up; due Thursday 09:00 (2 working hours for public order), missed:
    # the apology goes out on Saturday.
    await filed(at("2026-12-30", "16:30"), 4003, "trat-tu")
    # T2: filed Thursday 16:00; Friday is New Year's Day and Saturday's reception hours count
    # for no deadline: taken up Saturday 08:00 after 1 working hour, resolved, rated, then
    # reopened on Sunday with a reason.
    t2 = await filed(at("2026-12-31", "16:00"), 4002, "trat-tu")
    clock.travel(at("2027-01-02", "08:00"))
    await tickets.accept(t2, cong_an)
    clock.travel(at("2027-01-02", "09:00"))
    assert await services.deadlines.check() == 1  # T3's missed acknowledgement
    clock.travel(at("2027-01-02", "11:00"))
    await tickets.resolve(t2, cong_an, "Đã nhắc nhở quán karaoke.")
    await tickets.rate(t2, 4002, 1)
    clock.travel(at("2027-01-03", "10:00"))
    await tickets.reopen(t2, 4002, "Tối qua quán vẫn hát đến 1 giờ sáng.")

    # Dossiers: D1 on time; D2 late, with a new date given after the first had passed; D3
    # still waiting past its date.
    await apply(
        at("2026-12-28", "09:00"), "D1", DossierStatus.RECEIVED,
        received_on=d("2026-12-28"), due_on=d("2026-12-30"),
    )  # fmt: skip
    await apply(
        at("2026-12-28", "09:10"), "D2", DossierStatus.RECEIVED,
        received_on=d("2026-12-28"), due_on=d("2026-12-29"),
    )  # fmt: skip
    await apply(
        at("2026-12-29", "09:00"), "D3", DossierStatus.RECEIVED,
        received_on=d("2026-12-29"), due_on=d("2026-12-31"),
    )  # fmt: skip
    await apply(at("2026-12-29", "15:00"), "D1", DossierStatus.RESULT_READY)
    await apply(at("2026-12-30", "08:00"), "D2", DossierStatus.IN_PROGRESS, due_on=d("2027-01-04"))
    await apply(at("2027-01-02", "10:00"), "D2", DossierStatus.RESULT_READY)
    clock.travel(at("2027-01-03", "20:00"))  # Sunday evening: the figures are asked for
    await arrived(people[4002], lambda m: "đã được mở lại" in m.plain)  # the news went out


async def ward(bot: BotRunner, standin: StandIn) -> tuple[GroupSim, GroupSim]:
    """The two departments' groups and the leadership's linked, the week seeded; returns
    the economic department's group and the leadership's."""
    kinh_te = await linked(standin, KINH_TE, "kinh-te")
    await linked(standin, CONG_AN, "cong-an")
    leaders = await linked(standin, LANH_DAO, "lanh-dao")
    await seed_week(bot, standin)
    return kinh_te, leaders


async def test_a_week_counted_by_hand(bot: BotRunner, standin: StandIn) -> None:
    await ward(bot, standin)
    citizen = standin.user(4010, "Lan", language_code="vi")
    await citizen.reply("đăng ký tạm trú")  # a card
    await citizen.reply("thứ 7 phường có làm việc không")  # an everyday answer
    await citizen.reply("xyzzy qwerty plugh")  # nothing found

    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await admin.send("/thongke")
    text = await arrived(admin, lambda m: m.plain.startswith("📊 Số liệu"))
    lines = text.plain.splitlines()
    assert lines[0] == "📊 Số liệu phục vụ người dân · Tuần này (28/12/2026 – 03/01/2027)"
    expected = [
        "📣 Phản ánh, câu hỏi gửi cán bộ: nhận 5 (kỳ trước: 1)",
        "• Cán bộ nhận xử lý đúng hạn: 3/3 (100,0%)",
        "• Giải quyết đúng hạn: 2/2 (100,0%; kỳ trước: 100,0%)",
        "• Thời gian đến khi nhận xử lý (trung vị): 1 giờ làm việc; đến khi giải quyết: 8 giờ"
        " làm việc",
        "• Chưa giải quyết xong: 2, trong đó quá hạn 1; không giải quyết qua kênh này: 0;"
        " người dân rút: 1",
        "• Hài lòng (4–5 sao): 1/2 lượt đánh giá (50,0%; kỳ trước: —); điểm trung bình: 3,5/5",
        "• Đánh giá: 1★ 0 · 2★ 1 · 3★ 0 · 4★ 0 · 5★ 1",
        "• Người dân đề nghị xử lý lại: 1; lời xin lỗi vì trễ hạn đã gửi: 1",
    ]
    for line in expected:
        assert line in lines, (line, text.plain)
    assert (
        "⏳ Hôm nay còn 2 phản ánh, câu hỏi chưa giải quyết xong (mọi kỳ), trong đó 1 đã quá hạn."
        in lines
    )
    assert (
        "• Phòng Kinh tế - Hạ tầng - Đô thị: nhận 3; giải quyết đúng hạn 2/2; đang quá hạn 0;"
        " hài lòng 50,0%"
    ) in lines
    assert "• Công an phường: nhận 2; giải quyết đúng hạn 0/0; đang quá hạn 1; hài lòng —" in lines
    assert (
        "🗂 Hồ sơ thủ tục: tiếp nhận 3; có kết quả 3, trong đó đúng hẹn 1 (33,3%) và trễ hẹn 2;"
        " hẹn lại ngày trả: 1; hôm nay đang quá hạn: 1."
    ) in lines
    assert (
        "🤖 Câu hỏi gửi bot: 3 (kỳ trước: 0). Trả lời bằng thủ tục: 1; bằng câu trả lời thường"
        " gặp: 1; đưa danh sách để chọn: 0; chỉ nơi giải quyết khác: 0; chưa tìm được câu trả"
        " lời: 1."
    ) in lines
    # Citizens the bot wrote to of its own accord: the owners of T1, T2, T3 (the apology), T4
    # and T6; not T5's, who withdrew before anyone wrote, nor the admins.
    assert "📬 Bot đã chủ động báo tin cho 5 người dân" in text.plain

    chart = await arrived(admin, lambda m: m.kind == "photo", within=30)  # after the text
    assert chart.plain == "📊 Tuần này (28/12/2026 – 03/01/2027)"
    assert chart.file_bytes is not None
    picture = Image.open(io.BytesIO(chart.file_bytes)).convert("RGB")
    assert picture.size == (1320, 605)
    colours = {colour for _, colour in picture.getcolors(maxcolors=1 << 20) or []}
    assert (0xF2, 0xB0, 0x1E) in colours  # the ratings' bars are drawn
    assert (0x1F, 0x77, 0xB4) in colours  # ... the departments' «received» bars
    assert (0xD6, 0x27, 0x28) in colours  # ... and the police's overdue one, in red


async def test_other_periods_and_who_may_see_them(bot: BotRunner, standin: StandIn) -> None:
    kinh_te, leaders = await ward(bot, standin)
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await admin.send("/thongke")
    text = await arrived(admin, lambda m: m.plain.startswith("📊 Số liệu"))
    await admin.press("📅 Tuần trước", text)
    before = await arrived(
        admin, lambda m: m.plain.startswith("📊 Số liệu phục vụ người dân · Tuần trước (21/12")
    )
    assert "nhận 1 (kỳ trước: 0)" in before.plain
    # A member of the leadership's group, in the group.
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await leaders.send(official, "/thongke")
    await arrived(leaders, lambda m: "Số liệu phục vụ người dân · Tuần này" in m.plain)
    # A department's group, a citizen, and a forged press by a citizen are refused.
    refused = "Số liệu thống kê chỉ dành cho lãnh đạo UBND"
    await kinh_te.send(official, "/thongke")
    await arrived(kinh_te, lambda m: m.plain.startswith(refused))
    citizen = standin.user(4011, "Minh", language_code="vi")
    said = await citizen.reply("/thongke")
    assert said.plain.startswith(refused)
    await citizen.press_data("fg:quarter", said)
    assert refused in (await alert(citizen))["text"]
    assert not any("Số liệu phục vụ" in m.plain for m in citizen.messages)


def test_periods_and_the_one_before() -> None:
    sunday = dt.date(2027, 1, 3)
    week = Period.of(PeriodKind.THIS_WEEK, sunday)
    assert (week.first, week.last) == (dt.date(2026, 12, 28), sunday)
    assert week.previous().first == dt.date(2026, 12, 21)
    month = Period.of(PeriodKind.MONTH, dt.date(2027, 3, 30))
    assert (month.previous().first, month.previous().last) == (
        dt.date(2027, 2, 1), dt.date(2027, 2, 28)
    )  # fmt: skip
    quarter = Period.of(PeriodKind.QUARTER, dt.date(2027, 5, 10))
    assert quarter.first == dt.date(2027, 4, 1)
    assert (quarter.previous().first, quarter.previous().last) == (
        dt.date(2027, 1, 1), dt.date(2027, 2, 9)
    )  # fmt: skip
    last_month = Period.of(PeriodKind.LAST_MONTH, dt.date(2027, 1, 15))
    assert (last_month.first, last_month.last) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    # A Wednesday's week so far is compared with Monday to Wednesday of the week before.
    wednesday = Period.of(PeriodKind.THIS_WEEK, dt.date(2027, 1, 6))
    assert (wednesday.previous().first, wednesday.previous().last) == (
        dt.date(2026, 12, 28), dt.date(2026, 12, 30)
    )  # fmt: skip
    # A whole month with the whole month before, however long.
    february = Period.of(PeriodKind.LAST_MONTH, dt.date(2027, 3, 2))
    assert (february.previous().first, february.previous().last) == (
        dt.date(2027, 1, 1), dt.date(2027, 1, 31)
    )  # fmt: skip


def read_back(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


async def test_the_spreadsheet_names_people_for_admins_only(
    bot: BotRunner, standin: StandIn
) -> None:
    _, leaders = await ward(bot, standin)
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    which = await admin.reply("/xuatbaocao")
    assert which.plain == "Mời chọn kỳ báo cáo để xuất bảng tính (Excel):"
    await admin.press("📅 Tuần này", which)
    sent = await arrived(admin, lambda m: m.kind == "document", within=30)
    assert sent.filename == "bao-cao-2026-12-28_2027-01-03.xlsx"
    assert sent.plain == "📑 Báo cáo Tuần này (28/12/2026 – 03/01/2027)"
    assert sent.file_bytes is not None
    sheets = read_back(sent.file_bytes)
    assert list(sheets) == [
        "Tổng hợp", "Theo phòng ban", "Theo nhóm phản ánh", "Câu hỏi gửi bot", "Phản ánh, câu hỏi"
    ]  # fmt: skip
    assert ("Phản ánh, câu hỏi nhận", 5, 1) in sheets["Tổng hợp"]
    assert ("Hồ sơ tiếp nhận", 3, 1) in sheets["Tổng hợp"]  # the week before in full too
    satisfied = next(r for r in sheets["Tổng hợp"] if r[0] == "Tỷ lệ hài lòng 4–5 sao (%)")
    assert satisfied[1:] in ((50.0,), (50.0, None)), satisfied  # nobody rated the week before
    tickets = sheets["Phản ánh, câu hỏi"]
    assert tickets[0][:9] == (
        "Mã", "Loại", "Nhóm phản ánh", "Phòng ban", "Gửi lúc", "Hạn nhận xử lý",
        "Nhận xử lý lúc", "Hạn giải quyết", "Có kết quả lúc",
    )  # fmt: skip
    rows = {row[0]: row for row in tickets[1:]}
    assert sorted(map(str, rows)) == [
        "PA-000002",
        "PA-000003",
        "PA-000004",
        "PA-000005",
        "PA-000006",
    ]
    first = rows["PA-000002"]
    assert first[4] == dt.datetime(2026, 12, 28, 9, 0)  # a real date, in local time
    assert first[9:12] == ("Đã hoàn tất", 5, "Dân 4001")  # names for the admin
    assert rows["PA-000003"][9] == "Đã rút"
    police = next(r for r in sheets["Theo phòng ban"] if r[0] == "Công an phường")
    assert police[1:3] == (2, 1)  # received 2, taken up 1
    assert police[7] == 1  # overdue as at the bot's moment (Sunday evening), not the machine's

    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await leaders.send(official, "/xuatbaocao")
    which = await arrived(leaders, lambda m: m.plain.startswith("Mời chọn kỳ báo cáo"))
    await leaders.press(official, "📅 Tuần này", which)
    masked = await arrived(leaders, lambda m: m.kind == "document", within=30)
    assert masked.file_bytes is not None
    names = {row[11] for row in read_back(masked.file_bytes)["Phản ánh, câu hỏi"][1:]}
    assert names == {"D*** 4***"}  # masked for everyone else


async def test_the_report_command_writes_the_same_spreadsheet(
    bot: BotRunner, standin: StandIn, tmp_path: Path
) -> None:
    await ward(bot, standin)
    database = bot.services.settings.database
    await bot.stop()
    out = tmp_path / "report.xlsx"
    done = run_bot(database, "report", "--from", "2026-12-28", "--to", "2027-01-03", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "5 complaints and questions, 3 dossiers received" in done.stdout
    tickets = read_back(out.read_bytes())["Phản ánh, câu hỏi"]
    assert len(tickets) == 6 and {row[11] for row in tickets[1:]} == {"D*** 4***"}
    wrong = run_bot(database, "report", "--from", "2026-13-01", "--to", "2027-01-03", "--out", out)
    assert wrong.returncode == 2 and "'2026-13-01' is not a date (YYYY-MM-DD)" in wrong.stderr
    naive = run_bot(
        database, "report", "--from", "2026-12-28", "--to", "2027-01-03", "--out", out,
        "--at", "2027-01-03T20:00",
    )  # fmt: skip
    assert naive.returncode == 2 and "is not a moment with its offset" in naive.stderr
    assert "Traceback" not in wrong.stderr


async def test_the_weekly_and_monthly_reports_arrive_once_on_a_working_morning(
    bot: BotRunner, standin: StandIn
) -> None:
    _, leaders = await ward(bot, standin)
    clock = bot.services.clock
    # The first working morning of the week and of the month is Monday 4/1 (New Year's Day a
    # holiday, Saturday no working day): before 07:30 nothing goes out, then both, once.
    clock.travel(at("2027-01-04", "07:00"))
    assert await bot.services.reports.send_due() == 0
    clock.travel(at("2027-01-04", "07:31"))
    assert await bot.services.reports.send_due() == 2
    assert await bot.services.reports.send_due() == 0
    monthly = await arrived(leaders, lambda m: m.plain.startswith("🗓 Báo cáo tháng"))
    assert "Tháng trước (01/12/2026 – 31/12/2026)" in monthly.plain
    weekly = await arrived(
        leaders, lambda m: m.plain.startswith("🗓 Báo cáo tuần") and "28/12/2026" in m.plain
    )
    assert "Tuần trước (28/12/2026 – 03/01/2027)" in weekly.plain
    assert "nhận 5 (kỳ trước: 1)" in weekly.plain
    assert "Những việc quá hạn lâu nhất" in weekly.plain
    assert [row[0] for row in weekly.buttons] == ["🚨 PA-000005 · hạn 09:00, Thứ Năm 31/12/2026"]
    chart = await arrived(
        leaders,
        lambda m: m.kind == "photo" and m.plain == "📊 Tuần trước (28/12/2026 – 03/01/2027)",
    )
    assert chart.file_bytes is not None and chart.file_bytes.startswith(b"\x89PNG")
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await leaders.press(official, "🚨 PA-000005 · hạn 09:00, Thứ Năm 31/12/2026", weekly)
    shown = await arrived(leaders, lambda m: m.plain.startswith("🚨 Phản ánh PA-000005 · "))
    assert "Công an phường · Chờ tiếp nhận · cán bộ: chưa có người nhận" in shown.plain
    assert "⏰ Hạn 09:00, Thứ Năm 31/12/2026, đã quá" in shown.plain
    # Pressed again once the police have resolved it: as it is now, no longer «overdue».
    await bot.services.tickets.resolve(5, Official(OFFICIAL, "Hùng", CONG_AN), "Đã xử lý.")
    await leaders.press(official, "🚨 PA-000005 · hạn 09:00, Thứ Năm 31/12/2026", weekly)
    again = await arrived(
        leaders, lambda m: m.plain.startswith("🚨 Phản ánh PA-000005 · ") and m is not shown
    )
    assert "Công an phường · Đã giải quyết · cán bộ: Hùng" in again.plain, again.plain
    assert "⏰" not in again.plain and "đã quá" not in again.plain, again.plain

    # Restarted that morning, the bot sends none of them again.
    await bot.restart()
    bot.services.clock.travel(at("2027-01-04", "07:40"))
    assert await bot.services.reports.send_due() == 0
    reports = [m for m in leaders.messages if m.plain.startswith("🗓 Báo cáo")]
    assert len(reports) == 2


async def test_a_period_in_which_nothing_happened_gets_no_report(
    bot: BotRunner, standin: StandIn
) -> None:
    """A bot installed this week has nothing to say of last week: no report of zeros."""
    leaders = await linked(standin, LANH_DAO, "lanh-dao")
    bot.services.clock.travel(at("2027-01-04", "08:00"))
    assert await bot.services.reports.send_due() == 0
    bot.services.clock.travel(at("2027-01-04", "08:01"))
    assert await bot.services.reports.send_due() == 0  # still none a minute later
    assert not [m for m in leaders.messages if m.plain.startswith(("🗓", "📊"))]


async def test_figures_that_cannot_be_counted_are_said_so_and_the_report_waits(
    bot: BotRunner, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counting child takes too long (a locked or huge database): the leader is told
    politely, and the weekly report is not marked sent, so it goes out a minute later."""
    _, leaders = await ward(bot, standin)
    monkeypatch.setattr(app, "COUNT_WITHIN_S", 0.001)
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    said = await admin.reply("/thongke")
    assert said.plain == "Xin lỗi, chưa lập được số liệu lúc này. Mời thử lại sau ít phút."
    bot.services.clock.travel(at("2027-01-04", "07:31"))
    assert await bot.services.reports.send_due() == 0
    assert not [m for m in leaders.messages if m.plain.startswith("🗓 Báo cáo")]
    monkeypatch.setattr(app, "COUNT_WITHIN_S", 60.0)
    bot.services.clock.travel(at("2027-01-04", "07:32"))
    assert await bot.services.reports.send_due() == 2
    await arrived(leaders, lambda m: m.plain.startswith("🗓 Báo cáo tuần"))
