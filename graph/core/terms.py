"""The one meaning of a term in Cypher: memberships, invitations and affiliations that run from `since` to `until`.

A term is current on a day when it has begun by then and has not ended before it: `since <= day` and `until`
unset or on or after the day (the last day of a term is inside it). Every statement that asks "is this
membership current", "was it held during that year" or "is this invitation in force" writes it through
these functions, with the day as a parameter from the registry's clock (graph/core/clock.py), never the
graph server's `date()`. The arguments are Cypher text of the project (a variable and a `$parameter`),
never values: the result is a `LiteralString`.
"""

from __future__ import annotations

from typing import LiteralString


def current(term: LiteralString, day: LiteralString = "$on") -> LiteralString:
    """Whether relationship or node `term` is current on `day`."""
    return term + ".since <= " + day + " AND (" + term + ".until IS NULL OR " + term + ".until >= " + day + ")"


def not_ended(term: LiteralString, day: LiteralString = "$on") -> LiteralString:
    """Whether `term` has not ended before `day`: current, or still to begin."""
    return "(" + term + ".until IS NULL OR " + term + ".until >= " + day + ")"


def overlapping(term: LiteralString, start: LiteralString, end: LiteralString) -> LiteralString:
    """Whether `term` was current on some day from `start` to `end` (both inside)."""
    return term + ".since <= " + end + " AND (" + term + ".until IS NULL OR " + term + ".until >= " + start + ")"


def in_force(invitation: LiteralString, day: LiteralString = "$on") -> LiteralString:
    """Whether `INVITES` relationship `invitation` is active and current on `day`."""
    return invitation + ".status = 'ACTIVE' AND " + current(invitation, day)
