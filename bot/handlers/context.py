"""The per-update context handlers receive: services, and the person's language resolved once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.flows.engine import FlowEngine
from bot.i18n import I18n, Texts
from bot.services.announcements import AnnouncementService
from bot.services.catalogue import CatalogueService
from bot.services.documents import DocumentService
from bot.services.dossiers import DossierService
from bot.services.flood import FloodGuard, RepeatGuard
from bot.services.people import PeopleService
from bot.services.tickets import TicketService
from bot.services.unit import UnitService
from bot.storage.outbox import OutboxRepository


@dataclass
class Services:
    settings: Settings
    clock: Clock  # the one clock: services and SQL read it
    i18n: I18n
    people: PeopleService
    unit: UnitService
    catalogue: CatalogueService
    flows: FlowEngine
    documents: DocumentService
    tickets: TicketService
    dossiers: DossierService
    announcements: AnnouncementService
    outbox: OutboxRepository
    flood: FloodGuard
    lookups: FloodGuard  # dossier look-ups and check values
    repeats: RepeatGuard  # the same button pressed again at once

    async def close(self) -> None:
        await self.people.close()
        await self.catalogue.close()


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with our services and the language chosen for this update."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.language: str | None = None

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def texts(self) -> Texts:
        return self.services.i18n.texts(self.language)
