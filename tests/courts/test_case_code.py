"""Court case numbers: the parts a registry keeps, and the forms it refuses (pure, no graph)."""

from __future__ import annotations

import pytest

from resolvers.courts.case_code import CaseCodeError, foreign_court, parse_case_code

PARSED = [
    ("(2024)浙02民诉前调595号", 2024, "浙02", "民诉前调", 595, None, False),
    ("(2021)川0104民诉前调801号", 2021, "川0104", "民诉前调", 801, None, False),
    ("（2024）川0107民初1234号", 2024, "川0107", "民初", 1234, None, False),
    ("(2023)最高法民终123号", 2023, "最高法", "民终", 123, None, False),
    ("(2023)京民终45号", 2023, "京", "民终", 45, None, False),
    ("(2022)京0105民初12345号", 2022, "京0105", "民初", 12345, None, False),
    ("(2019)粤0304民初12345号之一", 2019, "粤0304", "民初", 12345, "之一", False),
    ("(2024)沪74民初1234号", 2024, "沪74", "民初", 1234, None, False),
    ("(2020)兵0101民初7号", 2020, "兵0101", "民初", 7, None, False),
    ("(2024)川0107民特88号", 2024, "川0107", "民特", 88, None, False),
    ("(2024)浙0102执456号", 2024, "浙0102", "执", 456, None, False),
    ("(2023)川01刑终9号", 2023, "川01", "刑终", 9, None, False),
    ("〔2024〕川0107民诉前调3号", 2024, "川0107", "民诉前调", 3, None, False),
    ("（２０２４）川０１０７民诉前调１２号", 2024, "川0107", "民诉前调", 12, None, False),
    (" (2024) 川0107 民初 3 号 ", 2024, "川0107", "民初", 3, None, False),
    ("(2011)武民初字第00123号", 2011, "武", "民初", 123, None, True),
    ("(2010)二中民终字第123号", 2010, "二中", "民终", 123, None, True),
    ("(2013)浙杭商终字第12号", 2013, "浙杭", "商终", 12, None, True),
    ("(2011)朝调确字第5号", 2011, "朝", "调确", 5, None, True),
]


@pytest.mark.parametrize(("text", "year", "court", "kind", "serial", "suffix", "legacy"), PARSED)
def test_real_looking_numbers_parse_into_their_parts(
    text: str, year: int, court: str, kind: str, serial: int, suffix: str | None, legacy: bool
) -> None:
    code = parse_case_code(text)

    assert (code.year, code.court_code, code.type_code, code.serial, code.suffix, code.legacy) == (
        year, court, kind, serial, suffix, legacy,
    )
    assert code.text == text.strip()


def test_brackets_widths_spaces_and_leading_zeros_do_not_make_another_case() -> None:
    forms = ["(2024)浙02民诉前调595号", "（2024）浙02民诉前调595号", "(２０２４)浙02民诉前调0595号", "(2024) 浙02 民诉前调 595号"]

    keys = {parse_case_code(text).key for text in forms}

    assert keys == {"2024|浙02|民诉前调|595|"}
    assert parse_case_code("(2019)粤0304民初12345号之一").key != parse_case_code("(2019)粤0304民初12345号").key


def test_pre_filing_numbers_are_recognised() -> None:
    assert parse_case_code("(2024)浙02民诉前调595号").pre_filing is True
    assert parse_case_code("(2024)川0107民初1号").pre_filing is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "1 to 60"),
        ("2024浙02民诉前调595号", "starts with the year"),
        ("(2024)浙02民诉前调595", "ends with 号"),
        ("(2024)浙民初号", "Expected \\(year\\)"),
        ("(2024)AB01民初1号", "Expected \\(year\\)"),
        ("(24)浙02民初1号", "Expected \\(year\\)"),
        ("(1900)浙民初1号", "between 1949 and 2100"),
        ("(2024)杭民初1号", "province abbreviation"),
        ("(2024)浙02民初0号", "starts at 1"),
        ("(2024)浙02民初1号" + "之一" * 30, "1 to 60"),
    ],
)
def test_what_is_not_a_case_number_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(CaseCodeError, match=message):
        parse_case_code(text)


@pytest.mark.parametrize(
    ("text", "own", "foreign"),
    [
        ("(2026)川0107民初8888号", "川0107", None),
        ("(2026)川0107民初8888号", "川01", "川0107"),
        ("(2026)川0107民初8888号", None, "川0107"),  # a partner, or a court without a code
        ("(2026)川0107民初字第8888号", None, "川0107"),  # the old way of writing it names the court all the same
        ("(2026)总工调字第12号", None, None),  # a partner's own number names no court
        ("(2011)武民初字第123号", "川0107", None),
    ],
)
def test_a_number_that_names_a_court_is_recorded_only_by_that_court(text: str, own: str | None, foreign: str | None) -> None:
    assert foreign_court(parse_case_code(text), own) == foreign
