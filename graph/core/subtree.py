"""A division's subtree as a key prefix: the separator of the directory keys and the fragment that tests them.

Every Organization carries, for its division and each of that division's ancestors, `in<Level>` = `code SEP
name SEP id` (graph/directory/keys.py builds them, graph/directory/listing.py keeps them in step with every
change). So "organization `o` lies in the subtree of division `d`" is "one of `o`'s keys starts with `d SEP`":
a read of five properties instead of a walk up `PART_OF*0..`, and a range of one index when it anchors a read.
"""

from __future__ import annotations

from typing import LiteralString

SEP = "\u0001"
"""Joins the parts of a key; below every character of a name, so a key sorts as its parts do, and a prefix
`code SEP` selects exactly one division."""
END = "\u0002"
"""Just above SEP: `prefix + SEP <= key < prefix + END` is every key that starts with the prefix."""
TOP = "\uffff"
"""Above every key that starts with a name (U+FFFF is no character): the upper bound of a national range."""

KEYS: tuple[LiteralString, ...] = ("inProvince", "inCity", "inCounty", "inTownship", "inVillage")
"""The subtree key properties, from the top level down."""


def subtree_range(code: str) -> tuple[str, str]:
    """The bounds of every key of the division `code` (at its level's property)."""
    return code + SEP, code + END


def subtree_prefix(code: str) -> str:
    """What every key of an organization in the subtree of division `code` starts with."""
    return code + SEP


def in_subtree(var: LiteralString, prefix: LiteralString) -> LiteralString:
    """Whether organization `var` lies in the subtree whose `subtree_prefix` is the parameter `prefix`; false
    (never null) for an organization without keys."""
    keys = ", ".join(var + "." + prop for prop in KEYS)
    return "any(k IN [" + keys + "] WHERE k IS NOT NULL AND k STARTS WITH " + prefix + ")"
