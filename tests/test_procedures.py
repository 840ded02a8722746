"""Rule 1, "Khách hỏi, được tư vấn": a question typed in a private chat gets a procedure's card,
a short list to choose from, or a kind "not found"; browsing by field and deep links lead to
the same cards, and buttons the catalogue can no longer honour say so."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sqlite3
from pathlib import Path

import yaml

from bot.handlers.procedures import views as cards
from bot.services.catalogue import CatalogueService, shipped_procedures
from bot.standin import StandIn
from bot.standin.state import SentMessage
from bot.storage.db import Database
from bot.storage.procedures import ProcedureRepository
from bot.ui import lists
from bot.ui.buttons import ShowCard
from tests.conftest import ADMIN_ID, BotRunner, alert, pressed

CHOICES = "Tôi tìm thấy một số thủ tục gần với câu hỏi của anh/chị. Mời chọn thủ tục phù hợp:"
NOTHING = "Xin lỗi, tôi chưa tìm thấy thủ tục nào phù hợp với «{query}»"
GONE = "Thủ tục hoặc lĩnh vực này không còn trong danh mục. Mời anh/chị tìm lại."
NONE_FIT = "🤔 Không có thủ tục tôi cần"
BACK_HOME = "⬅️ Về menu chính"
ASK_AGAIN = "🔎 Hỏi thủ tục khác"
ASK_OFFICIAL = "🙋 Hỏi cán bộ"
TAM_TRU_URL = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-770b-734d-b7fb-5e1995f194f4"
LEXICON = Path(__file__).resolve().parent.parent / "bot" / "data" / "lexicon.yaml"


def flat(message: SentMessage) -> list[str]:
    return [text for row in message.buttons for text in row]


def data_of(message: SentMessage, button: str) -> str:
    for texts, data in zip(message.buttons, message.button_data, strict=True):
        for text, value in zip(texts, data, strict=True):
            if text == button:
                return value
    raise AssertionError(f"no button {button!r} on {message.plain[:60]!r}")


async def test_exact_name_gets_its_card(bot: BotRunner, standin: StandIn) -> None:
    lan = standin.user(1101, "Lan", language_code="vi")
    card = await lan.reply("Đăng ký tạm trú")
    text = card.plain
    assert "<b>Đăng ký tạm trú</b>" in (card.text or "")
    assert text.startswith("Đăng ký tạm trú\n")
    assert "Mã thủ tục: 1.004194 · Lĩnh vực: Đăng ký, quản lý cư trú" in text
    assert "Giấy tờ cần chuẩn bị" in text
    assert "• Nộp trực tiếp: 3 ngày làm việc; 10.000 đồng" in text
    assert "• Trực tuyến: 3 ngày làm việc; 7.000 đồng" in text
    # Residence is the ward police's business: the card sends the citizen there.
    assert "Nơi nộp hồ sơ: Công an phường Đống Đa" in text
    assert "UBND phường Đống Đa, thành phố Hà Nội" not in text
    assert "Nộp trực tuyến qua Cổng Dịch vụ công quốc gia" in text
    assert f'href="{TAM_TRU_URL}"' in (card.text or "")
    buttons = flat(card)
    for section in ("📄 Xem đủ giấy tờ", "📝 Các bước thực hiện", "⚖️ Căn cứ pháp lý"):
        assert section in buttons
    assert "💰 Chi tiết lệ phí" in buttons
    # 1.004194 publishes no conditions: no button for what is not there.
    assert "✅ Yêu cầu, điều kiện" not in buttons
    assert card.buttons[-1] == [ASK_AGAIN, BACK_HOME]


async def test_steps_section_and_back_to_the_card(bot: BotRunner, standin: StandIn) -> None:
    lan = standin.user(1102, "Lan", language_code="vi")
    card = await lan.reply("Đăng ký tạm trú")
    steps = await pressed(lan, "📝 Các bước thực hiện", card)
    assert steps is not card  # a new message; the card stays where it was
    assert steps.plain.startswith("Các bước thực hiện — Đăng ký tạm trú")
    assert "Bước 1:" in steps.plain and "Công an cấp xã" in steps.plain
    assert steps.buttons == [["⬅️ Về thủ tục", BACK_HOME]]
    assert lan.callback_answers[-1]["show_alert"] is False
    again = await pressed(lan, "⬅️ Về thủ tục", steps)
    assert again.plain == card.plain
    assert again.buttons == card.buttons


async def test_long_document_list_is_behind_a_button(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1103, "Hùng", language_code="vi")
    card = await user.reply("Thủ tục đăng ký kết hôn")
    assert "Mã thủ tục: 1.000894" in card.plain
    more = re.search(r"… và (\d+) giấy tờ khác \(bấm «Xem đủ giấy tờ»\)", card.plain)
    assert more is not None
    full = await pressed(user, "📄 Xem đủ giấy tờ", card)
    assert full.plain.startswith("Giấy tờ cần chuẩn bị — Thủ tục đăng ký kết hôn")
    numbered = re.findall(r"^\d+\. ", full.plain, re.MULTILINE)
    assert len(numbered) > int(more.group(1))  # the full list numbers every document


async def test_ambiguous_question_lists_siblings_and_one_opens(
    bot: BotRunner, standin: StandIn
) -> None:
    user = standin.user(1104, "Mai", language_code="vi")
    # Generic wordings shared by many "Cấp lại ..." procedures; any one of them giving a list
    # is enough, so this does not hang on the exact ranking of the day.
    for question in ("cấp lại giấy phép", "cấp lại giấy chứng nhận", "giấy phép"):
        answer = await user.reply(question)
        if answer.plain == CHOICES:
            break
    else:
        raise AssertionError(f"no generic question gave a list; last answer: {answer.plain!r}")
    procedures = answer.buttons[:-1]
    assert 2 <= len(procedures) <= 5
    assert all(len(row) == 1 for row in procedures)
    assert answer.buttons[-1] == [NONE_FIT]
    first = procedures[0][0]
    code = data_of(answer, first).removeprefix("p:")
    card = await pressed(user, first, answer)
    assert f"Mã thủ tục: {code}" in card.plain
    assert card.plain.startswith(first.rstrip("…"))

    none_fit = await pressed(user, NONE_FIT, answer)
    assert none_fit.plain.startswith("Xin lỗi vì chưa tìm đúng thủ tục anh/chị cần.")
    assert "Bộ phận Một cửa" in none_fit.plain
    assert none_fit.buttons == [
        ["📚 Xem theo lĩnh vực"],
        [ASK_OFFICIAL],
        ["📣 Gửi phản ánh, kiến nghị"],
        ["🔎 Tra cứu hồ sơ"],
        [BACK_HOME],
    ]


async def test_a_procedure_pruned_while_the_bot_runs_says_it_is_gone(
    bot: BotRunner, standin: StandIn
) -> None:
    """A catalogue import with --prune, from another process, removes a procedure the bot
    still lists until the restart the import asks for: its button says so."""
    user = standin.user(1105, "Hải", language_code="vi")
    listed = await user.reply("/start g-khai-sinh")
    database = bot.settings.database
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("DELETE FROM procedures WHERE code = ?", ("1.004194",))
    await user.press_data(ShowCard("1.004194").data, listed)
    gone = await user.next_message()
    assert gone.plain == "Thủ tục hoặc lĩnh vực này không còn trong danh mục. Mời anh/chị tìm lại."


async def test_nothing_found_is_kind_and_recorded_for_admins(
    bot: BotRunner, standin: StandIn
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    before = await admin.reply("/misses")
    assert before.plain == (
        "✅ Không còn câu hỏi nào chờ xử lý: bot đã trả lời được mọi câu hỏi gần đây."
    )

    citizen = standin.user(1105, "Tùng", language_code="vi")
    answer = await citizen.reply("xyzqwv   lorem")
    assert answer.plain.startswith(NOTHING.format(query="xyzqwv lorem"))
    assert "Đường dây nóng" in answer.plain and "Địa chỉ" in answer.plain
    assert answer.buttons == [
        ["📚 Xem theo lĩnh vực"],
        [ASK_OFFICIAL],
        ["📣 Gửi phản ánh, kiến nghị"],
        ["🔎 Tra cứu hồ sơ"],
        [BACK_HOME],
    ]

    refused = await citizen.reply("/misses")
    assert refused.plain == "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
    assert "xyzqwv" not in refused.plain

    after = await admin.reply("/misses")  # the queue admins teach the bot from (test_misses)
    assert after.plain.startswith("📝 1 câu hỏi bot chưa trả lời tốt")
    assert after.plain.splitlines()[1].startswith("1. «xyzqwv lorem» — 1 lần, gần nhất ")
    assert after.plain.splitlines()[1].endswith(" · không tìm thấy")


async def test_browsing_fields_pages_and_a_procedure(bot: BotRunner, standin: StandIn) -> None:
    featured = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))["featured_fields"]
    sizes: dict[str, int] = {}
    catalogue = bot.services.catalogue
    for procedure in shipped_procedures():
        if catalogue.in_scope(procedure.code):  # no customs or maritime at a city ward
            sizes[procedure.field] = sizes.get(procedure.field, 0) + 1
    assert "Hải quan" not in sizes
    shown_first = [f"{name} ({sizes[name]})" for name in featured if name in sizes][:8]

    user = standin.user(1106, "Hà", language_code="vi")
    ask = await user.reply("/start m-ask")
    page1 = await pressed(user, "📚 Xem theo lĩnh vực", ask)
    pages = (len(sizes) + 7) // 8
    assert page1.plain == f"📚 Mời chọn lĩnh vực (trang 1/{pages}):"
    fields1 = [row[0] for row in page1.buttons[:8]]
    assert fields1[0] == f"Hộ tịch ({sizes['Hộ tịch']})"
    assert fields1[: len(shown_first)] == shown_first
    assert page1.buttons[-2] == ["Trang sau ▶️"]  # no "previous" on the first page
    assert page1.buttons[-1] == [BACK_HOME]

    page2 = await pressed(user, "Trang sau ▶️", page1)
    assert page2.plain == f"📚 Mời chọn lĩnh vực (trang 2/{pages}):"
    fields2 = [row[0] for row in page2.buttons[:8]]
    assert not set(fields1) & set(fields2)
    assert page2.buttons[-2] == ["◀️ Trang trước", "Trang sau ▶️"]
    back = await pressed(user, "◀️ Trang trước", page2)
    assert [row[0] for row in back.buttons[:8]] == fields1

    hotich = await pressed(user, fields1[0], back)
    hotich_pages = (sizes["Hộ tịch"] + 7) // 8
    assert hotich.plain.startswith(f"📚 Hộ tịch (trang 1/{hotich_pages})")
    assert f"{sizes['Hộ tịch']} thủ tục. Mời chọn:" in hotich.plain
    listed = [row[0] for row in hotich.buttons[:8]]
    assert all(data.startswith("p:") for row in hotich.button_data[:8] for data in row)
    assert hotich.buttons[-2] == ["Trang sau ▶️"]
    assert hotich.buttons[-1] == ["📚 Các lĩnh vực khác"]

    more = await pressed(user, "Trang sau ▶️", hotich)
    assert more.plain.startswith(f"📚 Hộ tịch (trang 2/{hotich_pages})")
    # Compared by code: two long names may shorten to the same label (see the report).
    assert not {d for row in hotich.button_data[:8] for d in row} & {
        d for row in more.button_data[:8] for d in row
    }
    assert more.buttons[-2] == ["◀️ Trang trước", "Trang sau ▶️"]

    code = data_of(hotich, listed[0]).removeprefix("p:")
    card = await pressed(user, listed[0], hotich)
    assert f"Mã thủ tục: {code} · Lĩnh vực: Hộ tịch" in card.plain

    fields_again = await pressed(user, "📚 Các lĩnh vực khác", hotich)
    assert fields_again.plain == page1.plain


async def test_deep_link_opens_a_procedure_card(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1107, "Nga", language_code="vi")
    card = await user.reply("/start p-1_004194")
    assert card.plain.startswith("Đăng ký tạm trú\n")
    assert "Mã thủ tục: 1.004194" in card.plain
    assert "📝 Các bước thực hiện" in flat(card)


async def test_unknown_procedure_in_a_deep_link_greets_instead(
    bot: BotRunner, standin: StandIn
) -> None:
    user = standin.user(1108, "Quân", language_code="vi")
    reply = await user.reply("/start p-9_999999")
    assert reply.plain.startswith("Xin chào Quân!")
    assert "không còn hiệu lực" in reply.plain


async def test_forged_buttons_answer_with_an_alert(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1109, "Bình", language_code="vi")
    card = await user.reply("Đăng ký tạm trú")
    for data in ("p:9.999999", "fp:deadbeef:0", "pd:9.999999:steps", "pd:1.004194:nonsense"):
        await user.press_data(data, card)
        answer = await alert(user)
        assert answer["text"] == GONE and answer["show_alert"] is True, data
    # 1.004194 has no conditions: its (forged) conditions button is gone as well.
    await user.press_data("pd:1.004194:conditions", card)
    assert (await alert(user))["text"] == GONE
    assert await user.settle() == []  # an alert, and nothing posted in the chat


async def test_english_speaker_reads_card_labels_in_english(
    bot: BotRunner, standin: StandIn
) -> None:
    tom = standin.user(1110, "Tom", language_code="en")
    card = await tom.reply("Đăng ký tạm trú")
    assert "Procedure code: 1.004194" in card.plain
    assert "Documents to bring" in card.plain
    assert "• In person: 3 working days; 10.000 đồng" in card.plain
    assert "Mã thủ tục" not in card.plain
    assert "📝 Steps" in flat(card)
    assert card.buttons[-1] == ["🔎 Ask about another", "⬅️ Back to the main menu"]
    await tom.press_data("p:9.999999", card)
    assert (await alert(tom))["text"] == (
        "This procedure or field is no longer in the catalogue. Please search again."
    )


async def test_card_follows_the_unit_profile(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    current = await admin.reply("/unit")
    assert current.file_bytes is not None
    edited = current.file_bytes.decode("utf-8").replace(
        "address: Bộ phận Một cửa, UBND phường Đống Đa, thành phố Hà Nội",
        "address: Số 9 Đường Láng, UBND xã Minh Phú",
    )
    await admin.send_document(edited.encode("utf-8"), filename="unit.yaml")
    assert "Đã áp dụng tệp unit.yaml" in (await admin.next_message()).plain
    # Birth registration is the UBND's own: its card gives the unit's address.
    card = await standin.user(1111, "Lan", language_code="vi").reply("Đăng ký khai sinh")
    assert "Nơi nộp hồ sơ: Số 9 Đường Láng, UBND xã Minh Phú" in card.plain
    assert "Đống Đa" not in card.plain


def test_sibling_procedures_get_buttons_that_tell_them_apart() -> None:
    """Two names that differ only at the end would shorten to the same button."""
    catalogue = {p.code: p.ref for p in shipped_procedures()}
    here, abroad = catalogue["1.004859"], catalogue["2.000748"]
    assert lists.button_label(here.name) == lists.button_label(abroad.name)
    rows = lists.procedure_rows([here, catalogue["1.002759"], abroad])
    labels = [row[0].text for row in rows]
    assert len(set(labels)) == 3 and all(len(label) <= lists.BUTTON_CHARS for label in labels)
    assert labels[0].startswith("Thủ tục thay đổi, cải chính") and labels[0].endswith("dân tộc")
    assert labels[2].startswith("Thủ tục thay đổi, cải chính")
    assert labels[2].endswith("có yếu tố nước ngoài")
    assert labels[1] == catalogue["1.002759"].name  # short enough: untouched
    assert [row[0].callback_data for row in rows] == ["p:1.004859", "p:1.002759", "p:2.000748"]
    same_name = dataclasses.replace(here, code="9.999999")
    twins = [row[0].text for row in lists.procedure_rows([here, same_name])]
    assert twins[0].endswith("· 1.004859") and twins[1].endswith("· 9.999999")


async def test_card_lists_what_everyone_brings_before_special_cases(
    bot: BotRunner, standin: StandIn
) -> None:
    user = standin.user(1111, "Mai", language_code="vi")
    card = await user.reply("Thủ tục đăng ký khai sinh")
    assert "Mã thủ tục: 1.001193" in card.plain
    shown = [line for line in card.plain.splitlines() if line.startswith("• ")]
    assert shown[0].startswith("• Tờ khai đăng ký khai sinh")  # the form first
    assert any(line.startswith("• Giấy chứng sinh") for line in shown)
    assert not any(line.startswith("• Trường hợp") for line in shown)  # behind the button
    assert len(shown) - 3 <= cards.CARD_DOCUMENTS  # three lines are the submission channels
    full = await pressed(user, "📄 Xem đủ giấy tờ", card)
    everyone, cases = full.plain.split("🔸 Chỉ cần trong một số trường hợp", 1)
    assert re.search(r"^\d+\. Giấy chứng sinh", everyone, re.MULTILINE)
    assert re.search(r"^\d+\. Trường hợp trẻ em bị bỏ rơi", cases, re.MULTILINE)


async def test_the_catalogue_searches_even_when_no_lexicon_could_be_applied(
    tmp_path: Path,
) -> None:
    """The index is built when lexicon.yaml is applied; if no version of it could be, it is
    built all the same once the admin files are loaded, with no everyday words."""
    async with Database(tmp_path / "catalogue.sqlite3") as db:
        catalogue = CatalogueService(ProcedureRepository(db))
        await catalogue.load()
        assert catalogue.get("1.001193") is not None  # names are there for the files' checks
        await catalogue.ready()
        found = catalogue.search("đăng ký khai sinh")
        assert found.card is not None and found.card.code == "1.001193", found
