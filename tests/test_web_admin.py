"""The web admin through its HTTP server: signing in (a one-time link, the Mini App's signed
data) and every refusal, the tickets' list and actions, and who may do what."""

from __future__ import annotations

import datetime as dt

import aiohttp
from yarl import URL

from bot.services.misses import MissKind
from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner
from tests.test_complaints import CONG_AN, KINH_TE, LANH_DAO, OFFICIAL, citizen_message, linked
from tests.webadmin import (
    RESULT,
    base,
    by_link,
    csrf_of,
    file_ticket,
    link_of,
    mini_app_data,
    secret_of,
    signed_in,
)

LEADER = 7101


async def test_a_one_time_link_signs_an_official_in_once(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    ticket = await file_ticket(web, standin.user(3301, "Lan", language_code="vi"))
    official = standin.user(OFFICIAL, "Hùng", language_code="vi")
    link = await link_of(official)
    # Opening the link (or Telegram's preview fetching it) does not use it up: pressing does.
    async with aiohttp.ClientSession() as preview, preview.get(base(web) + link) as fetched:
        assert fetched.status == 200
    response = await by_link(web, http, link)
    page = await response.text()
    assert "Phản ánh, kiến nghị" in page and ticket.code in page

    async with aiohttp.ClientSession() as other:  # the same link, in another browser
        again = await by_link(web, other, link)
        assert again.status == 403
        assert "đã được dùng hoặc đã quá 10 phút" in await again.text()


async def test_another_site_cannot_sign_a_reader_in_with_a_link_it_holds(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    link = await link_of(standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    url, data = base(web) + "/admin/sign-in", {"t": secret_of(link)}
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://vi-du.example"}):
        async with aiohttp.ClientSession() as victim:
            async with victim.post(url, data=data, headers=headers) as response:
                assert response.status == 403
                assert "không qua trang web khác" in await response.text()
            assert not victim.cookie_jar.filter_cookies(URL(url))
    # Refused before it was read: the link still signs in from its own page.
    assert (await by_link(web, http, link)).status == 200


async def test_an_expired_link_and_no_session_are_refused(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    link = await link_of(admin)
    clock = web.services.clock
    clock.travel(clock.now() + dt.timedelta(minutes=11))
    assert (await by_link(web, http, link)).status == 403
    async with http.get(base(web) + "/admin/tickets") as response:
        assert response.status == 401
        assert "gửi lệnh /admin cho bot" in await response.text()


async def test_a_citizen_gets_no_link(web: BotRunner, standin: StandIn) -> None:
    reply = await standin.user(3302, "Lan", language_code="vi").reply("/admin")
    assert reply.plain.startswith("Xin lỗi, trang quản trị chỉ dành cho")
    assert "http" not in reply.plain


async def test_the_mini_app_signs_in_with_telegrams_data_once(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    url = base(web) + "/admin/sign-in"
    now = web.services.clock.now().timestamp()
    good = mini_app_data(OFFICIAL, now)
    refused = {
        "forged": mini_app_data(OFFICIAL, now, token="4242:ANOTHER-BOTS-TOKEN"),
        "stale": mini_app_data(OFFICIAL, now - 3600),
        "unsigned": good.rpartition("&hash=")[0],
        "not staff": mini_app_data(3303, now),
    }
    for why, data in refused.items():
        async with (
            aiohttp.ClientSession() as fresh,
            fresh.post(url, data={"init_data": data}) as response,
        ):
            assert response.status == 403, why
    async with http.post(url, data={"init_data": good}) as response:
        assert response.status == 200 and response.url.path == "/admin/tickets"
    async with (
        aiohttp.ClientSession() as replay,
        replay.post(url, data={"init_data": good}) as response,
    ):
        assert response.status == 403
        assert "Không xác nhận được anh/chị qua Telegram" in await response.text()


async def test_an_official_takes_and_resolves_and_the_citizen_hears(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    citizen = standin.user(3304, "Lan", language_code="vi")
    ticket = await file_ticket(web, citizen)
    page = await signed_in(web, http, standin.user(OFFICIAL, "Hùng", language_code="vi"))
    url = f"{base(web)}/admin/tickets/{ticket.id}"

    async with http.post(url, data={"action": "accept", "csrf": csrf_of(page)}) as response:
        page = await response.text()
        assert response.status == 200 and f"Đã nhận xử lý {ticket.code}" in page
    await citizen_message(citizen, "Cán bộ phụ trách")
    async with http.post(
        url, data={"action": "resolve", "note": RESULT, "csrf": csrf_of(page)}
    ) as response:
        assert response.status == 200
    heard = await citizen_message(citizen, RESULT)
    assert ticket.code in heard.plain
    after = await web.services.tickets.get(ticket.id)
    assert after is not None and after.status == "resolved" and after.assignee_id == OFFICIAL
    assert any("Hùng" in m.plain and "đã giải quyết" in m.plain for m in group.messages)


async def test_an_admin_acts_on_a_ticket_whose_department_has_no_group_yet(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    citizen = standin.user(3311, "Lan", language_code="vi")
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    ticket = await file_ticket(web, citizen)  # no group is linked to any department
    warned = await admin.next_message()
    assert "chưa liên kết nhóm Telegram" in warned.plain and ticket.code in warned.plain
    page = await signed_in(web, http, admin)
    url = f"{base(web)}/admin/tickets/{ticket.id}"
    async with http.post(url, data={"action": "accept", "csrf": csrf_of(page)}) as response:
        page = await response.text()
        assert response.status == 200 and f"Đã nhận xử lý {ticket.code}" in page
    data = {"action": "resolve", "note": RESULT, "csrf": csrf_of(page)}
    async with http.post(url, data=data) as response:
        assert response.status == 200
    assert ticket.code in (await citizen_message(citizen, RESULT)).plain
    after = await web.services.tickets.get(ticket.id)
    assert after is not None and after.status == "resolved" and after.assignee_id == ADMIN_ID


async def test_a_form_without_its_csrf_token_changes_nothing(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    ticket = await file_ticket(web, standin.user(3305, "Lan", language_code="vi"))
    await signed_in(web, http, standin.user(OFFICIAL, "Hùng", language_code="vi"))
    url = f"{base(web)}/admin/tickets/{ticket.id}"
    for token in ({}, {"csrf": "0" * 64}):
        async with http.post(url, data={"action": "accept", **token}) as response:
            assert response.status == 403
            assert "chưa có gì thay đổi" in await response.text()
    after = await web.services.tickets.get(ticket.id)
    assert after is not None and after.status == "new"


async def test_a_leader_reads_every_ticket_but_cannot_act(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    leaders = await linked(standin, LANH_DAO, "lanh-dao")
    leaders.add_member(LEADER, "member")
    ticket = await file_ticket(web, standin.user(3306, "Lan", language_code="vi"))
    page = await signed_in(web, http, standin.user(LEADER, "Chủ tịch", language_code="vi"))
    assert ticket.code in page
    url = f"{base(web)}/admin/tickets/{ticket.id}"
    async with http.get(url) as response:
        detail = await response.text()
    assert response.status == 200 and 'value="accept"' not in detail
    async with http.post(url, data={"action": "accept", "csrf": csrf_of(detail)}) as response:
        assert response.status == 403
        assert "không thao tác được" in await response.text()


async def test_a_citizen_is_named_in_full_only_to_whoever_acts_and_never_if_they_asked(
    web: BotRunner, standin: StandIn
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    leaders = await linked(standin, LANH_DAO, "lanh-dao")
    leaders.remove_member(OFFICIAL)
    leaders.add_member(LEADER, "member")
    named = await file_ticket(
        web, standin.user(3309, "Lan"), name="Nguyễn Thị Lan", phone="0912345678"
    )
    unnamed = await file_ticket(
        web, standin.user(3310, "Mai"), name="Trần Thị Mai", phone="0987654321", hide_name=True
    )
    seen: dict[tuple[int, int], str] = {}
    for user in (ADMIN_ID, OFFICIAL, LEADER):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await signed_in(web, http, standin.user(user, "Cán bộ", language_code="vi"))
            for ticket in (named, unnamed):
                async with http.get(f"{base(web)}/admin/tickets/{ticket.id}") as response:
                    assert response.status == 200
                    seen[user, ticket.id] = await response.text()
    for user in (ADMIN_ID, OFFICIAL):  # they may act, and may need to call
        assert "Nguyễn Thị Lan" in seen[user, named.id] and "0912345678" in seen[user, named.id]
    leader = seen[LEADER, named.id]
    assert "N*** T*** L***" in leader and "091*****78" in leader
    assert "Nguyễn" not in leader and "0912345678" not in leader
    for user in (ADMIN_ID, OFFICIAL, LEADER):  # the citizen asked to stay unnamed
        page = seen[user, unnamed.id]
        assert "Người dân đề nghị giấu tên" in page
        assert "Trần" not in page and "098" not in page


async def test_an_official_cannot_open_another_departments_ticket(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    police = await linked(standin, CONG_AN, "cong-an")
    police.remove_member(OFFICIAL)
    theirs = await file_ticket(web, standin.user(3307, "Lan", language_code="vi"), "trat-tu")
    assert theirs.department == "cong-an"
    page = await signed_in(web, http, standin.user(OFFICIAL, "Hùng", language_code="vi"))
    assert theirs.code not in page
    async with http.get(f"{base(web)}/admin/tickets/{theirs.id}") as response:
        assert response.status == 404
    async with http.post(
        f"{base(web)}/admin/tickets/{theirs.id}", data={"action": "accept", "csrf": csrf_of(page)}
    ) as response:
        assert response.status == 404
    after = await web.services.tickets.get(theirs.id)
    assert after is not None and after.status == "new"


async def test_membership_is_asked_once_a_minute_and_a_blip_signs_no_one_out(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    group = await linked(standin, KINH_TE, "kinh-te")
    group.add_member(OFFICIAL, "restricted")  # may only read the group: still one of it
    await signed_in(web, http, standin.user(OFFICIAL, "Hùng", language_code="vi"))
    tickets = base(web) + "/admin/tickets"
    asked = len(standin.calls_to("getChatMember"))
    for _ in range(3):  # a page after another asks Telegram nothing within the minute
        async with http.get(tickets) as response:
            assert response.status == 200
    assert len(standin.calls_to("getChatMember")) == asked
    clock = web.services.clock
    clock.travel(clock.now() + dt.timedelta(minutes=2))
    standin.fail_next("getChatMember", 502)  # Telegram cannot say: its last word counts
    async with http.get(tickets) as response:
        assert response.status == 200
    assert len(standin.calls_to("getChatMember")) > asked
    group.remove_member(OFFICIAL)
    clock.travel(clock.now() + dt.timedelta(minutes=2))
    async with http.get(tickets) as response:
        assert response.status == 403


async def test_odd_requests_get_a_polite_refusal_or_the_page_never_an_error(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    url = base(web)
    with_hash = mini_app_data(ADMIN_ID, web.services.clock.now().timestamp())
    forged = with_hash.rpartition("&hash=")[0] + "&hash=%C3%B1"  # «ñ»: not hex, not ASCII
    async with aiohttp.ClientSession() as fresh:
        async with fresh.post(url + "/admin/sign-in", data={"init_data": forged}) as response:
            assert response.status == 403
        cookie = {"Cookie": "ubnd_admin=9001.vi.1.ab.%C3%B1; other=1"}
        async with fresh.get(url + "/admin/tickets", headers=cookie) as response:
            assert response.status == 401
    page = await signed_in(web, http, standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    async with http.post(url + "/admin/language", data={"csrf": "ñ", "language": "en"}) as response:
        assert response.status == 403 and "chưa có gì thay đổi" in await response.text()
    for path, shown in (
        ("/admin/flows/khai-sinh/new?kind=input", "Dẫn tới"),
        ("/admin/tickets?status=all&from=0001-01-01&to=9999-12-31", "Phản ánh, kiến nghị"),
        ("/admin/tickets?from=31/12/2026&to=ngày+mai", "Phản ánh, kiến nghị"),
    ):
        async with http.get(url + path) as response:
            assert response.status == 200, (path, await response.text())
            assert shown in await response.text()
    assert csrf_of(page)


async def test_every_page_opens_in_vietnamese_and_in_english(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    ticket = await file_ticket(web, standin.user(3308, "Lan", language_code="vi"))
    await web.services.misses.record("giay phep nuoi cho", "vi", MissKind.NOTHING)
    page = await signed_in(web, http, standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    paths = [
        "/admin/tickets", f"/admin/tickets/{ticket.id}", "/admin/tickets?status=all&overdue=1",
        "/admin/flows", "/admin/flows/khai-sinh", "/admin/flows/khai-sinh/steps/parents",
        "/admin/flows/khai-sinh/steps/plain?q=khai+sinh", "/admin/flows/khai-sinh/new?kind=result",
        "/admin/flows/khai-sinh/try", "/admin/faq", "/admin/faq/new", "/admin/misses",
        "/admin/figures", "/admin/unit", "/admin/departments", "/admin/lexicon",
        "/admin/versions/unit.yaml", "/admin/versions/unit.yaml/1",
    ]  # fmt: skip
    for language, word in (("vi", "Phản ánh, kiến nghị"), ("en", "Requests")):
        data = {"csrf": csrf_of(page), "language": language, "back": "/admin/tickets"}
        async with http.post(base(web) + "/admin/language", data=data) as response:
            assert word in await response.text()
        for path in paths:
            async with http.get(base(web) + path) as response:
                assert response.status == 200, (language, path, await response.text())
                shown = await response.text()
            assert f'<html lang="{language}">' in shown and "{{" not in shown, path
