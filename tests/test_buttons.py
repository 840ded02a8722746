"""Typed buttons: the callback data of every button is what earlier versions sent, so buttons
already in people's chats keep working; anything else is no button of ours."""

from __future__ import annotations

import dataclasses

import pytest

from bot.handlers.admin.buttons import GetFile, RestoreFile
from bot.handlers.announcements.buttons import DropAnnouncement, NoMoreNews, SendAnnouncement
from bot.handlers.complaints.buttons import (
    Action,
    Category,
    Continue,
    Duplicate,
    Edit,
    Privacy,
    Send,
    SkipPlace,
    TicketAction,
    TransferTo,
)
from bot.handlers.dossiers.buttons import CancelLookup, Follow, Unfollow
from bot.handlers.flows.buttons import GuidedFlow
from bot.handlers.followups.buttons import AddToTicket, AnswerOfficial, Rate, Reopen, SkipComment
from bot.handlers.menu.buttons import ChooseLanguage
from bot.handlers.office.buttons import AddNote, OpenDossier, SetDue, SetStatus, ShowQr
from bot.handlers.procedures.buttons import Field, Fields, NoneFit, ShowSection
from bot.handlers.teaching.buttons import (
    DismissMiss,
    FindOther,
    MissesPage,
    StopTeaching,
    TeachAs,
    TeachMiss,
    UndoTeach,
    WriteAnswer,
)
from bot.services.misses import TaughtFile
from bot.ui.buttons import (
    AskOfficial,
    Button,
    ButtonError,
    CancelDraft,
    Meaning,
    MenuEntry,
    MenuItem,
    ShowCard,
)

CODE = "000.00.12.H26-261128-0001"
# What the code before typed buttons wrote, button by button.
EARLIER = [
    (MenuItem(MenuEntry.HOME), "m:home"),
    (MenuItem(MenuEntry.DOSSIER), "m:dossier"),
    (ChooseLanguage("en"), "lang:en"),
    (ShowCard("1.004194"), "p:1.004194"),
    (ShowSection("1.004194", "steps"), "pd:1.004194:steps"),
    (ShowSection("1.004194", "checklist"), "pd:1.004194:checklist"),  # issue 13
    (NoneFit(), "sn"),
    (Fields(0), "fl:0"),
    (Field("ho-tich", 2), "fp:ho-tich:2"),
    (AskOfficial(), "q"),
    (AskOfficial("1.004194"), "q:1.004194"),
    (GuidedFlow("khai-sinh"), "g:khai-sinh"),
    (GuidedFlow("khai-sinh", "where", "1"), "g:khai-sinh:where:1"),
    (CancelDraft(), "c:cancel"),
    (Category("road"), "c:cat:road"),
    (Continue(), "c:next"),
    (SkipPlace(), "c:skip"),
    (Privacy(True), "c:hide:1"),
    (Privacy(False), "c:hide:0"),
    (Send(), "c:send"),
    (Edit(), "c:edit"),
    (Duplicate("new"), "c:dup:new"),
    (TicketAction(12, Action.ACCEPT), "t:12:accept"),
    (TransferTo(12, "van-hoa"), "tt:12:van-hoa"),
    (AddToTicket(12), "rq:add:12"),
    (AnswerOfficial(12), "rq:ans:12"),
    (SkipComment(), "rq:skip"),
    (Rate(12, 5), "rt:12:5"),
    (Reopen(12), "ro:12"),
    (Follow(CODE), f"ds:fol:{CODE}"),
    (Unfollow(CODE), f"ds:unf:{CODE}"),
    (CancelLookup(), "ds:cancel"),
    (SetStatus("done", CODE), f"do:set:done:{CODE}"),
    (SetDue(CODE), f"do:due:{CODE}"),
    (AddNote(CODE), f"do:note:{CODE}"),
    (ShowQr(CODE), f"do:qr:{CODE}"),
    (OpenDossier(CODE), f"do:open:{CODE}"),
    (SendAnnouncement(), "an:send"),
    (DropAnnouncement(), "an:cancel"),
    (NoMoreNews(), "an:off"),
    (GetFile(2), "af:get:2"),
    (RestoreFile(2), "af:restore:2"),
    # issue 13: teaching the bot from /misses
    (MissesPage(1), "ms:page:1"),
    (TeachMiss(12), "ms:teach:12"),
    (TeachAs(12, Meaning.PROCEDURE, "1.004194"), "ms:as:12:p:1.004194"),
    (TeachAs(12, Meaning.FAQ, "gio-lam-viec"), "ms:as:12:f:gio-lam-viec"),
    (FindOther(12), "ms:find:12"),
    (WriteAnswer(12), "ms:write:12"),
    (DismissMiss(12), "ms:skip:12"),
    (UndoTeach(12, TaughtFile.ALIASES, 3), "ms:undo:12:a:3"),
    (UndoTeach(12, TaughtFile.FAQ, 3), "ms:undo:12:f:3"),
    (StopTeaching(), "ms:stop"),
]


@pytest.mark.parametrize(("button", "data"), EARLIER, ids=[d for _, d in EARLIER])
def test_a_button_writes_and_reads_what_earlier_versions_sent(button: Button, data: str) -> None:
    assert button.data == data
    assert type(button).parse(data) == button
    # No other kind of button claims it: one press, one handler.
    others = {type(b) for b, _ in EARLIER} - {type(button)}
    assert [kind.__name__ for kind in others if kind.matches(data)] == []


@pytest.mark.parametrize(
    "data",
    [
        "t:abc:accept",  # not a ticket number
        "t:12:explode",  # not an action
        "rt:²:5",  # a digit that is not ASCII
        "ro:12345678901234567890",  # more digits than any id
        "c:hide:yes",  # not a yes/no
        "rq:add",  # a field missing
        "ro:12:extra",  # one too many
        "ms:as:12:x:1.004194",  # not a procedure or an everyday answer
        "ms:undo:12:a",  # no version
        "ms:teach",  # no question
        "x" * 65,
        "",
        None,
    ],
)
def test_forged_data_is_no_button(data: str | None) -> None:
    assert all(not b.matches(data) for b, _ in EARLIER)


def test_a_button_that_cannot_be_sent_is_a_mistake_found_at_once() -> None:
    with pytest.raises(ButtonError):
        _ = ShowCard("a:b").data  # the separator inside a field
    with pytest.raises(ButtonError):
        _ = Follow("đ" * 40).data  # over 64 bytes (đ is two)
    with pytest.raises(TypeError):

        @dataclasses.dataclass(frozen=True)
        class Overlapping(Button, prefix="t:12"):  # "t:12:…" would be a TicketAction's too
            pass
