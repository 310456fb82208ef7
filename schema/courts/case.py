"""Cases referred by courts and partners in GraphQL: the mutations (`cases:write`) and the reads (`roster:read`)."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core import clock
from resolvers.courts import case, case_rules, recommendation
from resolvers.courts.case import CaseReader, CaseRecord
from schema.core.context import Info
from schema.core.enums import Specialty
from schema.core.permissions import protected
from schema.directory.agency import Agency, agency_of
from schema.directory.mediator import Mediator

Referral = case_rules.Referral
strawberry.enum(Referral, description="DELEGATED: referred before filing (诉前委派); ENTRUSTED: after filing (委托).")
Procedure = case_rules.Procedure
strawberry.enum(Procedure, description="The trial procedure of an entrusted case: its time limit is 15 or 7 days.")
Stage = case_rules.Stage
strawberry.enum(Stage, name="CaseStage", description="Where a case stands: referred, accepted (the clock runs), closed.")
Outcome = case_rules.Outcome
strawberry.enum(Outcome, name="CaseOutcome", description="How a mediation ended.")
AgreementForm = case_rules.AgreementForm
strawberry.enum(AgreementForm, description="An oral or a written agreement (People's Mediation Law Art 28).")
ConfirmationStatus = case_rules.ConfirmationStatus
strawberry.enum(ConfirmationStatus, description="Judicial confirmation of an agreement (People's Mediation Law Art 33).")
ConflictGround = case_rules.ConflictGround
strawberry.enum(ConflictGround, description="Grounds for recusal (SPC Fa Shi [2016] No. 14 Art 15).")
LaterRole = case_rules.LaterRole
strawberry.enum(LaterRole, description="Roles a mediator may not take later in a case it mediated (Art 16).")
Factor = recommendation.Factor
strawberry.enum(Factor, name="RecommendationFactor", description="What a recommendation score weighs.")

WRITE = Scope.CASES_WRITE
READ = Scope.ROSTER_READ
CASE_ID = Annotated[strawberry.ID, strawberry.argument(description="The case's registry id.")]
FIRST = Annotated[int | None, strawberry.argument(description="Page size: 20 when omitted, at most 100.")]
AFTER = Annotated[str | None, strawberry.argument(description="An `endCursor` to continue after.")]
IN_DIVISION = Annotated[str | None, strawberry.argument(description="Mediators of organizations in this division.")]


@strawberry.type(description="A case referred to a mediator, as the registry keeps it: metadata only.")
class MediationCase:
    id: strawberry.ID = strawberry.field(description="The case's registry id.")
    case_code: str = strawberry.field(description="The court's case number as given.")
    code_year: int = strawberry.field(description="The year in the case number.")
    code_court: str = strawberry.field(description="The court code in the case number, e.g. 浙02.")
    code_type: str = strawberry.field(description="The case-type code in the case number, e.g. 民诉前调.")
    code_serial: int = strawberry.field(description="The serial number in the case number.")
    case_type: Specialty = strawberry.field(description="The dispute domain.")
    referral: Referral = strawberry.field(description="Delegated before filing or entrusted after filing.")
    procedure: Procedure | None = strawberry.field(description="The trial procedure of an entrusted case.")
    stage: Stage = strawberry.field(description="Referred, accepted or closed.")
    parties: list[str] = strawberry.field(description="The parties' role labels, whose consents are recorded.")
    referred_at: datetime.date = strawberry.field(description="When the case was referred.")
    accepted_at: datetime.date | None = strawberry.field(description="When the mediator accepted: the clock starts.")
    deadline: datetime.date | None = strawberry.field(description="The last day, extensions included.")
    extensions: int = strawberry.field(description="How many times the deadline was extended.")
    extended_days: int = strawberry.field(description="Days added by extensions in all.")
    conflict_grounds: list[ConflictGround] = strawberry.field(description="Conflicts disclosed or known.")
    outcome: Outcome | None = strawberry.field(description="How it ended; null while open.")
    agreement_form: AgreementForm | None = strawberry.field(description="Oral or written, for an agreement.")
    agreement_effective_at: datetime.date | None = strawberry.field(description="When the agreement took effect.")
    confirmation_status: ConfirmationStatus | None = strawberry.field(description="Judicial confirmation, if any.")
    confirmation_deadline: datetime.date | None = strawberry.field(
        description="The last day to apply for judicial confirmation: 30 days from the agreement taking effect."
    )
    closed_at: datetime.date | None = strawberry.field(description="When the case was closed.")
    escalated_to_criminal: bool | None = strawberry.field(description="Whether the dispute escalated to a crime.")
    later_case_codes: list[str] = strawberry.field(description="Litigation case numbers recorded for it later.")
    overdue: bool = strawberry.field(description="Accepted, not closed, and past its deadline today.")
    mediator_id: strawberry.Private[str]
    agency_id: strawberry.Private[str]

    @classmethod
    def of(cls, record: CaseRecord) -> MediationCase:
        today = clock.today()
        return cls(
            id=strawberry.ID(record.id), case_code=record.case_code, code_year=record.code_year,
            code_court=record.code_court, code_type=record.code_type, code_serial=record.code_serial,
            case_type=Specialty(record.case_type), referral=Referral(record.referral),
            procedure=Procedure(record.procedure) if record.procedure else None, stage=Stage(record.stage),
            parties=record.parties, referred_at=record.referred_at, accepted_at=record.accepted_at,
            deadline=record.deadline, extensions=record.extensions, extended_days=record.extended_days,
            conflict_grounds=[ConflictGround(g) for g in record.conflict_grounds],
            outcome=Outcome(record.outcome) if record.outcome else None,
            agreement_form=AgreementForm(record.agreement_form) if record.agreement_form else None,
            agreement_effective_at=record.agreement_effective_at,
            confirmation_status=ConfirmationStatus(record.confirmation_status) if record.confirmation_status else None,
            confirmation_deadline=record.confirmation_deadline, closed_at=record.closed_at,
            escalated_to_criminal=record.escalated_to_criminal, later_case_codes=record.later_case_codes,
            overdue=bool(record.accepted_at and record.closed_at is None and record.deadline and record.deadline < today),
            mediator_id=record.mediator_id, agency_id=record.agency_id,
        )

    @strawberry.field(description="The mediator the case was referred to.")
    async def mediator(self, info: Info) -> Mediator | None:
        return await Mediator.resolve_reference(info, strawberry.ID(self.mediator_id))

    @strawberry.field(description="The referring court or partner agency.")
    async def referring_agency(self, info: Info) -> Agency | None:
        return await agency_of(info, self.agency_id)


@strawberry.type(description="A page of cases.")
class CaseConnection:
    cases: list[MediationCase] = strawberry.field(description="The cases of this page, earliest deadline first.")
    has_next_page: bool = strawberry.field(description="True when more cases follow this page.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type(description="Whether a mediator may act in a case in a later role (Art 16).")
class LaterRoleCheck:
    mediator_id: strawberry.ID = strawberry.field(description="The mediator checked.")
    case_code: str = strawberry.field(description="The case number checked.")
    role: LaterRole = strawberry.field(description="The role asked about.")
    barred: bool = strawberry.field(description="True when the mediator mediated this case.")
    case_ids: list[strawberry.ID] = strawberry.field(description="The cases it mediated under this number.")
    reason: str | None = strawberry.field(description="Why it is barred; null when it is not.")


@strawberry.type(description="One part of a recommendation score and why.")
class ScoreExplanation:
    factor: Factor = strawberry.field(description="What is weighed.")
    points: float = strawberry.field(description="The points given.")
    maximum: int = strawberry.field(description="The most this factor gives.")
    reason: str = strawberry.field(description="Why these points, for people.")


@strawberry.type(description="A mediator recommended for a case, with its score explained.")
class MediatorRecommendation:
    score: float = strawberry.field(description="The sum of the factors' points (at most 100).")
    scores: list[ScoreExplanation] = strawberry.field(description="Each factor with its points and reason.")
    mediator_id: strawberry.Private[str]

    @strawberry.field(description="The mediator recommended.")
    async def mediator(self, info: Info) -> Mediator | None:
        return await Mediator.resolve_reference(info, strawberry.ID(self.mediator_id))


def reader(info: Info) -> CaseReader:
    principal = info.context.principal
    assert principal is not None  # every field here declares a scope
    return case.reader_for(info.context.viewer, principal.agency_id, principal.agency_kind)


@strawberry.type(description="Cases as their referring agencies, bureaus and courts may read them.")
class CaseQuery:
    @protected(READ, "One case by its registry id; null when unknown or outside the caller's reach.")
    async def mediation_case(self, info: Info, id: CASE_ID) -> MediationCase | None:
        found = await case.case_of(info.context.graph, id=str(id), reader=reader(info))
        return MediationCase.of(found) if found else None

    @protected(
        READ,
        "Cases in the caller's reach, earliest deadline first: a court or partner reads the cases it referred,"
        " a judicial bureau those of mediators in its jurisdiction. With no agency, mediator or jurisdiction,"
        " the caller's own.",
    )
    async def cases(
        self, info: Info,
        agency_id: Annotated[strawberry.ID | None, strawberry.argument(description="The referring agency.")] = None,
        mediator_id: Annotated[strawberry.ID | None, strawberry.argument(description="The mediator.")] = None,
        jurisdiction: IN_DIVISION = None,
        stage: Annotated[Stage | None, strawberry.argument(description="Only cases at this stage.")] = None,
        first: FIRST = None, after: AFTER = None,
    ) -> CaseConnection:
        return await _page(info, agency_id, mediator_id, jurisdiction, stage, False, first, after)

    @protected(READ, "Accepted, unclosed cases past their deadline in the caller's reach, the most overdue first.")
    async def overdue_cases(
        self, info: Info,
        agency_id: Annotated[strawberry.ID | None, strawberry.argument(description="The referring court or partner.")] = None,
        jurisdiction: IN_DIVISION = None,
        first: FIRST = None, after: AFTER = None,
    ) -> CaseConnection:
        return await _page(info, agency_id, None, jurisdiction, None, True, first, after)

    @protected(
        READ,
        "Whether a mediator who mediated a case is barred from a later role in it (Art 16). A court learns of"
        " any case; anyone else only of the cases it may read (its referrals; for a bureau, its mediators').",
    )
    async def later_role_check(
        self, info: Info,
        mediator_id: Annotated[strawberry.ID, strawberry.argument(description="The mediator.")],
        case_code: Annotated[str, strawberry.argument(description="The mediation's or the litigation's case number.")],
        role: Annotated[LaterRole, strawberry.argument(description="The role the mediator would take.")],
    ) -> LaterRoleCheck:
        found = await case.check_later_role(
            info.context.graph, mediator=str(mediator_id), case_code=case_code, role=role, reader=reader(info)
        )
        return LaterRoleCheck(
            mediator_id=strawberry.ID(found.mediator_id), case_code=found.case_code, role=found.role,
            barred=found.barred, case_ids=[strawberry.ID(i) for i in found.case_ids], reason=found.reason,
        )

    @protected(
        READ,
        "The court's invited mediators ranked for a case: panel and specialty match, grade, open caseload and"
        " success rate, each score explained. Null unless the caller is that court or national.",
    )
    async def recommend_mediators(
        self, info: Info,
        court_id: Annotated[strawberry.ID, strawberry.argument(description="The court whose list is ranked.")],
        case_type: Annotated[Specialty, strawberry.argument(description="The case's dispute domain.")],
        jurisdiction: Annotated[str | None, strawberry.argument(description="Only mediators in this division.")] = None,
        language: Annotated[str | None, strawberry.argument(description="Only mediators speaking this BCP 47 tag.")] = None,
        first: Annotated[int | None, strawberry.argument(description="How many: 10 when omitted, at most 50.")] = None,
    ) -> list[MediatorRecommendation] | None:
        ranked = await recommendation.recommend_mediators(
            info.context.graph, court=str(court_id), case_type=case_type, reader=reader(info),
            jurisdiction=jurisdiction, language=language, first=first,
        )
        if ranked is None:
            return None
        return [
            MediatorRecommendation(
                score=r.score, mediator_id=r.mediator_id,
                scores=[ScoreExplanation(factor=s.factor, points=s.points, maximum=s.maximum, reason=s.reason) for s in r.scores],
            )
            for r in ranked
        ]


async def _page(
    info: Info, agency: strawberry.ID | None, mediator: strawberry.ID | None, jurisdiction: str | None,
    stage: Stage | None, overdue: bool, first: int | None, after: str | None,
) -> CaseConnection:
    page = await case.list_cases(
        info.context.graph, reader=reader(info), agency=str(agency) if agency else None,
        mediator=str(mediator) if mediator else None, jurisdiction=jurisdiction, stage=stage, overdue=overdue,
        first=first, after=after,
    )
    cases = [MediationCase.of(record) for record in page.cases]
    return CaseConnection(cases=cases, has_next_page=page.has_next, end_cursor=page.end_cursor)
