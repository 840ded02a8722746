"""Composition root: the one place that builds services and wires handlers to the Application."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.pace import TelegramPace
from bot.delivery.worker import DeliveryWorker
from bot.domain.figures import Figures
from bot.domain.unit import UnitProfile
from bot.domain.workcalendar import WorkCalendar
from bot.flows.engine import FlowEngine
from bot.handlers import (
    admin,
    announcements,
    answers,
    complaints,
    dossiers,
    errors,
    fallback,
    figures,
    flows,
    followups,
    menu,
    office,
    privacy,
    procedures,
    teaching,
)
from bot.handlers.announcements.views import announcement_view
from bot.handlers.common import identify, private, stale_button
from bot.handlers.complaints.views import TelegramTicketViews
from bot.handlers.context import BotContext, BotData, Services
from bot.handlers.dossiers.views import TelegramDossierViews
from bot.handlers.figures.views import TelegramReportViews
from bot.handlers.teaching import views as teaching_views
from bot.handlers.updates import PerChatUpdateProcessor
from bot.handlers.wiring import BotApp, Wiring
from bot.i18n import I18n
from bot.memory import release_freed
from bot.services import counting
from bot.services.announcements import AnnouncementService
from bot.services.answers import AnswerService
from bot.services.backups import DailyBackup
from bot.services.catalogue import CatalogueService
from bot.services.deadlines import DeadlineWatcher
from bot.services.departments import DepartmentDirectory
from bot.services.documents import DocumentService
from bot.services.dossiers import DossierService
from bot.services.figures import FigureService, FiguresUnavailable, ReportService
from bot.services.flood import FloodGuard, RepeatGuard
from bot.services.health import Health
from bot.services.metrics import Metrics
from bot.services.misses import MissService
from bot.services.people import PeopleService
from bot.services.privacy import PrivacyService
from bot.services.tickets import TicketService
from bot.services.unit import UnitService
from bot.storage.announcements import AnnouncementRepository
from bot.storage.db import Database
from bot.storage.departments import DepartmentGroupRepository
from bot.storage.documents import DocumentRepository
from bot.storage.dossiers import DossierRepository
from bot.storage.figures import FigureRepository, ReportRepository
from bot.storage.misses import MissRepository
from bot.storage.ops import OpsRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.privacy import PrivacyRepository
from bot.storage.procedures import ProcedureRepository
from bot.storage.tickets import TicketRepository
from bot.storage.users import ConversationRepository, UserRepository
from bot.transport import AiohttpRequest
from bot.ui.chart import render as render_chart
from bot.ui.child import ChildFailed, made_by

log = logging.getLogger(__name__)

# Each feature registers its own handlers (where it stands in a chain, it says itself).
FEATURES = (
    menu,
    procedures,
    answers,
    complaints,
    followups,
    dossiers,
    office,
    flows,
    announcements,
    admin,
    teaching,
    figures,
    privacy,
)

EVERY_MINUTE_S = 60
COUNT_WITHIN_S = 60.0  # a year's figures take a few seconds
HEADROOM = 0.95  # of Telegram's overall rate we aim for


@dataclass(frozen=True, slots=True)
class Reporting:
    """What the leadership's spreadsheet is made from (``python -m bot report``)."""

    figures: FigureService
    departments: DepartmentDirectory
    i18n: I18n
    clock: Clock


async def open_reporting(settings: Settings, db: Database) -> Reporting:
    """The figures with the unit's calendar and the departments' names, and nothing else: the
    spreadsheet's child process is started for every /xuatbaocao, and the catalogue and its
    search index would cost it most of a second and tens of MB."""
    await db.open()
    try:
        unit = UnitService()
        departments = DepartmentDirectory(DepartmentGroupRepository(db), settings.admins)
        files = [unit.editable_file(), departments.editable_file()]
        await DocumentService(DocumentRepository(db), files).load()
    except BaseException:
        await db.close()
        raise
    figures = FigureService(
        FigureRepository(db),
        db.clock,
        lambda: WorkCalendar(unit.profile, settings.tz),
        settings.admins,
    )
    return Reporting(figures, departments, I18n(settings.default_language), db.clock)


async def open_services(settings: Settings, db: Database) -> Services:
    """Everything the handlers use, loaded; the database is closed again if loading fails, so
    a command that cannot start exits instead of waiting on the database's thread."""
    i18n = I18n(settings.default_language)
    try:
        await db.open()
        people = PeopleService(UserRepository(db), ConversationRepository(db), i18n)
        await people.load()
        catalogue = CatalogueService(ProcedureRepository(db))
        await catalogue.load()
        unit = UnitService()
        flows = FlowEngine(known_code=lambda code: catalogue.get(code) is not None)
        outbox = OutboxRepository(db)

        kept: list[tuple[UnitProfile, WorkCalendar]] = []

        def calendar() -> WorkCalendar:
            """One per profile: what it learns of working hours lasts until unit.yaml
            changes."""
            if not kept or kept[0][0] is not unit.profile:
                kept[:] = [(unit.profile, WorkCalendar(unit.profile, settings.tz))]
            return kept[0][1]

        departments = DepartmentDirectory(DepartmentGroupRepository(db), settings.admins)
        ticket_repository = TicketRepository(db)
        ticket_views = TelegramTicketViews(
            i18n, settings.tz, lambda code: ref.name if (ref := catalogue.get(code)) else None
        )
        tickets = TicketService(
            db, ticket_repository, outbox, ticket_views, departments, calendar, settings.admins
        )
        deadlines = DeadlineWatcher(
            db, ticket_repository, outbox, ticket_views, departments, calendar
        )
        dossiers = DossierService(
            db,
            DossierRepository(db),
            outbox,
            TelegramDossierViews(
                i18n,
                lambda code: ref.name if (ref := catalogue.get(code)) else None,
                lambda: unit.profile,
            ),
            people.language_of,
            settings.tz,
            settings.quiet,
            office=lambda: departments.department_chats(departments.routing.one_stop),
            calendar=calendar,
        )
        announcer = AnnouncementService(
            db,
            AnnouncementRepository(db),
            outbox,
            announcement_view(i18n, lambda: unit.profile),
            people.language_of,
            settings.tz,
            settings.quiet,
        )
        answers = AnswerService(catalogue)
        ops = OpsRepository(db)
        metrics = Metrics(ops, db.clock)
        documents = DocumentService(
            DocumentRepository(db),
            [
                catalogue.following(unit.editable_file()),  # scope follows unit.yaml
                # The phrase indexes are built on the lexicon's words too.
                catalogue.lexicon_file().then(lambda _: answers.refresh()),
                flows.editable_file(),
                departments.editable_file(),
                *answers.files(),  # faq.yaml before aliases.yaml, whose entries it names
            ],
        )
        await documents.load()
        await catalogue.ready()
        misses = MissService(
            db,
            MissRepository(db),
            outbox,
            answers,
            documents,
            admins=settings.admins,
            tz=settings.tz,
            language_of=people.language_of,
            weekly_view=teaching_views.weekly(i18n, settings.tz),
            counted=metrics.missed,
        )
        await misses.start()
        await departments.load()
        await tickets.load()
    except BaseException:
        await db.close()
        raise
    people.start()
    catalogue.start()
    answers.prepare()
    figures = FigureService(
        FigureRepository(db),
        db.clock,
        calendar,
        settings.admins,
        apart=lambda period, now, before: _counted(
            counting.Ask(db.path, period, now, before, calendar(), tuple(settings.admins))
        ),
    )
    report_views = TelegramReportViews(i18n, lambda: departments.routing, settings.tz)
    # The catalogue, its indexes and the word lists live as long as the process: garbage
    # collection need not walk them again and again while citizens wait for an answer. What
    # loading left behind is collected and handed back first: frozen, it would stay.
    release_freed()
    gc.freeze()
    return Services(
        settings=settings,
        clock=db.clock,
        i18n=i18n,
        people=people,
        unit=unit,
        catalogue=catalogue,
        answers=answers,
        misses=misses,
        flows=flows,
        documents=documents,
        departments=departments,
        tickets=tickets,
        deadlines=deadlines,
        figures=figures,
        reports=ReportService(
            db,
            ReportRepository(db),
            figures,
            outbox,
            report_views,
            draw=lambda counted: render_chart(report_views.chart(counted)),
            charts=settings.database.parent / "charts",
            # The leadership's own group only: an admin's chat is no place for them.
            leadership=lambda: [
                group
                for group in [departments.group_of(departments.routing.leadership)]
                if group is not None
            ],
            quiet=settings.quiet,
        ),
        dossiers=dossiers,
        announcements=announcer,
        outbox=outbox,
        flood=FloodGuard(settings.max_messages_per_minute),
        lookups=FloodGuard(settings.max_lookups_per_minute),
        repeats=RepeatGuard(),
        health=Health(ops, db.clock, webhook_url=settings.webhook_url),
        metrics=metrics,
        backups=DailyBackup(
            settings.database,
            settings.backup_folder,
            settings.backup_keep,
            settings.backup_at,
            settings.tz,
            db.clock,
        ),
        privacy=PrivacyService(
            db,
            PrivacyRepository(db),
            outbox,
            ticket_repository,
            months=settings.personal_data_months,
            notes=tickets.erasure_notes,
            before_erasing=people.flush,
            forget=people.forget,
        ),
    )


def create_app(settings: Settings) -> BotApp:
    """The real python-telegram-bot Application, against Telegram or any Bot-API server."""
    if settings.token is None:
        raise ValueError("create_app needs a token; the shell provides one for its stand-in")
    requests = (AiohttpRequest(), AiohttpRequest(connection_pool_size=1))
    builder = (
        Application.builder()
        .token(settings.token.get_secret_value())
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .request(requests[0])
        .get_updates_request(requests[1])
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .concurrent_updates(PerChatUpdateProcessor(settings.concurrent_updates))
        .rate_limiter(
            # 5% under Telegram's overall rate: a busy moment delays some sends more than
            # others, and that jitter must not put 31 into one of Telegram's seconds.
            TelegramPace(
                settings.max_messages_per_second * HEADROOM,
                int(settings.max_group_messages_per_minute),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    app: BotApp = builder.build()
    app.bot_data.settings = settings
    app.bot_data.requests = requests
    register_handlers(app)
    return app


async def _post_init(app: BotApp) -> None:
    settings = app.bot_data.settings
    assert settings is not None  # create_app sets it
    db = Database(settings.database)
    app.bot_data.db = db
    services = await open_services(settings, db)
    app.bot_data.services = services
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)  # create_app sets it
    pace = app.bot.rate_limiter
    assert isinstance(pace, TelegramPace)  # create_app sets it
    sender = DeliveryWorker(services.outbox, interactive=processor.busy, pace=pace)
    processor.on_idle = sender.idle
    _observe(app, services, sender)
    app.bot_data.sender = sender
    sender.start(app.bot)  # what was pending before a restart goes out first
    if settings.http_token is not None:
        token = settings.http_token.get_secret_value()
        # Imported here: a bot without its HTTP server (aiohttp's server side) is 2 MB smaller.
        from bot.http_api import DossierApi
        from bot.storage.sign_ins import SignInRepository
        from bot.web.admin.site import AdminSite
        from bot.web.ops import OpsEndpoints

        ops = OpsEndpoints(services.health, services.metrics, token, services.i18n)
        bot_token = settings.token.get_secret_value() if settings.token else ""
        admin = AdminSite(app, services, SignInRepository(db), bot_token)
        app.bot_data.admin_site = admin
        api = DossierApi(services.dossiers, token, services.i18n, ops, admin)
        app.bot_data.http = api
        port = await api.start(settings.http_host, settings.http_port)
        app.bot_data.http_port = port
        log.info("dossier endpoint: http://%s:%d/dossiers", settings.http_host, port)
    if app.job_queue is not None:
        app.job_queue.run_repeating(_every_minute, interval=EVERY_MINUTE_S, first=5)
    # One menu per language we speak, and the default language's for everyone else.
    for language in services.i18n.languages:
        commands = menu.command_list_for(services.i18n.texts(language))
        await app.bot.set_my_commands(commands, language_code=language)
        if language == settings.default_language:
            await app.bot.set_my_commands(commands)


def _observe(app: BotApp, services: Services, sender: DeliveryWorker) -> None:
    """What the health check and the metrics learn as it happens."""
    health, metrics = services.health, services.metrics

    def answered(status: int) -> None:
        health.answered(status)
        metrics.answered(status)

    for request in app.bot_data.requests:
        request.on_answer = answered
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)  # create_app sets it
    processor.on_handled = metrics.handled
    sender.on_retry = metrics.retried


async def _every_minute(context: BotContext) -> None:
    """Deadlines (counted in hours, so a minute is precise enough), the office's daily reminder
    of late dossiers, the admins' weekly list of unanswered questions, the flood counters, how
    Telegram's posts to the webhook go, and the daily backup."""
    await context.services.deadlines.check()
    await context.services.dossiers.remind_overdue()
    await context.services.misses.send_weekly()
    await context.services.figures.flush()
    await context.services.reports.send_due()
    await context.services.privacy.purge_due()  # hourly
    context.services.flood.forget_idle(time.monotonic())
    context.services.lookups.forget_idle(time.monotonic())
    context.services.repeats.forget_idle(time.monotonic())
    if isinstance(context.bot.rate_limiter, TelegramPace):
        context.bot.rate_limiter.forget_idle()
    webhook = context.bot_data.webhook
    if webhook is not None:
        await webhook.watch()
    await context.services.backups.run()  # last: it takes as long as the copy


async def _counted(ask: counting.Ask) -> tuple[Figures, Figures]:
    try:
        data = await made_by(
            "bot.services.counting", counting.asked(ask), COUNT_WITHIN_S, counting.PICKLED,
            awaited=True,
        )  # fmt: skip
    except ChildFailed as error:
        log.warning("figures not counted: %s", str(error)[-200:])
        raise FiguresUnavailable from None
    return counting.answered(data)


async def _post_shutdown(app: BotApp) -> None:
    api = app.bot_data.http
    if api is not None:
        await api.stop()
    sender = app.bot_data.sender
    if sender is not None:
        await sender.stop()
    services = app.bot_data.services
    if services is not None:
        await services.figures.flush()
        await services.close()
    db = app.bot_data.db
    if db is not None:
        await db.close()


def register_handlers(app: BotApp) -> None:
    """Each feature adds its own commands, buttons and steps; what no feature took is
    answered last."""
    wiring = Wiring(app)
    app.add_handler(TypeHandler(Update, identify), group=-1)  # before every handler
    for feature in FEATURES:
        feature.register(wiring)
    router = wiring.router

    async def on_text(update: Update, context: BotContext) -> None:
        """Words in a private chat: the open step's, else the first feature that takes them."""
        if not private(update) or update.effective_message is None:
            return
        if await router.route(update, context):
            return
        await wiring.text.offer(update, context)

    async def on_edited(update: Update, context: BotContext) -> None:
        await fallback.edited(update, context, router)

    async def on_media(update: Update, context: BotContext) -> None:
        """A photo, location, contact... : the conversation's, if it takes one."""
        if await router.route(update, context, media=True):
            return
        if not await wiring.media.offer(update, context):
            await fallback.not_text(update, context)

    async def on_document(update: Update, context: BotContext) -> None:
        if not await wiring.documents.offer(update, context):
            await on_media(update, context)

    async def in_group(update: Update, context: BotContext) -> None:
        await wiring.group_text.offer(update, context)

    new_messages = filters.UpdateType.MESSAGE
    groups = filters.ChatType.GROUPS
    app.add_handlers(
        [
            CallbackQueryHandler(stale_button),  # a button no feature owns, or forged data
            MessageHandler(
                new_messages & groups & (filters.TEXT | filters.PHOTO) & ~filters.COMMAND, in_group
            ),
            MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, on_text),
            MessageHandler(
                filters.UpdateType.EDITED_MESSAGE
                & filters.TEXT
                & ~filters.COMMAND
                & filters.ChatType.PRIVATE,
                on_edited,
            ),
            MessageHandler(new_messages & filters.COMMAND, fallback.unknown_command),
            MessageHandler(new_messages & filters.Document.ALL, on_document),
            MessageHandler(new_messages & ~filters.StatusUpdate.ALL, on_media),
        ]
    )
    app.add_error_handler(errors.on_error)


@asynccontextmanager
async def running(app: BotApp, *, poll_timeout: int = 10) -> AsyncIterator[BotApp]:
    """Serve until the block exits, by long polling or (``BOT_WEBHOOK_URL`` set) by taking
    Telegram's posts; one path for Telegram, tests and shell."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        settings, services = app.bot_data.settings, app.bot_data.services
        try:  # a webhook that cannot listen still stops what has started
            if settings is not None and services is not None and settings.webhook_url:
                from bot.web.webhook import Webhook

                webhook = Webhook(app, settings, services.health)
                app.bot_data.webhook = webhook
                await webhook.start()
            else:
                await app.updater.start_polling(
                    poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
                )
            yield app
        finally:
            if app.bot_data.webhook is not None:
                await app.bot_data.webhook.stop()
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            sender = app.bot_data.sender
            if sender is not None:  # while the Bot can still send what it has started
                await sender.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


async def serve_forever(app: BotApp, stop: asyncio.Event, *, poll_timeout: int = 10) -> None:
    async with running(app, poll_timeout=poll_timeout):
        log.info("serving; press Ctrl+C to stop")
        await stop.wait()
