"""The web admin's main pages as a person sees them, on a desktop and on a phone: each is
photographed and the picture opened to check it shows a page, not an error or a blank.
``make screenshots`` keeps them in docs/screenshots for the README."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from playwright.async_api import Page

from bot.services.misses import MissKind
from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner
from tests.test_complaints import KINH_TE, file_complaint, linked
from tests.webadmin import browser_signs_in

DESKTOP = {"width": 1280, "height": 860}
PAGES = {
    "tickets": ("/admin/tickets", "Phản ánh, kiến nghị"),
    "ticket": ("/admin/tickets/1", "PA-000001"),
    "flow": ("/admin/flows/khai-sinh", "Khai sinh cho con"),
    "flow-step": ("/admin/flows/khai-sinh/steps/parents", "Bước “parents”"),
    "misses": ("/admin/misses/1", "giấy phép nuôi chó"),
    "figures": ("/admin/figures", "Số liệu"),
}


@pytest.fixture
def shots(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    kept = request.config.getoption("--screenshots")
    folder = Path(kept) if kept else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def photograph(page: Page, folder: Path, name: str, path: str, title: str) -> None:
    await page.goto(page.url.split("/admin")[0] + path)
    await page.wait_for_load_state("networkidle")  # the chart and photos too
    assert title in await page.locator("h1").inner_text(), path
    png = await page.screenshot(full_page=True)
    (folder / f"{name}.png").write_bytes(png)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == page.viewport_size["width"]  # type: ignore[index]
    # A page, not a blank: the header's colour and the text's dark pixels are both there.
    assert max(ImageStat.Stat(image.convert("L")).stddev) > 20


async def a_ward_with_work(web: BotRunner, standin: StandIn) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    picture = io.BytesIO()
    Image.new("RGB", (480, 360), (90, 110, 70)).save(picture, "JPEG")
    citizen = standin.user(3901, "Nguyễn Thị Lan", language_code="vi")
    await file_complaint(citizen, photo=picture.getvalue())
    await web.services.misses.record("giấy phép nuôi chó", "vi", MissKind.NOTHING)


@pytest.mark.parametrize("page", [DESKTOP], indirect=True)
async def test_the_main_pages_on_a_desktop(
    web: BotRunner, standin: StandIn, page: Page, shots: Path
) -> None:
    await a_ward_with_work(web, standin)
    await browser_signs_in(web, page, standin.user(ADMIN_ID, "Quản trị"))
    for name, (path, title) in PAGES.items():
        await photograph(page, shots, f"desktop-{name}", path, title)


async def test_the_tickets_and_figures_on_a_phone(
    web: BotRunner, standin: StandIn, page: Page, shots: Path
) -> None:
    await a_ward_with_work(web, standin)
    await browser_signs_in(web, page, standin.user(ADMIN_ID, "Quản trị"))
    for name in ("ticket", "figures"):
        path, title = PAGES[name]
        await photograph(page, shots, f"phone-{name}", path, title)
