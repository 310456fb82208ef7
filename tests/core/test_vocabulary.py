"""Status and kind values in Cypher are the enums' values: every quoted value a statement in graph/ compares
with, writes or returns is a value of the enum declared for that property below.

Statements keep the value as a literal (`o.status = 'FILED'`): query text must stay a `LiteralString`, which an
enum's value is not, and several of the enums belong to resolvers/, which graph/ may not import. This module
is the one place that ties each stored property to its vocabulary, so a renamed or misspelt value fails here,
naming the statement.
"""

from __future__ import annotations

import re
from enum import StrEnum

from graph.access.oauth import ClientStatus
from graph.core.vocabulary import (
    AgencyKind,
    Background,
    CourtLevel,
    Employment,
    Gender,
    InvitationStatus,
    JurisdictionLevel,
    MembershipRole,
    OrganizationKind,
    RecordStatus,
    TrainingForm,
)
from resolvers.courts.case_rules import AgreementForm, Outcome
from resolvers.courts.invitation import InvitedHow, SanctionKind
from resolvers.grades.assessment import AssessmentStatus
from resolvers.notices.notice import NoticeKind
from resolvers.partners.registration import RegistrationKind, RegistrationStatus
from resolvers.roster.membership_request import RequestState
from tests.helpers.statements import statement_texts

STORED: dict[str, tuple[type[StrEnum], ...]] = {
    "status": (RecordStatus, InvitationStatus, ClientStatus, AssessmentStatus),
    "registrationStatus": (RegistrationStatus,),
    "state": (RequestState,),
    "kind": (AgencyKind, OrganizationKind, NoticeKind, SanctionKind, RegistrationKind),
    "level": (JurisdictionLevel, CourtLevel),
    "referrerKind": (AgencyKind,),
    "outcome": (Outcome,),
    "form": (AgreementForm, TrainingForm),
    "how": (InvitedHow,),
    "role": (MembershipRole,),
    "gender": (Gender,),
    "employment": (Employment,),
    "background": (Background,),
}
"""Each property that statements compare with a quoted value, and the enums its values come from."""

BESIDES: dict[tuple[str, str], str] = {
    ("status", RegistrationStatus.REJECTED.value): "a partner's report counts a record whose registration the"
    " bureau rejected as REJECTED, not as the PENDING record it remains (graph/reports/agency.py)",
    ("referrerKind", "OTHER"): "the fallback of a referrer that is neither a court nor a partner agency, which"
    " HANDLED never points at; no enum has it because no case can carry it",
}
"""The few values a statement derives outside its property's enums, each with why."""

VALUE = r"'([A-Z][A-Z0-9_]*)'"
COMPARED = re.compile(r"\.(\w+)\s*(?:=|<>)\s*" + VALUE)  # o.status = 'FILED'
DEFAULTED = re.compile(r"coalesce\(\w+\.(\w+),\s*" + VALUE + r"\)(?:\s*(?:=|<>)\s*" + VALUE + ")?")  # coalesce(m.status, 'FILED')
KEYED = re.compile(r"\b(\w+):\s*" + VALUE)  # {status: 'ACTIVE'}
NAMED = re.compile(r"(?:RETURN|WITH|,)\s*" + VALUE + r"\s+AS\s+(\w+)")  # RETURN 'ORGANIZATION' AS kind
LISTED = re.compile(r"\.(\w+)\s+IN\s+\[([^\]]*)\]")  # s.kind IN ['REMOVAL', 'CIRCULATED_NOTICE']
CASE = re.compile(r"(?:\b(\w+):\s*)?CASE\s+(?:\w+\.(\w+)\s+)?(WHEN.*?)\bEND(?:\s+AS\s+(\w+)|\s*=\s*\$(\w+))?")
"""`kind: CASE WHEN ... THEN 'X' ELSE 'Y' END`, `CASE ... END AS how`, `CASE ... END = $kind`, `CASE a.kind WHEN 'X'`."""


def quoted_values(text: str) -> list[tuple[str | None, str]]:
    """The (property, value) of every quoted upper-case value in statement text; the property is None where the
    text does not say which one."""
    found: list[tuple[str | None, str]] = []
    spans: list[tuple[int, int]] = []
    for match in LISTED.finditer(text):
        found += [(match.group(1), value) for value in re.findall(VALUE, match.group(2))]
        spans.append(match.span())
    for match in CASE.finditer(text):
        key, switched, body, alias, compared = match.groups()
        if switched:
            found += [(switched, value) for value in re.findall(r"WHEN\s+" + VALUE, body)]
        found += [(key or alias or compared, value) for value in re.findall(r"(?:THEN|ELSE)\s+" + VALUE, body)]
        spans.append(match.span(3))
    for match in DEFAULTED.finditer(text):
        found += [(match.group(1), value) for value in match.groups()[1:] if value]
        spans.append(match.span())
    for pattern in (COMPARED, KEYED):
        for match in pattern.finditer(text):
            found.append((match.group(1), match.group(2)))
            spans.append(match.span())
    for match in NAMED.finditer(text):
        found.append((match.group(2), match.group(1)))
        spans.append(match.span())
    found += [(None, m.group(1)) for m in re.finditer(VALUE, text) if not any(a <= m.start() < b for a, b in spans)]
    return found


def values_of(enums: tuple[type[StrEnum], ...]) -> set[str]:
    return {member.value for enum in enums for member in enum}


def test_every_quoted_value_in_a_statement_is_a_value_of_its_property_s_enum() -> None:
    everything = values_of(tuple(enum for enums in STORED.values() for enum in enums))
    wrong = []
    for place, line, text in statement_texts():
        for prop, value in quoted_values(text):
            if (prop, value) in BESIDES:
                continue
            if prop is not None and prop not in STORED:
                wrong.append(f"{place}:{line}: {prop} = '{value}' (a property with no declared vocabulary)")
            elif value not in (values_of(STORED[prop]) if prop is not None else everything):
                wrong.append(f"{place}:{line}: {prop} = '{value}' (not a value of {prop}'s enums)")

    assert wrong == []


def test_the_reader_attributes_values_to_their_properties() -> None:
    """The reader above must see through each form statements use, or the check would pass vacuously."""
    text = (
        "MATCH (o {status: 'FILED'}) WHERE o.status <> 'PENDING' AND coalesce(m.status, 'FILED') <> 'DEREGISTERED'"
        " AND s.kind IN ['REMOVAL', 'WARNING'] RETURN 'MEDIATOR' AS kind,"
        " CASE WHEN x:Court THEN 'COURT' ELSE 'PARTNER_AGENCY' END AS referrerKind, CASE a.kind WHEN 'COURT' THEN 1 END,"
        " 'STRAY'"
    )

    assert sorted(quoted_values(text), key=str) == sorted(
        [
            ("kind", "REMOVAL"), ("kind", "WARNING"), ("referrerKind", "COURT"), ("referrerKind", "PARTNER_AGENCY"),
            ("kind", "COURT"), ("status", "FILED"), ("status", "DEREGISTERED"), ("status", "PENDING"),
            ("status", "FILED"), ("kind", "MEDIATOR"), (None, "STRAY"),
        ],
        key=str,
    )


def test_a_misspelt_status_is_caught() -> None:
    found = quoted_values("MATCH (o:Organization) WHERE o.status = 'FILLED'")

    assert found == [("status", "FILLED")]
    assert "FILLED" not in values_of(STORED["status"])
