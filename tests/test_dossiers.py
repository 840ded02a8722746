"""Dossiers through the real bot and the stand-in: the one-stop office creates and moves a
dossier, a citizen looks it up and follows it (by check value or the receipt's link), and
every follower hears each change once, with what to do next."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from pydantic import SecretStr

from bot.domain.dossiers import DossierChange, DossierStatus, follow_payload
from bot.domain.quiet import QuietHours
from bot.handlers.context import Services
from bot.i18n import I18n
from bot.services.dossier_import import parse_csv
from bot.standin import StandIn
from bot.standin.sims import GroupSim, UserSim
from bot.standin.state import SentMessage
from bot.ui.dossiers import refusal_text
from tests.conftest import ADMIN_ID, BotRunner, alert, pressed, run_bot
from tests.test_complaints import OFFICIAL, arrived, linked

ONE_STOP = -100601
CODE = "000.00.12.H26-261128-0001"


def services(bot: BotRunner) -> Services:
    return bot.services


async def office(standin: StandIn) -> GroupSim:
    return await linked(standin, ONE_STOP, "hanh-chinh-cong")


async def receive(group: GroupSim, official: UserSim, code: str = CODE) -> str:
    """The official creates the dossier as it is received; returns its check value."""
    card = await group.reply(official, f"/hs {code}")
    assert "Chưa có hồ sơ" in card.plain
    await group.press(official, "Đã tiếp nhận", card)
    created = await arrived(group, lambda m: "In lên giấy tiếp nhận" in m.plain)
    found = re.search(r"mã kiểm tra (\w{6})", created.plain)
    assert found is not None
    assert f"https://t.me/ubnd_test_bot?start=h-{follow_payload(code, found.group(1))}" in (
        created.plain
    )
    return found.group(1)


async def citizen_hears(citizen: UserSim, containing: str) -> SentMessage:
    return await arrived(citizen, lambda m: containing in m.plain)


async def test_look_up_follow_and_hear_each_change(bot: BotRunner, standin: StandIn) -> None:
    group = await office(standin)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    check = await receive(group, official)

    lan = standin.user(3101, "Lan", language_code="vi")
    menu = await lan.reply("/menu")
    ask = await pressed(lan, "🔎 Tra cứu hồ sơ", menu)
    assert "mã hồ sơ" in ask.plain
    question = await lan.reply("Làm giấy khai sinh cho con cần những gì?")  # words, not a code
    assert "Không tìm thấy hồ sơ" not in question.plain
    await pressed(lan, "🔎 Tra cứu hồ sơ", await lan.reply("/menu"))
    missing = await lan.reply("000.00.12.H26-999999-0000")
    assert missing.plain.startswith("Không tìm thấy hồ sơ có mã «000.00.12.H26-999999-0000»")
    card = await lan.reply(CODE.lower())  # as people type it
    assert "📌 Tình trạng: Đã tiếp nhận" in card.plain and "Lan" not in card.plain
    ask_check = await pressed(lan, "🔔 Theo dõi hồ sơ này", card)
    assert "mã kiểm tra" in ask_check.plain
    wrong = await lan.reply("ZZZZZZ")
    assert wrong.plain.startswith("Mã kiểm tra chưa đúng")
    following = await lan.reply(check.lower())
    assert following.plain.startswith("🔔 Anh/chị đang theo dõi hồ sơ " + CODE)

    minh = standin.user(3102, "Minh", language_code="en")  # follows in one tap from the QR
    await minh.send(f"/start h-{follow_payload(CODE, check)}")
    assert (await minh.next_message()).plain.startswith("🔔 You are following dossier " + CODE)

    bystander = standin.user(3103, "Nam", language_code="vi")
    typed = await bystander.reply(CODE)  # the code alone, without the menu, is looked up
    assert "📌 Tình trạng: Đã tiếp nhận" in typed.plain
    lost = await bystander.reply("ho so cua toi den dau roi")  # words: the search, with a way
    assert ["🔎 Tra cứu hồ sơ"] in lost.buttons

    status_card = await group.reply(official, f"/hs {CODE}")
    await group.press(official, "Đã có kết quả", status_card)
    done = await alert(official)
    assert done["text"] == f"Đã cập nhật {CODE}: Đã có kết quả. Đã báo cho 2 người theo dõi."
    ready = await citizen_hears(lan, "đã có kết quả")
    assert "mang giấy tiếp nhận hồ sơ và giấy tờ tùy thân" in ready.plain
    assert "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00" in ready.plain
    assert (await citizen_hears(minh, "is ready")).plain.startswith("✅ The result of dossier")
    # Pressing the same status again changes nothing and tells no one twice.
    await group.press(official, "Đã có kết quả", await group.reply(official, f"/hs {CODE}"))
    assert "Đã báo cho 0 người" in (await alert(official))["text"]
    await lan.reply("/menu")
    assert sum("đã có kết quả" in m.plain for m in lan.messages) == 1
    heard = bystander.messages[bystander.messages.index(lost) + 1 :]  # since the last answer
    assert not any("kết quả" in m.plain for m in heard)

    stop = await pressed(lan, "🔕 Bỏ theo dõi", ready)
    assert stop.plain.startswith("🔕 Đã bỏ theo dõi hồ sơ")


async def test_only_the_one_stop_group_sets_a_status(bot: BotRunner, standin: StandIn) -> None:
    group = await office(standin)
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    await receive(group, official)
    card = await arrived(group, lambda m: "In lên giấy tiếp nhận" in m.plain)
    await group.press(official, "🧾 Mã QR cho giấy tiếp nhận", card)
    qr = await arrived(group, lambda m: m.kind == "photo")
    assert qr.file_id is not None and standin.files[qr.file_id].data.startswith(b"\x89PNG")
    assert qr.plain.startswith(f"Mã QR theo dõi hồ sơ {CODE}")
    not_a_code = await group.reply(official, "/hs số 12 nhé")
    assert not_a_code.plain.startswith("«số 12 nhé» không phải mã hồ sơ.\nCách dùng: /hs MÃ-HỒ")
    other = await linked(standin, -100602, "kinh-te")
    refused = await other.reply(official, f"/hs {CODE}")
    assert "chỉ dùng trong nhóm của Bộ phận Một cửa" in refused.plain
    lan = standin.user(3104, "Lan", language_code="vi")
    menu = await lan.reply("/menu")
    await lan.press_data(f"do:set:returned:{CODE}", menu)  # forged from a private chat
    assert (await alert(lan))["show_alert"]
    await other.press_data(official, f"do:set:returned:{CODE}", refused)
    assert (await alert(official))["show_alert"]
    dossier = await services(bot).dossiers.get(CODE)
    assert dossier is not None and dossier.status is DossierStatus.RECEIVED


async def test_look_ups_are_limited_per_person(bot: BotRunner, standin: StandIn) -> None:
    farmer = standin.user(3105, "X", language_code="vi")
    for n in range(5):
        answer = await farmer.reply(f"/hoso 000.00.12.H26-261128-{n:04d}")
        assert answer.plain.startswith("Không tìm thấy")
    slow_down = await farmer.reply("/hoso 000.00.12.H26-261128-0005")
    assert slow_down.plain.startswith("Anh/chị đã tra cứu nhiều lần trong một phút")
    await farmer.send("/hoso 000.00.12.H26-261128-0006")  # past the limit: not even that again
    assert (await farmer.reply("/menu")).plain.startswith("Anh/chị cần hỗ trợ việc gì?")


async def test_a_missed_date_moved_later_brings_one_apology(
    bot: BotRunner, standin: StandIn
) -> None:
    dossiers = services(bot).dossiers
    today = dossiers.today()
    await dossiers.apply(
        DossierChange(
            CODE,
            DossierStatus.IN_PROGRESS,
            received_on=today - dt.timedelta(days=20),
            due_on=today - dt.timedelta(days=2),
            check_value="ABC234",
        ),
        source="csv",
        actor="test",
    )
    lan = standin.user(3106, "Lan", language_code="vi")
    assert (await lan.reply(f"/hoso {CODE} abc234")).plain.startswith("🔔 Anh/chị đang theo dõi")
    later = DossierChange(CODE, DossierStatus.IN_PROGRESS, due_on=today + dt.timedelta(days=5))
    first = await dossiers.apply(later, source="csv", actor="test")
    again = await dossiers.apply(later, source="csv", actor="test")
    assert (first.outcome, first.told, again.outcome, again.told) == ("changed", 1, "unchanged", 0)
    sorry = await citizen_hears(lan, "thành thật xin lỗi")
    assert (today + dt.timedelta(days=5)).strftime("%d/%m/%Y") in sorry.plain
    await lan.reply("/menu")
    assert sum("xin lỗi" in m.plain for m in lan.messages) == 1


EXPORT = (
    "\ufeffMã hồ sơ;Mã thủ tục;Ngày tiếp nhận;Ngày hẹn trả;Trạng thái;Ghi chú\n"
    "000.00.12.H26-261128-0001;1.001193;20/11/2026;04/12/2026;Đang giải quyết;\n"
    "000.00.12.H26-261128-0002;1.001193;2026-11-21;2026-12-05;Cần bổ sung;"
    "Thiếu bản sao sổ hộ khẩu\n"
    "bad code!;1.001193;21/11/2026;05/12/2026;Đã có kết quả;\n"
    "000.00.12.H26-261128-0003;;21/11/2026;31/11/2026;Đã có kết quả;\n"
    "000.00.12.H26-261128-0004;;21/11/2026;;lạ lắm;\n"
).encode()


def test_an_export_is_read_in_vietnamese_and_bad_rows_are_named() -> None:
    parsed = parse_csv(EXPORT, "motcua.csv")
    assert [(line, c.code, c.status) for line, c in parsed.changes] == [
        (2, "000.00.12.H26-261128-0001", DossierStatus.IN_PROGRESS),
        (3, "000.00.12.H26-261128-0002", DossierStatus.NEED_MORE),
    ]
    first, second = parsed.changes[0][1], parsed.changes[1][1]
    assert (first.received_on, first.due_on) == (dt.date(2026, 11, 20), dt.date(2026, 12, 4))
    assert second.note == "Thiếu bản sao sổ hộ khẩu"
    vietnamese, english = I18n("vi").texts("vi"), I18n("vi").texts("en")
    assert [refusal_text(vietnamese, p) for p in parsed.problems] == [
        "motcua.csv:4: Mã hồ sơ: «bad code!» không phải mã hồ sơ",
        "motcua.csv:5: Ngày hẹn trả: «31/11/2026» không phải ngày hợp lệ "
        "(viết 28/11/2026 hoặc 2026-11-28)",
        "motcua.csv:6: Trạng thái: «lạ lắm» không phải tình trạng hồ sơ (ví dụ: Đã tiếp nhận, "
        "Đang giải quyết, Cần bổ sung, Đã có kết quả, Đã trả kết quả, Đã rút hồ sơ)",
    ]
    assert refusal_text(english, parsed.problems[1]) == (
        "motcua.csv:5: Ngày hẹn trả: '31/11/2026' is not a date (2026-11-28 or 28/11/2026)"
    )
    missing = parse_csv(b"code,note\nA-1,x\n", "other.csv").problems
    assert [refusal_text(english, p) for p in missing] == [
        "other.csv:1: missing column(s) status; a dossier code column and a status column "
        "are needed"
    ]
    utf16 = parse_csv("Mã hồ sơ".encode("utf-16"), "x.csv").problems
    assert refusal_text(vietnamese, utf16[0]).startswith("x.csv: tệp không phải văn bản UTF-8")


async def test_an_admin_sends_the_export_and_followers_hear_once(
    bot: BotRunner, standin: StandIn
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await admin.send_document(EXPORT, filename="motcua.csv")
    report = await admin.next_message()
    assert report.plain.startswith(
        "📥 Đã nhập motcua.csv: 2 hồ sơ mới, 0 hồ sơ thay đổi, 0 hồ sơ giữ nguyên"
    )
    assert "3 dòng chưa nhập được" in report.plain
    assert "• motcua.csv:5: Ngày hẹn trả: «31/11/2026» không phải ngày hợp lệ" in report.plain
    dossier = await services(bot).dossiers.get("000.00.12.H26-261128-0002")
    assert dossier is not None
    lan = standin.user(3107, "Lan", language_code="vi")
    await lan.reply(f"/hoso {dossier.code} {dossier.check_value}")

    ready = EXPORT.replace(
        "Cần bổ sung;Thiếu bản sao sổ hộ khẩu".encode(), "Đã có kết quả;".encode()
    )
    await admin.send_document(ready, filename="motcua-2.csv")
    again = await admin.next_message()
    assert "0 hồ sơ mới, 1 hồ sơ thay đổi, 1 hồ sơ giữ nguyên; đã báo cho 1 lượt" in again.plain
    await citizen_hears(lan, "đã có kết quả")
    await admin.send_document(ready, filename="motcua-2.csv")  # the same file again
    third = await admin.next_message()
    assert "0 hồ sơ thay đổi, 2 hồ sơ giữ nguyên; đã báo cho 0 lượt" in third.plain
    assert sum("đã có kết quả" in m.plain for m in lan.messages) == 1


def test_the_cli_imports_and_prints_a_receipt_link(tmp_path: Path) -> None:
    export = tmp_path / "motcua.csv"
    export.write_bytes(EXPORT)
    database = tmp_path / "bot.sqlite3"
    imported = run_bot(database, "dossiers", "import", export)
    assert imported.returncode == 1  # some rows were refused; the rest went in
    assert "2 created, 0 changed, 0 unchanged, 3 refused" in imported.stdout
    assert f"refused {export}:4: Mã hồ sơ: 'bad code!' is not a dossier code" in imported.stderr
    no_name = run_bot(database, "dossiers", "link", "000.00.12.h26-261128-0001")
    assert no_name.returncode == 2 and "BOT_USERNAME" in no_name.stderr
    qr = tmp_path / "qr.png"
    linked_ = run_bot(
        database, "dossiers", "link", "000.00.12.h26-261128-0001", "--qr", qr, BOT_USERNAME="x_bot"
    )
    assert linked_.returncode == 0, linked_.stderr
    assert "https://t.me/x_bot?start=h-" in linked_.stdout
    assert qr.read_bytes().startswith(b"\x89PNG")
    unknown = run_bot(database, "dossiers", "link", "000.00.12.H26-000000-0000")
    assert unknown.returncode == 1 and "no such dossier" in unknown.stderr


async def test_the_http_endpoint_takes_json_and_says_what_is_wrong(
    bot: BotRunner, standin: StandIn
) -> None:
    await bot.stop()
    app = await bot.start(http_token=SecretStr("s3cret-token-for-tests"), http_port=0)
    url = f"http://127.0.0.1:{app.bot_data.http_port}/dossiers"
    good = {"Authorization": "Bearer s3cret-token-for-tests"}
    change = {"code": CODE, "status": "received", "due": "2026-12-04", "check": "HTTP23"}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=change) as no_token:
            assert no_token.status == 401 and "token" in (await no_token.json())["error"]
        async with http.post(url, json=change, headers={"Authorization": "Bearer nope"}) as wrong:
            assert wrong.status == 401
        async with http.post(url, data="code=1", headers=good) as form:
            assert form.status == 415
        async with http.post(
            url, data="{oops", headers={**good, "Content-Type": "application/json"}
        ) as broken:
            assert broken.status == 400 and "not valid JSON" in (await broken.json())["error"]
        bad = [change, {"code": CODE, "status": "done soon"}]
        async with http.post(url, json=bad, headers=good) as refused:
            body = await refused.json()
            assert refused.status == 400 and (body["index"], body["field"]) == (1, "status")
            assert body["error"].startswith("status: 'done soon' is not a status (received, ")
        assert await services(bot).dossiers.get(CODE) is None  # all or nothing
        async with http.post(url, json=change, headers=good) as created:
            assert created.status == 200
            assert (await created.json())["results"] == [
                {"code": CODE, "outcome": "created", "told": 0}
            ]
        lan = standin.user(3108, "Lan", language_code="vi")
        assert (await lan.reply(f"/hoso {CODE} http23")).plain.startswith("🔔")
        ready = {"code": CODE, "status": "result_ready"}
        async with http.post(url, json=ready, headers=good) as changed:
            assert (await changed.json())["results"][0] == {
                "code": CODE,
                "outcome": "changed",
                "told": 1,
            }
        await citizen_hears(lan, "đã có kết quả")
        async with http.get(f"{url}/{CODE.lower()}", headers=good) as status:
            assert (await status.json())["status"] == "result_ready"
        async with http.get(f"{url}/NOPE-1", headers=good) as missing:
            assert missing.status == 404


def test_quiet_hours_hold_news_until_morning() -> None:
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    night = QuietHours.parse("21:00-07:00")
    assert night is not None and QuietHours.parse("off") is None
    late = dt.datetime(2026, 11, 28, 22, 30, tzinfo=hanoi)
    early = dt.datetime(2026, 11, 29, 5, 0, tzinfo=hanoi)
    noon = dt.datetime(2026, 11, 29, 12, 0, tzinfo=hanoi)
    morning = dt.datetime(2026, 11, 29, 7, 0, tzinfo=hanoi)
    assert night.wait_until(late, hanoi) == morning.astimezone(dt.UTC)
    assert night.wait_until(early, hanoi) == morning.astimezone(dt.UTC)
    assert night.wait_until(noon, hanoi) is None
    lunch = QuietHours.parse("12:00-13:30")
    assert lunch is not None and lunch.wait_until(noon, hanoi) is not None
    for wrong in ("21:00", "25:00-07:00", "07:00-07:00"):
        with pytest.raises(ValueError):
            QuietHours.parse(wrong)


async def test_a_status_changed_at_night_reaches_the_follower_in_the_morning(
    bot: BotRunner, standin: StandIn
) -> None:
    await bot.stop()
    await bot.start(quiet_hours="21:00-07:00")
    dossiers = services(bot).dossiers
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    services(bot).clock.travel(dt.datetime(2026, 11, 28, 23, 15, tzinfo=hanoi))
    start = DossierChange(CODE, DossierStatus.IN_PROGRESS, check_value="ABC234")
    await dossiers.apply(start, source="csv", actor="test")
    lan = standin.user(3109, "Lan", language_code="vi")
    assert (await lan.reply(f"/hoso {CODE} ABC234")).plain.startswith("🔔")
    ready = DossierChange(CODE, DossierStatus.RESULT_READY)
    assert (await dossiers.apply(ready, source="csv", actor="test")).told == 1
    due_now, _ = await services(bot).outbox.due(10)
    assert due_now == []  # written, but held
    with sqlite3.connect(bot.settings.database) as db:
        (held,) = db.execute("SELECT next_at FROM outbox WHERE chat_id = 3109").fetchone()
    assert held == "2026-11-29T00:00:00.000Z"  # 07:00 in Hà Nội


async def test_each_status_says_what_to_do_next_even_to_those_who_refused_announcements(
    bot: BotRunner, standin: StandIn
) -> None:
    dossiers = services(bot).dossiers
    due = dossiers.today() + dt.timedelta(days=6)
    start = DossierChange(CODE, DossierStatus.RECEIVED, due_on=due, check_value="ABC234")
    await dossiers.apply(start, source="http", actor="test")
    minh = standin.user(3113, "Minh", language_code="en")
    assert (await minh.reply("/stopnews")).plain.startswith("🔕")  # announcements only
    assert (await minh.reply(f"/hoso {CODE} ABC234")).plain.startswith("🔔 You are following")
    expected = {
        DossierStatus.IN_PROGRESS: "Nothing is needed from you for now.",
        DossierStatus.NEED_MORE: "Please read the official's note and bring them",
        DossierStatus.RESULT_READY: "Please bring your receipt and an identity document",
        DossierStatus.RETURNED: "has been handed over. Thank you",
        DossierStatus.WITHDRAWN: "has been withdrawn at the applicant's request",
        DossierStatus.RECEIVED: f"has been received. Result due: {due:%A} {due.day} {due:%B %Y}",
    }
    for status, says in expected.items():
        asks = status is DossierStatus.NEED_MORE
        note = "Bring the original birth certificate." if asks else None
        applied = await dossiers.apply(DossierChange(CODE, status, note=note), "http", "test")
        assert applied.told == 1
        told = await citizen_hears(minh, says)
        assert told.buttons == [["🔕 Stop following"]]
        if note:
            assert "Bring the original birth certificate." in told.plain
            assert "Monday – Friday" in told.plain
    await minh.reply("/menu")
    assert len([m for m in minh.messages if CODE in m.plain]) == len(expected) + 1
