"""Cross-agency writes (issue 12): every mutation, found by walking the schema, and every ID it takes (top-level
or inside an input) is tried with an object held by another agency of the same kind; the answer must be a typed
problem and the graph must be unchanged. The other ID arguments get the caller's own objects, so the refusal can
only come from the foreign one. A mutation or an ID argument that KIND does not know fails the test, naming the
entry to add: a new mutation cannot slip through.

The module loads the demo data once (test_mutation_access's fixtures), and `held` adds, through the API and by
their owners, the foreign objects the demo lacks before any test measures the graph; no test may write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)

from graph.core.driver import Graph
from tests.access.mutations.cross_agency_objects import (
    FILED_BY_YUCHENG,
    FOREIGN_AGENCY,
    ROSTER,
    TERM,
    TODAY,
    found_in_demo,
    made_by_owners,
    owner_client,
)
from tests.conftest import AsAgency, token_for
from tests.helpers.agencies import ACFTU, WUHOU_BUREAU, WUHOU_COURT
from tests.helpers.filing import identity
from tests.helpers.mutations import (
    MUTATION,
    MUTATIONS,
    dummy,
    graph_size,
    is_required,
    required_scope,
    writer_for,
)
from tests.helpers.roster_files import SINCE, UNTIL, roster_file

Held = dict[str, tuple[str | None, str]]


@pytest.fixture(scope="module")
async def held(demo_once: Graph, tmp_path_factory: pytest.TempPathFactory) -> Held:
    """Kind -> (the writer's own object or None, another agency's), the missing ones made by their owners."""
    in_demo = await found_in_demo(demo_once)
    async with owner_client(demo_once, tmp_path_factory.mktemp("owners")) as http:
        made = await made_by_owners(http, demo_once)
    return in_demo | {kind: (None, id) for kind, id in made.items()}


def id_paths(kind: GraphQLInputType, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every path to an ID scalar under an argument, through inputs and lists."""
    named = get_named_type(kind)
    if isinstance(named, GraphQLInputObjectType):
        return [found for name, field in named.fields.items() for found in id_paths(field.type, (*path, name))]
    if isinstance(named, GraphQLScalarType) and named.name == "ID":
        return [path]
    return []


ID_ARGUMENTS = sorted(
    (name, ".".join(path))
    for name in MUTATIONS
    for argument, spec in MUTATION.fields[name].args.items()
    for path in id_paths(spec.type, (argument,))
)

KIND: dict[tuple[str, str], str] = {
    ("acceptCase", "input.caseId"): "case",
    ("acceptMembershipRequest", "id"): "membershipRequest",
    ("addCredential", "mediatorId"): "mediator",
    ("addMembership", "mediatorId"): "mediator",
    ("addMembership", "input.organizationId"): "organization",
    ("adoptInvitedList", "higherCourtId"): "court",
    ("amendMediator", "id"): "mediator",
    ("amendMediatorRegistration", "id"): "registeredMediator",
    ("amendOrganization", "id"): "organization",
    ("amendOrganizationRegistration", "id"): "registeredOrganization",
    ("appealGrade", "assessmentId"): "assessment",
    ("applyForGrade", "input.mediatorId"): "mediator",
    ("approveRegistration", "id"): "registration",
    ("closeCase", "input.caseId"): "case",
    ("completeFiling", "id"): "organization",
    ("decideGrade", "assessmentId"): "assessment",
    ("deregisterMediator", "id"): "mediator",
    ("deregisterOrganization", "id"): "organization",
    ("endMembership", "mediatorId"): "anyMediator",
    ("endMembership", "organizationId"): "organization",
    ("extendCaseDeadline", "input.caseId"): "case",
    ("fileMediator", "membership.organizationId"): "organization",
    ("inviteMediator", "input.mediatorId"): "invitableMediator",
    ("inviteOrganization", "input.organizationId"): "invitableOrganization",
    ("markNoticesRead", "ids"): "notice",
    ("recordCaseReferral", "input.mediatorId"): "invitedMediator",
    ("recordJudicialConfirmation", "input.caseId"): "case",
    ("recordTraining", "input.attendees.mediatorId"): "mediator",
    ("refuseMembershipRequest", "id"): "membershipRequest",
    ("registerMediator", "membership.organizationId"): "registeredOrganization",
    ("registerMediators", "mediators.membership.organizationId"): "registeredOrganization",
    ("reinstateMediator", "id"): "mediator",
    ("reinstateOrganization", "id"): "organization",
    ("rejectRegistration", "id"): "registration",
    ("renewInvitation", "targetId"): "invitation",
    ("requestMembership", "mediatorId"): "anyMediator",
    ("requestMembership", "input.organizationId"): "organization",
    ("resolveGradeAppeal", "assessmentId"): "assessment",
    ("reviewGradeApplication", "assessmentId"): "assessment",
    ("sanctionInvitation", "input.targetId"): "invitation",
    ("suspendMediator", "id"): "mediator",
    ("suspendOrganization", "id"): "organization",
    ("verifyCredential", "id"): "credential",
    ("withdrawMembershipRequest", "id"): "membershipRequest",
}
"""What each ID argument names (tests/cross_agency_objects.py holds one of each kind). `anyMediator` is
legitimately another bureau's (a membership request asks for exactly that; a bureau ends a membership in its own
organization whoever filed the member: the organization is what it writes), so it is filled with a foreign
mediator but never tried as the foreign target. An `invitable` record is one a court may invite only where it
sees it: another agency's record still awaiting its filing decision is not in the court's directory."""

UNTRIED = {"anyMediator"}

REFUSALS = {"ForbiddenByAgencyProblem", "NotFoundProblem"}
"""A refusal for the foreign object itself: not a ValidationProblem about the dummy values around it."""
ROW_REFUSALS = {"FORBIDDEN_BY_AGENCY", "NOT_FOUND"}


FIELD_OF = {"id": {"id", "mediatorId", "organizationId"}, "mediatorId": {"mediatorId", "attendees"}}
"""How a refusal may name the foreign ID: a record's `id` by its kind (a credential by its holder, whom the
bureau may not write), a training's attendee by the attendees."""


def names(field: str | None, path: str) -> bool:
    last = path.split(".")[-1]
    return field is not None and field.split(".")[-1] in FIELD_OF.get(last, {last})


def refuses_the_foreign_object(answer: dict[str, Any], path: str) -> bool:
    """A typed refusal naming the foreign ID; from a bulk mutation, every row refused for it (all or none)."""
    if answer["__typename"] == "RowsProblem":
        rows = answer["rows"]
        return bool(rows) and all(row["code"] in ROW_REFUSALS and names(row["field"], path) for row in rows)
    return answer["__typename"] in REFUSALS and names(answer["field"], path)


def test_every_id_argument_of_every_mutation_is_known() -> None:
    unknown = [f"KIND[({name!r}, {path!r})] = '<what the ID names>'" for name, path in ID_ARGUMENTS if (name, path) not in KIND]
    stale = [key for key in KIND if key not in ID_ARGUMENTS]
    assert unknown == [], "add to KIND in tests/access/mutations/test_cross_agency.py:\n" + "\n".join(unknown)
    assert stale == [], f"KIND names ID arguments the schema no longer has: {stale}"


def put(variables: dict[str, Any], path: list[str], value: str, kind: GraphQLInputType) -> None:
    """Set the ID at `path` (creating inputs with their required fields, one-element lists) to `value`."""
    head, rest = path[0], path[1:]
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    listed = isinstance(kind, GraphQLList)
    named = get_named_type(kind)
    if not rest:
        variables[head] = [value] if listed else value
        return
    assert isinstance(named, GraphQLInputObjectType)
    current = variables.get(head)
    if current is None:
        current = [dummy(named)] if listed else dummy(named)
        variables[head] = current
    inner: dict[str, Any] = current[0] if isinstance(current, list) else current
    put(inner, rest, value, named.fields[rest[0]].type)


def merged(into: dict[str, Any], valid: dict[str, Any]) -> None:
    """Lay the valid values over the dummy ones: inputs field by field, a list's one element likewise."""
    for key, value in valid.items():
        current = into.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged(current, value)
        elif isinstance(value, list) and isinstance(current, list) and value and isinstance(value[0], dict):
            merged(current[0], value[0])
        else:
            into[key] = value


async def operation(
    held: Held, name: str, target: str, *, kind: str | None = None, valid: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """The mutation with the target ID foreign (of its KIND, or `kind`), every other ID the writer's own, other
    required values valid (VALID, with `valid` over them)."""
    field = MUTATION.fields[name]
    variables: dict[str, Any] = {arg: dummy(spec.type) for arg, spec in field.args.items() if is_required(spec)}
    merged(variables, VALID.get(name, {}))
    merged(variables, valid or {})
    for other in (path for mutation, path in ID_ARGUMENTS if mutation == name):
        own, foreign = held[kind if kind and other == target else KIND[(name, other)]]
        value = foreign if other == target else own
        assert value is not None, f"{name}.{other} needs the writer's own {KIND[(name, other)]}: add it to the held objects"
        top, *rest = other.split(".")
        if top in variables or other == target:
            put(variables, [top, *rest], value, field.args[top].type)
    declared = ", ".join(f"${arg}: {field.args[arg].type}" for arg in variables)
    passed = ", ".join(f"{arg}: ${arg}" for arg in variables)
    payload = get_named_type(field.type)
    rows = isinstance(payload, GraphQLUnionType) and any(kind.name == "RowsProblem" for kind in payload.types)
    answer = "__typename ... on Problem { field message }"
    if rows:
        answer += " ... on RowsProblem { rows { field code reason } }"
    return f"mutation({declared}) {{ {name}({passed}) {{ {answer} }} }}", variables


PERSON = {"name": "跨机构测试", "identityNumber": identity(903), "employment": "FULL_TIME"}
SEAT = {"role": "MEMBER", **TERM}
VALID: dict[str, dict[str, Any]] = {
    "addCredential": {"input": {"scheme": "PEOPLES_MEDIATOR_GRADE", "level": "3", "number": "SC-WH-000903",
                                "issuer": "四川省人民调解员协会", "issuedAt": "2025-06-30", "expiresAt": "2029-06-29"}},
    "applyForGrade": {"input": {"scheme": "yaan", "grade": "三级"}},
    "appealGrade": {"input": {"reason": "公示期内收到异议"}},
    "resolveGradeAppeal": {"input": {"reason": "异议不成立"}},
    "refuseMembershipRequest": {"reason": "本局不同意"},
    "rejectRegistration": {"reason": "材料不全"},
    "sanctionInvitation": {"input": {"reason": "多次无故拒绝委派"}},
    "fileMediator": {"input": PERSON, "membership": SEAT},
    "recordCaseReferral": {"input": {"caseCode": f"({TODAY.year})川0107民诉前调903号", "parties": ["申请人", "被申请人"]}},
    "registerMediator": {"input": PERSON, "membership": SEAT},
    "registerMediators": {"mediators": [{"input": PERSON, "membership": SEAT}]},
    "recordTraining": {"input": {"title": "跨机构培训", "form": "CENTRALIZED_TEACHING", "organizer": "成都市武侯区司法局",
                                 "hours": 4.0, "heldOn": "2026-04-15"}},
}
"""Per mutation, values that pass validation, so that the foreign ID is what gets refused."""

TRIED = [(name, path) for name, path in ID_ARGUMENTS if KIND.get((name, path)) not in UNTRIED]


@pytest.mark.parametrize(("name", "path"), [pytest.param(name, path, id=f"{name}.{path}") for name, path in TRIED])
async def test_an_object_of_another_agency_is_refused(
    graph: Graph, held: Held, as_agency: AsAgency, name: str, path: str
) -> None:
    scope = required_scope(MUTATION.fields[name])
    writer = writer_for(name)
    assert scope is not None
    assert writer in FOREIGN_AGENCY, f"add another agency of {writer}'s kind to FOREIGN_AGENCY"
    query, variables = await operation(held, name, path)
    caller = await as_agency(writer, scope.value)
    before = await graph_size(graph)

    body = await caller(query, **variables)

    assert "errors" not in body, body
    assert refuses_the_foreign_object(body["data"][name], path), (variables, body)
    assert await graph_size(graph) == before


@pytest.mark.parametrize(
    ("writer", "valid"),
    [(WUHOU_COURT, {}), (ACFTU, {"input": {"caseCode": f"({TODAY.year})总工调字第903号"}})],
    ids=["court", "partner"],
)
async def test_a_case_is_not_referred_to_a_mediator_awaiting_another_agency_s_decision(
    graph: Graph, held: Held, as_agency: AsAgency, writer: str, valid: dict[str, Any]
) -> None:
    """Such a record is outside the referring agency's directory: it cannot tell it from none."""
    query, variables = await operation(held, "recordCaseReferral", "input.mediatorId", kind="invitableMediator", valid=valid)
    caller = await as_agency(writer, "cases:write")
    before = await graph_size(graph)

    body = await caller(query, **variables)

    assert body["data"]["recordCaseReferral"] == {
        "__typename": "NotFoundProblem", "field": "mediatorId", "message": "No mediator has this id."}
    assert await graph_size(graph) == before


# --- the roster import route: a row naming another bureau's mediator ---------------------------------------

OUTSIDE = "This person is on the roster of another bureau; ask it to accept a membership instead."
WUHOU_COMMITTEE = next(o for o in ROSTER.organizations if o["props"]["name"] == "成都市武侯区医疗纠纷人民调解委员会")


def import_rows(record: str) -> list[dict[str, Any]]:
    """One row naming the person 雨城 filed: as a mediator row (rewriting them) or a membership row (joining them
    to a 武侯 committee by its key)."""
    number = identity(FILED_BY_YUCHENG)
    if record == "mediator":
        return [{"record": "mediator", "identity_number": number, "name": "改名", "employment": "PART_TIME",
                 "phone": "13700000901", "languages": ["zh"]}]
    return [{"record": "membership", "organization_key": WUHOU_COMMITTEE["props"]["sourceRecordId"],
             "identity_number": number, "role": "MEMBER", "since": SINCE, "until": UNTIL}]


@pytest.mark.parametrize("record", ["mediator", "membership"])
async def test_an_uploaded_row_naming_another_bureau_s_mediator_is_a_bad_row(
    graph: Graph, held: Held, client: httpx.AsyncClient, tmp_path: Path, record: str
) -> None:
    token = await token_for(client, graph, WUHOU_BUREAU, "roster:write")
    content = roster_file(tmp_path, import_rows(record)).read_bytes()
    before = await graph_size(graph)

    response = await client.post(
        "/roster/import", content=content, headers={"authorization": f"Bearer {token}", "content-type": "text/csv"}
    )

    assert response.status_code == 422, response.text
    assert response.json() == {
        "rows": 1, "written": 0, "unchanged": 0, "dryRun": False,
        "bad": [{"line": 2, "field": "identity_number", "reason": OUTSIDE}],
    }
    assert await graph_size(graph) == before
