"""The rules of a case's life, as pure functions from the stored case and the input to the new properties.

- Time limits (SPC Fa Shi [2016] No. 14 Art 27; Online Mediation Rules Art 24): 30 days for a delegated
  (pre-filing) case, 15 (ordinary procedure) or 7 (simple procedure) for an entrusted (post-filing) one. The
  clock starts at acceptance; the deadline is the acceptance date plus the limit (the first day is not
  counted). Public holidays are not taken into account.
- Extensions need every party's recorded consent and have no cap, unless the referring court's configured
  policy in `EXTENSION_CAPS` sets one.
- Recusal (Art 15): a conflict, disclosed by the mediator or known at referral, blocks acceptance unless every
  party consented; a conflict known at referral that the mediator's disclosure leaves out blocks it outright.
- Closing: the outcome; an agreement is oral or written (People's Mediation Law Art 28) and has an effective
  date, from which the parties have 30 days to apply for judicial confirmation (Art 33).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from graph.core.vocabulary import Specialty
from resolvers.core.outcomes import FieldProblem, Problem, ProblemCode, invalid
from resolvers.courts.case_code import CaseCode, CaseCodeError, parse_case_code


class Referral(StrEnum):
    DELEGATED = "DELEGATED"
    ENTRUSTED = "ENTRUSTED"


class Procedure(StrEnum):
    ORDINARY = "ORDINARY"
    SIMPLE = "SIMPLE"


class Stage(StrEnum):
    REFERRED = "REFERRED"
    ACCEPTED = "ACCEPTED"
    CLOSED = "CLOSED"


class Outcome(StrEnum):
    AGREEMENT = "AGREEMENT"
    NO_AGREEMENT = "NO_AGREEMENT"
    WITHDRAWN = "WITHDRAWN"
    TERMINATED = "TERMINATED"


class AgreementForm(StrEnum):
    ORAL = "ORAL"
    WRITTEN = "WRITTEN"


class ConfirmationStatus(StrEnum):
    NOT_APPLIED = "NOT_APPLIED"
    APPLIED = "APPLIED"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"


class ConflictGround(StrEnum):
    """Art 15: a close relative of a party or agent, an interest in the dispute, another relationship."""

    CLOSE_RELATIVE = "CLOSE_RELATIVE"
    INTEREST_IN_DISPUTE = "INTEREST_IN_DISPUTE"
    OTHER_RELATIONSHIP = "OTHER_RELATIONSHIP"


class LaterRole(StrEnum):
    """Art 16: roles a mediator may not take later in a case it mediated."""

    PEOPLES_ASSESSOR = "PEOPLES_ASSESSOR"
    AGENT = "AGENT"
    WITNESS = "WITNESS"
    APPRAISER = "APPRAISER"
    TRANSLATOR = "TRANSLATOR"


TIME_LIMITS: Mapping[tuple[Referral, Procedure | None], int] = {
    (Referral.DELEGATED, None): 30,
    (Referral.ENTRUSTED, Procedure.ORDINARY): 15,
    (Referral.ENTRUSTED, Procedure.SIMPLE): 7,
}
"""Days from acceptance (Fa Shi [2016] No. 14 Art 27)."""

CONFIRMATION_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class ExtensionCap:
    max_total_days: int | None = None
    max_extensions: int | None = None


EXTENSION_CAPS: Mapping[str, ExtensionCap] = {
    # "30 days ... extension not exceeding 30 days" (https://hnjysfy.hncourt.gov.cn/public/detail.php?id=2730);
    # the court's name is read from the site's host name and is [unverified].
    "济源市人民法院": ExtensionCap(max_total_days=30),
}
"""Courts' configured caps on extensions, by court name (unique in the graph); the national rule has none."""


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


Party = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Consent(Strict):
    party: Party
    consented_at: datetime.date


class AcceptanceTerms(Strict):
    accepted_at: datetime.date | None = None
    disclosed_conflicts: list[ConflictGround] = Field(default_factory=list, max_length=3)
    consents: list[Consent] = Field(default_factory=list, max_length=20)


class Acceptance(AcceptanceTerms):
    case_id: Id


class ReferralInput(Strict):
    case_code: str = Field(min_length=1, max_length=60)
    mediator_id: Id
    case_type: Specialty
    referral: Referral
    procedure: Procedure | None = None
    parties: list[Party] = Field(min_length=2, max_length=20)
    referred_at: datetime.date | None = None
    known_conflicts: list[ConflictGround] = Field(default_factory=list, max_length=3)
    acceptance: AcceptanceTerms | None = None


class ExtensionInput(Strict):
    case_id: Id
    days: int = Field(ge=1, le=3650)
    consents: list[Consent] = Field(max_length=20)


class Closing(Strict):
    case_id: Id
    outcome: Outcome
    closed_at: datetime.date | None = None
    agreement_form: AgreementForm | None = None
    agreement_effective_at: datetime.date | None = None
    confirmation_status: ConfirmationStatus | None = None
    confirmation_applied_on: datetime.date | None = None
    escalated_to_criminal: bool = False
    litigation_case_code: str | None = Field(default=None, max_length=60)


class ConfirmationInput(Strict):
    case_id: Id
    status: ConfirmationStatus
    applied_on: datetime.date | None = None


def _illegal(message: str) -> Problem:
    return Problem(ProblemCode.ILLEGAL_TRANSITION, "caseId", message)


def _require(problems: list[FieldProblem]) -> None:
    if problems:
        raise invalid(problems)


def parsed(text: str, field: str) -> CaseCode:
    try:
        return parse_case_code(text)
    except CaseCodeError as error:
        raise invalid([FieldProblem(field, str(error))]) from None


def time_limit(referral: Referral, procedure: Procedure | None) -> int:
    return TIME_LIMITS[(referral, procedure if referral is Referral.ENTRUSTED else None)]


def referral_props(data: ReferralInput, today: datetime.date) -> tuple[CaseCode, dict[str, Any]]:
    """The parsed number and the properties of a new, referred case; every input problem at once."""
    code = parsed(data.case_code, "caseCode")
    problems: list[FieldProblem] = []
    if data.referral is Referral.ENTRUSTED and data.procedure is None:
        problems.append(FieldProblem("procedure", "An entrusted case names its procedure: ORDINARY or SIMPLE."))
    if data.referral is Referral.DELEGATED and data.procedure is not None:
        problems.append(FieldProblem("procedure", "A delegated (pre-filing) case has no trial procedure yet."))
    if code.pre_filing and data.referral is not Referral.DELEGATED:
        problems.append(FieldProblem("referral", "A pre-filing mediation number (诉前调) marks a delegated case."))
    if len(set(data.parties)) != len(data.parties):
        problems.append(FieldProblem("parties", "Each party label is given once."))
    referred = data.referred_at or today
    if referred > today:
        problems.append(FieldProblem("referredAt", "A referral cannot be dated in the future."))
    _require(problems)
    props: dict[str, Any] = {
        "caseCode": code.text,
        "codeYear": code.year,
        "codeCourt": code.court_code,
        "codeType": code.type_code,
        "codeSerial": code.serial,
        "caseType": data.case_type.value,
        "referral": data.referral.value,
        "procedure": data.procedure.value if data.procedure else None,
        "stage": Stage.REFERRED.value,
        "parties": list(data.parties),
        "referredAt": referred,
        "conflictGrounds": sorted({ground.value for ground in data.known_conflicts}),
        "extensions": 0,
        "extendedDays": 0,
    }
    return code, props


def consent_problems(
    parties: list[str], consents: list[Consent], *, field: str, not_before: datetime.date | None, not_after: datetime.date
) -> list[FieldProblem]:
    """Every party consented, once, within [not_before, not_after]; consents name only the case's parties."""
    given = [consent.party for consent in consents]
    problems: list[FieldProblem] = []
    strangers = sorted(set(given) - set(parties))
    if strangers:
        problems.append(FieldProblem(field, f"Not a party to this case: {', '.join(strangers)}."))
    missing = [party for party in parties if party not in given]
    if missing:
        problems.append(FieldProblem(field, f"Every party's consent is needed; missing: {', '.join(missing)}."))
    if len(set(given)) != len(given):
        problems.append(FieldProblem(field, "Each party consents once."))
    late = [c.party for c in consents if c.consented_at > not_after or (not_before and c.consented_at < not_before)]
    if late:
        problems.append(FieldProblem(field, f"Consent dated outside {not_before or '...'} to {not_after}: {', '.join(late)}."))
    return problems


def acceptance_props(before: dict[str, Any], data: AcceptanceTerms, today: datetime.date, *, field: str) -> dict[str, Any]:
    """Accept a referred case: its deadline, and the conflict rule of Art 15."""
    if before["stage"] != Stage.REFERRED.value:
        raise _illegal(f"Only a REFERRED case can be accepted; this one is {before['stage']}.")
    accepted = data.accepted_at or today
    problems: list[FieldProblem] = []
    if accepted > today or accepted < before["referredAt"]:
        problems.append(FieldProblem(f"{field}acceptedAt", "Acceptance falls between the referral and today."))
    known = set(before.get("conflictGrounds") or [])
    disclosed = {ground.value for ground in data.disclosed_conflicts}
    undisclosed = sorted(known - disclosed)
    if undisclosed:
        message = f"The mediator's disclosure leaves out a conflict recorded at referral: {', '.join(undisclosed)}."
        problems.append(FieldProblem(f"{field}disclosedConflicts", message))
    grounds = sorted(known | disclosed)
    if grounds and not undisclosed:
        problems += consent_problems(
            list(before["parties"]), data.consents, field=f"{field}consents", not_before=None, not_after=accepted
        )
    _require(problems)
    limit = time_limit(Referral(before["referral"]), Procedure(before["procedure"]) if before.get("procedure") else None)
    return {
        "stage": Stage.ACCEPTED.value,
        "acceptedAt": accepted,
        "deadline": accepted + datetime.timedelta(days=limit),
        "timeLimitDays": limit,
        "conflictGrounds": grounds,
        "conflictConsents": [f"{c.party}@{c.consented_at.isoformat()}" for c in data.consents] if grounds else [],
    }


def extension_props(before: dict[str, Any], data: ExtensionInput, today: datetime.date) -> dict[str, Any]:
    if before["stage"] != Stage.ACCEPTED.value:
        raise _illegal(f"Only an ACCEPTED case can be extended; this one is {before['stage']}.")
    problems = consent_problems(
        list(before["parties"]), data.consents, field="consents", not_before=before["acceptedAt"], not_after=today
    )
    cap = EXTENSION_CAPS.get(str(before.get("agencyName")))
    extended, count = int(before.get("extendedDays") or 0), int(before.get("extensions") or 0)
    if cap and cap.max_total_days is not None and extended + data.days > cap.max_total_days:
        message = f"The court's policy allows {cap.max_total_days} days of extensions in all; {extended} are used."
        problems.append(FieldProblem("days", message))
    if cap and cap.max_extensions is not None and count + 1 > cap.max_extensions:
        problems.append(FieldProblem("days", f"The court's policy allows {cap.max_extensions} extensions."))
    _require(problems)
    record = ";".join(f"{c.party}@{c.consented_at.isoformat()}" for c in data.consents)
    return {
        "deadline": before["deadline"] + datetime.timedelta(days=data.days),
        "extensions": count + 1,
        "extendedDays": extended + data.days,
        "extensionConsents": [*(before.get("extensionConsents") or []), f"+{data.days}:{record}"],
    }


def confirmation_window(effective: datetime.date) -> datetime.date:
    return effective + datetime.timedelta(days=CONFIRMATION_WINDOW_DAYS)


def closing_props(before: dict[str, Any], data: Closing, today: datetime.date) -> dict[str, Any]:
    if before["stage"] != Stage.ACCEPTED.value:
        raise _illegal(f"Only an ACCEPTED case can be closed; this one is {before['stage']}.")
    closed = data.closed_at or today
    problems: list[FieldProblem] = []
    if closed > today or closed < before["acceptedAt"]:
        problems.append(FieldProblem("closedAt", "Closing falls between acceptance and today."))
    props: dict[str, Any] = {
        "stage": Stage.CLOSED.value,
        "outcome": data.outcome.value,
        "closedAt": closed,
        "escalatedToCriminal": data.escalated_to_criminal,
    }
    if data.outcome is Outcome.AGREEMENT:
        effective = data.agreement_effective_at or closed
        status = data.confirmation_status or ConfirmationStatus.NOT_APPLIED
        if data.agreement_form is None:
            problems.append(FieldProblem("agreementForm", "An agreement is ORAL or WRITTEN."))
        if effective > today or effective < before["acceptedAt"]:
            problems.append(FieldProblem("agreementEffectiveAt", "An agreement takes effect between acceptance and today."))
        problems += applied_problems(status, data.confirmation_applied_on, effective, today)
        props |= {
            "agreementForm": data.agreement_form.value if data.agreement_form else None,
            "agreementEffectiveAt": effective,
            "confirmationDeadline": confirmation_window(effective),
            "confirmationStatus": status.value,
            "confirmationAppliedOn": data.confirmation_applied_on,
        }
    else:
        extra = [name for name, value in (
            ("agreementForm", data.agreement_form), ("agreementEffectiveAt", data.agreement_effective_at),
            ("confirmationStatus", data.confirmation_status), ("confirmationAppliedOn", data.confirmation_applied_on),
        ) if value is not None]
        problems += [FieldProblem(name, "Only an AGREEMENT has this.") for name in extra]
    if data.litigation_case_code is not None:
        later = parsed(data.litigation_case_code, "litigationCaseCode")
        props |= {
            "laterCaseCodes": [*(before.get("laterCaseCodes") or []), later.text],
            "laterCodeKeys": [*(before.get("laterCodeKeys") or []), later.key],
        }
    _require(problems)
    return props


def applied_problems(
    status: ConfirmationStatus, applied_on: datetime.date | None, effective: datetime.date, today: datetime.date
) -> list[FieldProblem]:
    """An application for judicial confirmation is dated inside the 30-day window (Art 33)."""
    if status is ConfirmationStatus.NOT_APPLIED:
        return [FieldProblem("confirmationAppliedOn", "No application, so no date.")] if applied_on else []
    if applied_on is None:
        return [FieldProblem("confirmationAppliedOn", "When the parties applied for judicial confirmation.")]
    window = confirmation_window(effective)
    if not effective <= applied_on <= min(window, today):
        message = f"The parties may apply from {effective} to {window} (30 days from the agreement taking effect)."
        return [FieldProblem("confirmationAppliedOn", message)]
    return []


CONFIRMATION_STEPS: Mapping[ConfirmationStatus, frozenset[ConfirmationStatus]] = {
    ConfirmationStatus.NOT_APPLIED: frozenset(
        {ConfirmationStatus.APPLIED, ConfirmationStatus.CONFIRMED, ConfirmationStatus.REJECTED}
    ),
    ConfirmationStatus.APPLIED: frozenset({ConfirmationStatus.CONFIRMED, ConfirmationStatus.REJECTED}),
}


def confirmation_props(before: dict[str, Any], data: ConfirmationInput, today: datetime.date) -> dict[str, Any]:
    if before["stage"] != Stage.CLOSED.value or before.get("outcome") != Outcome.AGREEMENT.value:
        raise _illegal("Only a case closed with an agreement goes to judicial confirmation.")
    current = ConfirmationStatus(before.get("confirmationStatus") or ConfirmationStatus.NOT_APPLIED.value)
    if data.status not in CONFIRMATION_STEPS.get(current, frozenset()):
        raise Problem(ProblemCode.ILLEGAL_TRANSITION, "status", f"Confirmation cannot go from {current} to {data.status}.")
    props: dict[str, Any] = {"confirmationStatus": data.status.value}
    if current is ConfirmationStatus.NOT_APPLIED:
        _require(applied_problems(data.status, data.applied_on, before["agreementEffectiveAt"], today))
        props["confirmationAppliedOn"] = data.applied_on
    elif data.applied_on is not None:
        _require([FieldProblem("appliedOn", "The application date is recorded already.")])
    return props
