"""Who receives a procedure: the ward's one-stop office, the ward police, the tax office… or a
body this ward is not (customs, a port authority, a court). The card sends a citizen to the
right door with its address, hours and phone; browsing shows what this ward receives; the
admin corrects the data in unit.yaml."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest

from bot.domain.offices import (
    LOCAL,
    OfficeKind,
    handled_by,
    office_of,
    receiving_office,
    vneid_submission,
)
from bot.domain.procedure import Procedure
from bot.domain.routing import Routing
from bot.domain.unit import UnitProfile
from bot.services.catalogue import field_key, shipped_procedures
from bot.standin import StandIn
from bot.standin.sims import UserSim
from bot.standin.state import SentMessage
from bot.ui.buttons import ShowCard
from bot.yamldoc import DocumentError, parse_document
from tests.conftest import ADMIN_ID, BotRunner, pressed
from tests.texts import ENGLISH

KHAI_SINH = "1.001193"  # Đăng ký khai sinh
TAM_TRU = "1.004194"  # Đăng ký tạm trú
CUSTOMS = "1.000005"  # Thủ tục hải quan đối với khí, nguyên liệu … bằng đường ống
LARGE_ENTERPRISES = "1.008526"  # only "Chi cục Thuế doanh nghiệp lớn - Cục Thuế"
SIDEWALK = "1.013274"  # Cấp phép sử dụng tạm thời lòng đường, vỉa hè: "Sở Xây dựng, …"
NEXT = "Trang sau ▶️"


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Procedure]:
    return {p.code: p for p in shipped_procedures()}


def shipped_unit() -> str:
    return resources.files("bot.data").joinpath("unit.yaml").read_text(encoding="utf-8")


# --- the classifier ------------------------------------------------------------------------


def test_every_ward_procedure_has_an_office(catalogue: dict[str, Procedure]) -> None:
    counts = Counter(receiving_office(p) for p in catalogue.values())
    assert sum(counts.values()) == len(catalogue) == 588
    assert counts == {
        OfficeKind.UBND: 206,
        OfficeKind.POLICE: 56,  # "Công an cấp Xã", vehicles, passports, residence by field
        OfficeKind.TAX: 106,
        OfficeKind.SOCIAL_INSURANCE: 25,
        OfficeKind.LAND: 4,
        OfficeKind.TREASURY: 9,
        OfficeKind.ELSEWHERE: 35,  # departments, ministries, courts, large-enterprise tax
        OfficeKind.CUSTOMS: 124,
        OfficeKind.MARITIME: 15,
        OfficeKind.BORDER: 8,  # civil status «tại khu vực biên giới», China border-area passes
    }


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (KHAI_SINH, OfficeKind.UBND),
        (TAM_TRU, OfficeKind.POLICE),
        ("1.014063", OfficeKind.POLICE),  # Cấp đổi thẻ căn cước
        ("1.013076", OfficeKind.POLICE),  # vehicle registration: ward, provincial, national police
        ("1.013313", OfficeKind.POLICE),  # no agency given: the residence field says who
        (CUSTOMS, OfficeKind.CUSTOMS),
        ("1.002372", OfficeKind.MARITIME),  # "Cảng vụ hàng hải, …, Hải quan cửa khẩu"
        ("2.001215", OfficeKind.MARITIME),  # no agency: the maritime field
        ("1.007277", OfficeKind.TAX),  # lệ phí trước bạ nhà, đất: no agency, field Thuế
        (LARGE_ENTERPRISES, OfficeKind.ELSEWHERE),
        ("1.001667", OfficeKind.SOCIAL_INSURANCE),  # chế độ ốm đau
        ("1.012995", OfficeKind.LAND),  # ghi nợ tiền sử dụng đất
        ("3.000115", OfficeKind.TREASURY),  # nộp tiền vào ngân sách nhà nước
        ("2.000815", OfficeKind.UBND),  # certified copies, though notaries are listed too
        ("1.004047", OfficeKind.UBND),  # "Sở Xây dựng, Uỷ ban Nhân dân cấp xã, …": the ward too
        ("1.012766", OfficeKind.LAND),  # the land registration office, no ward UBND listed
        ("3.000163", OfficeKind.ELSEWHERE),  # a court
        (SIDEWALK, OfficeKind.ELSEWHERE),
        ("1.000094", OfficeKind.BORDER),  # marriage with a foreigner «tại khu vực biên giới»
        ("1.003133", OfficeKind.BORDER),  # a border-area pass, at the police of a border commune
        ("1.012680", OfficeKind.POLICE),  # the Laos border pass: any commune of a border province
        ("1.013962", OfficeKind.UBND),  # land for teachers «tại các xã biên giới»: who, not where
    ],
)
def test_real_examples(catalogue: dict[str, Procedure], code: str, kind: OfficeKind) -> None:
    assert receiving_office(catalogue[code]) == kind


def test_ward_listed_among_others_receives_it(catalogue: dict[str, Procedure]) -> None:
    """Land procedures listing the land office AND the ward chairman go to the ward."""
    both = [
        p
        for p in catalogue.values()
        if p.agency and "đăng ký đất đai" in p.agency and "Ủy ban nhân dân xã" in p.agency
    ]
    assert both and {receiving_office(p) for p in both} == {OfficeKind.UBND}


def test_where_the_data_is_silent_fields_and_hints_decide(catalogue: dict[str, Procedure]) -> None:
    base = catalogue["1.013313"].model_copy(update={"agency": None, "field": "Nông nghiệp"})
    assert receiving_office(base) == OfficeKind.UBND  # a ward-level procedure: the ward
    at_police = base.model_copy(update={"receiving_address": "Công an cấp xã."})
    assert receiving_office(at_police) == OfficeKind.POLICE
    decided = base.model_copy(update={"authority": "Bảo hiểm xã hội cấp huyện"})
    assert receiving_office(decided) == OfficeKind.SOCIAL_INSURANCE
    # A provincial chairman deciding does not send the citizen to the city.
    provincial = base.model_copy(update={"authority": "Chủ tịch ủy ban nhân dân cấp tỉnh"})
    assert receiving_office(provincial) == OfficeKind.UBND
    court = base.model_copy(update={"field": "Khác", "ministry": "toa-an-nhan-dan"})
    assert receiving_office(court) == OfficeKind.ELSEWHERE


def test_corrections_and_who_handles_it(catalogue: dict[str, Procedure]) -> None:
    sidewalk = catalogue[SIDEWALK]
    assert office_of(sidewalk, {}) == OfficeKind.ELSEWHERE
    assert office_of(sidewalk, {SIDEWALK: OfficeKind.UBND}) == OfficeKind.UBND
    assert handled_by(catalogue[CUSTOMS]) == "Chi cục Hải quan khu vực"
    assert handled_by(catalogue["2.001215"]) is None  # the card names the kind instead


def test_vneid_only_where_the_data_says_so(catalogue: dict[str, Procedure]) -> None:
    assert vneid_submission(catalogue[TAM_TRU])  # "… ứng dụng VNeID hoặc …"
    # Civil status accepts papers shown in VNeID; it says nothing of applying there.
    assert not vneid_submission(catalogue[KHAI_SINH])
    applying = [p.code for p in catalogue.values() if vneid_submission(p)]
    assert 5 <= len(applying) <= 15


# --- unit.yaml -------------------------------------------------------------------------------


def test_shipped_unit_lists_the_local_offices() -> None:
    profile = parse_document(shipped_unit(), UnitProfile, "unit.yaml")
    assert {o.kind for o in profile.offices} == set(LOCAL)
    police = profile.place(OfficeKind.POLICE)
    assert police is not None and police.name is not None
    assert police.name.vi == "Công an phường Đống Đa" and police.phone
    assert police.location is not None and 20.9 < police.location.lat < 21.1
    ubnd = profile.place(OfficeKind.UBND)
    assert ubnd is not None and ubnd.address == profile.address  # the unit itself
    assert ubnd.hours == profile.office_hours and ubnd.phone == profile.hotline
    land = profile.place(OfficeKind.LAND)
    assert land is not None and land.hours == profile.office_hours  # no hours: the unit's
    assert profile.parking is not None and profile.procedure_offices == {}


def test_an_older_profile_without_offices_still_loads() -> None:
    older = (
        "name: {vi: UBND xã Minh Phú}\naddress: Xóm 1\n"
        "office_hours:\n  - days: [mon, tue, wed, thu, fri]\n    hours: ['07:30-11:30']\n"
    )
    profile = parse_document(older, UnitProfile, "unit.yaml")
    assert profile.offices == [] and profile.parking is None and profile.shown_fields == []
    assert profile.place(OfficeKind.POLICE) is None
    ubnd = profile.place(OfficeKind.UBND)
    assert ubnd is not None and ubnd.address == "Xóm 1"


def _refused(text: str) -> list[str]:
    with pytest.raises(DocumentError) as refused:
        parse_document(text, UnitProfile, "unit.yaml")
    return refused.value.lines(ENGLISH)


OLDER = (
    "name: {vi: UBND xã Minh Phú}\naddress: Xóm 1\n"
    "office_hours:\n  - days: [mon]\n    hours: ['07:30-11:30']\n"
)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "offices:\n  - {kind: fire, name: {vi: PCCC}, address: X}\n",
            "unit.yaml:7: offices.0.kind: 'fire' is not a kind of office; use one of ubnd, police",
        ),
        (
            "offices:\n  - {kind: customs, name: {vi: HQ}, address: X}\n",
            "offices.0.kind: 'customs' is not an office of this ward",
        ),
        (
            "offices:\n  - {kind: police, name: {vi: CA}, address: X}\n"
            "  - {kind: police, name: {vi: CA 2}, address: Y}\n",
            "unit.yaml:7: offices: office 'police' is listed twice",
        ),
        (
            "offices:\n  - {kind: police, name: {vi: CA}, address: X, "
            "location: {lat: 105.82, lon: 21.01}}\n",
            "offices.0.location.lat: latitude must be between -90 and 90 "
            "(are lat and lon swapped?)",
        ),
        (
            "offices:\n  - {kind: tax, address: X}\n",
            "offices.0: office 'tax' needs name",
        ),
        (
            "procedure_offices:\n  1.004194: police\n",
            "procedure_offices: 1.004194: write each procedure code in quotes",
        ),
        (
            "procedure_offices:\n  '1.004194': fire\n",
            "procedure_offices.1.004194: must be one of: 'ubnd'",
        ),
    ],
)
def test_a_wrong_office_is_refused_with_its_place(extra: str, expected: str) -> None:
    problems = _refused(OLDER + extra)
    assert any(expected in line for line in problems), problems


def test_departments_map_office_kinds_to_known_departments() -> None:
    shipped = resources.files("bot.data").joinpath("departments.yaml").read_text("utf-8")
    routing = parse_document(shipped, Routing, "departments.yaml")
    assert routing.procedure_department(OfficeKind.POLICE, "Quản lý xuất nhập cảnh") == "cong-an"
    assert routing.procedure_department(OfficeKind.UBND, "Đất đai") == "kinh-te"  # by field
    assert routing.procedure_department(OfficeKind.UBND, "Nông nghiệp") == "hanh-chinh-cong"
    assert routing.procedure_department(OfficeKind.CUSTOMS, "Hải quan") is None  # the category's
    broken = shipped.replace("  police: cong-an", "  police: toa-an")
    with pytest.raises(DocumentError) as refused:
        parse_document(broken, Routing, "departments.yaml")
    assert "offices: 'police' points to unknown 'toa-an'" in refused.value.lines(ENGLISH)[0]


# --- through the bot ---------------------------------------------------------------------------


async def test_a_police_procedure_sends_you_to_the_ward_police(
    bot: BotRunner, standin: StandIn
) -> None:
    lan = standin.user(1301, "Lan", language_code="vi")
    card = await lan.reply("/start p-1_004194")
    text = card.plain
    assert text.startswith("Đăng ký tạm trú\n")
    assert (
        "Nơi nộp hồ sơ: Công an phường Đống Đa, Số 6 phố Hoàng Cầu, phường Đống Đa, "
        "thành phố Hà Nội\nThứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00\nThứ Bảy: 08:00–11:30\n"
        "☎️ Điện thoại: 024 0000 0001"
    ) in text
    assert "Bộ phận Một cửa" not in text
    assert "Nộp trực tuyến qua Cổng Dịch vụ công quốc gia: dichvucong.gov.vn" in text
    assert "Hoặc nộp ngay trên ứng dụng VNeID." in text
    html = card.text or ""
    assert 'href="https://www.google.com/maps/search/?api=1&amp;query=21.017410,105.823520"' in html
    assert 'href="https://dichvucong.gov.vn"' in html


async def test_a_civil_status_procedure_sends_you_to_the_one_stop_office(
    bot: BotRunner, standin: StandIn
) -> None:
    card = await standin.user(1302, "Hà", language_code="vi").reply("/start p-1_001193")
    text = card.plain
    assert (
        "Nơi nộp hồ sơ: Bộ phận Một cửa, UBND phường Đống Đa, thành phố Hà Nội\n"
        "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00\nThứ Bảy: 07:30–11:30\n"
        "☎️ Điện thoại: 024 0000 0000"
    ) in text
    assert "Nộp trực tuyến qua Cổng Dịch vụ công quốc gia" in text
    assert "VNeID" not in text  # the data says VNeID papers are accepted, not applying there


async def test_a_customs_procedure_says_who_handles_it(bot: BotRunner, standin: StandIn) -> None:
    vi = await standin.user(1303, "Nam", language_code="vi").reply("/start p-1_000005")
    assert "Cơ quan giải quyết: Chi cục Hải quan khu vực" in vi.plain
    assert "UBND phường Đống Đa không tiếp nhận hồ sơ thủ tục này." in vi.plain
    assert "Nơi nộp hồ sơ" not in vi.plain and "Nộp trực tuyến" not in vi.plain
    en = await standin.user(1304, "Tom", language_code="en").reply("/start p-1_008526")
    assert "Handled by: Chi cục Thuế doanh nghiệp lớn - Cục Thuế" in en.plain
    assert "Dong Da Ward People's Committee does not receive applications" in en.plain


async def test_a_border_communes_procedure_is_not_offered_inland(
    bot: BotRunner, standin: StandIn
) -> None:
    """Marriage with a foreigner «tại khu vực biên giới» is a border commune's (its UBND is
    all the portal names): an inland ward's card says who handles it, not «UBND xã, phường»,
    and marrying a Chinese citizen no longer lists it beside the marriage procedures (it was
    third). A border pass asked for in English is no lost pass: the pass still weighs against
    the card, which becomes a list, though it is not offered. A border commune corrects it in
    unit.yaml."""
    lan = standin.user(1305, "Lan", language_code="vi")
    card = await lan.reply("/start p-1_000094")
    assert "Cơ quan giải quyết: UBND hoặc Công an cấp xã ở khu vực biên giới" in card.plain
    assert "UBND phường Đống Đa không tiếp nhận hồ sơ thủ tục này." in card.plain
    asked = await lan.reply("kết hôn với người Trung Quốc")
    offered = [data for row in asked.button_data for data in row]
    assert ShowCard("2.000806").data in offered, asked.buttons
    assert ShowCard("1.000094").data not in offered, asked.buttons

    tom = standin.user(1306, "Tom", language_code="en")
    near = await tom.reply("border pass to China")
    assert near.plain.startswith("I found a few procedures"), near.plain[:200]
    passes = {ShowCard(code).data for code in ("1.003133", "1.014364")}
    assert not passes & {data for row in near.button_data for data in row}, near.buttons

    admin = standin.user(ADMIN_ID, "Admin", language_code="vi")
    unit = shipped_unit().replace("procedure_offices: {}", 'procedure_offices: {"1.000094": ubnd}')
    await admin.send_document(unit.encode("utf-8"), filename="unit.yaml")
    await admin.next_message()
    border = await lan.reply("/start p-1_000094")
    assert "Nơi nộp hồ sơ: Bộ phận Một cửa, UBND phường Đống Đa" in border.plain, border.plain


async def browse(user: UserSim) -> tuple[SentMessage, list[tuple[str, str]]]:
    """Every field button (its key, its label), page after page; the first page."""
    ask = await user.reply("/start m-ask")
    first = page = await pressed(user, "📚 Xem theo lĩnh vực", ask)
    shown: list[tuple[str, str]] = []
    while True:
        for labels, data in zip(page.buttons, page.button_data, strict=True):
            if data[0].startswith("fp:"):
                shown.append((data[0].split(":")[1], labels[0]))
        if not any(NEXT in row for row in page.buttons):
            return first, shown
        page = await pressed(user, NEXT, page)


def field_names(shown: list[tuple[str, str]], catalogue: dict[str, Procedure]) -> list[str]:
    by_key = {field_key(p.field): p.field for p in catalogue.values()}
    return [by_key[key] for key, _ in shown]


def _in_scope_sizes(catalogue: dict[str, Procedure]) -> Counter[str]:
    """Procedures this ward receives, by field; one the portal publishes under several codes
    (one name) once."""
    local = {(p.field, p.name) for p in catalogue.values() if receiving_office(p) in LOCAL}
    return Counter(field for field, _ in local)


async def test_browsing_shows_what_this_ward_receives(
    bot: BotRunner, standin: StandIn, catalogue: dict[str, Procedure]
) -> None:
    user = standin.user(1305, "Hà", language_code="vi")
    first, shown = await browse(user)
    names = field_names(shown, catalogue)
    assert "Hải quan" not in names and "Tòa án" not in names and "Đường bộ" not in names
    assert len(names) == len(set(names)) == 54  # of 61 fields, 7 have nothing this ward receives
    labels = [label for _, label in shown]
    assert "Thuế (106)" in labels  # 111 in the field, 5 for large enterprises or the ministry
    assert "Hàng hải và đường thủy nội địa (9)" in labels  # the ward registers small boats
    sizes = _in_scope_sizes(catalogue)
    counted = [(n, label) for n, label in zip(names, labels, strict=True) if label.endswith(")")]
    assert len(counted) > 45  # the others' names are too long for a button to show the count
    assert all(label.endswith(f" ({sizes[name]})") for name, label in counted)
    assert labels[:4] == ["Hộ tịch (37)", "Chứng thực (12)", "Đăng ký, quản lý cư trú (13)",
                          "Cấp, quản lý căn cước (17)"]  # fmt: skip
    assert names.index("Thuế") > 8  # not on the first page
    # The portal publishes the youth volunteers' allowance under 7 codes: listed once.
    assert "Người có công (1)" in labels, labels
    tax = await pressed(user, "Thuế (106)", await browse_page(user, "Thuế (106)", first))
    assert "106 thủ tục" in tax.plain


async def browse_page(user: UserSim, label: str, page: SentMessage) -> SentMessage:
    """The page of fields that shows ``label``."""
    while not any(label in row for row in page.buttons):
        page = await pressed(user, NEXT, page)
    return page


async def test_admin_corrects_an_office_and_shows_a_field(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    edited = (
        shipped_unit()
        .replace("procedure_offices: {}", f'procedure_offices:\n  "{SIDEWALK}": ubnd')
        .replace("shown_fields: []", "shown_fields: [Hải quan]")
    )
    await admin.send_document(edited.encode("utf-8"), filename="unit.yaml")
    assert "Đã áp dụng tệp unit.yaml" in (await admin.next_message()).plain
    assert bot.services.catalogue.in_scope(SIDEWALK)
    assert bot.services.catalogue.office(SIDEWALK) == OfficeKind.UBND

    citizen = standin.user(1306, "Lan", language_code="vi")
    card = await citizen.reply(f"/start p-{SIDEWALK.replace('.', '_')}")
    assert "Nơi nộp hồ sơ: Bộ phận Một cửa, UBND phường Đống Đa" in card.plain
    _, shown = await browse(citizen)
    labels = [label for _, label in shown]
    assert labels[-1] == "Hải quan (124)"  # shown on request: after every field of the ward
    assert "Đường bộ (1)" in labels  # the corrected procedure's field is back, with it alone

    await bot.restart()  # the stored unit.yaml applies again at start
    assert bot.services.catalogue.office(SIDEWALK) == OfficeKind.UBND
    assert bot.services.catalogue.in_scope(CUSTOMS)
