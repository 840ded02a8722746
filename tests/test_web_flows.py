"""The guided flows edited from the web admin: a form for each step, validated exactly as the
YAML file is, saved as a version the bot uses at once; a walk-through; versions with their
changes, and a way back. The first test is a real headless Chromium, as an admin uses it."""

from __future__ import annotations

import contextlib
import re
import sqlite3

import aiohttp
from playwright.async_api import Page

from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner, pressed
from tests.test_complaints import LANH_DAO, linked
from tests.test_flows import PARENTS, RESTART_ROW
from tests.webadmin import base, browser_signs_in, csrf_of, signed_in, version_of

NEW_LABEL = "Bố mẹ là người nước ngoài, đã kết hôn"
STEP = "/admin/flows/khai-sinh/steps/parents"


async def test_an_admin_adds_an_option_and_a_citizen_sees_it(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await browser_signs_in(web, page, admin)
    await page.get_by_role("link", name="Hướng dẫn từng bước").click()
    await page.get_by_role("link", name="Khai sinh cho con").click()
    # Each step shows as Telegram shows it.
    assert PARENTS in await page.locator(".step").nth(1).inner_text()
    await page.goto(base(web) + STEP)

    await page.get_by_label("Nhãn nút 4").fill(NEW_LABEL)
    await page.get_by_label("Dẫn tới bước 4").select_option("foreign")
    await page.get_by_role("button", name="💾 Lưu").click()
    assert "Đã lưu" in await page.get_by_role("status").inner_text()
    assert NEW_LABEL in await page.locator(".chat").inner_text()  # the preview, as saved

    lan = standin.user(3501, "Lan", language_code="vi")
    where = await lan.reply("/start g-khai-sinh")
    parents = await pressed(lan, "Sinh ở Việt Nam, bố mẹ là người Việt Nam", where)
    assert parents.plain == PARENTS
    assert parents.buttons == [
        ["Đã đăng ký kết hôn"],
        ["Chưa, bố muốn nhận con ngay khi khai sinh"],
        ["Chưa, chỉ khai sinh cho con"],
        [NEW_LABEL],
        RESTART_ROW,
    ]
    remark = await pressed(lan, NEW_LABEL, parents)
    assert remark.plain.startswith("ℹ️ Khai sinh có yếu tố nước ngoài")

    # The walk-through follows the same buttons.
    await page.goto(base(web) + "/admin/flows/khai-sinh/try")
    await page.get_by_role("link", name="Sinh ở Việt Nam, bố mẹ là người Việt Nam").click()
    await page.get_by_role("link", name=NEW_LABEL).click()
    assert "Khai sinh có yếu tố nước ngoài" in await page.locator(".chat").inner_text()


async def test_a_mistake_is_refused_in_vietnamese_and_nothing_changes(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await signed_in(web, http, standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    async with http.get(base(web) + "/admin/flows/khai-sinh/steps/plain") as response:
        form = await response.text()
    assert 'value="1.001193"' in form and "Thủ tục đăng ký khai sinh" in form
    version = web.services.documents.version("flows.yaml")
    data = {"csrf": csrf_of(form), "action": "save", "kind": "result", "code_0": "9.999999"}
    async with http.post(base(web) + "/admin/flows/khai-sinh/steps/plain", data=data) as response:
        page = await response.text()
        assert response.status == 400
    assert "Chưa lưu, vì còn chỗ cần sửa" in page
    assert "danh mục không có thủ tục nào mã “9.999999”" in page
    assert web.services.documents.version("flows.yaml") == version
    lan = standin.user(3502, "Lan", language_code="vi")
    where = await lan.reply("/start g-khai-sinh")
    parents = await pressed(lan, "Sinh ở Việt Nam, bố mẹ là người Việt Nam", where)
    together = await pressed(lan, "Chưa, chỉ khai sinh cho con", parents)
    assert together.plain.startswith("ℹ️ Nhớ mang theo giấy chứng sinh")


async def adding_an_option(web: BotRunner, http: aiohttp.ClientSession) -> dict[str, str]:
    """The parents step's form as it stands, with NEW_LABEL added as a fourth option."""
    async with http.get(base(web) + STEP) as response:
        form = await response.text()
    fields = dict(re.findall(r'name="(label_\d_vi|next_\d)" value="([^"]*)"', form))
    selected = re.findall(r'<option value="([^"]+)" selected>', form)
    return {
        "csrf": csrf_of(form),
        "version": version_of(form),
        "kind": "options",
        "ask_vi": PARENTS,
        **{k: v for k, v in fields.items() if k.startswith("label")},
        **{f"next_{i}": s for i, s in enumerate(selected)},
        "label_3_vi": NEW_LABEL,
        "next_3": "foreign",
    }


async def test_versions_show_the_change_and_restore_the_one_before(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    await signed_in(web, http, standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    data = await adding_an_option(web, http)
    async with http.post(base(web) + STEP, data=data) as response:
        assert response.status == 200
    saved = web.services.documents.version("flows.yaml")
    async with http.get(f"{base(web)}/admin/versions/flows.yaml/{saved}") as response:
        diff = await response.text()
    added = re.findall(r'<span class="add">(\+[^<]*)</span>', diff)
    assert any(NEW_LABEL in line for line in added), added
    assert len(added) <= 4, added  # what changed, not how the form lays the file out
    async with http.post(
        f"{base(web)}/admin/versions/flows.yaml/{saved - 1}", data={"csrf": csrf_of(diff)}
    ) as response:
        assert response.status == 200 and "Các phiên bản của flows.yaml" in await response.text()
    assert web.services.documents.version("flows.yaml") == saved + 1
    flow = web.services.flows.at("khai-sinh", "parents")
    assert flow is not None and NEW_LABEL not in str(flow.step)


async def test_a_version_set_aside_at_start_is_told_and_a_save_builds_on_the_one_in_use(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    shipped = await web.services.documents.text("flows.yaml")
    await web.stop()
    # A version the bot cannot use (a result no catalogue procedure has), saved while it was
    # down: at the next start it is set aside and version 1 is used instead.
    broken = shipped.replace('result: ["1.001193"]', 'result: ["9.999999"]')
    assert broken != shipped
    with contextlib.closing(sqlite3.connect(web.settings.database)) as db, db:
        db.execute(
            "INSERT INTO documents (kind, version, content, author_id, created_at) "
            "VALUES ('flows', 2, ?, NULL, '2026-12-01T00:00:00+00:00')",
            (broken,),
        )
    await web.start()
    await signed_in(web, http, standin.user(ADMIN_ID, "Quản trị", language_code="vi"))
    async with http.get(base(web) + "/admin/flows") as response:
        told = await response.text()
    assert "flows.yaml: phiên bản 2 không còn hợp lệ" in told
    assert "đang dùng phiên bản 1" in told and "9.999999" in told  # and why

    data = await adding_an_option(web, http)
    async with http.post(base(web) + STEP, data=data) as response:
        assert response.status == 200 and "Đã lưu" in await response.text()
    documents = web.services.documents
    assert documents.version("flows.yaml") == 3 and documents.set_aside("flows.yaml") is None
    saved = await documents.text("flows.yaml")
    assert NEW_LABEL in saved and "9.999999" not in saved  # version 1, changed
    async with http.get(base(web) + "/admin/flows") as response:
        assert "không còn hợp lệ" not in await response.text()


async def test_a_leader_cannot_edit_flows(
    web: BotRunner, standin: StandIn, http: aiohttp.ClientSession
) -> None:
    leaders = await linked(standin, LANH_DAO, "lanh-dao")
    leaders.add_member(7102, "member")
    page = await signed_in(web, http, standin.user(7102, "Chủ tịch", language_code="vi"))
    assert "/admin/flows" not in page
    async with http.get(base(web) + STEP) as response:
        assert response.status == 403
    async with http.post(base(web) + STEP, data={"csrf": csrf_of(page)}) as response:
        assert response.status == 403
        assert "chỉ dành cho quản trị viên" in await response.text()
