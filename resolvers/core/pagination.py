"""Opaque keyset cursors and the page-size limit."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from graph.core.page import Direction, Order, Page, PageRequest, R, SortValue
from graph.core.records import Filter
from resolvers.core.errors import InputError
from resolvers.core.outcomes import input_path

__all__ = ["R"]  # the record type a Listing pages over, for the schema's connections

DEFAULT_PAGE = 20
MAX_PAGE = 100


def encode_cursor(order: Order, key: SortValue, id: str) -> str:
    raw = json.dumps([order.value, key, id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: Order) -> tuple[SortValue, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, value, id = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as error:
        raise InputError("The cursor is not one this API issued.", field="after") from error
    expected = int if order is Order.UPDATED_AT else str
    if kind != order.value or type(value) is not expected or not isinstance(id, str):
        raise InputError("The cursor belongs to another ordering; start again without `after`.", field="after")
    return value, id


def page_request(
    *, first: int | None, after: str | None, order: Order = Order.NAME, direction: Direction = Direction.ASC
) -> PageRequest:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise InputError(f"`first` must be between 0 and {MAX_PAGE}.", field="first")
    if after is None:
        return PageRequest(first=size, order=order, direction=direction)
    key, id = decode_cursor(after, order)
    return PageRequest(first=size, order=order, direction=direction, after_key=key, after_id=id)




@dataclass(frozen=True, slots=True)
class Listing(Generic[R]):
    """One page of a list query; `count` runs the matching count() only when someone asks for it."""

    page: Page[R]
    order: Order
    count: Callable[[], Awaitable[int]]


F = TypeVar("F", bound=Filter)


def build_filter(model: type[F], **values: Any) -> F:
    """Validate filter arguments with the filter's pydantic model; report the first argument at fault."""
    try:
        return model(**values)
    except ValidationError as error:
        problem = error.errors()[0]
        field = input_path(tuple(part for part in problem["loc"] if isinstance(part, str))).replace("input", "filter", 1)
        raise InputError(f"`{field}`: {problem['msg']}.", field=field) from error
