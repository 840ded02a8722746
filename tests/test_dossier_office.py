"""The one-stop office's side of dossiers, through the real bot and the stand-in: which documents
to add, a note and a new date written as replies in the group, the daily reminder of late
dossiers, and every source's news surviving a restart of the bot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from pydantic import SecretStr

from bot.domain.dossiers import DossierChange, DossierStatus
from bot.standin import StandIn
from bot.standin.sims import UserSim
from tests.conftest import ADMIN_ID, BotRunner, alert
from tests.test_complaints import OFFICIAL, arrived
from tests.test_dossiers import CODE, citizen_hears, office, receive, services

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


async def follower(bot: BotRunner, standin: StandIn, user_id: int, code: str = CODE) -> UserSim:
    dossier = await services(bot).dossiers.get(code)
    assert dossier is not None
    citizen = standin.user(user_id, f"Người {user_id}", language_code="vi")
    answer = await citizen.reply(f"/hoso {code} {dossier.check_value}")
    assert answer.plain.startswith("🔔 Anh/chị đang theo dõi")
    return citizen


async def test_the_office_says_which_documents_to_add_and_the_citizen_reads_them(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await office(standin)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await receive(group, official)
    lan = await follower(bot, standin, 3201)

    card = await group.reply(official, f"/hs {CODE}")
    await group.press(official, "Cần bổ sung giấy tờ", card)
    prompt = await arrived(group, lambda m: "cần bổ sung những giấy tờ gì" in m.plain)
    assert prompt.plain.startswith("📎 Hùng: hồ sơ " + CODE)
    await group.send(official, "Bàn bạc nội bộ, không phải trả lời")  # not a reply: ignored
    await group.send_photo(official, b"\xff\xd8 a photo", reply_to=prompt)
    asks_words = await arrived(group, lambda m: "viết bằng chữ" in m.plain)
    assert asks_words.plain.startswith("Mời anh/chị viết bằng chữ những giấy tờ")
    assert lan.messages[-1].plain.startswith("🔔")  # nothing told yet

    await group.send(official, "Bản sao giấy chứng nhận kết hôn (có chứng thực).", reply_to=prompt)
    done = await arrived(group, lambda m: "kèm danh sách giấy tờ" in m.plain)
    assert done.plain == (
        f"Đã cập nhật {CODE}: Cần bổ sung giấy tờ, kèm danh sách giấy tờ cần bổ sung. "
        "Đã báo cho 1 người theo dõi."
    )
    told = await citizen_hears(lan, "cần bổ sung giấy tờ")
    assert "📝 Ghi chú của cán bộ: Bản sao giấy chứng nhận kết hôn (có chứng thực)." in told.plain
    assert "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00" in told.plain
    assert "📌 Tình trạng: Cần bổ sung giấy tờ" in card.plain  # the card now says so

    await group.press(official, "📝 Ghi chú cho người dân", card)
    ask_note = await arrived(group, lambda m: "ghi chú gửi người dân" in m.plain)
    await group.send(official, "Anh/chị có thể gửi bản chụp qua bưu điện.", reply_to=ask_note)
    await arrived(group, lambda m: m.plain.startswith(f"Đã gửi ghi chú về hồ sơ {CODE}"))
    note = await citizen_hears(lan, "có thông tin mới từ cán bộ")
    assert "Anh/chị có thể gửi bản chụp qua bưu điện." in note.plain
    assert sum("cần bổ sung giấy tờ" in m.plain for m in lan.messages) == 1


async def test_a_new_date_for_a_late_dossier_brings_the_apology_and_bad_dates_are_asked_again(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await office(standin)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    dossiers = services(bot).dossiers
    today = dossiers.today()
    late = DossierChange(
        CODE,
        DossierStatus.IN_PROGRESS,
        received_on=today - dt.timedelta(days=15),
        due_on=today - dt.timedelta(days=1),
    )
    await dossiers.apply(late, source="csv", actor="test")
    lan = await follower(bot, standin, 3202)

    card = await group.reply(official, f"/hs {CODE}")
    await group.press(official, "📅 Hẹn ngày trả mới", card)
    prompt = await arrived(group, lambda m: "ngày hẹn trả kết quả mới" in m.plain)
    await group.send(official, "31/02/2027", reply_to=prompt)
    assert (await arrived(group, lambda m: "không phải ngày" in m.plain)).plain.startswith(
        "«31/02/2027» không phải ngày hợp lệ"
    )
    yesterday = (today - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    await group.send(official, yesterday, reply_to=prompt)
    assert (await arrived(group, lambda m: "đã qua" in m.plain)).plain.startswith(
        f"Ngày {yesterday} đã qua"
    )
    new_due = today + dt.timedelta(days=3)
    await group.send(official, new_due.strftime("%d/%m"), reply_to=prompt)  # the year implied
    done = await arrived(group, lambda m: m.plain.startswith("Đã đổi ngày hẹn"))
    assert done.plain.startswith(f"Đã đổi ngày hẹn trả hồ sơ {CODE} sang ")
    assert new_due.strftime("%d/%m/%Y") in done.plain
    assert "1 người theo dõi đã nhận lời xin lỗi kèm ngày mới" in done.plain
    sorry = await citizen_hears(lan, "thành thật xin lỗi")
    assert new_due.strftime("%d/%m/%Y") in sorry.plain.split("Ngày hẹn mới: ")[1]
    dossier = await dossiers.get(CODE)
    assert dossier is not None and dossier.due_on == new_due

    # Moved again while no longer late: plain news of the date, no second apology.
    await group.press(official, "📅 Hẹn ngày trả mới", card)
    again = await arrived(
        group, lambda m: "ngày hẹn trả kết quả mới" in m.plain and m is not prompt
    )
    later = today + dt.timedelta(days=10)
    await group.send(official, later.strftime("%d/%m/%Y"), reply_to=again)
    await citizen_hears(lan, "có ngày hẹn trả kết quả mới")
    assert sum("xin lỗi" in m.plain for m in lan.messages) == 1


async def test_the_office_is_reminded_of_late_dossiers_once_a_working_day(
    bot: BotRunner, standin: StandIn
) -> None:
    group = await office(standin)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    dossiers = services(bot).dossiers
    monday = dt.datetime(2026, 11, 30, 9, 0, tzinfo=HANOI)
    services(bot).clock.travel(monday)
    for n, (days_late, status) in enumerate(
        [
            (3, DossierStatus.IN_PROGRESS),
            (1, DossierStatus.RECEIVED),
            (5, DossierStatus.RESULT_READY),  # done, waiting for the citizen: not late
            (2, DossierStatus.NEED_MORE),  # waiting for the citizen's documents
            (-2, DossierStatus.IN_PROGRESS),  # not due yet
        ]
    ):
        change = DossierChange(
            f"000.00.12.H26-261120-{n:04d}",
            status,
            procedure_code="1.001193" if n == 0 else None,
            received_on=dt.date(2026, 11, 10),
            due_on=monday.date() - dt.timedelta(days=days_late),
        )
        await dossiers.apply(change, source="csv", actor="test")

    services(bot).clock.travel(dt.datetime(2026, 11, 29, 9, 0, tzinfo=HANOI))  # a Sunday
    assert await dossiers.remind_overdue() == 0
    services(bot).clock.travel(dt.datetime(2026, 11, 30, 6, 0, tzinfo=HANOI))  # before opening
    assert await dossiers.remind_overdue() == 0
    services(bot).clock.travel(monday)
    assert await dossiers.remind_overdue() == 2
    reminder = await arrived(group, lambda m: "quá ngày hẹn" in m.plain)
    lines = reminder.plain.splitlines()
    assert lines[0] == "⏰ 2 hồ sơ đã quá ngày hẹn mà chưa có kết quả:"
    assert lines[1] == (
        "• 000.00.12.H26-261120-0000 — hẹn Thứ Sáu 27/11/2026, trễ 3 ngày (Đang giải quyết)"
    )
    assert lines[2].strip() == "Thủ tục đăng ký khai sinh"  # the procedure's name
    assert lines[3].startswith("• 000.00.12.H26-261120-0001 — hẹn Chủ Nhật 29/11/2026, trễ 1")
    assert "người dân theo dõi hồ sơ sẽ nhận lời xin lỗi kèm ngày mới" in reminder.plain
    assert reminder.buttons == [["000.00.12.H26-261120-0000"], ["000.00.12.H26-261120-0001"]]
    assert await dossiers.remind_overdue() == 0  # once a day

    await group.press(official, "000.00.12.H26-261120-0000", reminder)
    card = await arrived(group, lambda m: "In lên giấy tiếp nhận" in m.plain)
    assert ["📅 Hẹn ngày trả mới", "📝 Ghi chú cho người dân"] in card.buttons

    services(bot).clock.travel(monday + dt.timedelta(days=1))  # still late the next day
    assert await dossiers.remind_overdue() == 2
    await bot.restart()  # the day's reminder is kept in the database, not in memory
    again = services(bot).dossiers
    services(bot).clock.travel(monday + dt.timedelta(days=1, hours=2))
    assert await again.remind_overdue() == 0


Source = Callable[[BotRunner, StandIn], Awaitable[None]]


async def by_official(bot: BotRunner, standin: StandIn) -> None:
    group = await office(standin)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await group.press(official, "Đã có kết quả", await group.reply(official, f"/hs {CODE}"))
    await alert(official)


async def by_csv(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await admin.send_document(f"code,status\n{CODE},Đã có kết quả\n".encode(), filename="ra.csv")
    assert "1 hồ sơ thay đổi" in (await admin.next_message()).plain


async def by_http(bot: BotRunner, standin: StandIn) -> None:
    assert bot.app is not None
    url = bot.http_url
    headers = {"Authorization": "Bearer s3cret-token-for-tests"}
    async with aiohttp.ClientSession() as http:
        body = {"code": CODE, "status": "result_ready"}
        async with http.post(url, json=body, headers=headers) as answer:
            assert answer.status == 200


@pytest.mark.parametrize("source", [by_official, by_csv, by_http])
async def test_news_from_every_source_survives_a_restart_and_is_told_once(
    bot: BotRunner, standin: StandIn, source: Source
) -> None:
    await bot.stop()
    await bot.start(http_token=SecretStr("s3cret-token-for-tests"), http_port=0)
    start = DossierChange(CODE, DossierStatus.IN_PROGRESS, check_value="ABC234")
    await services(bot).dossiers.apply(start, source="csv", actor="test")
    lan = await follower(bot, standin, 3203)
    # Telegram is busy when the news is written: the bot stops before it could send it.
    standin.fail_next("sendMessage", status=429, retry_after=2, chat_id=lan.id)
    await source(bot, standin)
    with pytest.raises(AssertionError):
        await citizen_hears_within(lan, "đã có kết quả", 0.3)
    await bot.restart()
    await citizen_hears(lan, "đã có kết quả")
    await lan.settle(quiet=2.5)
    assert sum("đã có kết quả" in m.plain for m in lan.messages) == 1


async def citizen_hears_within(citizen: UserSim, containing: str, within: float) -> None:
    await arrived(citizen, lambda m: containing in m.plain, within)
