"""The test tree's own rules: a test module is imported only by pytest, never by another module.

Fixtures shared by several modules live in a conftest.py (tests/conftest.py for every domain, a domain's own for
one domain); plain helpers (constants, queries, factories) in modules not named test_* (tests/helpers/). A test
module importing another would run the other's module-level code under a second name and share its fixtures by
accident (a module-scoped fixture imported elsewhere is a second, separate fixture)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def imported_test_modules(path: Path) -> list[str]:
    return sorted({name for name in imported_modules(path) if name.rsplit(".", 1)[-1].startswith("test_")})


def test_no_module_of_the_tests_imports_a_test_module() -> None:
    modules = sorted(TESTS.rglob("*.py"))
    assert any(path.name.startswith("test_") for path in modules)
    wrong = {
        str(path.relative_to(TESTS.parent)): names for path in modules if (names := imported_test_modules(path))
    }
    assert wrong == {}, "move what these import into a conftest.py or tests/helpers/"


def test_the_check_sees_an_import_of_a_test_module(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text("import tests.test_a\nfrom tests.test_b import C\nfrom tests.helpers import test_c\n")
    assert imported_test_modules(module) == ["tests.helpers.test_c", "tests.test_a", "tests.test_b"]


ROOT = TESTS.parent
DOMAINS = {path.name for layer in ("graph", "resolvers", "schema") for path in (ROOT / layer).iterdir() if path.is_dir()}
TOP_LEVEL = {"auth", "seed", "web"}
"""Packages of their own at the top, tested in folders of the same names."""
AT_THE_TOP = {"test_scale.py"}
""".ci/run runs it by path."""


def test_test_modules_sit_in_the_folders_of_the_code_s_domains() -> None:
    misplaced = sorted(
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("test_*.py")
        if path.relative_to(TESTS).parts[0] not in DOMAINS | TOP_LEVEL and path.name not in AT_THE_TOP
    )
    assert "roster" in DOMAINS and "core" in DOMAINS
    assert misplaced == [], "put each under the tests/ folder of its domain (CONTRIBUTING.md, 'Where a test goes')"


def test_test_module_names_are_unique() -> None:
    """The folders have no __init__.py, so pytest imports each test module by its file name alone."""
    names = [path.name for path in TESTS.rglob("test_*.py")]
    assert sorted({name for name in names if names.count(name) > 1}) == []
