"""The plan of a generated roster: how many divisions of each level a scale makes, and the provinces, cities and
counties with the court and the bureau that cover each (seed/generator.py fills them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from seed.places import SICHUAN

_PROVINCES = (
    "11 北京市 京|12 天津市 津|13 河北省 冀|14 山西省 晋|15 内蒙古自治区 蒙|21 辽宁省 辽|22 吉林省 吉|23 黑龙江省 黑|"
    "31 上海市 沪|32 江苏省 苏|33 浙江省 浙|34 安徽省 皖|35 福建省 闽|36 江西省 赣|37 山东省 鲁|41 河南省 豫|42 湖北省 鄂|"
    "43 湖南省 湘|44 广东省 粤|45 广西壮族自治区 桂|46 海南省 琼|50 重庆市 渝|51 四川省 川|52 贵州省 黔|53 云南省 云|"
    "54 西藏自治区 藏|61 陕西省 陕|62 甘肃省 甘|63 青海省 青|64 宁夏回族自治区 宁|65 新疆维吾尔自治区 新"
)
PROVINCES = {code: (name, abbr) for code, name, abbr in (entry.split() for entry in _PROVINCES.split("|"))}
DEMO_CODES = frozenset(place.code for place in SICHUAN)
# national counts at scale 1.0; the county-level units of SPREAD are shared out evenly over the counties
CITIES, COUNTIES, TOWNSHIPS, VILLAGES = 333, 2_850, 38_600, 512_000
SPREAD = {"industry": 48_000, "enterprise": 20_000, "individual": 17_000, "lawyer": 13_000, "partner": 38_000}


@dataclass(frozen=True, slots=True)
class Seat:
    """A division with the court and the judicial bureau that cover it; `province` is the 2-digit code."""

    code: str
    name: str
    court: str
    bureau: str
    province: str


@dataclass(frozen=True, slots=True)
class Plan:
    provinces: int
    cities: int
    counties: int
    townships: int
    villages: int
    spread: dict[str, int]

    @classmethod
    def at(cls, scale: float) -> Plan:
        if scale <= 0:
            raise ValueError("scale must be positive")
        cities = max(1, round(CITIES * scale))
        counties = max(cities, round(COUNTIES * scale))
        townships = max(counties, round(TOWNSHIPS * scale))
        villages = max(townships, round(VILLAGES * scale))
        if cities > 96 * len(PROVINCES):  # two city digits, less the demo's codes
            raise ValueError(f"scale {scale} needs more cities per province than division codes allow")
        spread = {name: round(total * scale) for name, total in SPREAD.items()}
        return cls(min(len(PROVINCES), cities), cities, counties, townships, villages, spread)

    def organizations(self) -> int:
        return self.villages + self.townships + 2 * self.counties + sum(self.spread.values())


def share(total: int, parts: int, index: int) -> int:
    """Part `index` of `total` split as evenly as possible into `parts`."""
    return total // parts + (1 if index < total % parts else 0)


def ancestry(code: str) -> dict[str, str]:
    """Level -> code of a generated division and its ancestors: 6-digit counties, 12-digit townships (ending in
    000) and villages; a province or city code (ending in 00) names itself and what is above it."""
    chain = {"PROVINCE": code[:2] + "0000"}
    if code[2:4] != "00":
        chain["CITY"] = code[:4] + "00"
    if len(code) == 6 and code[4:] != "00" or len(code) == 12:
        chain["COUNTY"] = code[:6]
    if len(code) == 12:
        chain["TOWNSHIP"] = code[:9] + "000"
        if not code.endswith("000"):
            chain["VILLAGE"] = code
    return chain


def divisions(plan: Plan) -> Iterator[tuple[Seat, Seat, Seat]]:
    """(province, city, county) for every county, parents first; city codes skip the demo's."""
    city_index = 0
    for province_index, (code, (name, _)) in enumerate(list(PROVINCES.items())[: plan.provinces]):
        bureau = name + ("司法局" if name.endswith("市") else "司法厅")
        province = Seat(code + "0000", name, name + "高级人民法院", bureau, code)
        numbers = (f"{code}{n:02d}" for n in range(1, 100) if f"{code}{n:02d}00" not in DEMO_CODES)
        for _ in range(share(plan.cities, plan.provinces, province_index)):
            prefix = next(numbers)
            city = Seat(prefix + "00", f"生成市{prefix}", f"生成市{prefix}中级人民法院", f"生成市{prefix}司法局", code)
            for number in range(1, share(plan.counties, plan.cities, city_index) + 1):
                name = f"生成县{prefix}{number:02d}"
                yield province, city, Seat(f"{prefix}{number:02d}", name, name + "人民法院", name + "司法局", code)
            city_index += 1
