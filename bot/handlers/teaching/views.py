"""How the queue of unanswered questions reads to an admin: each question as asked, how often,
when last (local time) and why it is there; what it could mean, as buttons; the weekly list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.faq import FaqEntry
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
from bot.html import NEWLINE, Html
from bot.i18n import I18n, Texts
from bot.services.answers import Candidate
from bot.services.misses import MissGroup, MissKind, QueuePage, Taught, WeeklyView
from bot.services.views import View
from bot.ui.buttons import meaning_of
from bot.ui.lists import button_label
from bot.ui.text import shorten

QUESTION_CHARS = 120  # of a question in a list
KIND_KEYS = {
    MissKind.NOTHING: "misses.kind.nothing",
    MissKind.NONE_FIT: "misses.kind.none_fit",
    MissKind.UNSURE: "misses.kind.unsure",
    MissKind.OTHER_CHOSEN: "misses.kind.other_chosen",
}


def local_time(tz: dt.tzinfo, at: dt.datetime) -> str:
    """``14:05 30/11/2026`` in the unit's time zone."""
    return at.astimezone(tz).strftime("%H:%M %d/%m/%Y")


def question(group: MissGroup) -> str:
    """The question as asked, on one line and not too long."""
    return shorten(group.query, QUESTION_CHARS)


def _line(texts: Texts, tz: dt.tzinfo, number: int, group: MissGroup) -> Html:
    return texts(
        "misses.line",
        n=number,
        question=question(group),
        asked=group.asked,
        when=local_time(tz, group.last_at),
        kind=texts.plain(KIND_KEYS[group.kind]),
    )


def queue(texts: Texts, tz: dt.tzinfo, page: QueuePage) -> tuple[Html, InlineKeyboardMarkup | None]:
    if not page.groups:
        return texts("misses.empty"), None
    lines = [texts("misses.title", n=page.total, page=page.page + 1, pages=page.pages)]
    rows: list[list[InlineKeyboardButton]] = []
    for number, group in enumerate(page.groups, page.first):
        lines.append(_line(texts, tz, number, group))
        rows.append(
            [
                TeachMiss(group.id).button(texts.plain("misses.button.teach", n=number)),
                DismissMiss(group.id).button(texts.plain("misses.button.dismiss", n=number)),
            ]
        )
    lines.append(texts("misses.how"))
    pager = []
    if page.page > 0:
        pager.append(MissesPage(page.page - 1).button(texts.plain("misses.button.previous")))
    if page.page < page.pages - 1:
        pager.append(MissesPage(page.page + 1).button(texts.plain("misses.button.next")))
    if pager:
        rows.append(pager)
    return NEWLINE.join(lines), InlineKeyboardMarkup(rows)


def _meanings(
    texts: Texts, miss: int, candidates: Sequence[tuple[Candidate, str]]
) -> tuple[list[Html], list[list[InlineKeyboardButton]]]:
    """Each candidate named in full in the message (long names differ at their end), and a
    numbered button that teaches it."""
    lines: list[Html] = []
    rows: list[list[InlineKeyboardButton]] = []
    for n, (candidate, title) in enumerate(candidates, 1):
        choice = candidate.choice
        if isinstance(choice, FaqEntry):
            lines.append(texts("misses.choice.line_faq", n=n, name=title))
            label = texts.plain("misses.choice.faq", n=n, name=title)
        else:
            lines.append(
                texts("misses.choice.line_procedure", n=n, name=choice.name, code=choice.code)
            )
            label = texts.plain("misses.choice.procedure", n=n, name=choice.name)
        rows.append([TeachAs(miss, *meaning_of(choice)).button(button_label(label))])
    return lines, rows


def meanings(
    texts: Texts,
    tz: dt.tzinfo,
    group: MissGroup,
    candidates: Sequence[tuple[Candidate, str]],
) -> tuple[Html, InlineKeyboardMarkup]:
    """What the question could mean, each a button that teaches it; and the other ways."""
    head = texts(
        "misses.teach.head",
        question=" ".join(group.query.split()),
        asked=group.asked,
        when=local_time(tz, group.last_at),
        kind=texts.plain(KIND_KEYS[group.kind]),
    )
    lines, rows = _meanings(texts, group.id, candidates)
    body = texts("misses.teach.pick" if candidates else "misses.teach.none_found")
    rows.append([FindOther(group.id).button(texts.plain("misses.button.find"))])
    rows.append([WriteAnswer(group.id).button(texts.plain("misses.button.write"))])
    rows.append([DismissMiss(group.id).button(texts.plain("misses.button.dismiss_one"))])
    return NEWLINE.join([head, Html(""), body, *lines]), InlineKeyboardMarkup(rows)


def found(
    texts: Texts, group: MissGroup, words: str, candidates: Sequence[tuple[Candidate, str]]
) -> tuple[Html, InlineKeyboardMarkup]:
    """What the admin's own words found, to teach the question with."""
    key = "misses.find.found" if candidates else "misses.find.nothing"
    lines, rows = _meanings(texts, group.id, candidates)
    rows.append([StopTeaching().button(texts.plain("misses.button.stop"))])
    body = texts(key, words=words, question=question(group))
    return NEWLINE.join([body, *lines]), InlineKeyboardMarkup(rows)


def stop_only(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[StopTeaching().button(texts.plain("misses.button.stop"))]])


def taught(texts: Texts, done: Taught, title: str) -> tuple[Html, InlineKeyboardMarkup]:
    key = "misses.taught.faq" if isinstance(done.choice, FaqEntry) else "misses.taught"
    body = texts(
        key,
        phrase=done.phrase,
        name=title,
        file=done.file.filename,
        version=done.version,
    )
    undo = UndoTeach(done.group.id, done.file, done.version)
    return body, InlineKeyboardMarkup([[undo.button(texts.plain("misses.button.undo"))]])


def weekly(i18n: I18n, tz: dt.tzinfo) -> WeeklyView:
    """The Monday list, in each admin's language."""

    def view(groups: list[MissGroup], total: int, language: str) -> View:
        texts = i18n.texts(language)
        lines = [texts("misses.weekly.title", n=total)]
        lines += [_line(texts, tz, n, group) for n, group in enumerate(groups, 1)]
        if total > len(groups):
            lines.append(texts("misses.weekly.more", n=total - len(groups)))
        lines.append(texts("misses.weekly.how"))
        buttons = ((MissesPage(0).pair(texts.plain("misses.button.open")),),)
        return View(NEWLINE.join(lines), buttons)

    return view
