"""Chinese identifiers: unified social credit codes, resident identity numbers, division codes."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import string
from dataclasses import dataclass

from graph.core.vocabulary import Gender
from graph.core.vocabulary import JurisdictionLevel as DivisionLevel
from resolvers.core import clock

CREDIT_CODE_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_CODE_VALUES = string.digits + string.ascii_uppercase
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECKS = "10X98765432"


class IdentifierError(ValueError):
    def __init__(self, field_hint: str) -> None:
        super().__init__(field_hint)
        self.field_hint = field_hint


@dataclass(frozen=True, slots=True)
class CreditCode:
    code: str
    checksum_ok: bool
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResidentId:
    division_code: str
    birth_date: datetime.date
    gender: Gender
    masked: str


def _normalize(value: str) -> str:
    return value.strip().upper()


def credit_code_check_character(body: str) -> str:
    total = sum(CREDIT_CODE_SYMBOLS.index(c) * w for c, w in zip(body, _CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_SYMBOLS[(31 - total % 31) % 31]


def organization_code_check_character(body: str) -> str:
    total = sum(_ORG_CODE_VALUES.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def parse_credit_code(value: str) -> CreditCode:
    code = _normalize(value)
    if len(code) != 18:
        raise IdentifierError("A unified social credit code must have 18 characters.")
    if any(c not in CREDIT_CODE_SYMBOLS for c in code):
        raise IdentifierError(
            "A unified social credit code may only use digits and letters other than I, O, Z, S and V."
        )
    warnings: list[str] = []
    expected = credit_code_check_character(code[:17])
    checksum_ok = code[17] == expected
    if not checksum_ok:
        warnings.append(
            f"check character {code[17]} does not match (expected {expected}); "
            "accepted as a pilot-era code"
        )
    org_expected = organization_code_check_character(code[8:16])
    if code[16] != org_expected:
        warnings.append(
            f"organization code check character {code[16]} does not match (expected {org_expected})"
        )
    return CreditCode(code=code, checksum_ok=checksum_ok, warnings=tuple(warnings))


def resident_id_check_character(body: str) -> str:
    total = sum(int(c) * w for c, w in zip(body, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECKS[total % 11]


def parse_resident_id(value: str) -> ResidentId:
    number = _normalize(value)
    if len(number) != 18:
        raise IdentifierError("A resident identity number must have 18 characters.")
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise IdentifierError("A resident identity number must be 17 digits followed by a digit or X.")
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError("The birth date in the resident identity number does not exist.") from None
    if birth_date > clock.today():
        raise IdentifierError("The birth date in the resident identity number lies in the future.")
    if number[17] != resident_id_check_character(number[:17]):
        raise IdentifierError("The check character of the resident identity number does not match.")
    return ResidentId(
        division_code=number[:6],
        birth_date=birth_date,
        gender=Gender.MALE if int(number[16]) % 2 else Gender.FEMALE,
        masked=number[:3] + "*" * 13 + number[-2:],
    )


def identity_hash(value: str, *, key: bytes) -> str:
    return hmac.new(key, _normalize(value).encode("ascii"), hashlib.sha256).hexdigest()


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def _six_digit_level(code: str) -> DivisionLevel:
    if not 11 <= int(code[:2]) <= 82:
        raise IdentifierError("The province part of a division code must lie between 11 and 82.")
    if code[2:] == "0000":
        return DivisionLevel.PROVINCE
    if code[4:] == "00":
        return DivisionLevel.CITY
    return DivisionLevel.COUNTY


def division_level(code: str) -> DivisionLevel:
    code = code.strip()
    if not (code.isascii() and code.isdigit()) or len(code) not in (6, 12):
        raise IdentifierError("A division code must have 6 or 12 digits.")
    level = _six_digit_level(code[:6])
    if len(code) == 6 or code[6:] == "000000":
        return level
    if code[9:] == "000":
        return DivisionLevel.TOWNSHIP
    return DivisionLevel.VILLAGE


def normalize_division_code(code: str) -> str:
    code = code.strip()
    division_level(code)
    if len(code) == 12 and code[6:] == "000000":
        return code[:6]
    return code
