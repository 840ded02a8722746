"""A procedure as a citizen reads it: what to bring, what it costs, how long, where to go.

The first screen stays short; steps, conditions, legal basis, fee details and very long
document lists are sections opened with buttons.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.domain.procedure import (
    UNTRANSLATED,
    Channel,
    DocumentItem,
    Procedure,
    ProcedureRef,
    Translation,
    duration,
)
from bot.domain.unit import UnitProfile
from bot.handlers.procedures import documents
from bot.handlers.procedures.buttons import Section, ShowSection
from bot.handlers.procedures.documents import Documents, Group, short_name
from bot.handlers.procedures.where import where
from bot.html import NEWLINE, Html, lines
from bot.i18n import Texts
from bot.ui import keyboards
from bot.ui.buttons import AskOfficial, MenuEntry, MenuItem, ShowCard
from bot.ui.memo import Rendered
from bot.ui.text import MESSAGE_LIMIT, visible_length

CARD_DOCUMENTS = 5  # at most this many documents on the first screen
CARD_DOCUMENTS_CHARS = 800  # a longer list is named in short there, in full behind a button
CARD_NOTES = 2  # more notes than this wait behind the button too
HEADING_CHARS = 80
CHECKLIST_ITEM_CHARS = (documents.SHORT_CHARS, 70, 45, 30)  # tighter while over one message
# A kept card is some 5 kB; one not kept is read and laid out again in about 2 ms.
CARDS_KEPT = 128
BOLD = Html("<b>{}</b>")
PARAGRAPH = Html("\n\n")


def _item_line(texts: Texts, item: DocumentItem, name: str, number: int | None = None) -> Html:
    """ "• name — copies" on the card, "3. name — copies" in the full list."""
    if number is None:
        key = "card.document_copies" if item.copies else "card.document"
        return texts(key, name=name, copies=item.copies or "")
    key = "card.document_numbered_copies" if item.copies else "card.document_numbered"
    return texts(key, n=number, name=name, copies=item.copies or "")


def _group_lines(
    texts: Texts,
    groups: tuple[Group, ...],
    *,
    short: bool,
    numbers: list[int] | None = None,
    limit: int | None = None,
) -> list[Html]:
    """Documents under their headings; a group without a heading of its own that follows one
    with a heading is headed "other documents". ``limit`` documents at most."""
    out: list[Html] = []
    shown = 0
    headed = False
    names = documents.short_names(i for g in groups for i in g.items) if short else {}
    for group in groups:
        if limit is not None and shown >= limit:
            break
        if group.heading:
            name = short_name(group.heading, HEADING_CHARS) if short else group.heading
            out.append(texts("card.document_group", group=name))
            headed = True
        elif headed:
            out.append(texts("card.document_group_other"))
        for item in group.items:
            if limit is not None and shown >= limit:
                break
            shown += 1
            name = names[item.name] if short else documents.plain(item.name)
            number = None
            if numbers is not None:
                numbers[0] += 1
                number = numbers[0]
            out.append(_item_line(texts, item, name, number))
    return out


def _whole_on_card(plan: Documents) -> bool:
    """A short list is shown whole on the card, and needs no button for the full list."""
    names = [item.name for group in (*plan.everyone, *plan.cases) for item in group.items]
    notes = [item.name for item in plan.notes]
    return (
        plan.count <= CARD_DOCUMENTS
        and len(plan.notes) <= CARD_NOTES
        and all(len(documents.plain(name)) <= documents.SHORT_CHARS for name in names)
        and sum(map(len, names + notes)) <= CARD_DOCUMENTS_CHARS
    )


def _note_lines(texts: Texts, item: DocumentItem, key: str) -> list[Html]:
    return [texts(key, text=part) for part in documents.note_text(item)]


def _card_documents(texts: Texts, plan: Documents) -> list[Html]:
    """What the card's first screen says about documents: the whole list if it is short, else
    what everyone brings named in short (or, if nobody brings anything in every case, the
    first cases), then how many documents and notes the full list adds."""
    if _whole_on_card(plan):
        out = _group_lines(texts, plan.everyone, short=False)
        if plan.cases:
            out.append(texts("card.documents_cases"))
            out.extend(_group_lines(texts, plan.cases, short=False))
        for note in plan.notes:
            out.extend(_note_lines(texts, note, "card.note"))
        return out
    if plan.everyone:
        out = _group_lines(texts, plan.everyone, short=True, limit=CARD_DOCUMENTS)
        shown = min(CARD_DOCUMENTS, len(plan.everyone_items))
    else:
        out = [texts("card.documents_cases")]
        out.extend(_group_lines(texts, plan.cases, short=True, limit=CARD_DOCUMENTS))
        shown = min(CARD_DOCUMENTS, len(plan.case_items))
    rest = plan.count - shown
    if rest > 0:
        out.append(texts.plural("card.documents_more", "card.documents_more_plural", rest))
    if plan.notes:
        out.append(texts.plural("card.notes_more", "card.notes_more_plural", len(plan.notes)))
    return out


def _full_documents(texts: Texts, plan: Documents) -> Html:
    """The list behind «Xem đủ giấy tờ»: every document numbered, under its heading; the
    cases after what everyone brings; the notes last, as notes."""
    numbers = [0]
    parts: list[Html] = []
    if plan.everyone:
        parts.append(lines(*_group_lines(texts, plan.everyone, short=False, numbers=numbers)))
    if plan.cases:
        cases = _group_lines(texts, plan.cases, short=False, numbers=numbers)
        parts.append(lines(texts("card.documents_cases"), *cases))
    if plan.notes:
        notes = [line for note in plan.notes for line in _note_lines(texts, note, "card.note_line")]
        parts.append(lines(texts("card.notes"), *notes))
    return PARAGRAPH.join(parts)


_plans: Rendered[Documents] = Rendered(limit=32)


def _plan(procedure: Procedure) -> Documents:
    """The documents arranged, once per procedure for its card, keyboard and sections."""
    return _plans.get(
        procedure.code, (procedure.documents,), lambda: documents.arrange(procedure.documents)
    )


def checklist(texts: Texts, procedure: Procedure) -> Html:
    """«Danh sách cần mang»: plain lines to tick, to forward or print; the procedure's name and
    code on top, each document once, in short, with its copies, under its heading when there
    are several."""
    plan = _plan(procedure)

    def ticks(groups: tuple[Group, ...], limit: int) -> list[Html]:
        out: list[Html] = []
        names = documents.short_names((i for g in groups for i in g.items), limit)
        for group in groups:
            if group.heading and len(groups) > 1:  # which documents go with which case
                out.append(texts("card.checklist_group", group=short_name(group.heading, limit)))
            out.extend(
                texts(
                    "card.checklist_item_copies" if item.copies else "card.checklist_item",
                    name=names[item.name],
                    copies=item.copies or "",
                )
                for item in group.items
            )
        return out

    def written(limit: int) -> Html:
        parts = [
            lines(
                texts("card.checklist_title"),
                texts("card.checklist_procedure", name=procedure.name, code=procedure.code),
            )
        ]
        if plan.everyone:
            parts.append(lines(*ticks(plan.everyone, limit)))
        if plan.cases:
            parts.append(lines(texts("card.checklist_cases"), *ticks(plan.cases, limit)))
        if procedure.url:
            parts.append(texts("card.checklist_link", url=procedure.url))
        return PARAGRAPH.join(parts)

    # One message, to forward as it is: a very long list names its items in fewer words.
    for limit in CHECKLIST_ITEM_CHARS:
        text = written(limit)
        if visible_length(text) <= MESSAGE_LIMIT:
            break
    return text


def _channel_line(texts: Texts, channel: Channel) -> Html:
    return texts(
        "card.channel",
        channel=texts.plain(f"channel.{channel.kind}"),
        time=_time(texts, channel.time),
        fee=channel.fee or texts.plain("card.fee_unknown"),
    )


def _time(texts: Texts, published: str | None) -> str | Html:
    """The processing time in the reader's language where it is a number of days or hours;
    any other wording as published."""
    if published is None:
        return texts.plain("card.time_unknown")
    found = duration(published)
    if found is None:
        return published
    n, unit = found
    return texts.plural(f"card.time.{unit}", f"card.time.{unit}_plural", n)


def card(
    texts: Texts,
    procedure: Procedure,
    profile: UnitProfile,
    translated: Translation = UNTRANSLATED,
) -> Html:
    if translated.name:
        title = [
            BOLD.format(texts("card.title", name=translated.name)),
            texts("card.official_name", name=procedure.name),
        ]
    else:
        title = [BOLD.format(texts("card.title", name=procedure.name))]
    field = translated.field or procedure.field
    out = [*title, texts("card.code", code=procedure.code, field=field)]
    if procedure.applicants:
        out.append(texts("card.applicants", applicants=", ".join(procedure.applicants)))
    out.append(Html())
    if procedure.documents:
        out.append(texts("card.documents"))
        out.extend(_card_documents(texts, _plan(procedure)))
    else:
        out.append(texts("card.no_documents"))
    out.append(Html())
    if procedure.channels:
        out.append(texts("card.channels"))
        out.extend(_channel_line(texts, c) for c in procedure.channels)
    else:
        out.append(texts("card.no_channels"))
    out.append(Html())
    out.append(where(texts, procedure, profile))
    return lines(*out)


Card = tuple[Html, InlineKeyboardMarkup]
_cards: Rendered[Card] = Rendered(limit=CARDS_KEPT)


def kept_card(
    texts: Texts, ref: ProcedureRef, profile: UnitProfile, translated: Translation
) -> Card | None:
    """The card made earlier from the same catalogue, unit profile and translation, if kept:
    popular procedures are asked for all day, and a kept card needs no procedure read."""
    return _cards.kept((texts.language, ref.code), (ref, profile, translated))


def card_message(
    texts: Texts,
    ref: ProcedureRef,
    procedure: Procedure,
    profile: UnitProfile,
    translated: Translation = UNTRANSLATED,
) -> Card:
    """The card and its buttons, kept for :func:`kept_card`. ``ref`` is the catalogue's for
    the procedure, replaced whenever the procedure may have changed: the kept card holds it,
    not the whole procedure (some 26 kB)."""
    return _cards.keep(
        (texts.language, ref.code),
        (ref, profile, translated),
        (card(texts, procedure, profile, translated), card_keyboard(texts, procedure)),
    )


def card_keyboard(texts: Texts, procedure: Procedure) -> InlineKeyboardMarkup:
    plan = _plan(procedure)
    available = {
        Section.DOCS: bool(procedure.documents) and not _whole_on_card(plan),
        Section.CHECKLIST: plan.count > 0,
        Section.STEPS: bool(procedure.steps),
        Section.CONDITIONS: bool(procedure.conditions),
        Section.LEGAL: bool(procedure.legal_basis),
        Section.FEES: any(c.note for c in procedure.channels),
    }
    buttons = [
        ShowSection(procedure.code, section.value).button(
            texts.plain(f"card.button.{section.value}")
        )
        for section in Section
        if available[section]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([AskOfficial(procedure.code).button(texts.plain("card.button.ask_official"))])
    rows.append(
        [
            MenuItem(MenuEntry.ASK).button(texts.plain("search.again")),
            keyboards.back_button(texts),
        ]
    )
    return InlineKeyboardMarkup(rows)


def section(texts: Texts, procedure: Procedure, name: Section) -> Html | None:
    """The text behind one of the card's buttons; None if the procedure has no such section."""
    if name == "checklist":
        return checklist(texts, procedure) if _plan(procedure).count else None
    title = texts(f"card.section.{name.value}", name=procedure.name)
    if name == "docs" and procedure.documents:
        body = _full_documents(texts, _plan(procedure))
    elif name == "steps" and procedure.steps:
        body = texts("card.text", text=procedure.steps)
    elif name == "conditions" and procedure.conditions:
        body = texts("card.text", text=procedure.conditions)
    elif name == "legal" and procedure.legal_basis:
        body = NEWLINE.join(texts("card.document", name=item) for item in procedure.legal_basis)
    elif name == "fees" and any(c.note for c in procedure.channels):
        body = Html("\n\n").join(
            lines(_channel_line(texts, c), texts("card.text", text=c.note))
            for c in procedure.channels
            if c.note
        )
    else:
        return None
    return BOLD.format(title) + "\n\n" + body


def back_to_card(texts: Texts, procedure: Procedure) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[ShowCard(procedure.code).button(texts.plain("card.back")), keyboards.back_button(texts)]]
    )
