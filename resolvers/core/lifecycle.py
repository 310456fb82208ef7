"""The lifecycle of a roster record (organization or mediator): which step may follow which status."""

from __future__ import annotations

from enum import StrEnum

from graph.core.vocabulary import RecordStatus
from resolvers.core.outcomes import Problem, ProblemCode


class Transition(StrEnum):
    FILE = "FILE"
    SUSPEND = "SUSPEND"
    DEREGISTER = "DEREGISTER"
    REINSTATE = "REINSTATE"


PAST: dict[Transition, str] = {
    Transition.FILE: "filed",
    Transition.SUSPEND: "suspended",
    Transition.DEREGISTER: "deregistered",
    Transition.REINSTATE: "reinstated",
}
"""How a refusal names each step."""

TRANSITIONS: dict[Transition, tuple[frozenset[RecordStatus], RecordStatus]] = {
    Transition.FILE: (frozenset({RecordStatus.PENDING}), RecordStatus.FILED),
    Transition.SUSPEND: (frozenset({RecordStatus.FILED}), RecordStatus.SUSPENDED),
    Transition.DEREGISTER: (frozenset({RecordStatus.FILED, RecordStatus.SUSPENDED}), RecordStatus.DEREGISTERED),
    Transition.REINSTATE: (frozenset({RecordStatus.SUSPENDED, RecordStatus.DEREGISTERED}), RecordStatus.FILED),
}
"""The lifecycle: PENDING -> FILED -> SUSPENDED -> (REINSTATED to) FILED; DEREGISTERED from FILED or SUSPENDED."""


def next_status(transition: Transition, current: RecordStatus) -> RecordStatus:
    sources, target = TRANSITIONS[transition]
    if current not in sources:
        raise Problem(
            ProblemCode.ILLEGAL_TRANSITION,
            "status",
            f"A record that is {current.value} cannot be {PAST[transition]}"
            f" (allowed from {', '.join(sorted(s.value for s in sources))}).",
        )
    return target
