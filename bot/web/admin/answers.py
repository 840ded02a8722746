"""The everyday answers at a desk: the FAQ entries (add one, edit one) and the questions the
bot could not answer well, taught with the same actions as in Telegram (this means that
procedure or answer; a new answer written for it; not worth answering). Every change is a new
version of faq.yaml or aliases.yaml, checked as a file sent to the bot is, used at once."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.domain.faq import FaqEntry
from bot.handlers.teaching.views import KIND_KEYS
from bot.services.answers import Candidate
from bot.services.documents import ChangedSince
from bot.services.faq_file import new_entry_id, replacing_entry, with_entry
from bot.services.misses import Choice, MissGroup, MissHandled
from bot.web.admin.pages import PREFIX, Desk, Visit, based_on, localized
from bot.yamldoc import DocumentError

FAQ_FILE = "faq.yaml"
ENTRY = "{entry:[a-z0-9][a-z0-9_-]{0,39}}"
MISS = "{miss:\\d{1,12}}"
CANDIDATES = 8
PER_PAGE = 20
MAX_ANSWER = 1500


class AnswerPages:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._services = desk.services

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_get(f"{PREFIX}/faq", self._entries)
        router.add_get(f"{PREFIX}/faq/new", self._entry)
        router.add_post(f"{PREFIX}/faq/new", self._save_entry)
        router.add_get(f"{PREFIX}/faq/{ENTRY}", self._entry)
        router.add_post(f"{PREFIX}/faq/{ENTRY}", self._save_entry)
        router.add_get(f"{PREFIX}/misses", self._misses)
        router.add_get(f"{PREFIX}/misses/{MISS}", self._miss)
        router.add_post(f"{PREFIX}/misses/{MISS}", self._teach)

    async def _editor(self, request: web.Request) -> Visit:
        visit = await self._desk.visit(request)
        if not visit.member.edits:
            raise visit.refuse(403, "web.admins_only")
        return visit

    # --- FAQ entries ----------------------------------------------------------------------

    async def _entries(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        answers = self._services.answers
        language = visit.texts.language
        entries = [(e.id, answers.title(e, language), e.smalltalk) for e in answers.faq.entries]
        return visit.page("faq.html", visit.texts.plain("web.faq.title"), entries=entries)

    def _entry_of(self, visit: Visit) -> FaqEntry | None:
        entry_id = visit.request.match_info.get("entry")
        if entry_id is None:
            return None
        entry = self._services.answers.entry(entry_id)
        if entry is None:
            raise visit.refuse(404, "web.faq.absent")
        return entry

    async def _entry(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        entry = self._entry_of(visit)
        data = entry.model_dump(mode="json", exclude_none=True) if entry else {}
        done = visit.texts.plain("web.flows.saved") if "saved" in request.query else None
        return self._entry_form(visit, entry, data, done=done)

    def _entry_form(
        self,
        visit: Visit,
        entry: FaqEntry | None,
        data: dict[str, Any],
        problems: list[str] | None = None,
        done: str | None = None,
    ) -> web.Response:
        title = self._services.answers.title(entry, visit.texts.language) if entry else None
        return visit.page(
            "faq_entry.html",
            title or visit.texts.plain("web.faq.new"),
            status=400 if problems else 200,
            entry=entry,
            data=data,
            questions="\n".join(data.get("questions") or []),
            problems=problems or [],
            done=done,
            max_answer=MAX_ANSWER,
            version=self._services.documents.version(FAQ_FILE),
        )

    async def _save_entry(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        form = await self._desk.form(visit)
        entry = self._entry_of(visit)
        questions = [q.strip() for q in str(form.get("questions", "")).splitlines() if q.strip()]
        data: dict[str, Any] = entry.model_dump(mode="json", exclude_none=True) if entry else {}
        data["questions"] = questions
        data["answer"] = localized(form, "answer") or {"vi": ""}
        if (title := localized(form, "title")) is not None:
            data["title"] = title
        else:
            data.pop("title", None)
        if entry is None:
            taken = {e.id for e in self._services.answers.faq.entries}
            data = {"id": new_entry_id(questions[0] if questions else "", taken), **data}
        written = with_entry if entry is None else replacing_entry
        try:
            await self._services.documents.edit(
                FAQ_FILE, lambda text: written(text, data), visit.session.user_id, based_on(form)
            )
        except ChangedSince:  # the entry as it is now (a new one: what was typed)
            changed = [visit.texts.plain("web.changed_since")]
            now = self._services.answers.entry(entry.id) if entry else None
            fresh = now.model_dump(mode="json", exclude_none=True) if now else data
            return self._entry_form(visit, now, fresh, changed)
        except DocumentError as error:
            return self._entry_form(visit, entry, data, visit.problems(error))
        raise web.HTTPSeeOther(f"{PREFIX}/faq/{data['id']}?saved")

    # --- the questions the bot could not answer ---------------------------------------------

    async def _misses(self, request: web.Request, done: str | None = None) -> web.Response:
        visit = await self._editor(request)
        try:
            number = int(request.query.get("page", "1")) - 1
        except ValueError:
            number = 0
        shown = await self._services.misses.queue(number, PER_PAGE)
        return visit.page(
            "misses.html",
            visit.texts.plain("web.misses.title"),
            groups=[self._group(visit, g) for g in shown.groups],
            page=shown.page + 1,
            pages=shown.pages,
            total=shown.total,
            done=done,
        )

    def _group(self, visit: Visit, group: MissGroup) -> dict[str, object]:
        return {
            "id": group.id,
            "query": group.query,
            "asked": group.asked,
            "when": self._desk.moment(visit.texts, group.last_at),
            "kind": visit.texts.plain(KIND_KEYS[group.kind]),
        }

    async def _open_group(self, visit: Visit) -> MissGroup:
        group = await self._services.misses.group(int(visit.request.match_info["miss"]))
        if group is None:
            raise visit.refuse(404, "web.misses.handled")
        return group

    async def _miss(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        group = await self._open_group(visit)
        return self._miss_page(visit, group)

    def _miss_page(
        self, visit: Visit, group: MissGroup, problems: list[str] | None = None
    ) -> web.Response:
        words = visit.request.query.get("q", "").strip()[:200]
        answers = self._services.answers
        found = answers.candidates(words or group.query, group.language, CANDIDATES)
        return visit.page(
            "miss.html",
            visit.texts.plain("web.misses.title"),
            status=400 if problems else 200,
            group=self._group(visit, group),
            words=words,
            candidates=[self._candidate(visit, c) for c in found],
            problems=problems or [],
            max_answer=MAX_ANSWER,
        )

    def _candidate(self, visit: Visit, candidate: Candidate) -> tuple[str, str, str]:
        """(what a button posts, what it is, its name)."""
        choice = candidate.choice
        if isinstance(choice, FaqEntry):
            name = self._services.answers.title(choice, visit.texts.language)
            return f"f:{choice.id}", "💬", name
        return f"p:{choice.code}", f"📄 {choice.code}", choice.name

    def _choice(self, posted: str) -> Choice | None:
        meaning, _, key = posted.partition(":")
        if meaning == "f":
            return self._services.answers.entry(key)
        return self._services.catalogue.get(key) if meaning == "p" else None

    async def _teach(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        form = await self._desk.form(visit)
        group = await self._open_group(visit)
        misses = self._services.misses
        texts = visit.texts
        admin = visit.session.user_id
        action = str(form.get("action", ""))
        try:
            if action == "dismiss":
                await misses.dismiss(group.id, admin)
                done = texts.plain("misses.dismissed", question=group.query, asked=group.asked)
            elif action == "answer":
                answer = str(form.get("answer", "")).strip()
                if not answer:
                    return self._miss_page(visit, group, [texts.plain("web.note_missing")])
                taught = await misses.write_answer(group.id, answer[:MAX_ANSWER], admin)
                done = texts.plain("web.misses.answered", phrase=taught.phrase)
            else:
                choice = self._choice(str(form.get("choice", "")))
                if choice is None:
                    return self._miss_page(visit, group, [texts.plain("web.misses.gone_choice")])
                taught = await misses.teach(group.id, choice, admin)
                name = (
                    choice.name
                    if not isinstance(choice, FaqEntry)
                    else (self._services.answers.title(choice, texts.language))
                )
                done = texts.plain("web.misses.taught", phrase=taught.phrase, name=name)
        except MissHandled:
            raise visit.refuse(404, "web.misses.handled") from None
        except DocumentError as error:
            return self._miss_page(visit, group, visit.problems(error))
        return await self._misses(request, done)
