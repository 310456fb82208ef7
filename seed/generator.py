"""A synthetic national roster at a fraction of national scale, built and loaded a few counties at a time.

Scale 1.0 is about 693,000 organizations and 3.18 million mediators (domain research, section 2). Divisions, courts
and bureaus below the province are generated ("生成市5102", "生成县510201") with codes that never meet the demo's;
provinces with their high courts and bureaus, the partners and the platform administrator carry real names and merge
with the demo's rows. Composition follows the demo: committees have 3 to 9 members, exactly one chair, at least one
woman, 3-year terms and the full-time minimums. Deterministic, with ids from natural keys: a re-run changes nothing.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind, Background, Employment, Gender, MembershipRole, RecordStatus
from graph.core.vocabulary import OrganizationKind as K
from graph.core.vocabulary import Specialty as S
from graph.directory.census import holds_no_roster
from graph.directory.keys import listing_keys, name_key, organization_keys
from graph.grades.training import merge_trainings
from resolvers.core.identifiers import identity_hash, resident_id_check_character
from seed.demo import PARTNERS, PLATFORM_ADMIN, TERM_END, TERM_START, committee_name, court_code, credit_code
from seed.people import FEMALE_GIVEN, MALE_GIVEN, SURNAMES
from seed.plan import PROVINCES, Plan, Seat, ancestry, divisions, share
from seed.roster import Roster, Row, division, load_roster, stable_id, timed

if TYPE_CHECKING:
    from seed.national import Address

WORKERS = 2

LANGUAGES = {"15": "mn", "45": "za", "54": "bo", "63": "bo", "65": "ug"}  # a regional language some mediators speak
CHUNK = 4_000  # organizations per load
ATTENDANCE_BATCH = 2_000  # COMPLETED edges per statement; one UNWIND per chunk exceeds the server's query heap budget
COURT_LEVELS = ("HIGH", "INTERMEDIATE", "BASIC")
BIRTH_DATES = [datetime.date(1955, 1, 1) + datetime.timedelta(days=day) for day in range(365 * 45)]
BIRTH_TEXT = [f"{day:%Y%m%d}" for day in BIRTH_DATES]
BACKGROUNDS = [background.value for background in Background]
EDUCATION = ["高中", "大专", "本科", "硕士研究生"]
COURSES = (
    ("2026年度人民调解员业务培训", "CENTRALIZED_TEACHING", 16.0, datetime.date(2026, 4, 15), 0.85),
    ("典型案例研讨会", "CASE_ANALYSIS", 6.0, datetime.date(2026, 6, 20), 0.6),
    ("法院庭审旁听", "ATTENDING_COURT_TRIALS", 4.0, datetime.date(2025, 10, 12), 0.5),
)
INDUSTRIES = (  # (subject, sector); even entries are industry committees, odd ones professional committees
    ("医疗纠纷", S.MEDICAL), ("道路交通事故纠纷", S.ROAD_TRAFFIC), ("建设工程纠纷", S.CONSTRUCTION),
    ("物业纠纷", S.NEIGHBOURHOOD), ("劳动争议", S.LABOUR), ("婚姻家庭纠纷", S.FAMILY),
    ("知识产权纠纷", S.INTELLECTUAL_PROPERTY), ("消费纠纷", S.CONSUMER), ("环境污染纠纷", S.ENVIRONMENT),
    ("土地承包纠纷", S.LAND_AND_PROPERTY),
)
PARTNER_UNITS = (  # one per entry of PARTNERS, in its order; commercial mediation where the name says 商事
    ("劳动争议调解中心", (S.LABOUR,)), ("金融消费纠纷调解中心", (S.FINANCIAL_CONSUMER,)),
    ("银行保险纠纷调解中心", (S.FINANCIAL_CONSUMER,)), ("证券期货纠纷调解工作站", (S.SECURITIES_AND_FUTURES,)),
    ("知识产权纠纷调解中心", (S.INTELLECTUAL_PROPERTY,)), ("劳动人事争议调解中心", (S.LABOUR,)),
    ("总商会商事调解中心", (S.CONTRACT, S.INTERNATIONAL_COMMERCIAL)), ("涉侨纠纷调解中心", (S.HK_MACAO_TAIWAN_OVERSEAS,)),
    ("价格争议调解中心", (S.CONSUMER,)), ("中小企业商事调解中心", (S.CONTRACT,)),
    ("婚姻家庭纠纷调解中心", (S.FAMILY,)), ("残疾人权益纠纷调解中心", (S.FAMILY, S.CONSUMER)),
)
HOME = (S.FAMILY, S.NEIGHBOURHOOD, S.LAND_AND_PROPERTY)
TOWN = (S.FAMILY, S.NEIGHBOURHOOD, S.LABOUR, S.CONTRACT)


@dataclass(frozen=True, slots=True)
class Staffing:
    """Member counts drawn uniformly from `sizes`; the first `full_time` seats are full-time."""

    kind: K
    sizes: tuple[int, ...]
    full_time: int
    sectors: tuple[S, ...]


VILLAGE_SIZES = (3,) * 5 + (4,) * 5 + (5,) * 5 + (6,) * 3 + (7,) * 2  # mean 4.6
ONE_STOP = Staffing(K.ONE_STOP_CENTRE, (6,), 3, (*TOWN, S.CONSUMER))
STATIONED = Staffing(K.STATIONED_STUDIO, (3,), 2, (S.CONTRACT, S.FAMILY))
INDIVIDUAL = Staffing(K.INDIVIDUAL_STUDIO, (1,), 1, (S.FAMILY, S.NEIGHBOURHOOD))
LAWYER = Staffing(K.LAWYER_STUDIO, (2, 3, 3, 4), 0, (S.CONTRACT, S.FAMILY, S.CONSUMER))


@dataclass(frozen=True, slots=True)
class Person:
    props: Row  # the mediator's properties that come with the identity number
    identity_hash: str
    serial: int  # within the county


@dataclass(slots=True)
class Builder:
    plan: Plan
    hash_key: bytes
    roster: Roster = field(default_factory=Roster)
    rng: random.Random = field(default_factory=random.Random)
    county_index: int = 0
    township_index: int = 0
    people: int = 0  # identity serial within the current county
    units: int = 0  # organization serial within the current county
    names: set[str] = field(default_factory=set)
    trained: dict[Seat, list[str]] = field(default_factory=dict)  # mediator ids by the seat of their bureau

    def take(self) -> Roster:
        """The rows built so far, courts top-down: load_roster takes court levels in order of appearance."""
        self.add_trainings()
        roster, self.roster = self.roster, Roster()
        roster.agencies.get(AgencyKind.COURT, []).sort(key=lambda row: COURT_LEVELS.index(row["level"]))
        return roster

    def agency(self, kind: AgencyKind, **row: str | None) -> None:
        self.roster.agencies.setdefault(kind, []).append({"id": stable_id("agency", row["name"] or ""), **row})

    def national(self) -> None:
        self.agency(AgencyKind.PLATFORM_ADMIN, name=PLATFORM_ADMIN)
        for name, scope in PARTNERS:
            self.agency(AgencyKind.PARTNER_AGENCY, name=name, field=scope)

    def place(self, seat: Seat, level: str, court: str, parent: Seat | None) -> None:
        """A division with its bureau and court; court codes take the province's abbreviation (court_code says 川)."""
        parent_code = parent.code if parent else None
        self.roster.jurisdictions.append(division(seat.code, seat.name, level, parent_code))
        self.agency(AgencyKind.JUDICIAL_BUREAU, name=seat.bureau, jurisdiction=seat.code)
        code = PROVINCES[seat.province][1] + court_code(court, seat.code)[1:]
        supervisor = parent.court if parent else None
        self.agency(AgencyKind.COURT, name=seat.court, level=court, jurisdiction=seat.code, supervisor=supervisor,
                    courtCode=code)

    def county(self, city: Seat, county: Seat) -> None:
        self.place(county, "COUNTY", "BASIC", city)
        # each county has its own seeded generator and serials, wherever it falls in a chunk
        self.rng = random.Random(f"generator/{county.code}")
        self.people = self.units = 0
        self.names = set()
        for number in range(1, share(self.plan.townships, self.plan.counties, self.county_index) + 1):
            self.township(county, f"{county.code}{number:03d}000")
        self.county_units(county)
        self.county_index += 1

    def township(self, county: Seat, code: str) -> None:
        street = self.rng.random() < 0.2
        name = f"生成{code[:9]}" + ("街道" if street else "镇")
        self.roster.jurisdictions.append(division(code, name, "TOWNSHIP", county.code))
        kind = K.STREET_COMMITTEE if street else K.TOWNSHIP_COMMITTEE
        self.organization(name + "人民调解委员会", code, county, Staffing(kind, (5, 6, 7, 8, 9), 2, TOWN))
        for number in range(1, share(self.plan.villages, self.plan.townships, self.township_index) + 1):
            village = f"{code[:9]}{number:03d}"
            residents = street or self.rng.random() < 0.03
            name = f"生成{village}" + ("社区居民委员会" if residents else "村村民委员会")
            self.roster.jurisdictions.append(division(village, name, "VILLAGE", code))
            kind = K.RESIDENTS_COMMITTEE if residents else K.VILLAGE_COMMITTEE
            self.organization(committee_name(name), village, county, Staffing(kind, VILLAGE_SIZES, 1, HOME))
        self.township_index += 1

    def county_units(self, county: Seat) -> None:
        count = {name: share(total, self.plan.counties, self.county_index) for name, total in self.plan.spread.items()}
        prefix, code = county.name, county.code
        self.organization(prefix + "矛盾纠纷多元化解中心", code, county, ONE_STOP)
        self.organization(county.court.removesuffix("人民法院") + "法院诉调对接工作室", code, county, STATIONED)
        for i in range(count["industry"]):
            subject, sector = INDUSTRIES[i % len(INDUSTRIES)]
            kind = K.PROFESSIONAL_COMMITTEE if i % 2 else K.INDUSTRY_COMMITTEE
            unit = Staffing(kind, (3, 4, 5, 6, 7, 8, 9), 3, (sector,))
            self.organization(f"{prefix}{subject}人民调解委员会", code, county, unit)
        for i in range(count["enterprise"]):
            kind, owner = (K.INSTITUTION_COMMITTEE, "事业单位") if i % 4 == 3 else (K.ENTERPRISE_COMMITTEE, "企业")
            unit = Staffing(kind, (3, 4, 5), 1, (S.LABOUR,))
            self.organization(f"{prefix}生成{owner}{i + 1:03d}人民调解委员会", code, county, unit)
        for _ in range(count["individual"]):
            founder = self.person(county, self.rng.choice((Gender.FEMALE, Gender.MALE)))
            self.organization(founder.props["name"] + "调解工作室", code, county, INDIVIDUAL, founder=founder)
        for i in range(count["lawyer"]):
            self.organization(f"{prefix}生成律师事务所{i + 1:02d}律师调解工作室", code, county, LAWYER)
        for i in range(count["partner"]):
            index = (self.county_index + i) % len(PARTNERS)
            subject, sectors = PARTNER_UNITS[index]
            unit = Staffing(K.COMMERCIAL_MEDIATION if "商事" in subject else K.INDUSTRY_MEDIATION, (2, 3, 4), 1, sectors)
            self.organization(prefix + subject, code, county, unit, partner=PARTNERS[index][0])

    def person(self, seat: Seat, gender: Gender) -> Person:
        """A valid identity number from the seat's serial: birth date and sequence never repeat within a seat."""
        serial, self.people = self.people, self.people + 1
        day = serial * 7919 % len(BIRTH_DATES)  # 7919 is prime to 16,425: a bijection within each block of days
        sequence = serial // len(BIRTH_DATES) * 2 + (gender is Gender.MALE)
        body = f"{seat.code}{BIRTH_TEXT[day]}{sequence:03d}"
        number = body + resident_id_check_character(body)
        digest = identity_hash(number, key=self.hash_key)
        given = self.rng.choice(MALE_GIVEN if gender is Gender.MALE else FEMALE_GIVEN)
        props = {
            "name": self.rng.choice(SURNAMES) + given, "gender": gender.value, "birthYear": BIRTH_DATES[day].year,
            "identityHash": digest, "identityMasked": number[:3] + "*" * 13 + number[-2:],
            "phone": f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}",
        }
        return Person(props, digest, serial)

    def organization(
        self, name: str, code: str, seat: Seat, unit: Staffing, *, partner: str | None = None,
        founder: Person | None = None,
    ) -> None:
        base, ordinal = name, 1
        while name in self.names:  # the id is place and name: keep names distinct within a county
            ordinal += 1
            name = f"{base}（{ordinal}）"
        self.names.add(name)
        self.units += 1
        org_id = stable_id("organization", code, name)
        chain = ancestry(code)
        filed = datetime.date(2024, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 600))
        category = {K.INDUSTRY_MEDIATION: "2", K.COMMERCIAL_MEDIATION: "1"}.get(unit.kind)
        self.roster.organizations.append({
            "id": org_id, "jurisdiction": code, "bureau": seat.bureau, "court": seat.court, "partner": partner,
            "props": {
                "name": name, "kind": unit.kind.value, "sectors": [s.value for s in unit.sectors],
                "creditCode": credit_code("5", category, seat.code, self.units) if category else None,
                "status": RecordStatus.FILED.value, "filedAt": filed,
                "filingNo": f"{seat.code}-{filed:%Y}-{self.units:06d}",
                "publicPhone": f"0{self.rng.randrange(300, 999)}-{self.rng.randrange(2000000, 8999999)}",
                "address": name, "chargesFee": unit.kind in (K.COMMERCIAL_MEDIATION, K.LAWYER_STUDIO),
                "sourceAgency": seat.bureau, "sourceRecordId": f"gen:{org_id[:8]}",
                **organization_keys(name=name, id=org_id, ancestry=chain),
            },
        })
        for rank in range(self.rng.choice(unit.sizes)):
            role = (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR)[rank] if rank < 2 else MembershipRole.MEMBER
            gender = Gender.FEMALE if rank == 1 else self.rng.choice((Gender.FEMALE, Gender.MALE))
            person = founder if founder is not None and rank == 0 else self.person(seat, gender)
            employment = Employment.FULL_TIME if rank < unit.full_time else Employment.PART_TIME
            self.mediator(person, seat, employment, unit.sectors, org_id, role, chain)

    def mediator(
        self, person: Person, seat: Seat, employment: Employment, sectors: tuple[S, ...], org_id: str,
        role: MembershipRole, chain: dict[str, str],
    ) -> None:
        mediator_id = stable_id("mediator", person.identity_hash)
        languages = ["zh"]
        if seat.province in LANGUAGES and self.rng.random() < 0.3:
            languages.append(LANGUAGES[seat.province])
        if S.INTERNATIONAL_COMMERCIAL in sectors:
            languages.append("en")
        self.roster.mediators.append({"id": mediator_id, "props": person.props | {
            "employment": employment.value, "background": self.rng.choice(BACKGROUNDS),
            "education": self.rng.choice(EDUCATION), "specialties": [s.value for s in sectors], "languages": languages,
            "status": RecordStatus.FILED.value, "sourceAgency": seat.bureau, "sourceRecordId": f"gen:{mediator_id[:8]}",
            "nameKey": name_key(person.props["name"], mediator_id),
        }})
        term = {"since": TERM_START, "until": TERM_END}
        self.roster.memberships.append({"mediator": mediator_id, "organization": org_id, "role": role.value, **term})
        keys = listing_keys(mediator_name=person.props["name"], mediator_id=mediator_id, ancestry=chain)
        self.roster.listings.append({"mediator": mediator_id, "organization": org_id, **term, **keys})
        self.trained.setdefault(seat, []).append(mediator_id)
        if self.rng.random() < 0.6:
            grade = {
                "scheme": "PEOPLES_MEDIATOR_GRADE", "level": self.rng.choice("1234"),
                "number": f"TJ-{seat.code}-{person.serial:06d}", "verified": self.rng.random() < 0.8,
                "issuer": PROVINCES[seat.province][0] + "人民调解员协会",
                "issuedAt": datetime.date(2023, 6, 30), "expiresAt": datetime.date(2027, 6, 29),
            }
            credential = stable_id("credential", mediator_id, "grade")
            self.roster.credentials.append({"id": credential, "mediator": mediator_id, "props": grade})

    def add_trainings(self) -> None:
        """The demo's three courses per bureau, each attended by a share of the mediators the bureau covers."""
        for seat, mediators in self.trained.items():
            rng = random.Random(f"generator/training/{seat.code}")
            for title, form, hours, held_on, part in COURSES:
                self.roster.trainings.append({
                    "id": stable_id("training", seat.code, title, held_on.isoformat()),
                    "attendees": sorted(m for m in mediators if rng.random() < part),
                    "props": {
                        "title": title, "form": form, "hours": hours, "organizer": seat.bureau, "heldOn": held_on,
                    },
                })
        self.trained = {}


def build(plan: Plan, hash_key: bytes) -> Iterator[Roster]:
    """Rosters of about CHUNK organizations each, whole counties at a time, parents before children."""
    builder = Builder(plan, hash_key)
    builder.national()
    seen: set[str] = set()
    for province, city, county in divisions(plan):
        if province.code not in seen:
            seen.add(province.code)
            builder.place(province, "PROVINCE", "HIGH", None)
        if city.code not in seen:
            seen.add(city.code)
            builder.place(city, "CITY", "INTERMEDIATE", province)
        builder.county(city, county)
        if len(builder.roster.organizations) >= CHUNK:
            yield builder.take()
    if builder.roster.organizations:
        yield builder.take()


def attendance_batches(trainings: list[Row]) -> Iterator[list[Row]]:
    """Training rows cut so that no statement carries more than ATTENDANCE_BATCH attendees; the MERGE converges."""
    batch: list[Row] = []
    for row in trainings:
        for start in range(0, max(len(row["attendees"]), 1), ATTENDANCE_BATCH):
            part = row["attendees"][start : start + ATTENDANCE_BATCH]
            if batch and sum(len(r["attendees"]) for r in batch) + len(part) > ATTENDANCE_BATCH:
                yield batch
                batch = []
            batch.append(row | {"attendees": part})
    if batch:
        yield batch


async def generate(
    graph: Graph, *, scale: float, hash_key: bytes, progress: bool = False, address: Address | None = None,
    workers: int = WORKERS,
) -> dict[str, int]:
    """Generate and load a roster at `scale` of national size; returns the rows loaded by kind.

    Given the graph's `address` and a graph with no roster yet, `workers` processes generate and write it with
    CREATE statements (seed/national.py); otherwise every row is an idempotent MERGE, one chunk at a time."""
    from seed.national import load_national  # it imports this module

    plan = Plan.at(scale)
    counts: Counter[str] = Counter()
    elapsed = timed()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task("organizations", total=plan.organizations())

        def advance(name: str, rows: int) -> None:
            counts[name] += rows
            bar.update(task, completed=counts["organizations"], description=f"{counts['mediators']:,} mediators")

        if address is not None and await holds_no_roster(graph):
            await load_national(graph, address, plan=plan, hash_key=hash_key, workers=workers, progress=advance)
        else:
            await load_merged(graph, plan, hash_key, advance)
    if progress:
        seconds, rows = elapsed(), counts.total()
        console = Console()
        console.print(", ".join(f"{count:,} {name}" for name, count in counts.items()))
        console.print(f"{rows:,} rows in {seconds:,.1f} s: {rows / seconds:,.0f} rows/s, "
                      f"{counts['mediators'] / seconds:,.0f} mediators/s")
    return dict(counts)


async def load_merged(graph: Graph, plan: Plan, hash_key: bytes, advance: Callable[[str, int], None]) -> None:
    """The MERGE path: chunk by chunk, each written in dependency order."""
    for roster in build(plan, hash_key):
        trainings, roster.trainings = roster.trainings, []
        await load_roster(graph, roster, progress=advance)
        for batch in attendance_batches(trainings):
            await merge_trainings(graph, rows=batch)
            advance("attendances", sum(len(row["attendees"]) for row in batch))
        advance("trainings", len(trainings))
