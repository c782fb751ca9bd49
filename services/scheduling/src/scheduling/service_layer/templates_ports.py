"""What the template use cases need beyond the catalogue and visits (ports.py): the templates
repository, on a unit of work that has those of ports.py too (R-SCHED-5). Never commits; every read
is scoped to one company."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal, Protocol, cast
from uuid import UUID

from petcare_contracts import Actor, Envelope, EventPayload

from scheduling.domain.templates import Template
from scheduling.service_layer.context import Context
from scheduling.service_layer.ports import UnitOfWork

ApprovedBy = Literal["hand", "auto"]


class Templates(Protocol):
    async def add(self, template: Template, *, next_auto_at: datetime | None) -> None:
        """`next_auto_at`: when the periodic job should look at it next (None: never)."""

    async def save(self, template: Template, *, next_auto_at: datetime | None) -> None:
        """Its end date and when the job looks next."""

    async def get(self, company_id: UUID, template_id: UUID, *, for_update: bool = False) -> Template:
        """Raises TemplateNotFound (404, also another company's). `for_update`: locked until commit."""

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   running_only: bool = False) -> list[Template]:
        """By first date, then id. `running_only`: those not ended."""

    async def running_of_client(self, company_id: UUID, client_id: UUID) -> list[Template]:
        """The client's templates not ended yet."""

    async def approved_starts(self, company_id: UUID, template_id: UUID) -> set[date]:
        """The start dates of the template's approved periods."""

    async def record_approval(self, company_id: UUID, template_id: UUID, start: date, end: date, *,
                              by: ApprovedBy, visit_count: int) -> bool:
        """R-SCHED-5 "each period approved once": True when this call recorded the period's
        approval; False when it was recorded already (by a person, another replica or before a
        restart): then the caller creates nothing. Concurrent callers wait for each other."""


class TemplatesUnitOfWork(UnitOfWork, Protocol):
    @property
    def templates(self) -> Templates: ...

    async def publish_many(self, payloads: Sequence[EventPayload], *, company_id: UUID | None,
                           actor: Actor = ...) -> list[Envelope]:
        """`publish` for each payload, in order, as one outbox write."""


def repos(ctx: Context) -> TemplatesUnitOfWork:
    """`ctx.uow` with the templates repository: the entrypoints of templates build their contexts
    on `adapters.templates_unit_of_work.SqlTemplatesUnitOfWork`."""
    return cast(TemplatesUnitOfWork, ctx.uow)
