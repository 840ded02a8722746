"""Issue 13, "cards people can read": documents grouped as the data implies (what everyone brings,
the form first; then the "if …" cases), notes shown as notes and never counted, every item named
whole on the first screen, a checklist to forward or print, and list buttons that never read
alike. Every card of the shipped catalogue, in both languages, is checked for what a person would
notice: a word cut with "…", an invisible character, a message Telegram refuses."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

import bot
from bot.domain.procedure import Channel, DocumentItem, Procedure
from bot.domain.unit import UnitProfile
from bot.handlers.procedures import documents
from bot.handlers.procedures import views as cards
from bot.handlers.procedures.buttons import Section
from bot.i18n import I18n, Texts
from bot.services.catalogue import shipped_procedures
from bot.standin import StandIn
from bot.ui import lists
from bot.ui.text import MESSAGE_LIMIT, plain_text, visible_length
from bot.yamldoc import parse_document
from tests.conftest import BotRunner, pressed

UNIT = Path(bot.__file__).parent / "data" / "unit.yaml"
# "…" that ends or sits inside a word: a word cut in two. "… và 3 giấy tờ khác" is no cut.
CUT_WORD = re.compile(r"\w…|…\w")
NUMBERED = re.compile(r"^(\d+)\. ")
TICK = "☐ "


@pytest.fixture(scope="module")
def profile() -> UnitProfile:
    return parse_document(UNIT.read_text(encoding="utf-8"), UnitProfile, "unit.yaml")


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n("vi")


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Procedure]:
    return {p.code: p for p in shipped_procedures()}


def item(name: str, group: str | None = None, copies: str | None = "1 bản chính") -> DocumentItem:
    return DocumentItem(name=name, group=group, copies=copies)


def note(text: str, group: str | None = "* Lưu ý:") -> DocumentItem:
    return DocumentItem(name=text, group=group, kind="note")


LONG_TAIL = (
    ", có đủ thông tin của các bên theo quy định tại Nghị định số 123/2015/NĐ-CP ngày 15/11/2015"
    " của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch"
)

MADE_UP = Procedure(
    code="9.000001",
    name="Thủ tục thử nghiệm",
    field="Hộ tịch",
    levels=("Cấp xã",),
    documents=(
        item("Văn bản ủy quyền trong trường hợp ủy quyền thực hiện thủ tục" + LONG_TAIL),
        item("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản do cơ quan có thẩm quyền lập"),
        note("Người tiếp nhận không được yêu cầu nộp thêm giấy tờ pháp luật không quy định."),
        item("Giấy chứng sinh" + LONG_TAIL, group="* Giấy tờ phải nộp:"),
        note("Bản chụp các giấy tờ gửi kèm phải rõ nét, đầy đủ."),
        item("Hộ chiếu hoặc thẻ căn cước còn giá trị sử dụng", group="* Giấy tờ phải xuất trình:"),
        note(
            "Lưu ý: - Không yêu cầu xuất trình Giấy khai sinh."
            " - Trong thời hạn 60 ngày phải đăng ký."
        ),
        item("Giấy tờ, tài liệu khác (nếu có)", copies=None),
        item("Giấy xác nhận nơi cư trú", group="* Giấy tờ phải nộp:"),
        item("Bản sao sổ hộ khẩu", group="* Giấy tờ phải nộp:"),
        item("Tờ khai đăng ký theo mẫu" + LONG_TAIL),
    ),
    channels=(Channel(kind="in_person", time="3 ngày làm việc", fee="Miễn phí"),),
)


def documents_on(text: str) -> list[str]:
    """The documents a card names: the bullets of its first paragraph after the heading."""
    block = text.split("Giấy tờ cần chuẩn bị\n", 1)[1].split("\n\n", 1)[0]
    return [line for line in block.splitlines() if line.startswith("• ")]


def test_the_form_comes_first_then_what_everyone_brings_then_the_cases(
    i18n: I18n, profile: UnitProfile
) -> None:
    texts = i18n.texts("vi")
    card = plain_text(cards.card(texts, MADE_UP, profile))
    shown = documents_on(card)
    assert shown[0].startswith("• Tờ khai đăng ký theo mẫu")  # published last, the form
    assert not any("ủy quyền" in line or "bỏ rơi" in line for line in shown)  # only some cases
    # 9 items of which 3 are notes: 8 documents, 5 shown, notes never counted as documents.
    assert "… và 3 giấy tờ khác (bấm «Xem đủ giấy tờ»)" in card
    assert "📌 Kèm 3 lưu ý (bấm «Xem đủ giấy tờ»)" in card
    # Headings as published, without their bullet and colon.
    assert "\nGiấy tờ phải nộp\n• Giấy chứng sinh" in card

    full = plain_text(cards.section(texts, MADE_UP, Section.DOCS) or "")
    numbered = [line for line in full.splitlines() if NUMBERED.match(line)]
    assert [int(NUMBERED.match(line).group(1)) for line in numbered] == list(range(1, 9))  # type: ignore[union-attr]
    assert numbered[0].startswith("1. Tờ khai đăng ký theo mẫu")
    everyone, cases = full.split("🔸 Chỉ cần trong một số trường hợp")
    assert "Giấy tờ, tài liệu khác (nếu có)" in everyone  # "if any": still everyone's, last
    assert "Văn bản ủy quyền" in cases and "trẻ em bị bỏ rơi" in cases
    assert "Văn bản ủy quyền" not in everyone
    cases, notes = cases.split("📌 Lưu ý")
    assert "Người tiếp nhận không được yêu cầu" in notes
    assert "Người tiếp nhận" not in everyone + cases
    # A list written on one line is laid out a point a line, its own "Lưu ý:" left out.
    assert "\n– Không yêu cầu xuất trình Giấy khai sinh.\n– Trong thời hạn 60 ngày" in notes


def test_notes_on_a_short_card_read_as_notes(i18n: I18n, profile: UnitProfile) -> None:
    short = MADE_UP.model_copy(
        update={
            "documents": (
                item("Tờ khai đăng ký"),
                note("Không cần bản sao nếu đã có dữ liệu điện tử."),
            )
        }
    )
    html = cards.card(i18n.texts("vi"), short, profile)
    assert "<i>Lưu ý: Không cần bản sao nếu đã có dữ liệu điện tử.</i>" in html
    assert "giấy tờ khác" not in html  # nothing hidden, nothing counted
    english = cards.card(i18n.texts("en"), short, profile)
    assert "<i>Note: Không cần bản sao" in english
    buttons = [
        b.text for row in cards.card_keyboard(i18n.texts("vi"), short).inline_keyboard for b in row
    ]
    assert "📄 Xem đủ giấy tờ" not in buttons  # all of it is on the card
    assert "☑️ Danh sách cần mang" in buttons


@pytest.mark.parametrize(
    ("name", "short"),
    [
        (
            "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm"
            " chứng xác nhận về việc sinh; nếu không có người làm chứng thì phải có giấy cam đoan",
            "Giấy chứng sinh",
        ),
        (
            "Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy"
            " quyền thực hiện việc đăng ký khai sinh. Trường hợp người được ủy quyền là ông, bà",
            "Văn bản ủy quyền",
        ),
        (
            "Phiếu đề nghị giải quyết thủ tục về căn cước (Mẫu DC02 ban hành kèm theo Thông tư số"
            " 17/2024/TT-BCA của Bộ Công an)",
            "Phiếu đề nghị giải quyết thủ tục về căn cước",
        ),
        (
            "Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử/Giấy chứng nhận căn cước"
            " hoặc các giấy tờ khác có dán ảnh và thông tin cá nhân do cơ quan có thẩm quyền cấp,"
            " còn giá trị sử dụng",
            "Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử/Giấy chứng nhận căn cước",
        ),
        (  # a case keeps what it asks for, not only its condition
            "Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng"
            " thực các giấy tờ phải xuất trình nêu trên, kèm theo phong bì có ghi rõ địa chỉ",
            "Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng"
            " thực các giấy tờ phải xuất trình nêu trên",
        ),
    ],
)
def test_a_long_item_is_named_whole_in_short(name: str, short: str) -> None:
    assert documents.short_name(name) == short


async def test_birth_registration_card_list_and_checklist(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1301, "Lan", language_code="vi")
    card = await user.reply("Thủ tục đăng ký khai sinh")
    assert "Mã thủ tục: 1.001193" in card.plain
    shown = documents_on(card.plain)
    assert shown[0].startswith("• Tờ khai đăng ký khai sinh")
    assert "• Giấy chứng sinh — 1 bản chính" in shown
    assert not any("…" in line for line in shown)
    assert not any("bỏ rơi" in line or "ủy quyền" in line for line in shown)
    more = re.search(r"… và (\d+) giấy tờ khác", card.plain)
    assert more is not None

    checklist = await pressed(user, "☑️ Danh sách cần mang", card)
    first = checklist.plain.splitlines()[:3]
    assert first == [
        "☑️ Danh sách giấy tờ cần mang",
        "Thủ tục: Thủ tục đăng ký khai sinh",
        "Mã thủ tục: 1.001193",
    ]
    ticks = [line for line in checklist.plain.splitlines() if line.startswith(TICK)]
    assert ticks[0].startswith("☐ Tờ khai đăng ký khai sinh")
    assert "☐ Giấy chứng sinh — 1 bản chính" in ticks
    assert "Mang thêm nếu thuộc trường hợp sau:" in checklist.plain
    # Plain lines to forward or print: no markup but the title's bold.
    assert re.findall(r"<[^>]+>", checklist.text or "") == ["<b>", "</b>"]
    assert visible_length(checklist.text or "") <= MESSAGE_LIMIT
    assert checklist.buttons == [["⬅️ Về thủ tục", "⬅️ Về menu chính"]]

    full = await pressed(user, "📄 Xem đủ giấy tờ", card)
    assert full.plain.startswith("Giấy tờ cần chuẩn bị — Thủ tục đăng ký khai sinh")
    numbered = [line for line in full.plain.splitlines() if NUMBERED.match(line)]
    assert numbered[0].startswith("1. Tờ khai đăng ký khai sinh")
    # What the card counts is what the full list numbers: notes are in neither.
    assert len(shown) + int(more.group(1)) == len(numbered)
    cases = full.plain.split("🔸 Chỉ cần trong một số trường hợp", 1)[1]
    assert re.search(r"^\d+\. Trường hợp trẻ em bị bỏ rơi", cases, re.MULTILINE)

    assert len(ticks) == len(numbered)  # every document once, no note


async def test_checklist_in_english(bot: BotRunner, standin: StandIn) -> None:
    tom = standin.user(1302, "Tom", language_code="en")
    card = await tom.reply("Đăng ký tạm trú")
    checklist = await pressed(tom, "☑️ Checklist to bring", card)
    lines = checklist.plain.splitlines()
    assert lines[:3] == [
        "☑️ Checklist: documents to bring",
        "Procedure: Đăng ký tạm trú",
        "Procedure code: 1.004194",
    ]
    assert any(line.startswith("☐ Tờ khai thay đổi thông tin cư trú") for line in lines)


def rendered(texts: Texts, procedure: Procedure, profile: UnitProfile) -> dict[str, str]:
    """What a person can read of a procedure: the card, its buttons, the checklist."""
    html, keyboard = cards.card_message(texts, procedure.ref, procedure, profile)
    out = {
        "card": html,
        "buttons": "\n".join(b.text for row in keyboard.inline_keyboard for b in row),
    }
    checklist = cards.section(texts, procedure, Section.CHECKLIST)
    if checklist is not None:
        out["checklist"] = checklist
    return out


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_shipped_card_reads_cleanly(
    language: str, i18n: I18n, profile: UnitProfile, catalogue: dict[str, Procedure]
) -> None:
    """No card of the 588 has a word cut with "…", an invisible character, a message Telegram
    would refuse, or text not in NFC; the checklist fits one message, to forward as it is."""
    texts = i18n.texts(language)
    assert len(catalogue) == 588
    problems: list[str] = []
    for code, procedure in catalogue.items():
        for part, html in rendered(texts, procedure, profile).items():
            text = plain_text(html) if part != "buttons" else html
            where = f"{code} {part}"
            cut = CUT_WORD.search(text)
            if cut:
                problems.append(
                    f"{where}: a cut word …{text[max(0, cut.start() - 30) : cut.end() + 5]!r}"
                )
            hidden = sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cf"})
            if hidden:
                problems.append(f"{where}: invisible {', '.join(hidden)}")
            if part != "buttons" and visible_length(html) > MESSAGE_LIMIT:
                problems.append(f"{where}: {visible_length(html)} characters")
            if not unicodedata.is_normalized("NFC", text):
                problems.append(f"{where}: not NFC")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_documents_alike_in_short_are_told_apart_by_the_words_that_differ(
    i18n: I18n, profile: UnitProfile, catalogue: dict[str, Procedure]
) -> None:
    """Three requests «theo Mẫu số 11/12/13» read the same once shortened to their first
    clause: the checklist names each up to the number that tells it apart. Items that only
    differ far into their text keep their short form, and every checklist still fits."""
    texts = i18n.texts("vi")
    checklist = plain_text(rendered(texts, catalogue["1.014832"], profile)["checklist"])
    for number in ("11", "12", "13"):
        assert f"cho thuê rừng theo Mẫu số {number} Phụ lục IIA — 1 bản chính" in checklist
    decree = ", ban hành kèm theo Nghị định số 23/2026/NĐ-CP ngày 01/01/2026 của Chính phủ"
    alike = [
        item(f"Tờ khai đăng ký công trình theo Mẫu 13 tại Phụ lục I{decree}"),
        item(f"Tờ khai đăng ký công trình theo Mẫu 14 tại Phụ lục I{decree}"),
        item("Giấy tờ khác"),
    ]
    assert documents.short_name(alike[0].name, 30) == documents.short_name(alike[1].name, 30)
    assert list(documents.short_names(alike, 30).values()) == [
        "Tờ khai đăng ký công trình theo Mẫu 13 tại Phụ lục I",
        "Tờ khai đăng ký công trình theo Mẫu 14 tại Phụ lục I",
        "Giấy tờ khác",
    ]


def test_documents_are_counted_once_and_notes_never(catalogue: dict[str, Procedure]) -> None:
    for procedure in catalogue.values():
        plan = documents.arrange(procedure.documents)
        notes = sum(1 for d in procedure.documents if d.kind == "note")
        assert plan.count + len(plan.notes) == len(procedure.documents), procedure.code
        assert len(plan.notes) >= notes, procedure.code
        assert not any(d.kind == "note" for d in plan.everyone_items + plan.case_items)


# Real sibling names from the catalogue that read alike once cut to a button's width.
SIBLINGS = [
    ("1.013083", "1.013086", "toàn trình", "một phần"),  # đăng ký xe tạm thời: online or not
    ("1.013080", "1.013082", "toàn trình", "một phần"),  # cấp lại chứng nhận đăng ký xe
    ("1.007661", "1.007662", "Chi cục Hải quan", "Cục Hải quan"),
    ("1.012892", "1.012897", "chưa có hợp đồng", "nhận chuyển quyền"),  # nhà ở cũ
    ("1.004859", "2.000748", "dân tộc", "có yếu tố nước ngoài"),
]


@pytest.mark.parametrize(("one", "other", "own", "others_own"), SIBLINGS)
def test_siblings_in_a_list_are_told_apart_by_the_words_that_differ(
    catalogue: dict[str, Procedure], one: str, other: str, own: str, others_own: str
) -> None:
    a, b = catalogue[one].ref, catalogue[other].ref
    assert lists.reads(lists.button_label(a.name)) == lists.reads(lists.button_label(b.name))
    rows = lists.procedure_rows([a, b])
    first, second = (row[0].text for row in rows)
    assert lists.reads(first) != lists.reads(second)
    assert first.endswith(own) or own in first.split(lists.GAP)[-1], first
    assert others_own in second.split(lists.GAP)[-1], second
    assert all(len(label) <= lists.BUTTON_CHARS for label in (first, second))
    assert first.split()[:2] == a.name.split()[:2]  # still starts as the name does
    assert not re.search(r"\w…\w", first + second)  # cut only between words
    assert [row[0].callback_data for row in rows] == [f"p:{one}", f"p:{other}"]


def test_marks_placed_differently_still_read_alike() -> None:
    """ "hàng hoá" and "hàng hóa" are the same words to a reader: told apart like siblings."""
    assert lists.reads("Thủ tục hải quan đối với hàng hoá…") == lists.reads(
        "Thủ tục hải quan đối với hàng hóa"
    )


def test_no_two_buttons_of_a_field_read_alike(catalogue: dict[str, Procedure]) -> None:
    by_field: dict[str, list[Procedure]] = defaultdict(list)
    for procedure in catalogue.values():
        by_field[procedure.field].append(procedure)
    for field, members in by_field.items():
        labels = [row[0].text for row in lists.procedure_rows([p.ref for p in members])]
        assert all(len(label) <= lists.BUTTON_CHARS for label in labels), field
        seen: dict[str, str] = {}
        for label in labels:
            assert lists.reads(label) not in seen, (
                f"{field}: {label!r} and {seen[lists.reads(label)]!r}"
            )
            seen[lists.reads(label)] = label


def test_processing_times_read_in_the_readers_language(i18n: I18n, profile: UnitProfile) -> None:
    """«3 ngày làm việc» is a number of working days: an English reader reads it in English,
    one and several alike; a time published in other words is shown as published."""
    timed = MADE_UP.model_copy(
        update={
            "channels": (
                Channel(kind="in_person", time="1 ngày làm việc", fee="Miễn phí"),
                Channel(kind="online", time="8 giờ", fee="Miễn phí"),
                Channel(kind="post", time="Không quy định", fee="Miễn phí"),
            )
        }
    )
    english = plain_text(cards.card(i18n.texts("en"), timed, profile))
    assert "• In person: 1 working day; Miễn phí" in english
    assert "• Online: 8 hours; Miễn phí" in english
    assert "• By post: Không quy định; Miễn phí" in english
    vietnamese = plain_text(cards.card(i18n.texts("vi"), timed, profile))
    assert "• Nộp trực tiếp: 1 ngày làm việc; Miễn phí" in vietnamese
    assert "• Trực tuyến: 8 giờ; Miễn phí" in vietnamese
