"""Texts people read, from the gettext catalogues in ``locales/``, and locale-aware formatting.

Message ids are symbolic keys (``start.greeting``) so Vietnamese and English are both real
translations. The ``.po`` files are compiled in memory at start-up with Babel: nothing to build,
nothing to go stale. Arguments are HTML-escaped unless they are already :class:`~bot.html.Html`,
so user text can never break or inject markup.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import babel.core
from babel import Locale, localedata
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from bot.config import SUPPORTED_LANGUAGES
from bot.html import Html

DOMAIN = "bot"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


# What Babel's locale data holds that no text of ours formats: names of units, currencies,
# languages, territories and scripts, relative and interval formats, skeletons. Time zones'
# names stay (some 30 kB), so that a "full" time or a "z" in a pattern works the day a text
# uses one.
UNUSED_LOCALE_DATA = (
    "character_order",
    "compact_currency_formats",
    "compact_decimal_formats",
    "compound_unit_patterns",
    "currency_formats",
    "currency_names",
    "currency_names_plural",
    "currency_symbols",
    "currency_unit_patterns",
    "date_fields",
    "datetime_formats_relative",
    "datetime_skeletons",
    "interval_formats",
    "languages",
    "list_patterns",
    "measurement_systems",
    "scientific_formats",
    "scripts",
    "territories",
    "unit_display_names",
    "unit_patterns",
    "variants",
)


class CatalogueError(Exception):
    """A catalogue is missing or unreadable; names the file."""


def load_catalogue(language: str, locales_dir: Path = LOCALES_DIR) -> Translations:
    path = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=language, domain=DOMAIN)
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Texts:
    """All texts and formats for one language."""

    language: str
    translations: Translations
    locale: Locale

    def __call__(self, key: str, /, **kwargs: object) -> Html:
        """The text for ``key`` as HTML, every argument escaped."""
        template = self.translations.gettext(key)
        return self._fill(template, kwargs)

    def has(self, key: str) -> bool:
        return self.translations.gettext(key) != key

    def plural(self, key: str, plural_key: str, n: int, /, **kwargs: object) -> Html:
        template = self.translations.ngettext(key, plural_key, n)
        return self._fill(template, {"n": self.number(n), **kwargs})

    def plain(self, key: str, /, **kwargs: object) -> str:
        """The text for a place that is not HTML (button labels, command menus)."""
        template = self.translations.gettext(key)
        return unicodedata.normalize("NFC", template.format(**kwargs) if kwargs else template)

    def _fill(self, template: str, kwargs: dict[str, object]) -> Html:
        # The catalogue's own markup is trusted; every argument that is not Html is escaped.
        return Html(template).format(**kwargs) if kwargs else Html(template)

    def number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        """A share as people write it: «90,9%» in Vietnamese, «90.9%» in English."""
        return format_percent(value, format="#,##0.0%", locale=self.locale)

    def date(self, value: dt.date, fmt: str = "medium") -> str:
        return format_date(value, format=fmt, locale=self.locale)

    def time(self, value: dt.time, fmt: str = "short") -> str:
        return format_time(value, format=fmt, locale=self.locale)

    def datetime(self, value: dt.datetime, fmt: str = "medium") -> str:
        return format_datetime(value, format=fmt, locale=self.locale, tzinfo=value.tzinfo)

    def weekday(self, index: int, width: str = "wide") -> str:
        """Day name for 0 = Monday ... 6 = Sunday."""
        return str(self.locale.days["format"][width][index])


class I18n:
    """Every language's texts, loaded once, and the rule for choosing one."""

    def __init__(self, default_language: str, locales_dir: Path = LOCALES_DIR) -> None:
        self.default_language = default_language
        self._texts = {
            lang: Texts(lang, load_catalogue(lang, locales_dir), Locale.parse(lang))
            for lang in SUPPORTED_LANGUAGES
        }
        # Babel reads a locale's data (some MB) at its first use: here, rather than in the
        # middle of answering two hundred people at once.
        moment = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        for texts in self._texts.values():
            texts.datetime(moment, texts.plain("format.moment"))
            texts.date(moment.date(), texts.plain("format.day"))
            texts.time(moment.time())
            texts.number(1.5)
            texts.percent(0.5)
        _forget_unused_tables(self._texts)

    @property
    def languages(self) -> Iterable[str]:
        return self._texts.keys()

    def texts(self, language: str | None) -> Texts:
        return self._texts.get(language or "", self._texts[self.default_language])

    def resolve(self, chosen: str | None, telegram_code: str | None) -> str:
        """The person's own choice, else Telegram's language if we speak it, else the default."""
        if chosen in self._texts:
            return str(chosen)
        if telegram_code:
            base = telegram_code.replace("_", "-").split("-")[0].lower()
            if base in self._texts:
                return base
        return self.default_language


def _forget_unused_tables(languages: Iterable[str]) -> None:
    """Babel keeps the CLDR tables it read for the life of the process, while our texts format
    dates, times, numbers and percentages and nothing else. Let go: the global tables (likely
    subtags, each territory's languages: some 2 MB), which parsing a locale's name and naming
    a time zone need, and Babel reads again should it need them; and what no text formats in each
    locale's data (some 2.5 MB for Vietnamese and English). ``localedata.load`` returns the
    very dictionaries the loaded locales use, as Babel documents."""
    if getattr(babel.core, "_global_data", None) is not None:
        babel.core._global_data = None
    for name in ("root", *languages):
        data = localedata.load(name)
        for key in UNUSED_LOCALE_DATA:
            data.pop(key, None)
