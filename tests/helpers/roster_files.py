"""Bulk roster files: building CSV rows (skeleton, committee, identity), a roster file, importing one as an agency."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from auth.upload import cli_importer
from graph.core import clock
from graph.core.driver import Graph
from resolvers.core.identifiers import resident_id_check_character
from resolvers.roster.file import RosterFormat, write_rows
from resolvers.roster.importer import ImportReport, import_roster_file
from seed.demo import demo_roster
from seed.roster import Roster, load_roster, stable_id
from tests.conftest import HASH_KEY

WUHOU, YUCHENG = "成都市武侯区司法局", "雅安市雨城区司法局"


WUHOU_BUREAU = stable_id("agency", WUHOU)


YULIN, JINLI = "510107005001", "510107001006"  # two residents' committees' communities in Wuhou


TODAY = clock.today()


SINCE, UNTIL = datetime.date(TODAY.year, 1, 1), datetime.date(TODAY.year + 2, 12, 31)  # a 3-year term


def identity(serial: int, *, female: bool = False) -> str:
    body = f"510107198001{serial % 28 + 1:02d}{2 * (serial // 28) + (0 if female else 1):03d}"
    return body + resident_id_check_character(body)


def committee(
    key: str, *, members: int = 3, first: int = 1, jurisdiction: str = YULIN, **extra: Any
) -> list[dict[str, Any]]:
    """A residents' committee with a full-time chair, a woman, and `members` members serving SINCE..UNTIL."""
    rows: list[dict[str, Any]] = [
        {"record": "organization", "organization_key": key, "name": f"{key}社区人民调解委员会",
         "kind": "RESIDENTS_COMMITTEE", "jurisdiction": jurisdiction, "sectors": ["FAMILY", "NEIGHBOURHOOD"], **extra}
    ]
    for seat in range(members):
        number = identity(first + seat, female=seat == 1)
        rows.append({"record": "mediator", "identity_number": number, "name": f"调解员{first + seat}",
                     "employment": "FULL_TIME" if seat == 0 else "PART_TIME", "languages": ["zh"]})
        rows.append({"record": "membership", "organization_key": key, "identity_number": number,
                     "role": "CHAIR" if seat == 0 else "MEMBER", "since": SINCE, "until": UNTIL})
    return rows


def roster_file(folder: Path, rows: list[dict[str, Any]], suffix: str = ".csv", name: str = "roster") -> Path:
    path = folder / f"{name}{suffix}"
    with path.open("w", encoding="utf-8", newline="") as out:
        write_rows(rows, out, RosterFormat.for_path(path))
    return path


async def skeleton(graph: Graph) -> None:
    """The demo's divisions and agencies, and no roster."""
    demo = demo_roster(HASH_KEY)
    await load_roster(graph, Roster(jurisdictions=demo.jurisdictions, agencies=demo.agencies))


async def import_as(graph: Graph, path: Path, agency: str | None = WUHOU_BUREAU, **options: Any) -> ImportReport:
    importer = await cli_importer(graph, agency_id=agency)
    return await import_roster_file(graph, path, hash_key=HASH_KEY, importer=importer, **options)


def csv_text(rows: list[dict[str, Any]], tmp_path: Path) -> bytes:
    return roster_file(tmp_path, rows).read_bytes()

