from __future__ import annotations

import datetime

import pytest

from graph.core.vocabulary import Gender
from graph.core.vocabulary import JurisdictionLevel as DivisionLevel
from resolvers.core.identifiers import (
    CreditCode,
    IdentifierError,
    age_on,
    division_level,
    identity_hash,
    normalize_division_code,
    parse_credit_code,
    parse_resident_id,
)


@pytest.mark.parametrize(
    "value",
    ["91110000600037341L", "91350100M000100Y43", "91440300093677087R", "91110000710926094P"],
)
def test_valid_credit_codes_parse_without_warnings(value: str) -> None:
    result = parse_credit_code(value)

    assert result == CreditCode(code=value, checksum_ok=True, warnings=())


def test_credit_code_is_stripped_and_upper_cased() -> None:
    result = parse_credit_code("  91110000600037341l ")

    assert result.code == "91110000600037341L"
    assert result.checksum_ok is True


def test_pilot_era_credit_code_is_accepted_with_warning() -> None:
    result = parse_credit_code("91350100M0001TGQXM")

    assert result.code == "91350100M0001TGQXM"
    assert result.checksum_ok is False
    assert result.warnings == (
        "check character M does not match (expected 1); accepted as a pilot-era code",
    )


def test_failing_embedded_organization_code_only_warns() -> None:
    result = parse_credit_code("91110000600037342P")

    assert result.checksum_ok is True
    assert result.warnings == (
        "organization code check character 2 does not match (expected 1)",
    )


@pytest.mark.parametrize("value", ["", "91110000600037341", "91110000600037341LL"])
def test_credit_code_of_wrong_length_is_rejected(value: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_credit_code(value)

    assert str(caught.value) == "A unified social credit code must have 18 characters."
    assert caught.value.field_hint == str(caught.value)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V", "-"])
def test_credit_code_with_forbidden_character_is_rejected(letter: str) -> None:
    value = "91110000600037341" + letter

    with pytest.raises(IdentifierError, match="may only use digits and letters"):
        parse_credit_code(value)


@pytest.mark.parametrize(
    ("value", "birth_date", "gender", "masked"),
    [
        ("360426199101010071", datetime.date(1991, 1, 1), Gender.MALE, "360*************71"),
        ("11010519491231002X", datetime.date(1949, 12, 31), Gender.FEMALE, "110*************2X"),
        ("11010519491231002x", datetime.date(1949, 12, 31), Gender.FEMALE, "110*************2X"),
    ],
)
def test_valid_resident_ids_parse(
    value: str, birth_date: datetime.date, gender: Gender, masked: str
) -> None:
    result = parse_resident_id(value)

    assert result.division_code == value[:6]
    assert result.birth_date == birth_date
    assert result.gender is gender
    assert result.masked == masked


@pytest.mark.parametrize("value", ["36042619910101007", "3604261991010100711", ""])
def test_resident_id_of_wrong_length_is_rejected(value: str) -> None:
    with pytest.raises(IdentifierError, match="must have 18 characters"):
        parse_resident_id(value)


@pytest.mark.parametrize("value", ["36042619910101007A", "3604261991010100X1", "36042619910101007１"])
def test_resident_id_with_bad_characters_is_rejected(value: str) -> None:
    with pytest.raises(IdentifierError, match="17 digits followed by a digit or X"):
        parse_resident_id(value)


@pytest.mark.parametrize("value", ["360426199101010072", "360426199101010081", "110105194912310021"])
def test_resident_id_with_one_changed_character_fails_check(value: str) -> None:
    with pytest.raises(IdentifierError, match="check character"):
        parse_resident_id(value)


def test_resident_id_with_impossible_date_is_rejected() -> None:
    with pytest.raises(IdentifierError, match="does not exist"):
        parse_resident_id("110105199102300017")


def test_resident_id_with_future_birth_date_is_rejected() -> None:
    with pytest.raises(IdentifierError, match="lies in the future"):
        parse_resident_id("110105209901010012")


def test_identity_hash_is_stable_and_normalized() -> None:
    first = identity_hash("11010519491231002X", key=b"key-one")
    second = identity_hash(" 11010519491231002x ", key=b"key-one")

    assert first == second
    assert len(first) == 64
    assert "11010519491231002X" not in first


def test_identity_hash_depends_on_key_and_value() -> None:
    base = identity_hash("11010519491231002X", key=b"key-one")

    assert identity_hash("11010519491231002X", key=b"key-two") != base
    assert identity_hash("360426199101010071", key=b"key-one") != base


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2021, 12, 30), 71),
        (datetime.date(2021, 12, 31), 72),
        (datetime.date(2022, 1, 1), 72),
    ],
)
def test_age_on_counts_full_years_around_birthday(day: datetime.date, expected: int) -> None:
    assert age_on(datetime.date(1949, 12, 31), day) == expected


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("510000", DivisionLevel.PROVINCE),
        ("510100", DivisionLevel.CITY),
        ("510107", DivisionLevel.COUNTY),
        ("510107001000", DivisionLevel.TOWNSHIP),
        ("510107001001", DivisionLevel.VILLAGE),
        ("510100000000", DivisionLevel.CITY),
        ("510000000000", DivisionLevel.PROVINCE),
    ],
)
def test_division_level(code: str, level: DivisionLevel) -> None:
    assert division_level(code) is level


@pytest.mark.parametrize("code", ["abc", "5101", "0001xx", "000100", "990000", "5101070010", "51010700100a"])
def test_division_level_rejects_malformed_codes(code: str) -> None:
    with pytest.raises(IdentifierError):
        division_level(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("510100000000", "510100"),
        (" 510107 ", "510107"),
        ("510107001000", "510107001000"),
    ],
)
def test_normalize_division_code(code: str, expected: str) -> None:
    assert normalize_division_code(code) == expected


def test_normalize_division_code_rejects_malformed_code() -> None:
    with pytest.raises(IdentifierError):
        normalize_division_code("abc")


def test_enum_values_equal_names() -> None:
    assert [m.value for m in DivisionLevel] == ["PROVINCE", "CITY", "COUNTY", "TOWNSHIP", "VILLAGE"]
    assert [m.value for m in Gender] == ["MALE", "FEMALE"]
