"""An administrative procedure (thủ tục hành chính), cleaned from the national portal's export."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CODE = re.compile(r"^\d+\.\d+(\.\d+)?$")  # a procedure's code on the national portal

ChannelKind = Literal["in_person", "online", "post"]


class TimeUnit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    HOURS = "hours"


# How nearly every record publishes a processing time: «5 ngày làm việc», «15 ngày», «8 giờ».
_PUBLISHED_TIME = re.compile(r"(\d{1,4})\s*(ngày làm việc|ngày|giờ)", re.IGNORECASE)
_TIME_UNITS = {"ngày làm việc": TimeUnit.WORKING_DAYS, "ngày": TimeUnit.DAYS, "giờ": TimeUnit.HOURS}


def duration(published: str) -> tuple[int, TimeUnit] | None:
    """A published processing time as a number and a unit, to say it in the reader's language;
    None for any other wording (shown as published)."""
    found = _PUBLISHED_TIME.fullmatch(published.strip())
    if found is None:
        return None
    return int(found.group(1)), _TIME_UNITS[found.group(2).lower()]


class Channel(BaseModel):
    """One way to submit (in person, online, by post) with its processing time and fee."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: ChannelKind
    time: str | None = None  # as published, e.g. "5 ngày làm việc"; None when not given
    fee: str | None = None  # e.g. "Miễn phí", "50.000 đồng"; None when not given
    note: str | None = None  # the portal's description: conditions, exemptions, fee details


class DocumentItem(BaseModel):
    """One document to bring, under its group heading (e.g. "Giấy tờ phải xuất trình")."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1)
    copies: str | None = None  # e.g. "1 bản chính", "1 bản chính, 1 bản sao"
    group: str | None = None
    form: str | None = None  # the form's file name when the portal links one
    # "note": a remark the portal put among the documents ("Lưu ý: …"): shown, never counted
    kind: Literal["document", "note"] = "document"


CITIZENS = "Công dân Việt Nam"  # as the portal writes it among the applicants


class Procedure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")  # mã thủ tục, e.g. "1.001193"
    name: str = Field(min_length=1)
    field: str = Field(min_length=1)  # lĩnh vực
    levels: tuple[str, ...] = ()  # cấp thực hiện: "Cấp xã", "Cấp tỉnh", ...
    applicants: tuple[str, ...] = ()  # đối tượng thực hiện
    agency: str | None = None  # cơ quan thực hiện
    authority: str | None = None  # cơ quan có thẩm quyền
    receiving_address: str | None = None  # địa chỉ tiếp nhận hồ sơ, when the portal gives one
    documents: tuple[DocumentItem, ...] = ()
    channels: tuple[Channel, ...] = ()
    steps: str | None = None  # trình tự thực hiện, one step per line
    conditions: str | None = None  # yêu cầu, điều kiện
    legal_basis: tuple[str, ...] = ()  # căn cứ pháp lý, one document per item
    result: str | None = None  # kết quả xử lý
    url: str | None = None  # the procedure's page on the national portal
    ministry: str | None = None

    @property
    def ward_level(self) -> bool:
        return "Cấp xã" in self.levels

    @property
    def ref(self) -> ProcedureRef:
        return ProcedureRef(self.code, self.name, self.field, CITIZENS in self.applicants)


@dataclass(frozen=True, slots=True)
class ProcedureRef:
    """What search, lists and buttons need of a procedure; the rest stays in the database
    until a citizen opens its card, so even the national catalogue fits a small server."""

    code: str
    name: str
    field: str
    for_citizens: bool  # a Vietnamese citizen may apply, not only organisations


@dataclass(frozen=True, slots=True)
class Translation:
    """A procedure's and its field's names in the reader's language, where we wrote them
    (english.yaml); the official Vietnamese name stays on the card to show at the counter."""

    name: str | None = None
    field: str | None = None


UNTRANSLATED = Translation()
