"""What a use case works with: the unit of work (repositories, events, one commit) and the caller.
Built by the entrypoints (a route, a consumer handler, a background job), or with fakes by unit tests.
Everything generic (company_id, person_id_or_none, now, publish, commit) comes from kit's
`UseCaseContext`; add here only what this service's use cases need."""

from __future__ import annotations

from dataclasses import dataclass, field

from petcare_kit.identity import Identity
from petcare_kit.use_case import SYSTEM as SYSTEM
from petcare_kit.use_case import UseCaseContext

from facility.service_layer.ports import UnitOfWork


@dataclass
class Context(UseCaseContext[UnitOfWork]):
    """`UseCaseContext` on this service's unit-of-work port, acting as the service itself
    (`SYSTEM`) unless given a caller."""

    identity: Identity = field(default=SYSTEM)
