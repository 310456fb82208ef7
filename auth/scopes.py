"""The one scope vocabulary: what a client may do; the agency decides where."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType

from graph.core.vocabulary import AgencyKind


class Scope(StrEnum):
    ROSTER_READ = "roster:read"
    ROSTER_WRITE = "roster:write"
    PII_READ = "pii:read"
    INVITATIONS_WRITE = "invitations:write"
    REGISTRATIONS_WRITE = "registrations:write"
    CASES_WRITE = "cases:write"
    GRADES_WRITE = "grades:write"
    TRAINING_WRITE = "training:write"
    REPORTS_READ = "reports:read"
    AUDIT_READ = "audit:read"
    ADMIN = "admin"


class UnknownScope(ValueError):
    """A scope name outside the vocabulary."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(sorted(names))
        super().__init__(f"unknown scope: {', '.join(self.names)}")


def parse_scopes(text: str) -> frozenset[Scope]:
    """Scopes from a space-separated string (RFC 6749 section 3.3); any unknown name raises `UnknownScope`."""
    names = text.split()
    unknown = {name for name in names if name not in _BY_VALUE}
    if unknown:
        raise UnknownScope(unknown)
    return frozenset(_BY_VALUE[name] for name in names)


def scope_text(scopes: Iterable[Scope]) -> str:
    """The canonical space-separated form: sorted, without duplicates."""
    return " ".join(sorted({Scope(scope).value for scope in scopes}))


_BY_VALUE: dict[str, Scope] = {scope.value: scope for scope in Scope}


# Which kinds of agency may run each write, beside the scopes it needs: a scope says what a client may do, this
# table which agencies may do it at all. Keyed by the mutation's GraphQL field name (and `ROSTER_IMPORT` for
# `POST /roster/import`); the schema refuses to build with a mutation missing here (`schema/core/kinds.py`), and
# checks the caller's kind before the resolver runs. The order of the kinds is the order the refusal names them.
ROSTER_IMPORT = "POST /roster/import"

BUREAU = (AgencyKind.JUDICIAL_BUREAU,)
BUREAU_OR_ADMIN = (AgencyKind.JUDICIAL_BUREAU, AgencyKind.PLATFORM_ADMIN)
COURT = (AgencyKind.COURT,)
PARTNER = (AgencyKind.PARTNER_AGENCY,)
REFERRING = (AgencyKind.COURT, AgencyKind.PARTNER_AGENCY)
ANY_AGENCY = tuple(AgencyKind)

AGENCY_KINDS: Mapping[str, tuple[AgencyKind, ...]] = MappingProxyType(
    {
        # grades (Scope.GRADES_WRITE)
        "applyForGrade": BUREAU_OR_ADMIN, "reviewGradeApplication": BUREAU_OR_ADMIN, "appealGrade": BUREAU_OR_ADMIN,
        "resolveGradeAppeal": BUREAU_OR_ADMIN, "decideGrade": BUREAU_OR_ADMIN,
        # cases (Scope.CASES_WRITE)
        "recordCaseReferral": REFERRING, "acceptCase": REFERRING, "extendCaseDeadline": REFERRING,
        "closeCase": REFERRING, "recordJudicialConfirmation": REFERRING,
        # invited lists (Scope.INVITATIONS_WRITE)
        "inviteOrganization": COURT, "inviteMediator": COURT, "renewInvitation": COURT, "sanctionInvitation": COURT,
        "adoptInvitedList": COURT, "publishInvitedList": COURT,
        # partner registrations (Scope.REGISTRATIONS_WRITE) and their decision (Scope.ROSTER_WRITE)
        "registerOrganization": PARTNER, "registerMediator": PARTNER, "registerMediators": PARTNER,
        "amendOrganizationRegistration": PARTNER, "amendMediatorRegistration": PARTNER,
        "approveRegistration": BUREAU, "rejectRegistration": BUREAU,
        # filing (Scope.ROSTER_WRITE); completeFiling also checks, by the record, that only a bureau files
        "fileOrganization": BUREAU, "amendOrganization": BUREAU_OR_ADMIN, "completeFiling": BUREAU_OR_ADMIN,
        "suspendOrganization": BUREAU_OR_ADMIN, "deregisterOrganization": BUREAU_OR_ADMIN,
        "reinstateOrganization": BUREAU_OR_ADMIN,
        "fileMediator": BUREAU, "amendMediator": BUREAU_OR_ADMIN, "addMembership": BUREAU, "endMembership": BUREAU,
        "suspendMediator": BUREAU_OR_ADMIN, "deregisterMediator": BUREAU_OR_ADMIN, "reinstateMediator": BUREAU_OR_ADMIN,
        "addCredential": BUREAU, "verifyCredential": BUREAU,
        # training (Scope.TRAINING_WRITE)
        "recordTraining": BUREAU,
        # membership requests between bureaus (Scope.ROSTER_WRITE)
        "requestMembership": BUREAU, "acceptMembershipRequest": BUREAU, "refuseMembershipRequest": BUREAU,
        "withdrawMembershipRequest": BUREAU,
        # a notice's read state is every recipient's own (Scope.ROSTER_READ)
        "markNoticesRead": ANY_AGENCY,
        # the roster import route (Scope.ROSTER_WRITE); a bureau must also govern a division
        ROSTER_IMPORT: BUREAU_OR_ADMIN,
    }
)
"""Operation -> the kinds of agency that may run it (see "Add a permission" in CONTRIBUTING.md)."""


def may_run(operation: str, kind: AgencyKind | str) -> bool:
    """Whether an agency of `kind` may run `operation`; an operation missing from the table is refused."""
    return kind in AGENCY_KINDS.get(operation, ())


def kinds_refusal(kinds: Iterable[AgencyKind]) -> str:
    """The refusal a caller of another kind gets, naming the kinds that may: 'Only a court may do this.'"""
    allowed = " or ".join(kind.value.lower().replace("_", " ") for kind in kinds)
    return f"Only a {allowed} may do this."
