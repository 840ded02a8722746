"""The ward's own data from the web admin, in a real browser: the unit's details, the
departments and categories, and the citizens' words. Each save is used by the bot at once,
keeps the comments in the file, and a mistake is refused in the admin's language."""

from __future__ import annotations

from playwright.async_api import Page

from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner
from tests.test_complaints import start_complaint
from tests.webadmin import base, browser_signs_in


async def signed_in_page(web: BotRunner, standin: StandIn, page: Page, path: str) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await browser_signs_in(web, page, admin)
    await page.goto(base(web) + path)


async def test_the_units_details_change_and_a_bad_website_is_refused(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    await signed_in_page(web, standin, page, "/admin/unit")
    await page.get_by_label("Trang web").fill("dichvucong.gov.vn")
    await page.get_by_role("button", name="💾 Lưu").click()
    refused = await page.get_by_role("alert").inner_text()
    assert "website: phải bắt đầu bằng http:// hoặc https://" in refused
    version = web.services.documents.version("unit.yaml")

    await page.get_by_label("Trang web").fill("https://dichvucong.gov.vn")
    await page.get_by_label("Đường dây nóng").fill("024 3856 1234")
    await page.get_by_role("button", name="💾 Lưu").click()
    assert "Đã lưu" in await page.get_by_role("status").inner_text()
    assert web.services.documents.version("unit.yaml") == version + 1
    greeting = await standin.user(3801, "Lan", language_code="vi").reply("/start")
    assert "024 3856 1234" in greeting.plain
    saved = await web.services.documents.text("unit.yaml")
    assert "# Tọa độ (lat, lon) lấy từ Google Maps" in saved  # the admin's comments stay
    assert 'hotline: "024 3856 1234"' in saved


async def test_a_new_category_is_offered_to_citizens_at_once(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    await signed_in_page(web, standin, page, "/admin/departments")
    rows = page.locator("tr", has=page.locator('input[name$="_acknowledge_hours"]'))
    blank = await rows.count() - 3  # the first empty row under the categories
    await page.locator(f'input[name="category_{blank}_code"]').fill("cay-xanh")
    await page.locator(f'input[name="category_{blank}_name_vi"]').fill("Cây xanh đổ, gãy")
    await page.locator(f'select[name="category_{blank}_department"]').select_option("kinh-te")
    await page.get_by_role("button", name="💾 Lưu").click()
    assert "Đã lưu" in await page.get_by_role("status").inner_text()
    menu = await start_complaint(standin.user(3802, "Lan", language_code="vi"))
    assert any("Cây xanh đổ, gãy" in label for row in menu.buttons for label in row)

    # Its names cleared, the row is removed: the next citizen is not offered it.
    await page.locator(f'input[name="category_{blank}_name_vi"]').fill("")
    await page.get_by_role("button", name="💾 Lưu").click()
    assert "Đã lưu" in await page.get_by_role("status").inner_text()
    menu = await start_complaint(standin.user(3804, "Mai", language_code="vi"))
    assert not any("Cây xanh" in label for row in menu.buttons for label in row)
    assert "cay-xanh" not in await web.services.documents.text("departments.yaml")


async def test_everyday_words_taught_on_the_page_find_the_procedure(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    await signed_in_page(web, standin, page, "/admin/lexicon")
    last = await page.locator('input[name^="means_"]').count() - 3
    await page.locator(f'textarea[name="words_{last}"]').fill("ổ gà bờ rào, chỗ ở mới")
    await page.locator(f'input[name="means_{last}"]').fill("đăng ký tạm trú")
    await page.get_by_role("button", name="💾 Lưu").click()
    assert "Đã lưu" in await page.get_by_role("status").inner_text()
    card = await standin.user(3803, "Lan", language_code="vi").reply("ổ gà bờ rào")
    assert "Mã thủ tục: 1.004194" in card.plain


async def test_a_form_made_before_another_save_does_not_undo_it(
    web: BotRunner, standin: StandIn, page: Page
) -> None:
    await signed_in_page(web, standin, page, "/admin/unit")
    text = await web.services.documents.text("unit.yaml")
    edited = text.replace("024 0000 0000", "024 9999 9999")
    await web.services.documents.replace("unit.yaml", edited, ADMIN_ID)  # in Telegram, say
    await page.get_by_label("Thư điện tử").fill("khac@dongda.example.vn")
    await page.get_by_role("button", name="💾 Lưu").click()
    assert "vừa được người khác sửa" in await page.get_by_role("alert").inner_text()
    assert "024 9999 9999" in await web.services.documents.text("unit.yaml")
    assert await page.get_by_label("Đường dây nóng").input_value() == "024 9999 9999"
