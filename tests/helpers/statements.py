"""The Cypher written in graph/, read from the source: every string literal that is not a docstring (whole
statements and the fragments they are built from), for tests that check what statements may say."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def statement_texts() -> list[tuple[str, int, str]]:
    """(module path, line, text) of each string literal in graph/ that is not a docstring."""
    texts = []
    for path in sorted((ROOT / "graph").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        texts += [
            (path.relative_to(ROOT).as_posix(), node.lineno, node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        ]
    return texts
