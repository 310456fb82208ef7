"""The demo data set: part of Sichuan with its courts, bureaus, partner agencies and lawful rosters.

Deterministic (a fixed random seed and ids derived from natural keys), so loading it twice changes nothing.
Every committee has 3 to 9 members, exactly one chair, at least one woman and 3-year terms; staffing minimums
of full-time mediators hold for every kind.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from graph.core.driver import Graph
from graph.core.vocabulary import (
    AgencyKind,
    Background,
    Employment,
    Gender,
    MembershipRole,
    OrganizationKind,
    RecordStatus,
    Specialty,
    TrainingForm,
    TrainingTopic,
)
from graph.grades.assessment import merge_assessments
from resolvers.core.identifiers import credit_code_check_character, organization_code_check_character
from seed.grades import demo_grades
from seed.people import Person, make_person
from seed.places import BUREAUS, COURTS, SICHUAN, Place
from seed.roster import Roster, Row, division, load_roster, stable_id

PARTNERS: tuple[tuple[str, str], ...] = (
    ("中华全国总工会", "labour disputes"),
    ("中国人民银行", "financial consumer disputes"),
    ("国家金融监督管理总局", "banking and insurance disputes"),
    ("中国证券监督管理委员会", "securities and futures disputes"),
    ("国家知识产权局", "intellectual property disputes"),
    ("人力资源和社会保障部", "labour and personnel disputes"),
    ("中华全国工商业联合会", "chamber-of-commerce mediation"),
    ("中国侨联", "disputes involving returned overseas Chinese"),
    ("国家发展和改革委员会价格认证中心", "price disputes"),
    ("中国中小企业协会", "SME disputes"),
    ("中华全国妇女联合会", "family and women's rights disputes"),
    ("中国残疾人联合会", "disputes involving persons with disabilities"),
)
PLATFORM_ADMIN = "调解名册平台管理中心"
TERM_START = datetime.date(2024, 3, 1)
TERM_END = datetime.date(2027, 2, 28)


@dataclass(frozen=True, slots=True)
class Staffing:
    kind: OrganizationKind
    members: int
    full_time: int
    sectors: tuple[Specialty, ...]


def committee_name(village: str) -> str:
    suffixes = (("村民委员会", "村"), ("村委会", "村"), ("社区居民委员会", "社区"), ("社区居委会", "社区"), ("居委会", "社区"))
    for suffix, keep in suffixes:
        if village.endswith(suffix):
            return village[: -len(suffix)] + keep + "人民调解委员会"
    return village + "人民调解委员会"


def credit_code(authority: str, category: str, division: str, serial: int) -> str:
    """A unified social credit code with valid check characters (GB 32100 and GB 11714)."""
    organization = f"{serial:08d}"
    organization += organization_code_check_character(organization)
    body = authority + category + division + organization
    return body + credit_code_check_character(body)


class DemoBuilder:
    def __init__(self, hash_key: bytes) -> None:
        self.rng = random.Random(20261122)
        self.hash_key = hash_key
        self.roster = Roster()
        self.serial = 0
        self.seen: set[str] = set()
        self.places = {place.code: place for place in SICHUAN}

    def build(self) -> Roster:
        self.roster.jurisdictions = [
            division(p.code, p.name, p.level, p.parent) for p in SICHUAN
        ]
        self.roster.agencies = {
            AgencyKind.PLATFORM_ADMIN: [{"id": stable_id("agency", PLATFORM_ADMIN), "name": PLATFORM_ADMIN}],
            AgencyKind.PARTNER_AGENCY: [
                {"id": stable_id("agency", name), "name": name, "field": field} for name, field in PARTNERS
            ],
            AgencyKind.JUDICIAL_BUREAU: [
                {"id": stable_id("agency", b.name), "name": b.name, "jurisdiction": b.jurisdiction} for b in BUREAUS
            ],
            AgencyKind.COURT: [
                {
                    "id": stable_id("agency", c.name),
                    "name": c.name,
                    "level": c.level,
                    "jurisdiction": c.jurisdiction,
                    "supervisor": c.supervisor,
                    "courtCode": court_code(c.level, c.jurisdiction),
                }
                for c in COURTS
            ],
        }
        for place in SICHUAN:
            if place.level == "VILLAGE":
                self.village(place)
            elif place.level == "TOWNSHIP":
                self.township(place)
            elif place.level == "COUNTY":
                self.county(place)
            elif place.level == "CITY":
                self.city(place)
        self.trainings()
        return self.roster

    def county_of(self, place: Place) -> Place:
        while place.level not in ("COUNTY", "CITY", "PROVINCE"):
            place = self.places[place.parent or ""]
        return place

    def bureau_for(self, place: Place) -> str:
        code = self.county_of(place).code
        return next(b.name for b in BUREAUS if b.jurisdiction == code)

    def court_for(self, place: Place) -> str:
        code = self.county_of(place).code
        return next(c.name for c in COURTS if c.jurisdiction == code)

    def village(self, place: Place) -> None:
        village = place.name.endswith(("村委会", "村民委员会"))
        kind = OrganizationKind.VILLAGE_COMMITTEE if village else OrganizationKind.RESIDENTS_COMMITTEE
        sectors = (Specialty.FAMILY, Specialty.NEIGHBOURHOOD, Specialty.LAND_AND_PROPERTY)
        staffing = Staffing(kind, self.rng.randint(3, 7), 1, sectors)
        self.organization(committee_name(place.name), place, staffing)

    def township(self, place: Place) -> None:
        kind = OrganizationKind.STREET_COMMITTEE if place.name.endswith("街道") else OrganizationKind.TOWNSHIP_COMMITTEE
        sectors = (Specialty.FAMILY, Specialty.NEIGHBOURHOOD, Specialty.LABOUR, Specialty.CONTRACT)
        staffing = Staffing(kind, self.rng.randint(5, 9), 2, sectors)
        self.organization(place.name + "人民调解委员会", place, staffing)

    def county(self, place: Place) -> None:
        city = self.places[place.parent or ""].name
        prefix = place.name if place.name.endswith("市") else city + place.name
        court = self.court_for(place)
        units = (
            (prefix + "医疗纠纷人民调解委员会", Staffing(OrganizationKind.INDUSTRY_COMMITTEE, 5, 3, (Specialty.MEDICAL,)), None),
            (
                prefix + "道路交通事故纠纷人民调解委员会",
                Staffing(OrganizationKind.PROFESSIONAL_COMMITTEE, 4, 3, (Specialty.ROAD_TRAFFIC,)),
                None,
            ),
            (
                prefix + "矛盾纠纷多元化解中心",
                Staffing(
                    OrganizationKind.ONE_STOP_CENTRE, 6, 3,
                    (Specialty.FAMILY, Specialty.LABOUR, Specialty.CONTRACT, Specialty.CONSUMER),
                ),
                None,
            ),
            (
                court.removesuffix("人民法院") + "法院诉调对接工作室",
                Staffing(OrganizationKind.STATIONED_STUDIO, 3, 2, (Specialty.CONTRACT, Specialty.FAMILY)),
                None,
            ),
            (
                prefix + "劳动争议人民调解委员会",
                Staffing(OrganizationKind.ENTERPRISE_COMMITTEE, 3, 1, (Specialty.LABOUR,)),
                "中华全国总工会",
            ),
            (
                prefix + "律师调解工作室",
                Staffing(OrganizationKind.LAWYER_STUDIO, 3, 0, (Specialty.CONTRACT, Specialty.FAMILY, Specialty.CONSUMER)),
                None,
            ),
        )
        for name, staffing, partner in units:
            self.organization(name, place, staffing, partner=partner)
        chief = self.person(place, Gender.FEMALE)
        studio = Staffing(OrganizationKind.INDIVIDUAL_STUDIO, 1, 1, (Specialty.FAMILY, Specialty.NEIGHBOURHOOD))
        self.organization(chief.name + "调解工作室", place, studio, founder=chief)

    def city(self, place: Place) -> None:
        units = (
            (
                place.name + "金融消费纠纷调解中心",
                OrganizationKind.INDUSTRY_MEDIATION, (Specialty.FINANCIAL_CONSUMER,), "中国人民银行", "52",
            ),
            (
                place.name + "证券期货纠纷调解工作站",
                OrganizationKind.INDUSTRY_MEDIATION, (Specialty.SECURITIES_AND_FUTURES,), "中国证券监督管理委员会", "52",
            ),
            (
                place.name + "知识产权纠纷人民调解委员会",
                OrganizationKind.INDUSTRY_COMMITTEE, (Specialty.INTELLECTUAL_PROPERTY,), "国家知识产权局", None,
            ),
            (
                place.name + "总商会商事调解中心",
                OrganizationKind.COMMERCIAL_MEDIATION, (Specialty.CONTRACT, Specialty.INTERNATIONAL_COMMERCIAL),
                "中华全国工商业联合会", "51",
            ),
            (
                place.name + "市场监督管理局消费纠纷行政调解室",
                OrganizationKind.ADMINISTRATIVE_MEDIATION, (Specialty.CONSUMER,), None, None,
            ),
        )
        for name, kind, sectors, partner, category in units:
            code = credit_code("5", category[1], place.code, self.rng.randrange(10**7, 10**8)) if category else None
            self.organization(name, place, Staffing(kind, 5, 3, sectors), partner=partner, credit=code)

    def person(self, place: Place, gender: Gender) -> Person:
        county = self.county_of(place).code
        while True:
            self.serial += 1
            person = make_person(self.rng, county=county, gender=gender, serial=self.serial, hash_key=self.hash_key)
            if person.identity_hash not in self.seen:
                self.seen.add(person.identity_hash)
                return person

    def organization(
        self,
        name: str,
        place: Place,
        staffing: Staffing,
        *,
        partner: str | None = None,
        credit: str | None = None,
        founder: Person | None = None,
    ) -> None:
        org_id = stable_id("organization", place.code, name)
        filed = datetime.date(2024, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 600))
        self.roster.organizations.append(
            {
                "id": org_id,
                "jurisdiction": place.code,
                "bureau": self.bureau_for(place),
                "court": self.court_for(place),
                "partner": partner,
                "props": {
                    "name": name,
                    "kind": staffing.kind.value,
                    "sectors": [s.value for s in staffing.sectors],
                    "creditCode": credit,
                    "status": RecordStatus.FILED.value,
                    "filedAt": filed,
                    "filingNo": f"{self.county_of(place).code}-{filed:%Y}-{len(self.roster.organizations) + 1:06d}",
                    "publicPhone": f"0{self.rng.choice(['28', '835', '816'])}-{self.rng.randrange(2000000, 8999999)}",
                    "address": place.name,
                    "chargesFee": staffing.kind in (OrganizationKind.COMMERCIAL_MEDIATION, OrganizationKind.LAWYER_STUDIO),
                    "sourceAgency": self.bureau_for(place),
                    "sourceRecordId": f"demo:{org_id[:8]}",
                },
            }
        )
        for seat in range(staffing.members):
            role = MembershipRole.CHAIR if seat == 0 else MembershipRole.VICE_CHAIR if seat == 1 else MembershipRole.MEMBER
            gender = Gender.FEMALE if seat == 1 or (seat == 0 and staffing.members == 1) else self.rng.choice(list(Gender))
            person = founder if founder is not None and seat == 0 else self.person(place, gender)
            employment = Employment.FULL_TIME if seat < staffing.full_time else Employment.PART_TIME
            self.mediator(person, place, employment, staffing.sectors, org_id, role)

    def mediator(
        self, person: Person, place: Place, employment: Employment, sectors: tuple[Specialty, ...], org_id: str,
        role: MembershipRole,
    ) -> None:
        mediator_id = stable_id("mediator", person.identity_hash)
        languages = ["zh"]
        if place.code.startswith("5118") and self.rng.random() < 0.2:
            languages.append(self.rng.choice(["ii", "bo"]))
        if Specialty.INTERNATIONAL_COMMERCIAL in sectors:
            languages.append("en")
        self.roster.mediators.append(
            {
                "id": mediator_id,
                "props": {
                    "name": person.name,
                    "gender": person.gender.value,
                    "birthYear": person.birth_date.year,
                    "employment": employment.value,
                    "background": self.rng.choice(list(Background)).value,
                    "education": self.rng.choice(["高中", "大专", "本科", "硕士研究生"]),
                    "specialties": [s.value for s in sectors],
                    "languages": languages,
                    "status": RecordStatus.FILED.value,
                    "identityHash": person.identity_hash,
                    "identityMasked": person.identity_masked,
                    "phone": person.phone,
                    "sourceAgency": self.bureau_for(place),
                    "sourceRecordId": f"demo:{mediator_id[:8]}",
                },
            }
        )
        self.roster.memberships.append(
            {"mediator": mediator_id, "organization": org_id, "role": role.value, "since": TERM_START, "until": TERM_END}
        )
        if self.rng.random() < 0.6:
            level = self.rng.choice(["1", "2", "3", "4"])
            self.roster.credentials.append(
                {
                    "id": stable_id("credential", mediator_id, "grade"),
                    "mediator": mediator_id,
                    "props": {
                        "scheme": "PEOPLES_MEDIATOR_GRADE",
                        "level": level,
                        "number": f"SC-TJ-{self.rng.randrange(100000, 999999)}",
                        "issuer": "四川省人民调解员协会",
                        "issuedAt": datetime.date(2023, 6, 30),
                        "expiresAt": datetime.date(2027, 6, 29),
                        "verified": self.rng.random() < 0.8,
                    },
                }
            )

    def trainings(self) -> None:
        by_county: dict[str, list[str]] = {}
        for membership, organization in zip(self.roster.memberships, self._organization_of_memberships(), strict=True):
            by_county.setdefault(organization, []).append(membership["mediator"])
        for county_code, mediators in by_county.items():
            bureau = next(b.name for b in BUREAUS if b.jurisdiction == county_code)
            skills, general = TrainingTopic.SPECIALISED_SKILLS, TrainingTopic.GENERAL
            courses = (
                ("2026年度人民调解员业务培训", TrainingForm.CENTRALIZED_TEACHING, skills, 16.0, datetime.date(2026, 4, 15), 0.85),
                ("典型案例研讨会", TrainingForm.CASE_ANALYSIS, general, 6.0, datetime.date(2026, 6, 20), 0.6),
                ("法院庭审旁听", TrainingForm.ATTENDING_COURT_TRIALS, None, 4.0, datetime.date(2025, 10, 12), 0.5),
            )
            for title, form, topic, hours, held_on, share in courses:
                attendees = sorted({m for m in mediators if self.rng.random() < share})
                props = {"title": title, "form": form.value, "hours": hours, "organizer": bureau, "heldOn": held_on}
                self.roster.trainings.append(
                    {
                        "id": stable_id("training", county_code, title, held_on.isoformat()),
                        "attendees": attendees,
                        "props": props | ({"topic": topic.value} if topic else {}),
                    }
                )

    def _organization_of_memberships(self) -> list[str]:
        county_of_org = {
            row["id"]: (row["jurisdiction"] if len(row["jurisdiction"]) == 6 else row["jurisdiction"][:6])
            for row in self.roster.organizations
        }
        return [county_of_org[m["organization"]] for m in self.roster.memberships]


def court_code(level: str, jurisdiction: str) -> str:
    """Court codes as used in case numbers: 川 for the high court, 川01 for Chengdu, 川0107 for Wuhou."""
    if level == "HIGH":
        return "川"
    if level == "INTERMEDIATE":
        return "川" + jurisdiction[2:4]
    return "川" + jurisdiction[2:6]


def demo_roster(hash_key: bytes) -> Roster:
    return DemoBuilder(hash_key).build()


async def load_demo(graph: Graph, *, hash_key: bytes) -> dict[str, int]:
    roster = demo_roster(hash_key)
    counts = await load_roster(graph, roster)
    await merge_assessments(graph, rows=demo_grades(roster))
    return counts


__all__ = ["Row", "demo_roster", "load_demo"]
