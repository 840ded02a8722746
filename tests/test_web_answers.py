"""Everyday answers and unanswered questions from the web admin: an admin adds an FAQ entry
and teaches a missed phrase in the browser, and the next citizen gets each at once; a mistake
is refused in the admin's language and changes nothing."""

from __future__ import annotations

import asyncio
import re

import aiohttp
from playwright.async_api import Page

from bot.services.misses import MissKind
from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner
from tests.webadmin import base, browser_signs_in, csrf_of, signed_in, version_of

HALL_QUESTIONS = "Phường có cho mượn hội trường không?\nmượn hội trường tổ dân phố"
HALL_ANSWER = "UBND phường cho các tổ dân phố mượn hội trường tầng 2 vào tối thứ Bảy."
MISSED = "giấy tờ cho bé mới sinh xyzw"


async def test_an_admin_adds_an_answer_and_teaches_a_phrase_in_the_browser(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await browser_signs_in(web, page, admin)

    await page.get_by_role("link", name="Câu hỏi thường gặp").click()
    await page.get_by_role("link", name="➕ Thêm câu trả lời").click()
    await page.get_by_label("Người dân hỏi thế nào").fill(HALL_QUESTIONS)
    await page.locator('textarea[name="answer_vi"]').fill(HALL_ANSWER)
    await page.get_by_role("button", name="💾 Lưu").click()
    assert "Đã lưu" in await page.get_by_role("status").inner_text()
    citizen = standin.user(3601, "Lan", language_code="vi")
    assert HALL_ANSWER in (await citizen.reply("mượn hội trường tổ dân phố")).plain

    await web.services.misses.record(MISSED, "vi", MissKind.NOTHING)
    await page.get_by_role("link", name="Câu hỏi chưa trả lời được").click()
    await page.get_by_role("link", name=MISSED).click()
    await page.get_by_label("Tìm bằng từ khác").fill("đăng ký khai sinh")
    await page.get_by_role("button", name="Tìm").click()
    row = page.locator("tr", has_text="1.001193")
    await row.get_by_role("button", name="🎓 Đúng cái này").click()
    done = await page.get_by_role("status").inner_text()
    assert done.startswith(f"✅ Đã dạy bot: «{MISSED}» → Thủ tục đăng ký khai sinh.")
    assert "Mã thủ tục: 1.001193" in (await citizen.reply(MISSED)).plain


async def test_a_bad_answer_is_refused_in_vietnamese_and_nothing_changes(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await signed_in(web, http, standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    async with http.get(base(web) + "/admin/faq/new") as response:
        form = await response.text()
    version = web.services.documents.version("faq.yaml")
    data = {"csrf": csrf_of(form), "questions": "mượn loa", "answer_vi": "Gọi {loa}."}
    async with http.post(base(web) + "/admin/faq/new", data=data) as response:
        page = await response.text()
        assert response.status == 400
    assert "không có chỗ điền {loa}" in page and "Gọi {loa}." in page  # kept for fixing
    assert web.services.documents.version("faq.yaml") == version


async def test_two_saves_at_once_never_undo_each_other_unseen(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await signed_in(web, http, standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    new = base(web) + "/admin/faq/new"
    forms = []
    for _ in range(2):  # two admins (or two tabs) open the form
        async with http.get(new) as response:
            forms.append(await response.text())
    assert 'name="version"' in forms[0]
    answers = ("Hội trường mượn vào tối thứ Bảy.", "Loa đài mượn ở tổ dân phố.")

    async def post(form: str, question: str, answer: str) -> tuple[int, str]:
        data = {"csrf": csrf_of(form), "questions": question, "answer_vi": answer}
        data["version"] = version_of(form)
        async with http.post(new, data=data) as response:
            return response.status, await response.text()

    results = await asyncio.gather(
        post(forms[0], "mượn hội trường", answers[0]), post(forms[1], "mượn loa đài", answers[1])
    )
    saved = [i for i, (status, page) in enumerate(results) if "Đã lưu" in page]
    refused = [i for i, (status, page) in enumerate(results) if status == 400]
    assert len(saved) == 1 and len(refused) == 1
    assert "vừa được người khác sửa" in results[refused[0]][1]
    text = await web.services.documents.text("faq.yaml")
    assert answers[saved[0]] in text and answers[refused[0]] not in text

    # A step of a flow, in a form made before another save: refused, shown as it is now.
    step = base(web) + "/admin/flows/khai-sinh/steps/parents"
    async with http.get(step) as response:
        form = await response.text()
    flows = web.services.documents.version("flows.yaml")
    data = {
        "csrf": csrf_of(form),
        "version": version_of(form),
        "ask_vi": "Bố mẹ đã đăng ký kết hôn chưa?",
    }
    await web.services.documents.restore("flows.yaml", flows, ADMIN_ID)  # in Telegram, say
    async with http.post(step, data=data) as response:
        assert response.status == 400
        assert "vừa được người khác sửa" in await response.text()
    assert web.services.documents.version("flows.yaml") == flows + 1  # the restore only


async def test_a_missed_question_answered_or_dismissed_from_the_web(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    asked = "phường có cho mượn loa kẹo kéo không"
    await web.services.misses.record(asked, "vi", MissKind.NOTHING)
    await web.services.misses.record("giay phep nuoi cho", "vi", MissKind.NOTHING)
    queue = await signed_in(web, http, standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    async with http.get(base(web) + "/admin/misses") as response:
        queue = await response.text()
    ids = dict((q, i) for i, q in re.findall(r'href="/admin/misses/(\d+)">([^<]+)<', queue))
    assert set(ids) == {asked, "giay phep nuoi cho"}

    url = f"{base(web)}/admin/misses/{ids[asked]}"
    answer = "Phường không cho mượn loa. Gọi {hotline} nếu cần hỏi thêm."
    data = {"csrf": csrf_of(queue), "action": "answer", "answer": answer}
    async with http.post(url, data=data) as response:
        assert f"Đã thêm câu trả lời mới cho «{asked}»" in await response.text()
    reply = await standin.user(3602, "Lan", language_code="vi").reply(asked)
    assert reply.plain.startswith("Phường không cho mượn loa. Gọi 024")

    url = f"{base(web)}/admin/misses/{ids['giay phep nuoi cho']}"
    async with http.post(url, data={"csrf": csrf_of(queue), "action": "dismiss"}) as response:
        page = await response.text()
    assert "Đã bỏ qua «giay phep nuoi cho» (1 lần hỏi)." in page
    assert "Không còn câu hỏi nào chờ xử lý" in page
    async with http.post(url, data={"csrf": csrf_of(queue), "action": "dismiss"}) as response:
        assert response.status == 404  # handled already
