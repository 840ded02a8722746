"""The guided flows at a desk: each flow's steps as Telegram shows them, a form for each step
(what it asks, its options and where each leads, the procedures a result offers, found by
searching the catalogue), and a walk-through to try a flow as a citizen would.

Each save writes the change into flows.yaml (its comments kept) as a new version, checked as
a file sent to the bot is; the bot uses it at once. Only admins edit; the pages are theirs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.flows.engine import FILENAME, Position
from bot.flows.schema import ID, Flow, FlowFile
from bot.handlers.flows.views import restart_row, step_keyboard
from bot.services.documents import ChangedSince
from bot.ui.lists import procedure_rows
from bot.web.admin.pages import PREFIX, Desk, Visit, localized

FLOW = "{flow:[a-z0-9][a-z0-9_-]{0,19}}"
STEP = "{step:[a-z0-9][a-z0-9_-]{0,19}}"
KINDS = ("options", "input", "result")
MAX_OPTIONS = 8  # as the schema allows
MAX_RESULTS = 5
FOUND = 8  # catalogue search results shown for a result step


class FlowPages:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._services = desk.services

    def add_to(self, router: web.UrlDispatcher) -> None:
        base = f"{PREFIX}/flows"
        router.add_get(base, self._list)
        router.add_get(f"{base}/{FLOW}", self._flow)
        router.add_get(f"{base}/{FLOW}/try", self._try)
        router.add_get(f"{base}/{FLOW}/try/{STEP}", self._try)
        router.add_get(f"{base}/{FLOW}/new", self._new)
        router.add_post(f"{base}/{FLOW}/new", self._save)
        router.add_get(f"{base}/{FLOW}/steps/{STEP}", self._step)
        router.add_post(f"{base}/{FLOW}/steps/{STEP}", self._save)

    async def _editor(self, request: web.Request) -> Visit:
        visit = await self._desk.visit(request)
        if not visit.member.edits:
            raise visit.refuse(403, "web.admins_only")
        return visit

    def _flow_of(self, visit: Visit) -> Flow:
        position = self._services.flows.at(visit.request.match_info["flow"])
        if position is None:
            raise visit.refuse(404, "web.flow_absent")
        return position.flow

    async def _list(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        language = visit.texts.language
        flows = [(f.id, f.title.get(language), len(f.steps)) for f in self._services.flows.flows]
        return visit.page("flows.html", visit.texts.plain("web.flows.title"), flows=flows)

    async def _flow(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        flow = self._flow_of(visit)
        steps = [
            {
                "name": name,
                "kind": _kind_of(step),
                "view": self._view(visit, Position(flow, name, step)),
            }
            for name, step in flow.steps.items()
        ]
        return visit.page("flow.html", flow.title.get(visit.texts.language), flow=flow, steps=steps)

    def _view(self, visit: Visit, position: Position) -> dict[str, Any]:
        """The step as the bot sends it: its messages, and its buttons' rows (each with the
        step an option leads to, for the walk-through)."""
        texts = visit.texts
        step = position.step
        language = texts.language
        if step.result is None:
            markup = step_keyboard(texts, position)
            leads = [o.next for o in step.options or []]
            rows = [
                [
                    (b.text, leads[i] if i < len(leads) and j == 0 else None)
                    for j, b in enumerate(row)
                ]
                for i, row in enumerate(markup.inline_keyboard)
            ]
            text = texts("flow.ask", text=step.ask.get(language) if step.ask else "")
            return {"messages": [text], "rows": rows, "typed": step.input is not None}
        catalogue = self._services.catalogue
        found = [p for code in step.result if (p := catalogue.get(code)) is not None]
        messages = [texts("flow.say", text=step.say.get(language))] if step.say else []
        if len(found) == 1:
            messages.append(texts("web.flows.card", name=found[0].name, code=found[0].code))
            return {"messages": messages, "rows": [], "typed": False}
        messages.append(texts("flow.results"))
        buttons = [*procedure_rows(found), restart_row(texts, position)]
        rows = [[(b.text, None) for b in row] for row in buttons]
        return {"messages": messages, "rows": rows, "typed": False}

    async def _try(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        flow = self._flow_of(visit)
        name = request.match_info.get("step", flow.start)
        position = self._services.flows.at(flow.id, name)
        if position is None:
            raise visit.refuse(404, "web.flow_absent")
        return visit.page(
            "flow_try.html",
            flow.title.get(visit.texts.language),
            flow=flow,
            view=self._view(visit, position),
        )

    async def _step(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        flow = self._flow_of(visit)
        name = request.match_info["step"]
        if name not in flow.steps:
            raise visit.refuse(404, "web.flow_absent")
        data = as_data([flow])[0]["steps"][name]
        saved = request.query.get("saved") is not None
        done = visit.texts.plain("web.flows.saved") if saved else None
        return self._form(visit, flow, name, _kind_of_data(data), data, done=done)

    async def _new(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        flow = self._flow_of(visit)
        kind = request.query.get("kind", "options")
        return self._form(visit, flow, None, kind if kind in KINDS else "options", {})

    def _form(
        self,
        visit: Visit,
        flow: Flow,
        name: str | None,
        kind: str,
        data: dict[str, Any],
        problems: list[str] | None = None,
        done: str | None = None,
    ) -> web.Response:
        options = list(data.get("options") or [])
        blank = {"label": {"vi": "", "en": ""}, "next": ""}
        rows = options + [blank] * (1 if len(options) < MAX_OPTIONS else 0)
        codes = list(data.get("result") or [])
        codes += [""] * (MAX_RESULTS - len(codes))
        query = visit.request.query.get("q", "").strip()
        found = self._services.catalogue.search(query).hits[:FOUND] if query else ()
        catalogue = self._services.catalogue
        position = self._services.flows.at(flow.id, name) if name else None
        return visit.page(
            "flow_step.html",
            f"{flow.title.get(visit.texts.language)} · {name or ''}",
            status=400 if problems else 200,
            flow=flow,
            name=name,
            kind=kind,
            data=data,
            rows=rows,
            codes=[(c, p.name if (p := catalogue.get(c)) else "") for c in codes],
            steps=sorted(flow.steps),
            query=query,
            found=[(h.procedure.code, h.procedure.name) for h in found],
            view=self._view(visit, position) if position is not None else None,
            problems=problems or [],
            done=done,
            id_pattern=ID.strip("^$"),
            version=self._services.documents.version(FILENAME),
        )

    async def _save(self, request: web.Request) -> web.StreamResponse:
        visit = await self._editor(request)
        form = await self._desk.form(visit)
        flow = self._flow_of(visit)
        all_flows = as_data(self._services.flows.flows)
        mine = next(f for f in all_flows if f["id"] == flow.id)
        name = request.match_info.get("step") or str(form.get("name", "")).strip()
        before = mine["steps"].get(name) if "step" in request.match_info else None
        kind = _kind_of_data(before) if before else str(form.get("kind", "options"))
        if form.get("action") == "delete" and before is not None:
            del mine["steps"][name]
            step: dict[str, Any] = {}
        else:
            step = step_from_form(form, kind if kind in KINDS else "options", before)
            if before is None and name in mine["steps"]:
                problem = visit.texts.plain("web.flows.name_taken", name=name)
                return self._form(visit, flow, None, kind, {**step, "name": name}, [problem])
            mine["steps"][name] = step
        try:
            problems = await self._desk.save(visit, FILENAME, {"flows": all_flows}, form)
        except ChangedSince:  # the step as it is now (a new one: what was typed)
            changed = [visit.texts.plain("web.changed_since")]
            flow = self._flow_of(visit)
            if before is not None and name in flow.steps:
                fresh = as_data([flow])[0]["steps"][name]
                return self._form(visit, flow, name, _kind_of_data(fresh), fresh, changed)
            return self._form(visit, flow, None, kind, {**step, "name": name}, changed)
        if problems:
            if "step" in request.match_info:
                return self._form(visit, flow, name, kind, step, problems)
            return self._form(visit, flow, None, kind, {**step, "name": name}, problems)
        if not step:  # deleted
            raise web.HTTPSeeOther(f"{PREFIX}/flows/{flow.id}")
        raise web.HTTPSeeOther(f"{PREFIX}/flows/{flow.id}/steps/{name}?saved=1")


def as_data(flows: list[Flow]) -> list[dict[str, Any]]:
    """The flows as plain data, to be changed by a form and written back into the file: a
    mistake is then reported by the file's own validation, in the admin's language."""
    dumped = FlowFile(flows=flows).model_dump(mode="json", exclude_none=True)
    return list(dumped["flows"])


def _kind_of(step: Any) -> str:
    return "options" if step.options is not None else "input" if step.input else "result"


def _kind_of_data(data: dict[str, Any]) -> str:
    return next((kind for kind in KINDS if data.get(kind) is not None), "options")


def step_from_form(
    form: Mapping[str, Any], kind: str, before: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The step as the form describes it: options (rows whose label is left empty are
    dropped), a typed answer, or a result (codes, and a remark)."""
    step: dict[str, Any] = {}
    if kind in ("options", "input") and (ask := localized(form, "ask")) is not None:
        step["ask"] = ask
    if kind == "options":
        options = []
        for i in range(MAX_OPTIONS + 1):
            label = localized(form, f"label_{i}")
            if label is not None:
                options.append({"label": label, "next": str(form.get(f"next_{i}", ""))})
        step["options"] = options
    elif kind == "input":
        spec = dict((before or {}).get("input") or {})
        spec["next"] = str(form.get("next_0", spec.get("next", "")))
        step["input"] = spec
    else:
        codes = [str(form.get(f"code_{i}", "")).strip() for i in range(MAX_RESULTS)]
        step["result"] = [code for code in codes if code]
        if (say := localized(form, "say")) is not None:
            step["say"] = say
    return step
