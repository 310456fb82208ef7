"""Errors as clients see them: a code in `extensions`, never a stack trace."""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from resolvers import RETRY_AFTER_SECONDS, GraphTimeout, GraphUnavailable
from resolvers.core.errors import InputError

log = logging.getLogger("registry.graphql")


class ClientErrors(MaskErrors):
    """Known errors get a code (and the field at fault); anything unexpected is masked and logged in full."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._unexpected, error_message="Unexpected error.")

    @staticmethod
    def _unexpected(error: GraphQLError) -> bool:
        original = error.original_error
        return original is not None and not isinstance(original, InputError | GraphQLError | GraphUnavailable | GraphTimeout)

    def _request_id(self) -> str:
        return str(getattr(self.execution_context.context, "request_id", ""))

    def _unavailable(self) -> None:
        """The whole answer is 503 with `Retry-After`: the request can be sent again as it is."""
        response = getattr(self.execution_context.context, "response", None)
        if response is not None:
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        log.error("unexpected error [request %s] at %s", self._request_id(), error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": self._request_id()}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            original = error.original_error
            if isinstance(original, GraphUnavailable):
                error.message = "The graph is unavailable; retry later."
                error.extensions = {"code": "GRAPH_UNAVAILABLE", "retryAfter": RETRY_AFTER_SECONDS}
                self._unavailable()
            elif isinstance(original, GraphTimeout):
                error.message = "The request ran past its time budget and was cancelled; narrow it or retry later."
                error.extensions = {"code": "TIMEOUT", "requestId": self._request_id()}
            elif isinstance(original, InputError):
                error.extensions = {**(error.extensions or {}), "code": original.code, "field": original.field}
            elif original is None and not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
        return super()._process_errors(errors)
