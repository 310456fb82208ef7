"""The demo's agencies and records the access tests use, and a caller with chosen scopes."""

from __future__ import annotations

from seed.demo import demo_roster
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient

ROSTER = demo_roster(HASH_KEY)


WUHOU_ORG = next(r for r in ROSTER.organizations if r["props"]["name"] == "成都市武侯区医疗纠纷人民调解委员会")


WUHOU_MEDIATOR = next(
    m for m in ROSTER.mediators
    if any(s["mediator"] == m["id"] and s["organization"] == WUHOU_ORG["id"] for s in ROSTER.memberships)
)


WUHOU_BUREAU, YUCHENG_BUREAU, CHENGDU_BUREAU = "成都市武侯区司法局", "雅安市雨城区司法局", "成都市司法局"


WUHOU_COURT, ACFTU, PBOC = "成都市武侯区人民法院", "中华全国总工会", "中国人民银行"


PHONE = "query($id: ID!) { mediator(id: $id) { name phone identityMasked } }"


async def caller(as_agency: AsAgency, gql: GraphQLClient, agency: str | None, scopes: str) -> GraphQLClient:
    return gql if agency is None else await as_agency(agency, scopes)

