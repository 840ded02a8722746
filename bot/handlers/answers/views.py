"""An everyday answer as a citizen reads it: the admin's text with the unit's facts filled in
from unit.yaml, and buttons to what it points to."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.faq import ANSWER_OFFICES, UNIT_FACTS, FaqButton, FaqEntry, MenuTarget
from bot.domain.procedure import ProcedureRef
from bot.domain.unit import UnitProfile
from bot.handlers.answers.buttons import Related, ShowFaq, ShowOffice
from bot.handlers.procedures.where import office_block, office_name
from bot.html import Html
from bot.i18n import Texts
from bot.ui import keyboards
from bot.ui.buttons import MenuEntry, MenuItem, ShowCard, meaning_of
from bot.ui.lists import button_label, procedure_rows
from bot.ui.memo import Rendered
from bot.ui.render import office_hours

MENU: dict[MenuTarget, tuple[MenuEntry, str]] = {
    MenuTarget.DOSSIER: (MenuEntry.DOSSIER, "menu.dossier"),
    MenuTarget.COMPLAINT: (MenuEntry.COMPLAIN, "menu.complain"),
    MenuTarget.BROWSE: (MenuEntry.BROWSE, "browse.button"),
    MenuTarget.ASK: (MenuEntry.ASK, "menu.ask"),
    MenuTarget.MINE: (MenuEntry.MINE, "menu.mine"),
}
Named = Callable[[str], ProcedureRef | None]


_facts_kept: Rendered[dict[str, object]] = Rendered(limit=4)


def _facts(texts: Texts, profile: UnitProfile) -> dict[str, object]:
    """Every office's block, formatted once per language until the profile is replaced, not
    for every everyday answer."""
    return _facts_kept.get(texts.language, (profile,), lambda: _facts_of(texts, profile))


def _facts_of(texts: Texts, profile: UnitProfile) -> dict[str, object]:
    missing = texts.plain("faq.not_given")
    parking = profile.parking.get(texts.language) if profile.parking else None
    values: dict[str, object] = {
        "unit": profile.name.get(texts.language),
        "address": profile.address,
        "hours": office_hours(texts, profile.office_hours),
        "hotline": profile.hotline or missing,
        "email": profile.email or missing,
        "website": profile.website or missing,
        "parking": parking or missing,
    }
    assert set(values) == set(UNIT_FACTS)
    for kind in ANSWER_OFFICES:
        values[f"office_{kind.value}"] = office_block(texts, profile, kind)
    return values


def answer_text(texts: Texts, entry: FaqEntry, profile: UnitProfile) -> Html:
    """The admin's answer, escaped, with {placeholders} filled (also escaped, or Html)."""
    template = Html.escape(entry.answer.get(texts.language))
    return template.format(**_facts(texts, profile))


def _button(
    texts: Texts, profile: UnitProfile, button: FaqButton, named: Named
) -> InlineKeyboardButton | None:
    if button.procedure is not None:
        ref = named(button.procedure)
        return ShowCard(ref.code).button(button_label(ref.name)) if ref else None
    if button.menu is not None:
        entry, key = MENU[button.menu]
        return MenuItem(entry).button(texts.plain(key))
    if button.office is not None:
        label = texts.plain("faq.office_button", office=office_name(texts, profile, button.office))
        return ShowOffice(button.office).button(button_label(label))
    return None


def answer_keyboard(
    texts: Texts, entry: FaqEntry, profile: UnitProfile, named: Named
) -> InlineKeyboardMarkup:
    rows = [[b] for x in entry.buttons if (b := _button(texts, profile, x, named)) is not None]
    rows.append([keyboards.back_button(texts)])
    return InlineKeyboardMarkup(rows)


def choice_rows(
    texts: Texts, choices: Sequence[ProcedureRef | FaqEntry], title: Callable[[FaqEntry], str]
) -> list[list[InlineKeyboardButton]]:
    """Procedures and everyday answers in one list, in the order given."""
    procedures = [c for c in choices if isinstance(c, ProcedureRef)]
    by_code = {row[0].callback_data: row for row in procedure_rows(procedures)}
    rows: list[list[InlineKeyboardButton]] = []
    for choice in choices:
        if isinstance(choice, ProcedureRef):
            rows.append(by_code[ShowCard(choice.code).data])
        else:
            label = texts.plain("faq.choice", question=title(choice))
            rows.append([ShowFaq(choice.id).button(button_label(label))])
    return rows


def related_rows(
    texts: Texts,
    answer: ProcedureRef | None,
    choices: Sequence[ProcedureRef | FaqEntry],
    title: Callable[[FaqEntry], str],
    ticket: int,
) -> list[list[InlineKeyboardButton]]:
    """The «↪» choices under an outright answer, named beside the ``answer``'s card (so that
    «… có yếu tố nước ngoài» is not cut from a name the card's shares), each telling the
    admins' queue when pressed that the answer (``ticket``) was not it."""
    if not choices:
        return []
    rows = choice_rows(texts, [answer, *choices] if answer else choices, title)
    labels = [row[0].text for row in rows[-len(choices) :]]
    return [
        [Related(ticket, *meaning_of(c)).button(texts.plain("search.related_button", label=label))]
        for c, label in zip(choices, labels, strict=True)
    ]


def with_related(
    texts: Texts,
    body: Html,
    markup: InlineKeyboardMarkup,
    related: Sequence[Sequence[InlineKeyboardButton]],
) -> tuple[Html, InlineKeyboardMarkup]:
    """An outright answer with its «↪» choices, as a line under it explains, above the way
    back."""
    if not related:
        return body, markup
    return body + "\n\n" + texts("search.related"), keyboards.above_last(markup, related)
