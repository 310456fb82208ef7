"""Court case numbers (案号), parsed into year, court code, case-type code and serial.

The SPC's case-number provisions (in force 1 Jan 2016) write a number as "(" + year + ")" + court code +
case-type code + serial + "号", e.g. "(2024)浙02民诉前调595号". Court codes are a province's one-character
abbreviation, alone for the high court and followed by 2 digits (intermediate and special courts) or
4 digits (basic courts, tied to the division code); "最高法" is the Supreme People's Court and "兵" the
XPCC courts. Numbers issued before 2016 read "(2011)武民初字第00123号": free court abbreviations and
"字第" before the serial. Both are accepted; the number is stored as given and compared through `key`,
so "（2024）浙02民诉前调595号" and "(2024)浙02民诉前调595号" are the same case.

Pure functions only: no graph, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新兵军"
"""The one-character court codes of the provincial high courts, the XPCC (兵) and military courts (军)."""

TYPE_STARTS = "民刑行执赔调商知海破司委请协认确国"
"""Characters a case-type code starts with (民 civil, 刑 criminal, 行 administrative, 执 enforcement, 赔
state compensation, 调 mediation confirmation (2011), 司 judicial assistance, ...); used to split the court
abbreviation from the type in pre-2016 numbers, where the court part has no fixed form."""

MIN_YEAR, MAX_YEAR = 1949, 2100
MAX_LENGTH = 60

_OPEN, _CLOSE = "(（〔[【", ")）〕]】"
_CJK = r"[\u4e00-\u9fff]"
_SHAPE = re.compile(
    rf"^[{re.escape(_OPEN)}](?P<year>\d{{4}})[{re.escape(_CLOSE)}]"
    rf"(?P<middle>{_CJK}+?(?:\d{{2}}|\d{{4}})?{_CJK}+?)(?P<legacy>字第|第)?(?P<serial>\d{{1,7}})号"
    rf"(?P<suffix>之[一二三四五六七八九十\d]{{1,3}})?$"
)
_MODERN_MIDDLE = re.compile(rf"^(?P<court>最高法|[{PROVINCES}](?:\d{{4}}|\d{{2}})?)(?P<type>{_CJK}{{1,8}})$")
_MODERN_COURT = re.compile(rf"^(?:最高法|[{PROVINCES}](?:\d{{4}}|\d{{2}})?)$")


class CaseCodeError(ValueError):
    """Not a court case number; the message says which part is wrong."""


@dataclass(frozen=True, slots=True)
class CaseCode:
    text: str
    year: int
    court_code: str
    type_code: str
    serial: int
    suffix: str | None
    legacy: bool

    @property
    def key(self) -> str:
        """What makes two numbers the same case: brackets, spaces, "字第" and leading zeros do not count."""
        return f"{self.year}|{self.court_code}|{self.type_code}|{self.serial}|{self.suffix or ''}"

    @property
    def names_court(self) -> bool:
        """Whether the court part is a court code (浙02, 川0107, 最高法), which names one court, even when the
        number is written the pre-2016 way; a free pre-2016 abbreviation (武) names none that can be checked."""
        return _MODERN_COURT.match(self.court_code) is not None

    @property
    def pre_filing(self) -> bool:
        """A pre-filing mediation number (诉前调), which only a delegated case carries."""
        return "诉前" in self.type_code


def foreign_court(code: CaseCode, own_court_code: str | None) -> str | None:
    """The court code a number carries when the caller may not record it: a number that names a court (a
    court code, in the modern or the pre-2016 form) is recorded only by that court. `own_court_code` is the
    caller's court code (None for a partner agency, or a court without one). A free pre-2016 abbreviation
    (武) names no court, so anyone may record it: partners number their own cases that way, e.g.
    "(2026)总工调字第12号"."""
    if code.names_court and code.court_code != own_court_code:
        return code.court_code
    return None


def _normalized(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC keeps the brackets apart), spaces removed."""
    folded = "".join(unicodedata.normalize("NFKC", ch) if ch.isdigit() else ch for ch in text)
    return re.sub(r"\s+", "", folded)


def _split_legacy(middle: str) -> tuple[str, str]:
    """The court abbreviation is at least the first character and runs to the first type character."""
    for index in range(1, len(middle)):
        if middle[index] in TYPE_STARTS:
            return middle[:index], middle[index:]
    raise CaseCodeError("The case-type code (e.g. 民初, 民诉前调) is missing after the court code.")


def parse_case_code(text: str) -> CaseCode:
    """Parse a case number, or raise `CaseCodeError` naming what does not fit."""
    if not text or len(text) > MAX_LENGTH:
        raise CaseCodeError(f"A case number has 1 to {MAX_LENGTH} characters.")
    compact = _normalized(text.strip())
    if compact[:1] not in _OPEN:
        raise CaseCodeError("A case number starts with the year in brackets, e.g. (2024).")
    if not compact.endswith("号") and "号之" not in compact:
        raise CaseCodeError("A case number ends with 号 after the serial number.")
    found = _SHAPE.match(compact)
    if found is None:
        raise CaseCodeError("Expected (year) + court code + case-type code + serial + 号, e.g. (2024)浙02民诉前调595号.")
    year = int(found["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CaseCodeError(f"The year {year} is not between {MIN_YEAR} and {MAX_YEAR}.")
    middle, marker = found["middle"], found["legacy"]
    modern = _MODERN_MIDDLE.match(middle)
    legacy = marker is not None and marker.startswith("字")
    if modern is not None and (year >= 2016 or any(ch.isdigit() for ch in modern["court"])):
        court, kind = modern["court"], modern["type"]
    elif year < 2016 or legacy:
        court, kind = _split_legacy(middle)
        legacy = True
    else:
        raise CaseCodeError(
            "Since 2016 a court code is a province abbreviation (e.g. 浙), optionally with 2 or 4 digits, or 最高法."
        )
    if kind.endswith("字"):
        kind = kind[:-1]
    if not kind:
        raise CaseCodeError("The case-type code is empty.")
    serial = int(found["serial"])
    if serial < 1:
        raise CaseCodeError("The serial number starts at 1.")
    return CaseCode(text.strip(), year, court, kind, serial, found["suffix"], legacy)
