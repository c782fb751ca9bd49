"""scheduling's unit of work with the templates repository as well (R-SCHED-5)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload, new_envelope
from petcare_kit import outbox
from petcare_kit.context import current_correlation_id
from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from scheduling.adapters.templates import SqlTemplates
from scheduling.adapters.unit_of_work import SqlUnitOfWork


class SqlTemplatesUnitOfWork(SqlUnitOfWork):
    """`SqlUnitOfWork` plus `templates`, on the same transaction."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        super().__init__(uow)
        self._templates = SqlTemplates(uow.session)

    @property
    def templates(self) -> SqlTemplates:
        return self._templates

    async def publish_many(self, payloads: Sequence[EventPayload], *, company_id: UUID | None,
                           actor: Actor = SYSTEM) -> list[Envelope]:
        """Queue events in this transaction as `publish` does one by one (same envelopes, topics and
        keys), in one outbox insert: an approved period's visits are many events."""
        correlation_id = current_correlation_id()
        envelopes = [new_envelope(payload, company_id=company_id, actor=actor, causation_id=None,
                                  correlation_id=correlation_id) for payload in payloads]
        await outbox.add_rows(self.kit.session, [
            outbox.envelope_row(envelope, topic=payload.topic, key=payload.partition_key())
            for envelope, payload in zip(envelopes, payloads, strict=True)])
        return envelopes
