"""Guided flows: a question or two with buttons leads a citizen to the right procedure; the
flows are data an admin edits, and a broken file never replaces working flows."""

from __future__ import annotations

from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner, alert, pressed

WHERE = "Cháu bé sinh ở Việt Nam hay ở nước ngoài? Bố hoặc mẹ có phải người nước ngoài không?"
PARENTS = "Bố và mẹ của cháu đã đăng ký kết hôn chưa?"
TOGETHER = "Anh/chị có muốn làm luôn đăng ký thường trú"
RESTART_ROW = ["↩️ Làm lại", "⬅️ Về menu chính"]
GONE = "Thủ tục hoặc lĩnh vực này không còn trong danh mục. Mời anh/chị tìm lại."
FLOW_BUTTONS = [
    "🧭 Khai sinh cho con",
    "🧭 Đăng ký kết hôn",
    "🧭 Đăng ký cư trú (hộ khẩu, tạm trú)",
    "🧭 Chứng thực (sao y, chữ ký, hợp đồng)",
    "🧭 Hộ kinh doanh (mở cửa hàng, quán ăn)",
]


async def test_birth_flow_leads_to_the_birth_registration_card(
    bot: BotRunner, standin: StandIn
) -> None:
    lan = standin.user(1201, "Lan", language_code="vi")
    where = await lan.reply("/start g-khai-sinh")
    assert where.plain == WHERE
    assert where.buttons == [
        ["Sinh ở Việt Nam, bố mẹ là người Việt Nam"],
        ["Có yếu tố nước ngoài"],
        RESTART_ROW,
    ]
    parents = await pressed(lan, "Sinh ở Việt Nam, bố mẹ là người Việt Nam", where)
    assert parents.plain == PARENTS
    together = await pressed(lan, "Đã đăng ký kết hôn", parents)
    assert together.plain.startswith(TOGETHER)
    remark = await pressed(lan, "Chỉ khai sinh", together)
    assert remark.plain == "ℹ️ Nhớ mang theo giấy chứng sinh do bệnh viện hoặc cơ sở y tế cấp."
    card = await lan.next_message()
    assert card.plain.startswith("Thủ tục đăng ký khai sinh\n")
    assert "Mã thủ tục: 1.001193 · Lĩnh vực: Hộ tịch" in card.plain
    assert "📝 Các bước thực hiện" in [b for row in card.buttons for b in row]
    # The flow is over: what she types next is a new question, not an answer to a step.
    answer = await lan.reply("Đăng ký tạm trú")
    assert "Mã thủ tục: 1.004194" in answer.plain


async def test_step_with_several_procedures_offers_a_list(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1202, "Hùng", language_code="vi")
    where = await user.reply("/start g-khai-sinh")
    remark = await pressed(user, "Có yếu tố nước ngoài", where)
    assert remark.plain.startswith("ℹ️ Khai sinh có yếu tố nước ngoài có giấy tờ riêng")
    results = await user.next_message()
    assert results.plain == "Các thủ tục phù hợp với trường hợp của anh/chị:"
    assert [row[0] for row in results.button_data[:2]] == ["p:2.000528", "p:1.001695"]
    assert results.buttons[-1] == RESTART_ROW
    card = await pressed(user, results.buttons[1][0], results)
    assert "Mã thủ tục: 1.001695" in card.plain


async def test_ask_screen_lists_the_flows_and_one_starts(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1203, "Mai", language_code="vi")
    ask = await user.reply("/start m-ask")
    assert [row[0] for row in ask.buttons] == [
        *FLOW_BUTTONS,
        "📚 Xem theo lĩnh vực",
        "⬅️ Về menu chính",
    ]
    what = await pressed(user, "🧭 Đăng ký cư trú (hộ khẩu, tạm trú)", ask)
    assert what.plain == "Anh/chị muốn làm gì?"
    first_or_not = await pressed(user, "Đăng ký tạm trú (ở trọ, ở nhờ)", what)
    assert first_or_not.plain == "Anh/chị đăng ký tạm trú lần đầu hay gia hạn?"
    card = await pressed(user, "Lần đầu", first_or_not)
    assert card.plain.startswith("Đăng ký tạm trú\n") and "Mã thủ tục: 1.004194" in card.plain


async def test_restart_goes_back_to_the_first_question(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1204, "Tùng", language_code="vi")
    where = await user.reply("/start g-khai-sinh")
    parents = await pressed(user, "Sinh ở Việt Nam, bố mẹ là người Việt Nam", where)
    assert parents.plain == PARENTS
    again = await pressed(user, "↩️ Làm lại", parents)
    assert again is not parents and again.plain == WHERE
    assert again.buttons == where.buttons


async def test_option_on_an_old_message_still_works(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1205, "Hà", language_code="vi")
    where = await user.reply("/start g-khai-sinh")
    parents = await pressed(user, "Sinh ở Việt Nam, bố mẹ là người Việt Nam", where)
    await pressed(user, "Chưa, chỉ khai sinh cho con", parents)
    card = await user.next_message()
    assert "Mã thủ tục: 1.001193" in card.plain
    # Back up the chat and answer the older question differently: it leads where it says.
    with_father = await pressed(user, "Chưa, bố muốn nhận con ngay khi khai sinh", parents)
    assert "Mã thủ tục: 1.000689" in with_father.plain
    first = await pressed(user, "Có yếu tố nước ngoài", where)
    assert first.plain.startswith("ℹ️ Khai sinh có yếu tố nước ngoài")


async def test_typing_at_a_button_step_is_a_new_question(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1206, "Nga", language_code="vi")
    where = await user.reply("/start g-khai-sinh")
    await pressed(user, "Sinh ở Việt Nam, bố mẹ là người Việt Nam", where)
    card = await user.reply("Thủ tục đăng ký kết hôn")
    assert "Mã thủ tục: 1.000894" in card.plain
    nothing = await user.reply("xyzqwv lorem")
    assert nothing.plain.startswith("Xin lỗi, tôi chưa tìm thấy thủ tục nào phù hợp")


async def test_unknown_flow_in_a_deep_link_greets(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1207, "Quân", language_code="vi")
    reply = await user.reply("/start g-khong-co")
    assert reply.plain.startswith("Xin chào Quân!") and "không còn hiệu lực" in reply.plain


async def test_forged_flow_buttons_answer_with_an_alert(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(1208, "Bình", language_code="vi")
    where = await user.reply("/start g-khai-sinh")
    for data in (
        "g:khong-co",
        "g:khai-sinh:where:9",
        "g:khai-sinh:nowhere:0",
        "g:khai-sinh:where:x",
    ):
        await user.press_data(data, where)
        answer = await alert(user)
        assert answer["text"] == GONE and answer["show_alert"] is True, data
    assert await user.settle() == []


BAD_FLOWS = """\
flows:
  - id: thu
    title: {vi: "Thử"}
    start: a
    steps:
      a:
        ask: {vi: "Chọn một"}
        options:
          - label: {vi: "Đi tiếp"}
            next: nowhere
          - label: {vi: "Xong"}
            next: done
      done:
        result: ["1.004194", "9.999999"]
  - id: thu
    title: {vi: "Lặp lại"}
    start: x
    steps:
      x:
        result: ["1.004194"]
"""


async def test_broken_flows_file_is_refused_and_changes_nothing(
    bot: BotRunner, standin: StandIn
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await admin.send_document(BAD_FLOWS.encode("utf-8"), filename="flows.yaml")
    reply = await admin.next_message()
    assert reply.plain.startswith("Tệp flows.yaml chưa hợp lệ nên không có gì thay đổi.")
    problems = reply.plain.splitlines()[1:]
    assert problems == [
        "• flows.yaml, dòng 10, mục flows.0.steps.a.options.0.next: "
        "không có bước nào tên “nowhere”",
        "• flows.yaml, dòng 14, mục flows.0.steps.done.result.1: "
        "danh mục không có thủ tục nào mã “9.999999”",
        "• flows.yaml, dòng 15, mục flows.1.id: mã luồng “thu” bị dùng hai lần",
    ]
    assert len(problems) == 3

    files = await admin.reply("/files")
    assert "flows.yaml — phiên bản 1" in files.plain

    user = standin.user(1209, "Lan", language_code="vi")
    ask = await user.reply("/start m-ask")
    assert [row[0] for row in ask.buttons[:5]] == FLOW_BUTTONS
    assert (await user.reply("/start g-khai-sinh")).plain == WHERE
    assert (await user.reply("/start g-thu")).plain.startswith("Xin chào Lan!")


NEW_FLOWS = """\
flows:
  - id: thu
    title: {vi: "Tạm trú nhanh"}
    start: done
    steps:
      done:
        result: ["1.004194"]
"""


async def test_restoring_the_previous_flows_brings_them_back(
    bot: BotRunner, standin: StandIn
) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    user = standin.user(1210, "Lan", language_code="vi")
    old_question = await user.reply("/start g-khai-sinh")

    await admin.send_document(NEW_FLOWS.encode("utf-8"), filename="flows.yaml")
    applied = await admin.next_message()
    assert applied.plain.startswith("Đã áp dụng tệp flows.yaml (phiên bản 2)")
    ask = await user.reply("/start m-ask")
    assert [row[0] for row in ask.buttons] == [
        "🧭 Tạm trú nhanh",
        "📚 Xem theo lĩnh vực",
        "⬅️ Về menu chính",
    ]
    card = await pressed(user, "🧭 Tạm trú nhanh", ask)
    assert "Mã thủ tục: 1.004194" in card.plain
    # A button of the flow that is gone now says so instead of leading nowhere.
    await user.press("Có yếu tố nước ngoài", old_question)
    assert (await alert(user))["text"] == GONE

    files = await admin.reply("/files")
    assert "flows.yaml — phiên bản 2" in files.plain
    row = next(i for i, r in enumerate(files.buttons) if r[0] == "⬇️ flows.yaml")
    assert files.buttons[row][1] == "↩️ Khôi phục bản trước"
    await admin.press_data(files.button_data[row][1], files)
    restored = await admin.next_message()
    assert restored.plain == (
        "Đã khôi phục tệp flows.yaml về nội dung trước đó (lưu thành phiên bản 3)."
    )

    ask = await user.reply("/start m-ask")
    assert [row[0] for row in ask.buttons[:5]] == FLOW_BUTTONS
    again = await pressed(user, "Có yếu tố nước ngoài", old_question)
    assert again.plain.startswith("ℹ️ Khai sinh có yếu tố nước ngoài")

    await bot.restart()  # the restored version is what is stored, not only what is in memory
    assert (await user.reply("/start g-khai-sinh")).plain == WHERE
    assert "flows.yaml — phiên bản 3" in (await admin.reply("/files")).plain
