"""Rule 1 for everyday questions: "thứ 7 có làm việc không", "alo" or "cảm ơn" get an answer,
not a failure; the facts in it come from unit.yaml, and faq.yaml is the admin's to edit."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.domain.offices import OfficeKind
from bot.search.normalize import fold
from bot.standin import StandIn
from bot.ui.buttons import ShowCard
from tests.conftest import ADMIN_ID, BotRunner, pressed

DATA = Path(__file__).resolve().parent.parent / "bot" / "data"
SORRY = "Xin lỗi, tôi chưa tìm thấy"


async def test_saturday_question_is_answered_with_the_hours(
    bot: BotRunner, standin: StandIn
) -> None:
    lan = standin.user(1301, "Lan", language_code="vi")
    for asked in ("thu 7 co lam viec khong", "thứ 7 có làm việc không"):
        reply = await lan.reply(asked)
        assert "Thứ Bảy: 07:30–11:30" in reply.plain, reply.plain
        assert SORRY not in reply.plain


async def test_greetings_and_thanks_get_a_short_friendly_answer(
    bot: BotRunner, standin: StandIn
) -> None:
    lan = standin.user(1302, "Lan", language_code="vi")
    hello = await lan.reply("alo")
    thanks = await lan.reply("cảm ơn")
    for reply in (hello, thanks):
        assert SORRY not in reply.plain
        assert len(reply.plain) < 400
    assert "cảm ơn" not in hello.plain.lower() or hello.plain != thanks.plain
    assert hello.plain != thanks.plain


async def test_the_hotline_comes_from_unit_yaml(bot: BotRunner, standin: StandIn) -> None:
    """A fact lives in one file: change the profile and the everyday answer follows."""
    lan = standin.user(1303, "Lan", language_code="vi")
    before = await lan.reply("số điện thoại một cửa")
    assert "024 0000 0000" in before.plain, before.plain
    admin = standin.user(ADMIN_ID, "Admin", language_code="vi")
    unit = (DATA / "unit.yaml").read_text(encoding="utf-8")
    edited = unit.replace('hotline: "024 0000 0000"', 'hotline: "024 3851 0000"')
    assert edited != unit
    await admin.send_document(edited.encode("utf-8"), filename="unit.yaml")
    await admin.next_message()
    after = await lan.reply("số điện thoại một cửa")
    assert "024 3851 0000" in after.plain and "024 0000 0000" not in after.plain


async def test_a_broken_placeholder_is_refused_with_file_line_and_field(
    bot: BotRunner, standin: StandIn
) -> None:
    admin = standin.user(ADMIN_ID, "Admin", language_code="vi")
    faq = (DATA / "faq.yaml").read_text(encoding="utf-8")
    broken = faq.replace("\\n{hours}", "\\n{gio_lam_viec}", 1)  # in an answer, not a comment
    assert broken != faq
    await admin.send_document(broken.encode("utf-8"), filename="faq.yaml")
    refusal = await admin.next_message()
    assert "faq.yaml, dòng" in refusal.plain and "chỗ điền {gio_lam_viec}" in refusal.plain, (
        refusal.plain
    )
    assert "answer" in refusal.plain
    lan = standin.user(1304, "Lan", language_code="vi")
    still = await lan.reply("thu 7 co lam viec khong")
    assert "Thứ Bảy: 07:30–11:30" in still.plain


async def test_an_office_no_ward_lists_cannot_be_named_in_an_everyday_answer(
    bot: BotRunner, standin: StandIn
) -> None:
    """unit.yaml gives the address of the offices a ward's citizens walk into; a customs or a
    border commune's office has none there, so an answer naming one is refused, with where."""
    admin = standin.user(ADMIN_ID, "Admin", language_code="vi")
    faq = (DATA / "faq.yaml").read_text(encoding="utf-8")
    placeholder = faq.replace("\\n{office_police}", "\\n{office_border}", 1)
    button = faq.replace("      - office: ubnd", "      - office: customs", 1)
    assert placeholder != faq and button != faq
    await admin.send_document(placeholder.encode("utf-8"), filename="faq.yaml")
    refused = await admin.next_message()
    assert "faq.yaml, dòng" in refused.plain and "{office_border}" in refused.plain, refused.plain
    await admin.send_document(button.encode("utf-8"), filename="faq.yaml")
    refused = await admin.next_message()
    assert "cơ quan “customs” chưa có địa điểm trong unit.yaml" in refused.plain, refused.plain
    assert "buttons" in refused.plain, refused.plain


async def test_an_admin_edit_of_faq_yaml_applies_at_once(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Admin", language_code="vi")
    faq = (DATA / "faq.yaml").read_text(encoding="utf-8")
    added = faq.replace(
        "entries:\n",
        "entries:\n"
        "  - id: nuoc-uong\n"
        "    questions: [có nước uống miễn phí không, co nuoc uong ko]\n"
        '    answer: {vi: "Có, tại sảnh tầng 1 <miễn phí>."}\n',
        1,
    )
    await admin.send_document(added.encode("utf-8"), filename="faq.yaml")
    await admin.next_message()
    lan = standin.user(1305, "Lan", language_code="vi")
    reply = await lan.reply("co nuoc uong ko")
    assert reply.plain.startswith("Có, tại sảnh tầng 1 <miễn phí>."), reply.plain
    assert "&lt;" in (reply.text or "")  # the admin's text is escaped, shown as typed


async def test_an_english_question_reaches_the_card_with_the_official_name(
    bot: BotRunner, standin: StandIn
) -> None:
    tom = standin.user(1306, "Tom", language_code="en")
    for asked in ("how do I register temporary residence", "temporary residence"):
        card = await tom.reply(asked)
        assert card.plain.startswith("Temporary residence registration\n"), card.plain[:200]
        assert "Official name (show it at the counter): Đăng ký tạm trú" in card.plain
        assert "Dong Da Ward Police" in card.plain  # where it is submitted


async def test_where_is_the_police_gives_its_place_on_the_map(
    bot: BotRunner, standin: StandIn
) -> None:
    lan = standin.user(1307, "Lan", language_code="vi")
    answer = await lan.reply("công an phường ở đâu")
    assert "Số 6 phố Hoàng Cầu" in answer.plain, answer.plain
    pin_button = next(text for row in answer.buttons for text in row if text.startswith("📍"))
    await lan.press(pin_button, answer)
    pin = await lan.next_message()
    assert pin.kind == "venue" and pin.location == (21.017410, 105.823520)
    assert pin.plain.startswith("Công an phường Đống Đa\nSố 6 phố Hoàng Cầu")


async def test_a_list_with_everyday_answers_says_none_of_these_not_no_procedure(
    bot: BotRunner, standin: StandIn
) -> None:
    """A procedure asked about together with an everyday matter (how long, what to bring) may
    get a list of both; its last button and what it leads to speak of answers, not only of
    procedures."""
    lan = standin.user(1310, "Lan", language_code="vi")
    for asked in (
        "cải chính hộ tịch mất bao lâu",
        "làm khai tử cho mẹ cần mang gì",
        "chứng thực hợp đồng mất bao lâu",
        "đăng ký giám hộ cần mang gì",
    ):
        listed = await lan.reply(asked)
        if listed.plain.startswith("Tôi tìm thấy một số câu trả lời"):
            break
    else:
        raise AssertionError(f"no question got a list of answers; last: {listed.plain!r}")
    assert listed.buttons[-1] == ["🤔 Không có nội dung tôi cần"]
    entries = yaml.safe_load((DATA / "faq.yaml").read_text(encoding="utf-8"))["entries"]
    titles = {entry["title"]["vi"] for entry in entries}
    shown = {row[0].removeprefix("💬 ") for row in listed.buttons}
    assert titles & shown, "an everyday answer is listed by its title"
    assert "🤔 Không có thủ tục tôi cần" not in str(listed.buttons)
    sorry = await pressed(lan, "🤔 Không có nội dung tôi cần", listed)
    assert sorry.plain.startswith("Xin lỗi vì chưa trả lời đúng điều anh/chị cần.")
    assert "Bộ phận Một cửa" in sorry.plain


async def test_a_long_story_is_read_clause_by_clause_and_offered_as_a_list(
    bot: BotRunner, standin: StandIn
) -> None:
    """The question at the end of a long story still finds its procedure; offered as a list
    (one tap to confirm, «none of these» to say no), since the rest was not understood."""
    lan = standin.user(1311, "Lan", language_code="vi")
    story = (
        "Dạo này trời nóng nực, bọn trẻ nghỉ hè chạy nhảy suốt ngày, ông bà nội thì ốm yếu, "
        "chồng đi công tác xa tận Cà Mau, tiền điện tiền nước tăng vù vù, em mệt mỏi lắm, mà "
        "tuần sau phải đi đăng ký tạm trú cho cháu"
    )
    listed = await lan.reply(story)
    assert SORRY not in listed.plain
    assert listed.plain.startswith("Tôi tìm thấy một số"), listed.plain
    assert "Đăng ký tạm trú" in listed.buttons[0][0], listed.buttons
    assert listed.buttons[-1][0].startswith("🤔 Không có")


async def test_a_procedure_named_whole_beats_an_everyday_answer_about_a_part(
    bot: BotRunner, standin: StandIn
) -> None:
    """«power of attorney» is also an everyday question (applying for someone else), but a
    question that names the signature to certify is about that procedure."""
    tom = standin.user(1312, "Tom", language_code="en")
    card = await tom.reply("notarize signature on a power of attorney")
    assert "Chứng thực chữ ký" in card.plain, card.plain
    assert "Mã thủ tục: 2.000884" in card.plain or "Procedure code: 2.000884" in card.plain


async def test_everyday_questions_in_english_find_the_vietnamese_answers(
    bot: BotRunner, standin: StandIn
) -> None:
    """English words about the office (opening hours, parking) are read into the words of the
    Vietnamese phrasings, so an English speaker is answered without English phrasings for
    every way of asking."""
    tom = standin.user(1313, "Tom", language_code="en")
    hours = await tom.reply("what time does the one stop office open")
    assert "one-stop office" in hours.plain and "7:30" in hours.plain, hours.plain
    assert "Sorry, I could not find" not in hours.plain
    parking = await tom.reply("Is there somewhere to park my motorbike when I come in?")
    assert "Sorry, I could not find" not in parking.plain
    assert "park" in (parking.plain + str(parking.buttons)).lower(), parking.plain


async def test_a_procedure_asked_about_is_listed_before_an_everyday_answer_to_a_part(
    bot: BotRunner, standin: StandIn
) -> None:
    """«cần mang gì» is an everyday question too, but here it is asked of a death
    registration (typed «khai tủ»): the procedure comes first in the list."""
    lan = standin.user(1314, "Lan", language_code="vi")
    listed = await lan.reply("làm khai tủ cho mẹ cần mang gì")
    assert listed.buttons, listed.plain
    assert "khai tử" in listed.buttons[0][0].lower(), listed.buttons


async def test_an_admin_adds_a_phrasing_and_the_next_citizen_gets_the_card(
    bot: BotRunner, standin: StandIn
) -> None:
    """phrasings.yaml says how citizens ask for a procedure: a new way of asking, sent by an
    admin, reaches the procedure's card at once; a code that does not exist is refused with
    file, line and field, and changes nothing."""
    lan = standin.user(1315, "Lan", language_code="vi")
    asked = "làm sổ cho cái xế nổ mới tậu"
    before = await lan.reply(asked)
    assert "Mã thủ tục: 1.012575" not in before.plain
    admin = standin.user(ADMIN_ID, "Admin", language_code="vi")
    shipped = (DATA / "phrasings.yaml").read_text(encoding="utf-8")
    wrong = shipped + '  "9.999999": [làm sổ cho cái xế nổ mới tậu]\n'
    await admin.send_document(wrong.encode("utf-8"), filename="phrasings.yaml")
    refusal = await admin.next_message()
    assert re.search(
        r"phrasings\.yaml, dòng \d+, mục procedures\.9\.999999: không tìm thấy “9\.999999”",
        refusal.plain,
    ), refusal.plain
    unchanged = await lan.reply(asked)
    assert unchanged.plain == before.plain
    entry = '  "1.012575":\n'
    added = shipped.replace(entry, entry + "    - làm sổ cho cái xế nổ mới tậu\n")
    assert added != shipped
    await admin.send_document(added.encode("utf-8"), filename="phrasings.yaml")
    await admin.next_message()
    card = await lan.reply(asked)
    assert "Mã thủ tục: 1.012575" in card.plain, card.plain[:300]


async def test_the_situation_told_in_everyday_words_reaches_its_procedure(
    bot: BotRunner, standin: StandIn
) -> None:
    """Official names do not say when a citizen needs them; phrasings.yaml does. Turning 40
    means exchanging the ID card (cấp đổi), a wrong birth date printed on it too (not a civil
    status correction), and a storey added is a renovation permit."""
    lan = standin.user(1316, "Lan", language_code="vi")
    forty = await lan.reply("năm nay tròn 40 tuổi có phải đổi căn cước không")
    assert "Mã thủ tục: 1.014063" in forty.plain, forty.plain[:300]  # a card, not a list
    misprinted = await lan.reply("thẻ căn cước in sai ngày sinh thì làm sao")
    assert misprinted.buttons[0][0].startswith("Cấp đổi thẻ căn cước"), misprinted.buttons
    storey = await lan.reply("muốn nâng thêm một tầng cho nhà thì xin phép gì")
    assert SORRY not in storey.plain
    card = await pressed(lan, storey.buttons[0][0], storey)
    assert "Mã thủ tục: 1.013229" in card.plain, card.plain[:300]


async def test_shipped_phrasings_name_procedures_this_ward_receives_each_once(
    bot: BotRunner,
) -> None:
    """A phrasing under two procedures would answer neither; one under a procedure no ward
    of a city receives (customs, a province's body) would only ever say who handles it. A
    border commune's procedures keep theirs: asked for, who handles them is the answer, and a
    border commune that corrects them in unit.yaml receives them."""
    procedures = yaml.safe_load((DATA / "phrasings.yaml").read_text(encoding="utf-8"))
    catalogue = bot.services.catalogue
    owners: dict[str, set[str]] = {}
    for code, asked in procedures["procedures"].items():
        assert catalogue.in_scope(code) or catalogue.office(code) is OfficeKind.BORDER, code
        for phrasing in asked:
            owners.setdefault(fold(phrasing), set()).add(code)
    assert len(procedures["procedures"]) >= 400
    assert sum(map(len, owners.values())) >= 3000
    shared = {phrasing: codes for phrasing, codes in owners.items() if len(codes) > 1}
    assert not shared, shared


async def test_an_english_story_read_in_part_gets_a_short_list_not_a_guessed_card(
    bot: BotRunner, standin: StandIn
) -> None:
    """Words no English phrase covers («just moved», «keeps saying») make the reading a guess:
    the best few are offered, the best first. A question read whole keeps its card."""
    tom = standin.user(1317, "Tom", language_code="en")
    story = await tom.reply(
        "Hi, I just moved into a flat here and the landlord keeps saying I need temporary "
        "residence, what should I bring?"
    )
    assert story.plain.startswith("I found a few"), story.plain[:200]
    assert story.buttons[0][0].startswith("Temporary residence registration"), story.buttons
    death = await tom.reply(
        "my grandmother passed away at home yesterday, how do we register her death"
    )
    assert death.plain.startswith("Death registration\n"), death.plain[:200]


async def test_a_number_alone_is_not_read_as_a_question(bot: BotRunner, standin: StandIn) -> None:
    """«5» typed where a button was meant names nothing: the kind "not found" with the ways
    forward, not a list of whatever phrasing holds a 5."""
    lan = standin.user(1318, "Lan", language_code="vi")
    for typed in ("5", "12"):
        reply = await lan.reply(typed)
        assert reply.plain.startswith(SORRY), reply.plain[:200]


async def test_a_procedure_its_name_and_a_way_of_asking_both_point_to_comes_first(
    bot: BotRunner, standin: StandIn
) -> None:
    """The catalogue's best name for «married in Korea» is registering a marriage with a
    foreigner; the ways of asking for recording a marriage registered abroad fit the question
    too, and the two together outweigh either alone: that one is offered first, no wrong card.
    Likewise a brand new motorbike is a first registration of a domestic one."""
    tom = standin.user(1319, "Tom", language_code="en")
    abroad = await tom.reply("We got married in Korea. How do we record the marriage in Vietnam?")
    assert abroad.plain.startswith("I found a few"), abroad.plain[:200]
    assert abroad.buttons[0][0].startswith("Recording a marriage registered abroad"), abroad.buttons
    bike = await tom.reply("register a brand new motorbike for the first time and get number plate")
    # ... in person with its plate, or fully online: both are a domestic one's first one.
    assert bike.buttons[0][0].startswith(
        (
            "First vehicle registration and licence plate",
            "First vehicle registration fully online (domestic",
        )
    ), bike.buttons
    # A question that is a procedure's name keeps its card, though a way of asking for removing
    # that registration («xóa đăng ký tạm trú ở đâu») holds the same words and one more; also
    # typed without marks, where «dang» is not the filler «đang».
    lan = standin.user(1321, "Lan", language_code="vi")
    for asked in ("đăng ký tạm trú ở đâu", "đăng ky tam tru o dau", "dang ky tam tru o dau"):
        card = await lan.reply(asked)
        assert "Mã thủ tục: 1.004194" in card.plain, card.plain[:300]


async def test_a_long_english_story_still_finds_what_its_ways_of_asking_point_to(
    bot: BotRunner, standin: StandIn
) -> None:
    """The story around the question (a contract ending, going home) dilutes every phrasing's
    score alike; the best ways of asking still agree with the catalogue on the one-time social
    insurance payment, which is offered first, not the foreign-element procedures that
    «foreigners» alone points to."""
    tom = standin.user(1320, "Tom", language_code="en")
    story = await tom.reply(
        "I worked for a Vietnamese company for 6 years and they paid social insurance for me. "
        "Now my contract is ending and I'm going back to the Philippines for good. A friend said "
        "I can take all the social insurance money out in one go. Is that true for foreigners "
        "and where do I apply?"
    )
    assert story.buttons[0][0].startswith("One-time social insurance payment"), story.buttons


async def test_a_procedure_published_under_several_codes_is_one_button(
    bot: BotRunner, standin: StandIn
) -> None:
    """The portal publishes «Hỗ trợ phát triển sản xuất cộng đồng» under ten codes: a list
    offers it once, beside what else fits, not five buttons reading the same; and the youth
    volunteers' allowance, under seven, is not its own rival: asked for, it is a card."""
    lan = standin.user(1322, "Lan", language_code="vi")
    listed = await lan.reply("hỗ trợ cộng đồng")
    labels = [row[0] for row in listed.buttons]
    assert len(labels) == len(set(labels)) >= 3, labels  # choices and «none of these»
    assert sum("sản xuất cộng đồng" in label for label in labels) == 1, labels
    card = await lan.reply("thanh niên xung phong")
    assert "Mã thủ tục: " in card.plain and not card.plain.startswith("Tôi tìm thấy"), card.plain


async def test_an_everyday_answer_with_a_procedure_as_likely_is_a_short_list(
    bot: BotRunner, standin: StandIn
) -> None:
    """«đăng ký vneid mức 2» is asked of the everyday entry about VNeID and named by the
    procedure that grants level 2 alike: neither leads clearly, so both are offered, the
    procedure first, rather than the everyday answer outright."""
    lan = standin.user(1323, "Lan", language_code="vi")
    listed = await lan.reply("dang ky vneid muc 2")
    assert listed.plain.startswith("Tôi tìm thấy một số"), listed.plain[:200]
    labels = [row[0] for row in listed.buttons]
    assert labels[0].startswith("Cấp tài khoản định danh điện tử mức độ 02"), labels
    assert any("VNeID" in label for label in labels[1:]), labels


async def test_a_forgotten_password_is_not_a_lost_passport(
    bot: BotRunner, standin: StandIn
) -> None:
    """«password» is a word the bot knows (its English phrasings use it), not a misspelt
    «passport»: the forgotten password is answered, not a lost passport."""
    tom = standin.user(1324, "Tom", language_code="en")
    reply = await tom.reply("forgot my dichvucong password")
    assert "«Forgot password» in the VNeID app" in reply.plain, reply.plain[:300]
    assert "passport" not in (reply.plain + str(reply.buttons)).lower(), reply.plain[:300]


async def test_a_card_needs_a_way_of_asking_for_it_too(bot: BotRunner, standin: StandIn) -> None:
    """«vay tín chấp không cần thế chấp» (a loan without collateral) shares words with the
    certification of property transactions, but no way of asking for that procedure fits:
    it is offered in a list, not answered outright. A way of asking that does fit keeps the
    card («chứng thực hợp đồng mua bán nhà»)."""
    lan = standin.user(1325, "Lan", language_code="vi")
    loan = await lan.reply("vay tín chấp không cần thế chấp")
    assert loan.plain.startswith("Tôi tìm thấy một số"), loan.plain[:200]
    sale = await lan.reply("chứng thực hợp đồng mua bán nhà")
    assert "Mã thủ tục: 2.001035" in sale.plain, sale.plain[:200]


async def test_a_list_of_one_asks_whether_that_is_it(bot: BotRunner, standin: StandIn) -> None:
    """A question read only in part that fits one procedure (published under seven codes)
    is not told «I found a few»: it is asked whether this is it, with «none of these» below."""
    tom = standin.user(1326, "Tom", language_code="en")
    one = await tom.reply("youth volunteers")
    assert one.plain.startswith("Is this what you are asking about?"), one.plain[:200]
    assert len(one.buttons) == 2 and "youth volunteers" in one.buttons[0][0], one.buttons
    assert one.buttons[1][0].startswith("🤔"), one.buttons


async def test_english_questions_about_the_office_in_everyday_words(
    bot: BotRunner, standin: StandIn
) -> None:
    """How foreign residents ask about the office (english.yaml, everyday): a relative picking
    up the result is applying on someone's behalf, and Tết is the holidays. In a question
    that also names someone («my dad»), the words about the office still count: the priority
    for the elderly comes first, not the procedures about fathers."""
    tom = standin.user(1327, "Tom", language_code="en")
    behalf = await tom.reply("can my brother in law pick up the result for me?")
    assert "Applying on someone else's behalf" in behalf.buttons[0][0], behalf.buttons
    tet = await tom.reply("is the ward office open during Tet?")
    assert not tet.plain.startswith("I found"), tet.plain[:200]
    assert "Tết" in tet.plain, tet.plain[:300]
    dad = await tom.reply(
        "my dad is 82 and uses a wheelchair, is there a priority counter for old people?"
    )
    assert "Priority for the elderly" in dad.buttons[0][0], dad.buttons


async def test_an_outright_answer_offers_what_else_the_question_may_mean(
    bot: BotRunner, standin: StandIn
) -> None:
    """A death recorded late is the death registration, but re-registering one is close: the
    card says so and offers it one tap away («↪»), above the way back; pressing it opens its
    card. An everyday answer does the same; small talk and a card found by browsing do not."""
    lan = standin.user(1328, "Lan", language_code="vi")
    card = await lan.reply("ba noi mat tu nam 98 ma gio moi di khai tu thi co duoc ko")
    assert "Mã thủ tục: 1.000656" in card.plain, card.plain[:200]
    assert card.plain.endswith("mời xem các nút ↪ bên dưới."), card.plain[-200:]
    related = [row[0] for row in card.buttons if row[0].startswith("↪ ")]
    assert "↪ Đăng ký lại khai tử" in related and len(related) <= 2, card.buttons
    assert card.buttons[-1][-1] == "⬅️ Về menu chính", card.buttons
    again = await pressed(lan, "↪ Đăng ký lại khai tử", card)
    assert again.plain.startswith("Đăng ký lại khai tử\n"), again.plain[:200]
    assert "↪" not in again.plain + str(again.buttons), again.buttons

    everyday = await lan.reply("bao h lay dc kq")
    assert "Giấy tiếp nhận hồ sơ" in everyday.plain, everyday.plain[:200]
    assert any(row[0].startswith("↪ 💬 ") for row in everyday.buttons), everyday.buttons
    hello = await lan.reply("alo alo có ai không ạ")  # small talk: never mistaken
    assert "↪" not in hello.plain + str(hello.buttons), hello.buttons


async def test_what_else_is_named_beside_the_answer_and_never_twice(
    bot: BotRunner, standin: StandIn
) -> None:
    """A «↪» choice is named beside the card it sits under: «… có yếu tố nước ngoài» is what
    sets the foreign-element variant apart from the card's own name, so it is not cut off. A
    procedure the everyday answer already has a button for is not offered again («↪»)."""
    lan = standin.user(1330, "Lan", language_code="vi")
    card = await lan.reply("khai sinh cho con và nhận cha cùng lúc")
    assert "Mã thủ tục: 1.000689" in card.plain, card.plain[:200]
    related = [row[0] for row in card.buttons if row[0].startswith("↪ ")]
    assert any("có yếu tố nước ngoài" in label for label in related), related
    proxy = await lan.reply("cho em hỏi giay uy quyen với ạ")
    datas = [data for row in proxy.button_data for data in row]
    assert ShowCard("2.000884").data in datas, proxy.buttons  # the answer's own button
    assert not any(
        data.endswith(":2.000884") and data != ShowCard("2.000884").data for data in datas
    )


async def test_an_english_card_offers_its_related_procedures_in_english(
    bot: BotRunner, standin: StandIn
) -> None:
    tom = standin.user(1329, "Tom", language_code="en")
    card = await tom.reply("birth registration for my baby")
    assert card.plain.endswith("see the ↪ buttons below."), card.plain[-200:]
    related = [row[0] for row in card.buttons if row[0].startswith("↪ ")]
    assert related and all("đăng ký" not in label.lower() for label in related), related


async def test_temporary_residence_for_a_foreigner_is_not_the_citizens_one(
    bot: BotRunner, standin: StandIn
) -> None:
    """A landlord declaring a foreign tenant uses the foreigners' declaration form, not the
    citizens' registration: «khai báo tạm trú» alone means the citizens' one, but said «cho
    người nước ngoài» the longer phrase wins, in Vietnamese with or without marks and in
    English, among the first three offered."""
    lan = standin.user(1328, "Lan", language_code="vi")
    for asked in ("khai báo tạm trú cho người nước ngoài", "khai bao tam tru nguoi nuoc ngoai"):
        card = await lan.reply(asked)
        assert "Mã thủ tục: 1.000253" in card.plain, (asked, card.plain[:200])
    mine = await lan.reply("khai báo tạm trú")
    assert "Mã thủ tục: 1.004194" in mine.plain, mine.plain[:200]
    tom = standin.user(1329, "Tom", language_code="en")
    said = await tom.reply("temp residence registration for a foreigner, landlord says police")
    firsts = [row[0] for row in said.buttons[:3]]
    assert said.plain.startswith("Temporary residence declaration for foreigners") or any(
        label.startswith("Temporary residence declaration for") for label in firsts
    ), (said.plain[:300], said.buttons)


async def test_a_filler_word_does_not_hide_a_way_of_asking(
    bot: BotRunner, standin: StandIn
) -> None:
    """«was never actually registered» is «was never registered»: the late registration of a
    birth for someone who already has papers is offered."""
    tom = standin.user(1330, "Tom", language_code="en")
    said = await tom.reply("my wife's birth was never actually registered, she is 41 now")
    first = said.buttons[0][0] if said.buttons else ""
    assert said.plain.startswith("Birth registration for a person who already has") or (
        first.startswith("Birth registration for a person")
    ), (said.plain[:300], said.buttons)


async def test_a_vietnamese_spouse_does_not_make_every_question_a_foreign_marriage(
    bot: BotRunner, standin: StandIn
) -> None:
    """«my Vietnamese husband» says the one asking is a foreigner, not that the ID card is
    about a marriage with one: his card's renewal comes first, typed «can cuoc» without
    marks, and no foreign-element civil-status procedure is offered with it."""
    tom = standin.user(1331, "Tom", language_code="en")
    said = await tom.reply("my vietnamese husband wants to renew his can cuoc")
    labels = [row[0] for row in said.buttons]
    assert labels and labels[0].startswith("ID card renewal"), (said.plain[:300], labels)
    assert not any("foreign element" in label for label in labels), labels


async def test_heirs_who_agreed_how_to_split_a_house_are_shown_the_certification(
    bot: BotRunner, standin: StandIn
) -> None:
    """No will, and the family agreed how to split it: the ward certifies the agreement
    dividing the inheritance (not the registration of the death)."""
    tom = standin.user(1332, "Tom", language_code="en")
    said = await tom.reply(
        "my parents house, they died without a will and we siblings agreed how to split it"
    )
    assert said.plain.startswith("Certification of an agreement dividing an inheritance"), (
        said.plain[:300],
        said.buttons,
    )


async def test_typing_what_the_browse_button_says_leads_to_the_fields(
    bot: BotRunner, standin: StandIn
) -> None:
    """«xem theo linh vuc», typed as the button reads, is no question about a procedure: the
    answer offers the fields to browse, and no customs field among them."""
    lan = standin.user(1333, "Lan", language_code="vi")
    said = await lan.reply("xem theo linh vuc")
    assert "«📚 Xem theo lĩnh vực»" in said.plain, (said.plain, said.buttons)
    fields = await lan.click("📚 Xem theo lĩnh vực", said)
    assert fields is not None
    labels = [text for row in fields.buttons for text in row]
    assert any(label.startswith("Hộ tịch") for label in labels), labels
    assert not any("Hải quan" in label for label in labels), labels
