"""The public pages' GraphQL documents, and running them as an anonymous caller of the API.

Each page's data is one or a few of these documents, run in-process through the public schema
(`RegistryGraphQL.execute_anonymously`): the same resolvers and access rules as `POST /graphql` without a
token. A document asks only for fields the anonymous API shows; if one ever stopped being public, the error
fails the page rather than leaving a gap unnoticed.
"""

from __future__ import annotations

from typing import Any

from schema.core.endpoint import RegistryGraphQL

PAGE_SIZE = 20
"""Results per page of a search, as the API's default page."""
VERSIONS_PER_QUERY = 10
"""Published versions asked for at once (aliases of `invitedListVersion`), within the API's repeat limit."""


class PublicQueryFailed(RuntimeError):
    """The anonymous API refused a page's document: a field it asks for is not public, or the input is bad."""


async def public(endpoint: RegistryGraphQL, document: str, **variables: Any) -> dict[str, Any]:
    """The data of `document` as the anonymous API answers it."""
    result = await endpoint.execute_anonymously(document, variables)
    if result.errors:
        raise PublicQueryFailed("; ".join(error.message for error in result.errors))
    assert result.data is not None
    return result.data


DIVISIONS = """query($parent: String, $level: JurisdictionLevel) {
  jurisdictions(parent: $parent, level: $level, first: 100) { nodes { code name level } } }"""

MEDIATORS = """query($filter: MediatorFilter!, $first: Int!, $after: String) {
  mediators(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name gender specialties languages grade
      memberships { role organization { id name jurisdiction { name } } } } } }"""

ORGANIZATIONS = """query($filter: OrganizationFilter!, $first: Int!, $after: String) {
  organizations(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name kind jurisdiction { name } address publicPhone } } }"""

MEDIATOR = """query($id: ID!) { mediator(id: $id) {
  id name gender specialties languages grade
  credentials { scheme level }
  memberships { role organization { id name kind jurisdiction { code name } } }
  invitedBy { id name } } }"""

ORGANIZATION = """query($id: ID!) { organization(id: $id) {
  id name kind sectors status chargesFee address publicPhone
  jurisdiction { code name path { code name } }
  members { role mediator { id name specialties } } } }"""

COURT = """query($id: ID!, $panel: Specialty, $first: Int!, $after: String) {
  node(id: $id) { ... on Court { id name level courtCode jurisdiction { code name } } }
  speciallyInvitedList(courtId: $id, panel: $panel, first: $first, after: $after) {
    hasNextPage endCursor
    entries { panels since until how mediator { id name } organization { id name } through { id name } } } }"""

VERSIONS = "query($court: ID!, " + ", ".join(f"$v{i}: Int!" for i in range(VERSIONS_PER_QUERY)) + ") {\n" + "\n".join(
    f"  v{i}: invitedListVersion(courtId: $court, version: $v{i}) {{ version publishedAt digest }}"
    for i in range(VERSIONS_PER_QUERY)
) + " }"

VERSION = """query($court: ID!, $version: Int!) {
  node(id: $court) { ... on Court { id name jurisdiction { name } } }
  invitedListVersion(courtId: $court, version: $version) { version publishedAt digest entries } }"""


async def published_versions(endpoint: RegistryGraphQL, court: str) -> list[dict[str, Any]]:
    """Every published version of `court`'s list, oldest first: versions are numbered 1, 2, ... without gaps."""
    found: list[dict[str, Any]] = []
    while True:
        numbers = {f"v{i}": len(found) + 1 + i for i in range(VERSIONS_PER_QUERY)}
        data = await public(endpoint, VERSIONS, court=court, **numbers)
        batch = [data[key] for key in numbers if data[key] is not None]
        found += batch
        if len(batch) < VERSIONS_PER_QUERY:
            return found

COURTS = """{ courts(first: 100) { nodes { id name level jurisdiction { name } } } }"""
