"""Admins keep the bot's word lists, flows and profile up to date from Telegram: /files to
download or restore, an edited file sent back takes effect at once, a broken one changes
nothing and says where it is broken."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.standin import StandIn
from bot.standin.sims import UserSim
from bot.standin.state import SentMessage
from tests.conftest import ADMIN_ID, BotRunner, alert, run_bot

ADMIN_ONLY = "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
NOTHING = "Xin lỗi, tôi chưa tìm thấy thủ tục nào phù hợp với «ổ gà bờ rào»"
RESTORE = "↩️ Khôi phục bản trước"
NEW_WORDS = "ổ gà bờ rào"
LEXICON = Path(__file__).resolve().parent.parent / "bot" / "data" / "lexicon.yaml"
SYNONYM = f"  - words: [{NEW_WORDS}]\n    means: đăng ký tạm trú\n"


def button_data(message: SentMessage, file: str, column: int) -> str:
    """The callback data of a file's download (0) or restore (1) button in /files."""
    for texts, data in zip(message.buttons, message.button_data, strict=True):
        if texts[0] == f"⬇️ {file}":
            return data[column]
    raise AssertionError(f"no row for {file} in {message.buttons}")


async def download(admin: UserSim, name: str) -> SentMessage:
    files = await admin.reply("/files")
    await admin.press_data(button_data(files, name, 0), files)
    sent = await admin.next_message()
    assert sent.kind == "document" and sent.filename == name
    assert sent.file_bytes is not None
    return sent


async def test_files_lists_every_file_with_its_buttons(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    files = await admin.reply("/files")
    lines = files.plain.splitlines()
    assert lines[0] == "Các tệp dữ liệu quản trị viên sửa được"
    assert lines[1:9] == [
        "• unit.yaml — phiên bản 1",
        "• lexicon.yaml — phiên bản 1",
        "• flows.yaml — phiên bản 1",
        "• departments.yaml — phiên bản 1",
        "• faq.yaml — phiên bản 1",
        "• phrasings.yaml — phiên bản 1",
        "• aliases.yaml — phiên bản 1",
        "• english.yaml — phiên bản 1",
    ]
    assert lines[-1].startswith("Để sửa: bấm nút tải tệp về")
    assert files.buttons == [
        ["⬇️ unit.yaml", RESTORE],
        ["⬇️ lexicon.yaml", RESTORE],
        ["⬇️ flows.yaml", RESTORE],
        ["⬇️ departments.yaml", RESTORE],
        ["⬇️ faq.yaml", RESTORE],
        ["⬇️ phrasings.yaml", RESTORE],
        ["⬇️ aliases.yaml", RESTORE],
        ["⬇️ english.yaml", RESTORE],
    ]
    # Nothing has been edited yet: there is nothing earlier to go back to.
    await admin.press_data(button_data(files, "lexicon.yaml", 1), files)
    nothing = await admin.next_message()
    assert nothing.plain == "Tệp lexicon.yaml chưa có phiên bản trước để khôi phục."


async def test_citizen_cannot_list_download_or_restore(bot: BotRunner, standin: StandIn) -> None:
    citizen = standin.user(1301, "Lan", language_code="vi")
    refused = await citizen.reply("/files")
    assert refused.plain == ADMIN_ONLY
    assert refused.buttons == []
    for data in ("af:get:1", "af:restore:1"):  # buttons copied from an admin, say
        await citizen.press_data(data, refused)
        answer = await alert(citizen)
        assert answer["text"] == ADMIN_ONLY and answer["show_alert"] is True
    assert await citizen.settle() == []  # no file was sent to them


async def test_download_sends_the_current_file(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    lexicon = await download(admin, "lexicon.yaml")
    assert lexicon.plain.startswith("Tệp lexicon.yaml, phiên bản 1.")
    text = (lexicon.file_bytes or b"").decode("utf-8")
    assert "shorthand:" in text and "synonyms:" in text and "featured_fields:" in text

    flows = await download(admin, "flows.yaml")
    assert "id: khai-sinh" in (flows.file_bytes or b"").decode("utf-8")

    # After an edit, the download is the edited file, not the shipped one.
    edited = (flows.file_bytes or b"").decode("utf-8").replace("Khai sinh cho con", "Làm khai sinh")
    await admin.send_document(edited.encode("utf-8"), filename="flows.yaml")
    assert "(phiên bản 2)" in (await admin.next_message()).plain
    again = await download(admin, "flows.yaml")
    assert again.plain.startswith("Tệp flows.yaml, phiên bản 2.")
    assert again.file_bytes == edited.encode("utf-8")


async def test_new_synonym_works_at_once_and_restore_undoes_it(
    bot: BotRunner, standin: StandIn
) -> None:
    citizen = standin.user(1302, "Hùng", language_code="vi")
    before = await citizen.reply(NEW_WORDS)
    assert before.plain.startswith(NOTHING)

    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    current = await download(admin, "lexicon.yaml")
    text = (current.file_bytes or b"").decode("utf-8")
    assert "\nsynonyms:\n" in text
    edited = text.replace("\nsynonyms:\n", "\nsynonyms:\n" + SYNONYM, 1)
    await admin.send_document(edited.encode("utf-8"), filename="lexicon.yaml")
    applied = await admin.next_message()
    assert applied.plain == (
        "Đã áp dụng tệp lexicon.yaml (phiên bản 2). "
        "Bot dùng nội dung mới ngay, không cần khởi động lại."
    )
    # The ways of asking are indexed on the lexicon's words too: rebuilt while the admin
    # waited, not when the next citizen asks.
    assert bot.services.answers.built

    now = await citizen.reply(NEW_WORDS)
    assert now.plain.startswith("Đăng ký tạm trú\n") and "Mã thủ tục: 1.004194" in now.plain
    unmarked = await citizen.reply("o ga bo rao")  # typed without marks: folded alike
    assert "Mã thủ tục: 1.004194" in unmarked.plain

    files = await admin.reply("/files")
    assert "• lexicon.yaml — phiên bản 2" in files.plain
    await admin.press_data(button_data(files, "lexicon.yaml", 1), files)
    restored = await admin.next_message()
    assert restored.plain == (
        "Đã khôi phục tệp lexicon.yaml về nội dung trước đó (lưu thành phiên bản 3)."
    )
    after = await citizen.reply(NEW_WORDS)
    assert after.plain.startswith(NOTHING)
    assert (await download(admin, "lexicon.yaml")).file_bytes == text.encode("utf-8")


async def test_invalid_yaml_names_the_line_and_changes_nothing(
    bot: BotRunner, standin: StandIn
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    broken = "shorthand:\n  dk: đăng ký\n\tfiller: [ạ]\n"  # a tab where spaces belong
    await admin.send_document(broken.encode("utf-8"), filename="lexicon.yaml")
    reply = await admin.next_message()
    assert reply.plain.startswith("Tệp lexicon.yaml chưa hợp lệ nên không có gì thay đổi.")
    assert "• lexicon.yaml, dòng 3: viết sai cú pháp YAML (found a tab character" in reply.plain

    wrong_field = "synonyms:\n  - words: [ổ gà]\n    mean: đăng ký tạm trú\n"
    await admin.send_document(wrong_field.encode("utf-8"), filename="lexicon.yaml")
    reply = await admin.next_message()
    assert "• lexicon.yaml, dòng 2, mục synonyms.0.means: còn thiếu mục này" in reply.plain
    assert (
        "• lexicon.yaml, dòng 3, mục synonyms.0.mean: "
        "không có mục nào tên như vậy (viết nhầm tên chăng?)"
    ) in reply.plain

    files = await admin.reply("/files")
    assert "• lexicon.yaml — phiên bản 1" in files.plain
    # Search still knows the shipped words (a refused file did not empty the lexicon).
    card = await standin.user(1303, "Mai", language_code="vi").reply("dki tạm trú")
    assert "Mã thủ tục: 1.004194" in card.plain


async def test_a_mistake_is_explained_in_the_admins_own_language(
    bot: BotRunner, standin: StandIn
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    text = ((await download(admin, "unit.yaml")).file_bytes or b"").decode("utf-8")
    line = 1 + next(i for i, x in enumerate(text.splitlines()) if x.startswith("website:"))
    broken = text.replace("website: https://", "website: ", 1).encode("utf-8")

    await admin.send_document(broken, filename="unit.yaml")
    reply = (await admin.next_message()).plain
    assert (
        f"• unit.yaml, dòng {line}, mục website: phải bắt đầu bằng http:// hoặc https://" in reply
    )
    assert "must" not in reply

    await admin.reply("/language")
    await admin.click("🇬🇧 English")
    await admin.settle()
    await admin.send_document(broken, filename="unit.yaml")
    reply = (await admin.next_message()).plain
    assert f"• unit.yaml:{line}: website: must start with http:// or https://" in reply


async def test_file_not_in_utf8_is_refused_politely(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    legacy = "shorthand:\n  ko: không\n".encode("cp1258")  # an old Windows code page
    await admin.send_document(legacy, filename="lexicon.yaml")
    reply = await admin.next_message()
    assert reply.plain == (
        "Tệp lexicon.yaml không phải văn bản UTF-8 nên không có gì thay đổi. "
        "Mời anh/chị lưu lại với mã hóa UTF-8 rồi gửi lại."
    )
    assert "• lexicon.yaml — phiên bản 1" in (await admin.reply("/files")).plain


async def test_file_with_a_bom_is_accepted(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    current = await download(admin, "unit.yaml")
    text = (current.file_bytes or b"").decode("utf-8").replace("024 0000 0000", "024 1111 2222")
    await admin.send_document(b"\xef\xbb\xbf" + text.encode("utf-8"), filename="unit.yaml")
    assert "Đã áp dụng tệp unit.yaml (phiên bản 2)" in (await admin.next_message()).plain
    greeting = await standin.user(1304, "Lan", language_code="vi").reply("/start")
    assert "024 1111 2222" in greeting.plain


async def test_command_line_loads_and_restores_like_the_bot(
    settings: Settings, standin: StandIn, tmp_path: Path
) -> None:
    database = settings.database
    shipped = LEXICON.read_text(encoding="utf-8")
    edited = tmp_path / "lexicon.yaml"
    edited.write_text(shipped.replace("\nsynonyms:\n", "\nsynonyms:\n" + SYNONYM, 1), "utf-8")
    loaded = run_bot(database, "files", "load", edited)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith(f"lexicon.yaml is now version 2 in {database}")

    broken = tmp_path / "broken" / "lexicon.yaml"
    broken.parent.mkdir()
    broken.write_text("synonyms:\n  - words: [ổ gà]\n    mean: x\n", "utf-8")
    refused = run_bot(database, "files", "load", broken)
    assert refused.returncode == 1
    assert f"{broken}:2: synonyms.0.means: this field is required" in refused.stderr
    assert refused.stderr.rstrip().endswith("Nothing was changed.")

    runner = BotRunner(settings)
    await runner.start()
    try:
        citizen = standin.user(1305, "Lan", language_code="vi")
        assert "Mã thủ tục: 1.004194" in (await citizen.reply(NEW_WORDS)).plain
    finally:
        await runner.stop()

    restored = run_bot(database, "files", "restore", "lexicon.yaml")
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("lexicon.yaml is now version 3")
    unknown = run_bot(database, "files", "restore", "secrets.yaml")
    assert unknown.returncode == 1
    assert "secrets.yaml: not an editable file (expected one of: unit.yaml" in unknown.stderr

    await runner.start()
    try:
        citizen = standin.user(1306, "Hà", language_code="vi")
        assert (await citizen.reply(NEW_WORDS)).plain.startswith(NOTHING)
    finally:
        await runner.stop()


async def test_a_file_too_large_is_refused_with_its_own_limit(
    bot: BotRunner, standin: StandIn
) -> None:
    """A word list may be up to 1 MB (the shipped phrasings.yaml is a third of that), a
    dossier CSV up to 5 MB; each refusal names the limit that applies."""
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    padding = "# " + "x" * 98 + "\n"
    huge = ("shorthand:\n  dk: đăng ký\n" + padding * 10_001).encode("utf-8")
    assert 1_000_000 < len(huge) < 5_000_000
    await admin.send_document(huge, filename="lexicon.yaml")
    refused = await admin.next_message()
    assert refused.plain == "Tệp lexicon.yaml quá lớn (tối đa 1 MB) nên không có gì thay đổi."
    await admin.send_document(b"ma_ho_so,trang_thai\n" + b"x" * 5_000_001, filename="hs.csv")
    refused = await admin.next_message()
    assert refused.plain == "Tệp hs.csv quá lớn (tối đa 5 MB) nên không có gì thay đổi."
    shipped = (Path(__file__).parent.parent / "bot" / "data" / "phrasings.yaml").read_bytes()
    await admin.send_document(shipped, filename="phrasings.yaml")
    accepted = await admin.next_message()
    assert "quá lớn" not in accepted.plain, accepted.plain
