"""The per-update context handlers receive: services, and the person's language resolved once;
and the application's own data, typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.flows.engine import FlowEngine
from bot.i18n import I18n, Texts
from bot.services.announcements import AnnouncementService
from bot.services.answers import AnswerService
from bot.services.backups import DailyBackup
from bot.services.catalogue import CatalogueService
from bot.services.deadlines import DeadlineWatcher
from bot.services.departments import DepartmentDirectory
from bot.services.documents import DocumentService
from bot.services.dossiers import DossierService
from bot.services.figures import FigureService, ReportService
from bot.services.flood import FloodGuard, RepeatGuard
from bot.services.health import Health
from bot.services.metrics import Metrics
from bot.services.misses import MissService
from bot.services.people import PeopleService
from bot.services.privacy import PrivacyService
from bot.services.tickets import TicketService
from bot.services.unit import UnitService
from bot.storage.outbox import OutboxRepository

if TYPE_CHECKING:
    from bot.delivery.worker import DeliveryWorker
    from bot.handlers.groups import Edits
    from bot.http_api import DossierApi
    from bot.storage.db import Database
    from bot.transport import AiohttpRequest
    from bot.web.admin.site import AdminSite
    from bot.web.webhook import Webhook


@dataclass
class Services:
    settings: Settings
    clock: Clock  # the one clock: services and SQL read it
    i18n: I18n
    people: PeopleService
    unit: UnitService
    catalogue: CatalogueService
    answers: AnswerService  # procedures, everyday questions and taught phrases together
    misses: MissService  # what it could not answer well: the admins' queue, teaching
    flows: FlowEngine
    documents: DocumentService
    departments: DepartmentDirectory  # routing and each department's group
    tickets: TicketService
    deadlines: DeadlineWatcher
    figures: FigureService  # the leadership's figures; counts the questions typed
    reports: ReportService  # the weekly and monthly reports, each sent once
    dossiers: DossierService
    announcements: AnnouncementService
    outbox: OutboxRepository
    flood: FloodGuard
    lookups: FloodGuard  # dossier look-ups and check values
    repeats: RepeatGuard  # the same button pressed again at once
    health: Health  # GET /healthz
    metrics: Metrics  # GET /metrics
    backups: DailyBackup  # the database's copy of the day
    privacy: PrivacyService  # consent, erasure, the purge and exports (Decree 13/2023)

    async def close(self) -> None:
        await self.people.close()
        await self.catalogue.close()


@dataclass
class BotData:
    """What the application holds beside its handlers; filled in as it starts (PTB makes it
    empty), so each part is None until then."""

    settings: Settings | None = None
    db: Database | None = None
    services: Services | None = None
    sender: DeliveryWorker | None = None
    http: DossierApi | None = None
    http_port: int | None = None
    edits: Edits | None = None
    requests: tuple[AiohttpRequest, ...] = ()  # the Bot API clients, whose answers are counted
    webhook: Webhook | None = None  # webhook mode only
    admin_site: AdminSite | None = None  # with the HTTP server only


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
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
        services = self.bot_data.services
        assert services is not None, "handlers run only after post_init opened the services"
        return services

    @property
    def updates_received_up_to(self) -> int:
        """The newest update id the application has taken in, answered or not."""
        processor = self.application.update_processor
        return getattr(processor, "received_up_to", 0)

    @property
    def texts(self) -> Texts:
        return self.services.i18n.texts(self.language)
