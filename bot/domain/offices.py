"""Which office receives a procedure's dossier: the ward's one-stop office, the ward police, the
tax office… or a body that is not in this ward at all (customs, a port authority, a court).

The national portal lists every "Cấp xã" procedure the same way, but a citizen of a city ward
takes a residence registration to Công an phường, a household tax return to the tax office, and
never brings a customs declaration to the ward. The portal's own fields say who: the agency
(cơ quan thực hiện), where dossiers are received (địa chỉ tiếp nhận), the authority that
decides (cơ quan có thẩm quyền); where they say nothing, the field and the ministry do.
``receiving_office`` reads them; ``office_of`` applies the admin's corrections (unit.yaml
``procedure_offices``) over it. Both are pure: the catalogue, the card and the routing of
questions to officials all ask the same function, so they cannot disagree.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping

from bot.domain.procedure import Procedure
from bot.search.normalize import fold


class OfficeKind(enum.StrEnum):
    UBND = "ubnd"  # the ward People's Committee's one-stop office (Bộ phận Một cửa)
    POLICE = "police"  # Công an phường
    TAX = "tax"  # Thuế cơ sở (the local tax office)
    SOCIAL_INSURANCE = "social_insurance"  # Bảo hiểm xã hội
    LAND = "land"  # Chi nhánh Văn phòng đăng ký đất đai
    TREASURY = "treasury"  # Kho bạc Nhà nước
    ELSEWHERE = "elsewhere"  # a provincial or central body, a court: not in this ward
    CUSTOMS = "customs"  # Hải quan: not a city ward's business
    MARITIME = "maritime"  # Cảng vụ, Hàng hải, đường thủy: not a city ward's business
    BORDER = "border"  # a commune on the border: a ward elsewhere never receives it


# Offices a ward's citizens can walk into; unit.yaml gives their address, hours and phone.
LOCAL: frozenset[OfficeKind] = frozenset(
    {
        OfficeKind.UBND,
        OfficeKind.POLICE,
        OfficeKind.TAX,
        OfficeKind.SOCIAL_INSURANCE,
        OfficeKind.LAND,
        OfficeKind.TREASURY,
    }
)
# What no office of this ward receives: out of browsing unless unit.yaml shows the field.
OUT_OF_SCOPE: frozenset[OfficeKind] = frozenset(OfficeKind) - LOCAL

# Civil status, certification and adoption are the ward's own duties by law (Luật Hộ tịch,
# Nghị định 23/2015): whatever else the portal lists beside it (a notary, an embassy, the
# civil-status database), a citizen brings them to the ward's one-stop office.
WARD_DUTY_FIELDS = frozenset({"Hộ tịch", "Chứng thực", "Nuôi con nuôi"})

# Where the portal names no agency at all, the field says who.
FIELD_OFFICES: Mapping[str, OfficeKind] = {
    "Đăng ký, quản lý cư trú": OfficeKind.POLICE,
    "Cấp, quản lý căn cước": OfficeKind.POLICE,
    "Quản lý xuất nhập cảnh": OfficeKind.POLICE,
    "Định danh và xác thực điện tử": OfficeKind.POLICE,
    "Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng": OfficeKind.POLICE,
    "Quản lý vũ khí, vật liệu nổ, công cụ hỗ trợ và pháo": OfficeKind.POLICE,
    "Thuế": OfficeKind.TAX,
    "Quản lý thuế, phí, lệ phí và thu khác của ngân sách nhà nước": OfficeKind.TAX,
    "Thực hiện chính sách BHXH": OfficeKind.SOCIAL_INSURANCE,
    "Chi trả các chế độ BHXH": OfficeKind.SOCIAL_INSURANCE,
    "Thực hiện chính sách BHYT": OfficeKind.SOCIAL_INSURANCE,
    "Thu BHXH, BHYT, BHTN, BH tai nạn lao động, BNN": OfficeKind.SOCIAL_INSURANCE,
    "Cấp sổ BHXH, thẻ BHYT": OfficeKind.SOCIAL_INSURANCE,
    "Kho bạc Nhà nước": OfficeKind.TREASURY,
    "Hải quan": OfficeKind.CUSTOMS,
    "Hàng hải và đường thủy nội địa": OfficeKind.MARITIME,
    "Tòa án": OfficeKind.ELSEWHERE,
}
MINISTRY_OFFICES: Mapping[str, OfficeKind] = {"toa-an-nhan-dan": OfficeKind.ELSEWHERE}

# Offices of this ward, matched on folded text ("Uỷ ban" and "Ủy ban" alike), in priority:
# where the ward's UBND is listed among others, the ward receives it.
_LOCAL_MARKERS: tuple[tuple[OfficeKind, re.Pattern[str]], ...] = (
    (
        OfficeKind.UBND,
        re.compile(
            r"\b(?:uy ban nhan dan|ubnd)(?: ubnd)? (?:cap )?(?:xa|phuong)\b"
            r"|\bhanh chinh cong cap xa\b|\bquan ly dat dai cap xa\b"
        ),
    ),
    (OfficeKind.POLICE, re.compile(r"\bcong an (?:cap )?(?:xa|phuong|huyen)\b")),
    # The local tax office; "Thuế tỉnh" serves individuals too. The large-enterprise branch
    # alone ("Chi cục Thuế doanh nghiệp lớn - Cục Thuế") is not local: it falls through.
    (
        OfficeKind.TAX,
        re.compile(
            r"\bthue (?:co so|tinh)\b|\bdoi thue\b|\bchi cuc thue (?:khu vuc|huyen)\b"
            r"|\bco quan thue\b"
        ),
    ),
    (OfficeKind.SOCIAL_INSURANCE, re.compile(r"\bbao hiem xa hoi\b")),
    (OfficeKind.LAND, re.compile(r"\bvan phong dang ky dat dai\b")),
    (OfficeKind.TREASURY, re.compile(r"\bkho bac\b")),
)
_FAR_MARKERS: tuple[tuple[OfficeKind, re.Pattern[str]], ...] = (
    (OfficeKind.MARITIME, re.compile(r"\bcang vu\b|\bhang hai\b|\bduong thuy\b")),
    (OfficeKind.CUSTOMS, re.compile(r"\bhai quan\b")),
)
# Bodies above the ward, matched with their marks ("sở" is a department, "sổ gốc" a register,
# "cơ sở" a base): a department or ministry, a court, the province, the provincial police.
_ELSEWHERE = re.compile(
    r"(?<!cơ )\bsở\b|\bbộ\b(?! phận)|\bcục\b|\btò?a án\b|\btoà án\b|\bcấp tỉnh\b"
    r"|\bcông an tỉnh\b|\bcảnh sát\b|\b(?:ban|khu|đơn vị) quản lý\b"
)
_NO_INFO = "khong co thong tin"
# Procedures of communes on the border, by their names: civil status "tại khu vực biên giới",
# passes for the China border area, adoption across the border. Received by the commune or
# its police there, so the portal names "UBND cấp xã" like any other; a ward inland receives
# none of them. Not so the Laos border pass («thông hành biên giới Việt Nam – Lào»), issued
# in every commune of a province on that border, nor "giáo viên … tại các xã biên giới" in a
# land procedure (who qualifies, not where).
_BORDER = re.compile(r"\bkhu vuc bien gioi\b|\bvung bien gioi\b")


def _marked(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\xa0", " ").lower().split())


def _local(text: str | None) -> OfficeKind | None:
    if not text:
        return None
    folded = fold(text)
    return next((kind for kind, marker in _LOCAL_MARKERS if marker.search(folded)), None)


def _far(text: str | None) -> OfficeKind | None:
    """Customs or maritime named in ``text``."""
    if not text:
        return None
    folded = fold(text)
    return next((kind for kind, marker in _FAR_MARKERS if marker.search(folded)), None)


def receiving_office(procedure: Procedure) -> OfficeKind:
    """Who receives the procedure's dossier, from what the portal publishes about it."""
    if _BORDER.search(fold(procedure.name)) and not _far(procedure.agency):
        return OfficeKind.BORDER
    if procedure.field in WARD_DUTY_FIELDS:
        return OfficeKind.UBND
    agency = procedure.agency if procedure.agency and fold(procedure.agency) != _NO_INFO else None
    found = (
        _local(procedure.receiving_address)
        or _local(agency)
        or _far(agency)
        or (OfficeKind.ELSEWHERE if agency and _ELSEWHERE.search(_marked(agency)) else None)
        # The authority decides rather than receives: only a local office or customs named
        # there is a hint; "Chủ tịch UBND cấp tỉnh" deciding does not send anyone to the city.
        or _local(procedure.authority)
        or _far(procedure.authority)
        or FIELD_OFFICES.get(procedure.field)
        or MINISTRY_OFFICES.get(procedure.ministry or "")
    )
    return found or OfficeKind.UBND


def office_of(procedure: Procedure, corrections: Mapping[str, OfficeKind]) -> OfficeKind:
    """The admin's correction for this procedure if there is one, else what the data says."""
    return corrections.get(procedure.code) or receiving_office(procedure)


def handled_by(procedure: Procedure) -> str | None:
    """The body the portal names, in its words: what a citizen is told when this ward does
    not receive the procedure."""
    for text in (procedure.agency, procedure.authority):
        if text and fold(text) != _NO_INFO:
            return " ".join(text.replace("\xa0", " ").split())
    return None


_VNEID = re.compile(r"vneid", re.IGNORECASE)
_SUBMITS = re.compile(r"trực tuyến|đăng nhập|nộp hồ sơ|gửi hồ sơ|thông báo lưu trú", re.I)
_SHOWS = re.compile(r"tích hợp|hiển thị|sổ sức khỏe|xuất trình", re.IGNORECASE)
_CLAUSE = re.compile(r"[.;\n]")


def vneid_submission(procedure: Procedure) -> bool:
    """The data says the dossier can be sent through the VNeID app: a sentence of the steps
    or of a channel's description that names VNeID as a way to submit (not one that only
    says papers shown in VNeID are accepted)."""
    texts = [procedure.steps or "", *(c.note or "" for c in procedure.channels)]
    for text in texts:
        if not _VNEID.search(text):
            continue
        for clause in _CLAUSE.split(_marked(text)):
            if _VNEID.search(clause) and _SUBMITS.search(clause) and not _SHOWS.search(clause):
                return True
    return False
