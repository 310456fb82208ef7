"""Courts' specially invited lists in GraphQL: the public list, published versions and the court's mutations."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from auth.scopes import Scope
from resolvers.courts import invitation, invited_list
from resolvers.courts.invited_list import SeenEntry as EntryRecord
from schema.core.context import Info
from schema.core.enums import Specialty
from schema.core.payloads import PROBLEMS, outcome
from schema.core.permissions import protected
from schema.core.write import KEY, raw, writer
from schema.directory.agency import Agency, agency_of
from schema.directory.mediator import Mediator
from schema.directory.organization import Organization

InvitedHow = invitation.InvitedHow
strawberry.enum(
    InvitedHow,
    description="How an entry is on a court's list: invited by the court, a member of an invited organization,"
    " or adopted from a higher court's list.",
)
SanctionKind = invitation.SanctionKind
strawberry.enum(SanctionKind, description="Sanctions of SPC Fa Shi [2016] No. 14 Art 28; REMOVAL ends the invitation.")

COURT_ID = Annotated[strawberry.ID, strawberry.argument(description="The court's registry id.")]
TARGET_ID = Annotated[strawberry.ID, strawberry.argument(description="The invited mediator or organization.")]
WRITE = Scope.INVITATIONS_WRITE


@strawberry.type(description="One entry of a court's specially invited list.")
class InvitedEntry:
    panels: list[Specialty] = strawberry.field(description="The specialized panels the entry serves on.")
    since: datetime.date = strawberry.field(description="First day of the invitation.")
    until: datetime.date = strawberry.field(description="Last day of the invitation (2 years by default).")
    how: InvitedHow = strawberry.field(description="Direct, through an invited organization, or adopted.")
    certificate_no: str | None = protected(Scope.ROSTER_READ, "The invitation certificate number.")
    mediator: Mediator | None = strawberry.field(
        description="The invited mediator; null when the entry is an organization."
    )
    organization: Organization | None = strawberry.field(
        description="The invited organization; null when the entry is a mediator."
    )
    through: Organization | None = strawberry.field(
        description="The invited organization a mediator is on the list through; null for others."
    )
    adopted_from_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: EntryRecord) -> InvitedEntry:
        """The entry with the records the list statement read for this viewer: no read by id follows."""
        return cls(
            panels=[Specialty(panel) for panel in record.panels],
            since=record.since,
            until=record.until,
            how=invitation.InvitedHow(record.how),
            certificate_no=record.certificate_no,
            mediator=Mediator.from_record(record.mediator_seen) if record.mediator_seen else None,
            organization=Organization.from_record(record.organization_seen) if record.organization_seen else None,
            through=Organization.from_record(record.through_seen) if record.through_seen else None,
            adopted_from_id=record.adopted_from_id,
        )

    @strawberry.field(description="The higher court whose list this entry was adopted from; null for own entries.")
    async def adopted_from(self, info: Info) -> Agency | None:
        return await agency_of(info, self.adopted_from_id)


@strawberry.type(description="A page of a court's specially invited list.")
class InvitedListConnection:
    entries: list[InvitedEntry] = strawberry.field(description="The entries of this page, by name.")
    has_next_page: bool = strawberry.field(description="True when more entries follow this page.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type(description="A frozen, numbered version of a court's list as published.")
class InvitedListVersion:
    court_id: strawberry.ID = strawberry.field(description="The publishing court.")
    version: int = strawberry.field(description="The version number: 1, 2, ... per court.")
    published_at: datetime.datetime = strawberry.field(description="When it was published.")
    digest: str = strawberry.field(description="SHA-256 (hex) of the canonical JSON of `entries`.")
    entries: JSON = strawberry.field(description="The entries as published (public fields only), in list order.")


@strawberry.type(description="The court's list as it can be queried.")
class InvitationQuery:
    @strawberry.field(description="A court's specially invited organizations and mediators today, in one query.")
    async def specially_invited_list(
        self,
        info: Info,
        court_id: COURT_ID,
        panel: Annotated[Specialty | None, strawberry.argument(description="Only entries on this panel.")] = None,
        jurisdiction: Annotated[str | None, strawberry.argument(description="Only entries in this division.")] = None,
        specialty: Annotated[Specialty | None, strawberry.argument(description="Only entries with this domain.")] = None,
        language: Annotated[str | None, strawberry.argument(description="Only mediators speaking this BCP 47 tag.")] = None,
        grade: Annotated[
            int | None,
            strawberry.argument(
                description="Only mediators whose current grade ranks this high or better: 1 is a scheme's highest"
                " grade, so 2 means grade 2 or better (chief counts as 1 where a scheme has one)."
            ),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size: 20 when omitted, at most 100.")] = None,
        after: Annotated[str | None, strawberry.argument(description="An `endCursor` to continue after.")] = None,
    ) -> InvitedListConnection:
        page = await invited_list.specially_invited_list(
            info.context.graph, court=str(court_id), viewer=info.context.viewer, panel=panel, jurisdiction=jurisdiction,
            specialty=specialty, language=language, grade=grade, first=first, after=after,
        )
        entries = [InvitedEntry.from_record(record) for record in page.entries]
        return InvitedListConnection(entries=entries, has_next_page=page.has_next, end_cursor=page.end_cursor)

    @strawberry.field(description="A published version of a court's list; null when there is none.")
    async def invited_list_version(
        self, info: Info, court_id: COURT_ID,
        version: Annotated[int, strawberry.argument(description="The version number.")],
    ) -> InvitedListVersion | None:
        found = await invited_list.invited_list_version(info.context.graph, court=str(court_id), version=version)
        if found is None:
            return None
        return InvitedListVersion(
            court_id=strawberry.ID(found.court_id), version=found.version, published_at=found.published_at,
            digest=found.digest, entries=cast(JSON, found.entries),
        )


@strawberry.input(description="The court's exclusion check; each answer must be false to invite. Recorded.")
class ExclusionCheckInput:
    criminal_record: bool = strawberry.field(description="Has a criminal record.")
    serious_administrative_penalty: bool = strawberry.field(
        description="Had a serious administrative penalty or industry sanction in the last 3 years."
    )
    dishonest_judgment_debtor: bool = strawberry.field(description="Is on the list of dishonest judgment debtors.")


@strawberry.input(description="An organization the calling court invites.")
class OrganizationInvitationInput:
    organization_id: strawberry.ID = strawberry.field(description="A FILED organization with 3+ FILED members.")
    panels: list[Specialty] = strawberry.field(description="Court panels (1 to 9).")
    certificate_no: str = strawberry.field(description="The certificate number issued.")
    since: datetime.date | None = strawberry.field(default=None, description="First day; today if omitted.")
    until: datetime.date | None = strawberry.field(default=None, description="Last day; 2 years if omitted.")


@strawberry.input(description="A mediator the calling court invites.")
class MediatorInvitationInput:
    mediator_id: strawberry.ID = strawberry.field(description="A FILED mediator not under sanction.")
    panels: list[Specialty] = strawberry.field(description="Court panels (1 to 9).")
    certificate_no: str = strawberry.field(description="The certificate number issued.")
    exclusion_check: ExclusionCheckInput = strawberry.field(description="The exclusion check the court ran.")
    since: datetime.date | None = strawberry.field(default=None, description="First day; today if omitted.")
    until: datetime.date | None = strawberry.field(default=None, description="Last day; 2 years if omitted.")


@strawberry.input(description="A sanction on an entry of the calling court's list.")
class SanctionInput:
    target_id: strawberry.ID = strawberry.field(description="The invited mediator or organization.")
    kind: SanctionKind = strawberry.field(description="Warning, circulated notice or removal.")
    reason: str = strawberry.field(description="Why (2 to 500 characters).")
    on: datetime.date = strawberry.field(description="The date of the decision.")


@strawberry.type(description="The calling court's invitation as it now stands.")
class InvitationSaved:
    target_id: strawberry.ID = strawberry.field(description="The invited mediator or organization.")
    status: str | None = strawberry.field(description="ACTIVE or REMOVED.")
    until: datetime.date | None = strawberry.field(description="Last day of the invitation.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


@strawberry.type(description="The calling court now uses a higher court's list.")
class ListAdopted:
    court_id: strawberry.ID = strawberry.field(description="The adopting court.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


@strawberry.type(description="A new frozen version of the calling court's list.")
class ListPublished:
    version: int = strawberry.field(description="The version number (0 when replayed).")
    digest: str = strawberry.field(description="SHA-256 of the canonical entries (empty when replayed).")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


InvitationPayload = Annotated[
    InvitationSaved | PROBLEMS, strawberry.union("InvitationPayload", description="An invitation or a problem.")
]
AdoptionPayload = Annotated[
    ListAdopted | PROBLEMS, strawberry.union("AdoptionPayload", description="An adoption or a problem.")
]
PublicationPayload = Annotated[
    ListPublished | PROBLEMS, strawberry.union("PublicationPayload", description="A publication or a problem.")
]



def invitation_saved(info: Info) -> Callable[[invitation.InvitationSaved], Awaitable[InvitationSaved]]:
    async def read(saved: invitation.InvitationSaved) -> InvitationSaved:
        assert info.context.principal is not None
        court = info.context.principal.agency_id
        state = await invitation.invitation_state(info.context.graph, court=court, target=saved.id)
        return InvitationSaved(
            target_id=strawberry.ID(saved.id), status=state.get("status"), until=state.get("until"), replayed=saved.replayed
        )

    return read


async def adopted(saved: invitation.InvitationSaved) -> ListAdopted:
    return ListAdopted(court_id=strawberry.ID(saved.id), replayed=saved.replayed)


async def published(saved: invited_list.Published) -> ListPublished:
    return ListPublished(version=saved.version, digest=saved.digest, replayed=saved.replayed)


@strawberry.type(description="A court's changes to its own specially invited list; each is one audited transaction.")
class InvitationMutation:
    @protected(WRITE, "Invite an organization to the calling court's list.")
    async def invite_organization(
        self, info: Info, input: Annotated[OrganizationInvitationInput, strawberry.argument(description="The invitation.")],
        idempotency_key: KEY = None,
    ) -> InvitationPayload:
        write = invitation.invite_organization(writer(info), raw(input), idempotency_key=idempotency_key)
        return await outcome(write, invitation_saved(info))

    @protected(WRITE, "Invite a mediator to the calling court's list, recording the exclusion check.")
    async def invite_mediator(
        self, info: Info, input: Annotated[MediatorInvitationInput, strawberry.argument(description="The invitation.")],
        idempotency_key: KEY = None,
    ) -> InvitationPayload:
        write = invitation.invite_mediator(writer(info), raw(input), idempotency_key=idempotency_key)
        return await outcome(write, invitation_saved(info))

    @protected(WRITE, "Renew an active invitation of the calling court.")
    async def renew_invitation(
        self, info: Info, target_id: TARGET_ID,
        until: Annotated[datetime.date | None, strawberry.argument(description="New last day; 2 more years if omitted.")] = None,
        idempotency_key: KEY = None,
    ) -> InvitationPayload:
        write = invitation.renew_invitation(writer(info), str(target_id), until, idempotency_key=idempotency_key)
        return await outcome(write, invitation_saved(info))

    @protected(WRITE, "Record a warning, circulated notice or removal on the calling court's invitation.")
    async def sanction_invitation(
        self, info: Info, input: Annotated[SanctionInput, strawberry.argument(description="The sanction.")],
        idempotency_key: KEY = None,
    ) -> InvitationPayload:
        write = invitation.sanction_invitation(writer(info), raw(input), idempotency_key=idempotency_key)
        return await outcome(write, invitation_saved(info))

    @protected(WRITE, "Adopt the list of a higher court that supervises the calling court, with its consent.")
    async def adopt_invited_list(
        self, info: Info, higher_court_id: COURT_ID,
        consent_at: Annotated[datetime.date, strawberry.argument(description="When the higher court consented.")],
        idempotency_key: KEY = None,
    ) -> AdoptionPayload:
        write = invitation.adopt_invited_list(writer(info), str(higher_court_id), consent_at, idempotency_key=idempotency_key)
        return await outcome(write, adopted)

    @protected(WRITE, "Freeze the calling court's list today as its next numbered version.")
    async def publish_invited_list(self, info: Info, idempotency_key: KEY = None) -> PublicationPayload:
        write = invited_list.publish_invited_list(writer(info), idempotency_key=idempotency_key)
        return await outcome(write, published)
