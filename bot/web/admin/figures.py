"""The figures at a desk or on a leader's phone inside Telegram: the same text, chart and
spreadsheet as /thongke and /xuatbaocao, for admins and leaders (officials have their own
tickets, not the ward's figures)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.domain.figures import PeriodKind
from bot.handlers.figures import export, views
from bot.services.figures import FiguresUnavailable
from bot.ui.chart import render
from bot.ui.child import ChildFailed
from bot.web.admin.pages import HEADERS, PREFIX, Desk, Visit

log = logging.getLogger(__name__)


class FigurePages:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._services = desk.services

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_get(f"{PREFIX}/figures", self._figures)
        router.add_get(f"{PREFIX}/figures/chart.png", self._chart)
        router.add_get(f"{PREFIX}/figures/export.xlsx", self._export)

    async def _reader(self, request: web.Request) -> tuple[Visit, PeriodKind]:
        visit = await self._desk.visit(request)
        if not visit.member.sees_all:
            raise visit.refuse(403, "web.figures.not_yours")
        chosen = request.query.get("period", PeriodKind.THIS_WEEK.value)
        kind = PeriodKind(chosen) if chosen in views.CHOSEN else PeriodKind.THIS_WEEK
        return visit, kind

    async def _figures(self, request: web.Request) -> web.StreamResponse:
        visit, kind = await self._reader(request)
        texts = visit.texts
        figures = self._services.figures
        try:
            now, before = await figures.compared(figures.period(kind))
        except FiguresUnavailable:
            raise visit.refuse(503, "figures.unavailable") from None
        routing = self._services.departments.routing
        return visit.page(
            "figures.html",
            texts.plain("web.figures.title"),
            report=views.text(texts, routing, now, before),
            caption=views.chart_caption(texts, now),
            kind=kind.value,
            periods=[(k.value, texts.plain(f"figures.button.{k.value}")) for k in views.CHOSEN],
        )

    async def _chart(self, request: web.Request) -> web.StreamResponse:
        visit, kind = await self._reader(request)
        figures = self._services.figures
        try:
            now, _ = await figures.compared(figures.period(kind))
        except FiguresUnavailable:
            raise visit.refuse(503, "figures.unavailable") from None
        png = await render(views.chart(visit.texts, self._services.departments.routing, now))
        if png is None:
            raise visit.refuse(503, "figures.unavailable")
        return web.Response(body=png, content_type="image/png", headers=HEADERS)

    async def _export(self, request: web.Request) -> web.StreamResponse:
        visit, kind = await self._reader(request)
        period = self._services.figures.period(kind)
        names = visit.member.edits  # names and phones for admins only, as in Telegram
        try:
            book = await export.spreadsheet(self._services, period, visit.texts.language, names)
        except ChildFailed as error:
            log.warning("export: no spreadsheet (%s)", str(error)[-200:])
            raise visit.refuse(503, "export.failed") from None
        return web.Response(
            body=book,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                **HEADERS,
                "Content-Disposition": f'attachment; filename="{export.filename(period)}"',
            },
        )
