"""What a newcomer met in the first hour: a double tap that logged an error, codes shown as
markup, edited messages that went nowhere, a /help that hid commands, wrong hints in the data
files' headers and the command line's help, and a sticker told it was "at this step"."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from telegram import Update
from telegram.error import BadRequest

from bot.handlers import errors
from bot.handlers.context import BotContext
from bot.handlers.menu.handlers import COMMANDS
from bot.standin import StandIn
from bot.standin.sims import UserSim
from tests.conftest import ADMIN_ID, BotRunner, pressed, run_bot
from tests.test_complaints import OFFICIAL, start_complaint
from tests.test_dossiers import CODE, office, receive, services

ROOT = Path(__file__).resolve().parent.parent
MENU_EN = "📋 Ask about a procedure"
MENU_VI = "📋 Hỏi về thủ tục hành chính"
BODY = "Ổ gà lớn trước số nhà 45 phố Hào Nam, xe máy rất dễ ngã."


# --- 1. "message is not modified" is no error ------------------------------------------------


async def test_pressing_english_twice_is_quiet(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    user = standin.user(5101, "Lan", language_code="vi")
    choose = await user.reply("/language")
    english = next(b for b in choose.inline_buttons() if b["text"] == "🇬🇧 English")
    # A double tap: both presses reach the bot before it has edited the message.
    await user.press_data(english["callback_data"], choose)
    await user.press_data(english["callback_data"], choose)
    said = await user.settle(quiet=0.5)
    refused = [c for c in standin.calls_to("editMessageText") if not c.ok]
    assert refused and "not modified" in (refused[-1].description or "")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert choose.plain == "Switched to English."
    assert said and said[-1].buttons[0] == [MENU_EN]
    assert not any("Sorry" in m.plain for m in said)
    assert all(not answer.get("show_alert") for answer in user.callback_answers)


async def test_not_modified_reaching_the_error_handler_is_logged_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.errors")
    context = SimpleNamespace(error=BadRequest("Message is not modified: specified new message"))
    await errors.on_error(Update(update_id=1), cast(BotContext, context))
    assert [r.levelno for r in caplog.records if r.name == "bot.errors"] == [logging.DEBUG]


# --- 2. /link shows the codes, not their markup ----------------------------------------------


async def test_link_lists_codes_without_escaped_markup(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    group = standin.group(-1005102, "Phòng Văn phòng", members={ADMIN_ID: "administrator"})
    listing = await group.reply(admin, "/link")
    assert "van-phong" in listing.plain
    assert "&lt;" not in listing.plain and "<code>" not in listing.plain
    assert "<code>van-phong</code>" in (listing.text or "")


# --- 3. edited messages ----------------------------------------------------------------------


async def at_the_description(citizen: UserSim) -> None:
    """A complaint begun, up to the step that asks for its description."""
    start = await start_complaint(citizen)
    await pressed(citizen, "Đường sá, vỉa hè, thoát nước", start)


async def test_an_edit_during_a_step_is_taken_as_the_answer(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(5103, "Nam", language_code="vi")
    await at_the_description(citizen)
    short = await citizen.reply("ổ gà")
    assert "hơi ngắn" in short.plain
    await citizen.edit(None, BODY)  # they fix the message instead of typing it again
    photos = await citizen.next_message()
    assert "ảnh chụp hiện trường" in photos.plain
    conversation = await services(bot).people.conversation(citizen.id, citizen.id)
    assert conversation is not None and conversation.step == "photos"
    assert conversation.data["body"] == BODY


async def test_an_edit_during_the_check_value_step_is_taken(
    bot: BotRunner, standin: StandIn
) -> None:
    check = await receive(await office(standin), standin.user(OFFICIAL, "Hùng"))
    citizen = standin.user(5104, "Hà", language_code="vi")
    card = await citizen.reply(CODE)
    ask_check = await pressed(citizen, "🔔 Theo dõi hồ sơ này", card)
    assert "mã kiểm tra" in ask_check.plain
    wrong = await citizen.reply(check[:5] + ("A" if check[5] != "A" else "B"))  # a typo
    assert wrong.plain.startswith("Mã kiểm tra chưa đúng")
    await citizen.edit(None, check)
    following = await citizen.next_message()
    assert following.plain.startswith("🔔 Anh/chị đang theo dõi hồ sơ " + CODE)


async def test_an_edit_outside_a_conversation_is_ignored(bot: BotRunner, standin: StandIn) -> None:
    citizen = standin.user(5105, "Lan", language_code="vi")
    await citizen.reply("/start")
    await citizen.reply("đăng ký tạm trú")
    await citizen.edit(None, "đăng ký thường trú")
    assert await citizen.settle(quiet=0.5) == []


# --- 4. small things -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "news"),
    [("vi", ["/tatthongbao", "/batthongbao"]), ("en", ["/stopnews", "/news"])],
)
async def test_help_lists_every_citizen_command(
    bot: BotRunner, standin: StandIn, language: str, news: list[str]
) -> None:
    user = standin.user(5106 if language == "vi" else 5107, "Minh", language_code=language)
    shown = (await user.reply("/help")).plain
    for command in [*(f"/{name}" for name in COMMANDS), *news]:
        assert command in shown.split(), command


def test_data_file_headers_name_commands_that_exist() -> None:
    for path in [*(ROOT / "bot" / "data").glob("*.yaml"), ROOT / "bot" / "flows" / "flows.yaml"]:
        header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True)[:12])
        assert "bot unit load" not in header, path.name
        for hint in header.split("python -m bot ")[1:]:
            assert hint.startswith(("files load", "files restore")), (path.name, hint)


async def test_files_help_names_every_editable_file(bot: BotRunner, tmp_path: Path) -> None:
    result = run_bot(tmp_path / "help.sqlite3", "files", "--help")
    assert result.returncode == 0, result.stderr
    shown = " ".join(result.stdout.split())
    for name in services(bot).documents.names:
        assert name in shown, name


def test_readme_documents_every_shell_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The local chat shell", 1)[1].split("\n## ", 1)[0]
    for command in (":help", ":official", ":citizen", ":reply", ":text", ":photo", ":file"):
        assert f"`{command}" in section, command
    for command in (":location", ":contact", ":sticker", ":quit"):
        assert f"`{command}" in section, command


async def test_sticker_after_leaving_a_prompt_for_the_menu(
    bot: BotRunner, standin: StandIn
) -> None:
    user = standin.user(5108, "Lan", language_code="vi")
    await user.reply("/start")
    ask = await pressed(user, MENU_VI)
    menu = await pressed(user, "⬅️ Về menu chính", ask)
    assert menu.plain == "Anh/chị cần hỗ trợ việc gì? Mời chọn một mục bên dưới."
    await user.send_sticker()
    kind = await user.next_message()
    assert "chỉ đọc được tin nhắn dạng chữ" in kind.plain
    assert kind.buttons[0] == [MENU_VI]
    # The same after a dossier look-up that found nothing, left with /menu.
    await user.reply("/hoso 000.00.12.H26-999999-0000")
    await user.reply("/menu")
    await user.send_sticker()
    assert "chỉ đọc được tin nhắn dạng chữ" in (await user.next_message()).plain


async def test_menu_in_the_middle_of_a_complaint_says_it_was_left(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(5109, "Nam", language_code="vi")
    await at_the_description(citizen)
    menu = await citizen.reply("/menu")
    assert menu.plain.startswith("Đã hủy thao tác đang làm")
    assert menu.buttons[0] == [MENU_VI]
    assert await services(bot).people.conversation(citizen.id, citizen.id) is None
    # What they type now is a question again, not a complaint's description.
    answer = await citizen.reply(BODY)
    assert "ảnh chụp hiện trường" not in answer.plain


async def test_sticker_mid_step_still_asks_for_words(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(5110, "Lan", language_code="vi")
    await user.reply("/hoso")
    await user.send_sticker()
    assert "Ở bước này" in (await user.next_message()).plain


async def test_an_edit_of_an_answer_already_taken_is_not_the_next_steps_answer(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(5112, "Nam", language_code="vi")
    await at_the_description(citizen)
    photos = await citizen.reply(BODY)
    assert "ảnh chụp hiện trường" in photos.plain
    await citizen.edit(None, BODY + " Xin cảm ơn.")  # fixing the description, now behind them
    assert await citizen.settle(quiet=0.5) == []
    conversation = await services(bot).people.conversation(citizen.id, citizen.id)
    assert conversation is not None and conversation.step == "photos"
    assert conversation.data["body"] == BODY
