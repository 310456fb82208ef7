"""Denormalized directory keys: the properties that let a directory read start from an index, in name order.

`nameKey` on Organization and Mediator is `name SEP id`. An organization also carries, for each level of its
division's ancestry (the division itself included), `in<Level>` = `ancestor code SEP name SEP id`, so that
"the organizations in county X by name" is a range of one index. A `Listing` node per membership carries
`in<Level>` = `ancestor code SEP mediator name SEP mediator id` for the organization's ancestry, so that "the
mediators in county X by name" is a range too. SEP sorts before every printable character, so a prefix
`code SEP` selects exactly one division and a name is never the prefix of a longer one in the order.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.core.subtree import SEP

LEVEL_PROPERTIES: dict[str, str] = {
    "PROVINCE": "inProvince",
    "CITY": "inCity",
    "COUNTY": "inCounty",
    "TOWNSHIP": "inTownship",
    "VILLAGE": "inVillage",
}
"""The property of each division level, in order from the top."""

Ancestry = Mapping[str, str]
"""Division level -> the code of the division at that level among a division and its ancestors."""


def name_key(name: str, id: str) -> str:
    return name + SEP + id


def organization_keys(*, name: str, id: str, ancestry: Ancestry) -> dict[str, str]:
    """`nameKey` and one `in<Level>` per level present in the ancestry of the organization's division."""
    keys = {"nameKey": name_key(name, id)}
    for level, prop in LEVEL_PROPERTIES.items():
        if (code := ancestry.get(level)) is not None:
            keys[prop] = code + SEP + name + SEP + id
    return keys


def listing_keys(*, mediator_name: str, mediator_id: str, ancestry: Ancestry) -> dict[str, str]:
    """The `in<Level>` properties of a membership's Listing, from the ancestry of the organization's division."""
    return {
        prop: code + SEP + mediator_name + SEP + mediator_id
        for level, prop in LEVEL_PROPERTIES.items()
        if (code := ancestry.get(level)) is not None
    }
