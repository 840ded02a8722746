"""Where a procedure is submitted, as its card says it: the office of this ward that receives
it (its name, address, hours, phone and a map link), whether it can be sent online (the
national portal, the VNeID app where the data says so), or, when no office of this ward
receives it, who does."""

from __future__ import annotations

from bot.domain.offices import LOCAL, OfficeKind, handled_by, office_of, vneid_submission
from bot.domain.procedure import Procedure
from bot.domain.unit import Place, UnitProfile
from bot.handlers.context import BotContext
from bot.html import Html, lines
from bot.i18n import Texts
from bot.ui import keyboards
from bot.ui.render import office_hours
from bot.ui.send import send_html

VENUE_TITLE = 100  # characters of an office's name on its map pin


def kind_name(texts: Texts, kind: OfficeKind) -> str:
    """What the office is called in general ("Công an phường"), when unit.yaml names none."""
    return texts.plain(f"office.{kind.value}")


def office_name(texts: Texts, profile: UnitProfile, kind: OfficeKind) -> str:
    """This ward's office of ``kind`` by its name in unit.yaml (the UBND: the unit's name),
    else what such an office is called in general."""
    place = profile.place(kind)
    if place is not None and place.name is not None:
        return place.name.get(texts.language)
    if kind == OfficeKind.UBND:
        return profile.name.get(texts.language)
    return kind_name(texts, kind)


def _place(texts: Texts, place: Place) -> str:
    name = place.name.get(texts.language) if place.name else None
    return f"{name}, {place.address}" if name else place.address


def _details(texts: Texts, place: Place) -> list[Html]:
    """An office's hours, phone and map link: under its name on a card or in an answer."""
    out = [office_hours(texts, place.hours)]
    if place.phone:
        out.append(texts("where.phone", phone=place.phone))
    if place.location:
        out.append(texts("where.map", url=place.location.map_url))
    return out


def office_lines(texts: Texts, place: Place) -> list[Html]:
    """Where a card's procedure is submitted: the office's address, then its details."""
    return [texts("where.submit", place=_place(texts, place)), *_details(texts, place)]


def office_block(texts: Texts, profile: UnitProfile, kind: OfficeKind) -> Html:
    """One office of this ward as a few lines: name and address, hours, phone, map link. An
    office unit.yaml does not list is named in general, with where to ask for its address."""
    unit = profile.name.get(texts.language)
    place = profile.place(kind)
    if place is None:
        return texts("where.office_unlisted", office=kind_name(texts, kind), unit=unit)
    name = office_name(texts, profile, kind)
    return lines(texts("where.office", name=name, address=place.address), *_details(texts, place))


def where(texts: Texts, procedure: Procedure, profile: UnitProfile) -> Html:
    """The card's lines on where this procedure is submitted."""
    kind = office_of(procedure, profile.procedure_offices)
    unit = profile.name.get(texts.language)
    out: list[Html] = []
    if kind not in LOCAL:
        # The portal names "UBND cấp xã" for a border commune's procedures: the kind says more.
        agency = (kind != OfficeKind.BORDER and handled_by(procedure)) or kind_name(texts, kind)
        out.append(texts("where.elsewhere", agency=agency))
        out.append(texts("where.not_here", unit=unit))
    else:
        place = profile.place(kind)
        if place is None:
            out.append(texts("where.unlisted", office=kind_name(texts, kind), unit=unit))
        else:
            out.extend(office_lines(texts, place))
        if any(c.kind == "online" for c in procedure.channels):
            out.append(texts("where.online"))
            if vneid_submission(procedure):
                out.append(texts("where.vneid"))
    if procedure.url:
        out.append(texts("card.portal", url=procedure.url))
    return lines(*out)


async def send_office(context: BotContext, chat_id: int, kind: OfficeKind) -> None:
    """An office's pin on the map (when unit.yaml gives its location), then its address,
    hours and phone."""
    texts = context.texts
    profile = context.services.unit.profile
    place = profile.place(kind)
    if place is not None and place.location is not None:
        await context.bot.send_venue(
            chat_id,
            latitude=place.location.lat,
            longitude=place.location.lon,
            title=office_name(texts, profile, kind)[:VENUE_TITLE],
            address=place.address,
        )
    block = office_block(texts, profile, kind)
    await send_html(context.bot, chat_id, block, keyboards.back_to_menu(texts))
