"""Who someone at the web admin is to the ward: an admin (everything), a leader (figures and
every ticket, read-only) or a department's official (their departments' tickets). Decided
at each request from the settings and from Telegram's word on who is in which group, asked
again after a minute: someone removed from a group loses its tickets within the minute,
and a page does not wait for a question to Telegram per group."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.clock import Clock
from bot.domain.tickets import Ticket
from bot.services.departments import DepartmentDirectory

# Whether a Telegram user is in a group now: (chat id, user id); None if Telegram cannot say.
Membership = Callable[[int, int], Awaitable[bool | None]]
FRESH = dt.timedelta(minutes=1)  # how long Telegram's word on a membership is taken as true


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    OFFICIAL = "official"


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    role: Role
    departments: frozenset[str]  # an official's; empty for the others, who see every one

    @property
    def sees_all(self) -> bool:
        return self.role != Role.OFFICIAL

    def sees(self, ticket: Ticket) -> bool:
        return self.sees_all or ticket.department in self.departments

    def acts_on(self, ticket: Ticket) -> bool:
        return self.role == Role.ADMIN or (
            self.role == Role.OFFICIAL and ticket.department in self.departments
        )

    @property
    def edits(self) -> bool:
        """The FAQ, flows, word lists and the unit's profile are the admins' alone."""
        return self.role == Role.ADMIN


class Staff:
    def __init__(
        self,
        admins: Sequence[int],
        departments: DepartmentDirectory,
        membership: Membership,
        clock: Clock,
    ) -> None:
        self._admins = frozenset(admins)
        self._departments = departments
        self._membership = membership
        self._clock = clock
        self._heard: dict[tuple[int, int], tuple[dt.datetime, bool]] = {}

    async def who(self, user_id: int) -> StaffMember | None:
        """None for anyone else: a citizen, or an official no longer in any linked group."""
        if user_id in self._admins:
            return StaffMember(user_id, Role.ADMIN, frozenset())
        routing = self._departments.routing
        mine: set[str] = set()
        asked: dict[int, bool] = {}  # one group may serve several departments
        for department in routing.departments:
            chat_id = self._departments.group_of(department.code)
            if chat_id is None:
                continue
            if chat_id not in asked:
                asked[chat_id] = await self._in(chat_id, user_id)
            if asked[chat_id]:
                mine.add(department.code)
        if routing.leadership in mine:
            return StaffMember(user_id, Role.LEADER, frozenset())
        if mine:
            return StaffMember(user_id, Role.OFFICIAL, frozenset(mine))
        return None

    async def _in(self, chat_id: int, user_id: int) -> bool:
        """Telegram's word, heard within the minute; when Telegram cannot say (a network
        blip), the last word it gave, so a page does not sign its reader out; none: not in."""
        now = self._clock.now()
        heard = self._heard.get((chat_id, user_id))
        if heard is not None and heard[0] <= now < heard[0] + FRESH:
            return heard[1]
        answer = await self._membership(chat_id, user_id)
        if answer is None:
            return heard is not None and heard[1]
        self._heard[chat_id, user_id] = (now, answer)
        return answer
