"""Field permissions: scopes are declared on fields, never checked with `if`s in resolver bodies.

A protected field names the scope it needs; the agency policy (where the caller may look) runs inside
the graph statements. Anonymous callers get the public directory. A field that is neither protected
nor on `PUBLIC` fails the schema walk in the tests.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.permission import BasePermission, PermissionExtension

from auth.scopes import Scope
from schema.core.context import Info


class HasScope(BasePermission):
    """All-of: the caller's token carries `scope`. One instance serves every request, so it keeps no state."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        if principal is not None and principal.has(self.scope):
            return True
        info.context.deny(self.scope)
        code = "UNAUTHENTICATED" if principal is None else "FORBIDDEN"
        raise GraphQLError(f"This needs the `{self.scope.value}` scope.", extensions={"code": code, "scope": self.scope.value})


def requires(scope: Scope) -> PermissionExtension:
    return PermissionExtension(permissions=[HasScope(scope)], use_directives=False)


def needs(scope: Scope, description: str) -> str:
    return f"{description} Needs `{scope.value}`."


PUBLIC: frozenset[str] = frozenset(
    {
        "Query.organizations", "Query.organization", "Query.mediators", "Query.mediator",
        "Query.jurisdictions", "Query.jurisdiction", "Query.courts", "Query.agencies", "Query.node",
        "Node.id",
        "Jurisdiction.id", "Jurisdiction.code", "Jurisdiction.name", "Jurisdiction.level",
        "Jurisdiction.parent", "Jurisdiction.path",
        "Agency.id", "Agency.name", "Agency.kind", "Agency.jurisdiction",
        "Court.id", "Court.name", "Court.kind", "Court.jurisdiction", "Court.level", "Court.courtCode",
        "Court.supervisor",
        "JudicialBureau.id", "JudicialBureau.name", "JudicialBureau.kind", "JudicialBureau.jurisdiction",
        "PartnerAgency.id", "PartnerAgency.name", "PartnerAgency.kind", "PartnerAgency.jurisdiction",
        "PlatformAdmin.id", "PlatformAdmin.name", "PlatformAdmin.kind", "PlatformAdmin.jurisdiction",
        "Organization.id", "Organization.name", "Organization.kind", "Organization.sectors",
        "Organization.status", "Organization.jurisdiction", "Organization.publicPhone", "Organization.address",
        "Organization.chargesFee", "Organization.members",
        "Member.role", "Member.mediator",
        "Mediator.id", "Mediator.name", "Mediator.gender", "Mediator.specialties", "Mediator.languages",
        "Mediator.memberships", "Mediator.credentials", "Mediator.grade", "Mediator.invitedBy",
        "Membership.role", "Membership.organization",
        "Credential.id", "Credential.scheme", "Credential.level",
        "Query.speciallyInvitedList", "Query.invitedListVersion",
        "InvitedEntry.panels", "InvitedEntry.since", "InvitedEntry.until", "InvitedEntry.how", "InvitedEntry.mediator",
        "InvitedEntry.organization", "InvitedEntry.through", "InvitedEntry.adoptedFrom",
        "InvitedListVersion.courtId", "InvitedListVersion.version", "InvitedListVersion.publishedAt",
        "InvitedListVersion.digest", "InvitedListVersion.entries",
    }
)
"""The public directory (issue #3): every other field of the API declares the scope it needs."""

STRUCTURAL = frozenset({"PageInfo"})
"""Types whose fields only describe pages of lists that are themselves protected or public."""


def protected(scope: Scope, description: str) -> Any:
    """A field that needs `scope` (also usable as a resolver decorator); its description says so."""
    return strawberry.field(description=needs(scope, description), extensions=[requires(scope)])


BEHIND_PROTECTED = frozenset(
    {
        "CompletedTraining", "AuditEvent", "OrganizationSaved", "MediatorSaved", "CredentialSaved", "TrainingRecorded",
        "FieldProblem", "Problem", "ValidationProblem", "NotFoundProblem", "ConflictProblem", "StaleVersionProblem",
        "ForbiddenByAgencyProblem", "IllegalTransitionProblem", "InvitationSaved", "ListAdopted", "ListPublished",
        "GradeScheme", "CriterionCheck", "GradeCheck", "GradeEligibility", "GradeCount", "AssessedMediator",
        "GradeReport", "TrainingStatus", "TrainingShortfall", "TopicQuotaStatus",
        "GradeAssessment", "GradeAssessmentStep", "GradeAssessmentSaved",
        "Registration", "RegistrationSaved", "MediatorsRegistered", "RowProblem", "RowsProblem", "PartnerDirectory",
        "PartnerProvince", "Notice", "NoticePage", "NoticesRead", "MembershipRequest", "MembershipRequestSaved",
        "MediationCase", "CaseConnection", "CaseSaved", "LaterRoleCheck", "ScoreExplanation", "MediatorRecommendation",
        "JurisdictionReport", "CourtReport", "PartnerReport", "ReportKindCount", "ReportStatusCount",
        "ReportKindStatusCount",
        "ReportOrganizationFigures", "ReportGradeCount", "ReportEmploymentCount", "ReportBackgroundCount",
        "ReportMediatorFigures", "ReportTrainingCoverage", "ReportedOrganization", "ReportedOrganizations",
        "ReportedOverdueCase", "ReportedOverdueCases", "ReportCaseFigures", "ReportPanelCount", "ReportInvitedFigures",
        "ReportExpiringInvitation", "ReportExpiringInvitations", "ReportRegistrationFigures", "ReportRegistrationCount",
        "ReportProvinceCount", "ReportAffiliates",
    }
)
"""Types reachable only through protected fields; their fields need no declaration of their own."""
