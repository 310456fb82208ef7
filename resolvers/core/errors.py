"""Errors the caller can act on; the schema turns them into GraphQL errors with a code."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: a clear message and the argument at fault."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
