"""Plausible people for demo and generated rosters: names, identity numbers, phones."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from graph.core.vocabulary import Gender
from resolvers.core.identifiers import identity_hash, parse_resident_id, resident_id_check_character

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE_GIVEN = [
    "建国", "志强", "国华", "明", "伟", "磊", "军", "勇", "杰", "涛",
    "斌", "超", "华", "强", "平", "刚", "文", "德明", "永红", "海",
]
FEMALE_GIVEN = [
    "秀英", "桂英", "丽", "敏", "静", "艳", "娟", "霞", "芳", "燕",
    "玲", "婷", "红梅", "淑华", "晓燕", "雪梅", "慧", "琳", "丹", "萍",
]


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    gender: Gender
    birth_date: datetime.date
    identity_hash: str
    identity_masked: str
    phone: str


def make_person(rng: random.Random, *, county: str, gender: Gender, serial: int, hash_key: bytes) -> Person:
    """A person with a valid GB 11643 number: born in `county`, gender in the sequence digit, unique by `serial`."""
    birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 45))
    sequence = (serial % 500) * 2 + (1 if gender is Gender.MALE else 0)
    body = f"{county}{birth:%Y%m%d}{sequence:03d}"
    number = body + resident_id_check_character(body)
    resident = parse_resident_id(number)
    given = rng.choice(MALE_GIVEN if gender is Gender.MALE else FEMALE_GIVEN)
    return Person(
        name=rng.choice(SURNAMES) + given,
        gender=resident.gender,
        birth_date=resident.birth_date,
        identity_hash=identity_hash(number, key=hash_key),
        identity_masked=resident.masked,
        phone="1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9)),
    )
