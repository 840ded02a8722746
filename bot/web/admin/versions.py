"""Every editable file's versions, whichever way they were saved (a form, a file sent to the
bot, the command line): who saved each and when, what changed from the one before, and a way
back to any of them, as a new version checked like any other."""

from __future__ import annotations

import difflib

from aiohttp import web

from bot.services.documents import NoPreviousVersion
from bot.web.admin.pages import PREFIX, Desk, Visit
from bot.yamldoc import DocumentError, comparable

NAME = "{name:[a-z_]{1,30}\\.yaml}"
VERSION = "{version:\\d{1,9}}"
CONTEXT = 3  # lines shown around each change


class VersionPages:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._documents = desk.services.documents

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_get(f"{PREFIX}/versions/{NAME}", self._list)
        router.add_get(f"{PREFIX}/versions/{NAME}/{VERSION}", self._one)
        router.add_post(f"{PREFIX}/versions/{NAME}/{VERSION}", self._restore)

    async def _visit(self, request: web.Request) -> tuple[Visit, str]:
        visit = await self._desk.visit(request)
        if not visit.member.edits:
            raise visit.refuse(403, "web.admins_only")
        name = request.match_info["name"]
        if not self._documents.handles(name):
            raise visit.refuse(404, "web.version_absent")
        return visit, name

    async def _list(self, request: web.Request) -> web.StreamResponse:
        visit, name = await self._visit(request)
        versions = await self._documents.history(name)
        return visit.page(
            "versions.html",
            name,
            name=name,
            current=self._documents.version(name),
            versions=[(v.version, v.created_at, v.author_id) for v in versions],
        )

    async def _one(self, request: web.Request, problems: list[str] | None = None) -> web.Response:
        visit, name = await self._visit(request)
        version = int(request.match_info["version"])
        text = await self._documents.content(name, version)
        if text is None:
            raise visit.refuse(404, "web.version_absent")
        before = await self._documents.content(name, version - 1) or ""
        diff = difflib.unified_diff(
            comparable(before).splitlines(),
            comparable(text).splitlines(),
            f"{name} {version - 1}",
            f"{name} {version}",
            n=CONTEXT,
            lineterm="",
        )
        return visit.page(
            "version.html",
            f"{name} · {version}",
            status=400 if problems else 200,
            name=name,
            version=version,
            current=self._documents.version(name),
            lines=list(diff)[2:],  # without the file names' header
            problems=problems or [],
        )

    async def _restore(self, request: web.Request) -> web.StreamResponse:
        visit, name = await self._visit(request)
        await self._desk.form(visit)
        try:
            await self._documents.restore(
                name, int(request.match_info["version"]), visit.session.user_id
            )
        except NoPreviousVersion:
            raise visit.refuse(404, "web.version_absent") from None
        except DocumentError as error:  # it no longer fits (a procedure it names is gone)
            return await self._one(request, error.lines(visit.texts))
        raise web.HTTPSeeOther(f"{PREFIX}/versions/{name}")
