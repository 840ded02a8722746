"""Composition root: the one place that builds services and wires handlers to the Application."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.domain.dossiers import LINK_KIND
from bot.domain.workcalendar import WorkCalendar
from bot.flows.engine import CONVERSATION as FLOW_CONVERSATION
from bot.flows.engine import FlowEngine
from bot.handlers import (
    admin,
    announcements,
    basics,
    complaints,
    dossier_office,
    dossiers,
    errors,
    fallback,
    flows,
    officials,
    procedures,
    requests,
)
from bot.handlers.context import BotContext, Services
from bot.handlers.conversations import ConversationRouter
from bot.handlers.deeplinks import DeepLinks
from bot.http_api import DossierApi
from bot.i18n import I18n
from bot.services.announcements import AnnouncementService
from bot.services.catalogue import CatalogueService
from bot.services.documents import DocumentService
from bot.services.dossiers import DossierService
from bot.services.flood import FloodGuard, RepeatGuard
from bot.services.people import PeopleService
from bot.services.tickets import TicketService
from bot.services.unit import UnitService
from bot.storage.db import Database
from bot.storage.documents import DocumentRepository
from bot.storage.dossiers import DossierRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.procedures import ProcedureRepository
from bot.storage.tickets import TicketRepository
from bot.storage.users import ConversationRepository, UserRepository
from bot.transport import AiohttpRequest
from bot.ui.announcements import announcement_view
from bot.ui.callbacks import Callback, decode
from bot.ui.dossiers import TelegramDossierViews
from bot.ui.outbox import OutboxSender
from bot.ui.pace import TelegramPace
from bot.ui.tickets import TelegramTicketViews

log = logging.getLogger(__name__)

EVERY_MINUTE_S = 60
HEADROOM = 0.95  # of Telegram's overall rate we aim for
_WAITING_UPDATES = 100_000  # updates taken in at once; how many run at once is ours to say

BotApp = Application[Any, BotContext, Any, Any, Any, Any]
CallbackAction = Callable[[Update, BotContext, Callback], Awaitable[None]]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Many chats at once, but one update at a time within a chat, so a person's messages are
    handled in the order they were sent and never race on their conversation state."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        # PTB's own semaphore is left wide so that every update is seen on arrival (a tap
        # made before an earlier one was answered is known as such: ``received_up_to``);
        # ours bounds how many are handled at once. Handlers into groups never wait for the
        # group's minute (their messages go through the outbox), so a slot is held briefly.
        super().__init__(_WAITING_UPDATES)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self.on_idle: Callable[[], None] = lambda: None  # the last update in hand is done
        self.received_up_to = 0  # the newest update id handed to us, waiting or not

    def busy(self) -> bool:
        """Someone is waiting for the bot to answer."""
        return bool(self._waiting)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = 0
        if isinstance(update, Update):
            self.received_up_to = max(self.received_up_to, update.update_id)
            if update.effective_chat is not None:
                key = update.effective_chat.id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with self._slots, lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]
                if not self._waiting:
                    self.on_idle()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


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
        tickets = TicketService(
            db,
            TicketRepository(db),
            outbox,
            TelegramTicketViews(
                i18n, settings.tz, lambda code: ref.name if (ref := catalogue.get(code)) else None
            ),
            lambda: unit.profile,
            settings.tz,
            settings.admins,
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
            office=lambda: tickets.department_chats(tickets.routing.one_stop),
            calendar=lambda: WorkCalendar(unit.profile, settings.tz),
        )
        announcer = AnnouncementService(
            db,
            outbox,
            announcement_view(i18n, lambda: unit.profile),
            people.language_of,
            settings.tz,
            settings.quiet,
        )
        documents = DocumentService(
            DocumentRepository(db),
            [
                unit.editable_file(),
                catalogue.lexicon_file(),
                flows.editable_file(),
                tickets.editable_file(),
            ],
        )
        await documents.load()
        await tickets.load()
    except BaseException:
        await db.close()
        raise
    people.start()
    catalogue.start()
    return Services(
        settings=settings,
        clock=db.clock,
        i18n=i18n,
        people=people,
        unit=unit,
        catalogue=catalogue,
        flows=flows,
        documents=documents,
        tickets=tickets,
        dossiers=dossiers,
        announcements=announcer,
        outbox=outbox,
        flood=FloodGuard(settings.max_messages_per_minute),
        lookups=FloodGuard(settings.max_lookups_per_minute),
        repeats=RepeatGuard(),
    )


def create_app(settings: Settings) -> BotApp:
    """The real python-telegram-bot Application, against Telegram or any Bot-API server."""
    if settings.token is None:
        raise ValueError("create_app needs a token; the shell provides one for its stand-in")
    builder = (
        Application.builder()
        .token(settings.token.get_secret_value())
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .context_types(ContextTypes(context=BotContext))
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
    app.bot_data["settings"] = settings
    register_handlers(app)
    return app


async def _post_init(app: BotApp) -> None:
    settings: Settings = app.bot_data["settings"]
    db = Database(settings.database)
    app.bot_data["db"] = db
    services = await open_services(settings, db)
    app.bot_data["services"] = services
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)  # create_app sets it
    pace = app.bot.rate_limiter
    assert isinstance(pace, TelegramPace)  # create_app sets it
    sender = OutboxSender(services.outbox, interactive=processor.busy, pace=pace)
    processor.on_idle = sender.idle
    app.bot_data["sender"] = sender
    sender.start(app.bot)  # what was pending before a restart goes out first
    if settings.http_token is not None:
        api = DossierApi(services.dossiers, settings.http_token.get_secret_value(), services.i18n)
        app.bot_data["http"] = api
        port = await api.start(settings.http_host, settings.http_port)
        app.bot_data["http_port"] = port
        log.info("dossier endpoint: http://%s:%d/dossiers", settings.http_host, port)
    if app.job_queue is not None:
        app.job_queue.run_repeating(_every_minute, interval=EVERY_MINUTE_S, first=5)
    # One menu per language we speak, and the default language's for everyone else.
    for language in services.i18n.languages:
        commands = basics.command_list_for(services.i18n.texts(language))
        await app.bot.set_my_commands(commands, language_code=language)
        if language == settings.default_language:
            await app.bot.set_my_commands(commands)


async def _every_minute(context: BotContext) -> None:
    """Deadlines (counted in hours, so a minute is precise enough), the office's daily reminder
    of late dossiers, and the flood counters."""
    await context.services.tickets.check_deadlines()
    await context.services.dossiers.remind_overdue()
    context.services.flood.forget_idle(time.monotonic())
    context.services.lookups.forget_idle(time.monotonic())
    context.services.repeats.forget_idle(time.monotonic())
    if isinstance(context.bot.rate_limiter, TelegramPace):
        context.bot.rate_limiter.forget_idle()


async def _post_shutdown(app: BotApp) -> None:
    api: DossierApi | None = app.bot_data.get("http")
    if api is not None:
        await api.stop()
    sender: OutboxSender | None = app.bot_data.get("sender")
    if sender is not None:
        await sender.stop()
    services: Services | None = app.bot_data.get("services")
    if services is not None:
        await services.close()
    db: Database | None = app.bot_data.get("db")
    if db is not None:
        await db.close()


def register_handlers(app: BotApp) -> None:
    links = DeepLinks()
    links.register("m", basics.menu_link)
    links.register("p", procedures.procedure_link)
    links.register("g", flows.flow_link)
    links.register(LINK_KIND, dossiers.opened_from_link)
    router = ConversationRouter()
    router.register(basics.ASK, basics.question_asked)
    router.register(FLOW_CONVERSATION, flows.text_in_flow)
    router.register(complaints.CONVERSATION, complaints.step, media=True)
    router.register(requests.ADD, requests.conversation_step, media=True)
    router.register(requests.COMMENT, requests.conversation_step, media=True)
    router.register(dossiers.CONVERSATION, dossiers.step)
    actions: dict[str, CallbackAction] = {
        "m": basics.menu_pressed,
        "lang": basics.language_chosen,
        "p": procedures.card_pressed,
        "pd": procedures.section_pressed,
        "sn": procedures.none_fit,
        "fl": procedures.fields_pressed,
        "fp": procedures.field_pressed,
        "g": flows.flow_pressed,
        "af": admin.file_pressed,
        "c": complaints.pressed,
        "t": officials.pressed,
        "tt": officials.pressed,
        "rq": requests.pressed,
        "rt": requests.pressed,
        "ro": requests.pressed,
        "q": requests.pressed,
        "ds": dossiers.pressed,
        "do": dossier_office.pressed,
        "an": announcements.pressed,
    }

    async def start(update: Update, context: BotContext) -> None:
        await basics.start(update, context, links)

    async def on_callback(update: Update, context: BotContext) -> None:
        query = update.callback_query
        if query is None:
            return
        callback = decode(query.data)
        action = actions.get(callback.action) if callback else None
        if callback is None or action is None:
            await basics.stale_button(update, context)
            return
        chat, repeats = update.effective_chat, context.services.repeats
        if chat is None or chat.type == ChatType.PRIVATE or query.message is None:
            await action(update, context, callback)
            return
        # An official tapping on while the group's answer comes: one press, one prompt.
        press = (query.from_user.id, chat.id, query.message.message_id, query.data)
        if repeats.repeated(press, update.update_id):
            await query.answer(context.texts.plain("button.repeat"))
            return
        try:
            await action(update, context, callback)
        finally:
            processor = context.application.update_processor
            if isinstance(processor, PerChatUpdateProcessor):
                repeats.done(press, processor.received_up_to, time.monotonic())

    async def on_text(update: Update, context: BotContext) -> None:
        await fallback.text(update, context, router)

    async def on_edited(update: Update, context: BotContext) -> None:
        await fallback.edited(update, context, router)

    async def on_media(update: Update, context: BotContext) -> None:
        """A photo, location, contact... : the conversation's, if it takes one."""
        if await router.route(update, context, media=True):
            return
        if not await fallback.reply_to_ticket(update, context):
            await fallback.not_text(update, context)

    async def on_document(update: Update, context: BotContext) -> None:
        if not await admin.document_received(update, context):
            await on_media(update, context)

    async def in_group(update: Update, context: BotContext) -> None:
        if not await dossier_office.group_reply(update, context):
            await officials.group_message(update, context)

    new_messages = filters.UpdateType.MESSAGE
    commands = {
        "start": start,
        "help": basics.help_command,
        "menu": basics.menu_command,
        "cancel": basics.cancel,
        "language": basics.language_command,
        "unit": admin.unit_command,
        "files": admin.files_command,
        "misses": admin.misses_command,
        "phananh": complaints.command,
        "complain": complaints.command,
        "mine": requests.mine_command,
        "hoso": dossiers.command,
        "hs": dossiers.command,
        "announce": announcements.command,
        "thongbao": announcements.command,
        "tatthongbao": announcements.opt,
        "batthongbao": announcements.opt,
        "stopnews": announcements.opt,
        "news": announcements.opt,
        "link": officials.link,
        "block": admin.block_command,
        "unblock": admin.block_command,
    }
    groups = filters.ChatType.GROUPS
    app.add_handler(TypeHandler(Update, basics.identify), group=-1)
    app.add_handlers(
        [
            *(CommandHandler(name, cb, filters=new_messages) for name, cb in commands.items()),
            CallbackQueryHandler(on_callback),
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
    """Serve by long polling until the block exits; one path for Telegram, tests and shell."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            sender: OutboxSender | None = app.bot_data.get("sender")
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
