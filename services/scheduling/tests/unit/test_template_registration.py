"""R-SCHED-11: ending templates joins the handling of clients.client.deactivated without replacing
the handler registered before it (one handler per type in a router)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from petcare_contracts import new_envelope
from petcare_contracts.events.clients import ClientDeactivated
from petcare_kit.consumer import EventRouter
from scheduling.entrypoints import template_consumers


async def test_r_sched_11_the_earlier_deactivation_handler_still_runs_before_templates_end(monkeypatch: Any) -> None:
    calls: list[str] = []

    async def earlier(uow: Any, envelope: Any, event: ClientDeactivated) -> None:
        calls.append("earlier")

    async def end_templates(uow: Any, envelope: Any, event: ClientDeactivated) -> None:
        calls.append("templates")

    router = EventRouter()
    router.add(ClientDeactivated, earlier)
    monkeypatch.setattr(template_consumers, "end_templates_of_deactivated", end_templates)
    template_consumers.register(router)

    event = ClientDeactivated(client_id=uuid4(), delete_future_visits=True, delete_templates=True)
    envelope = new_envelope(event, company_id=uuid4(), correlation_id="test")
    handler = router.handler_for(envelope)
    assert handler is not None
    await handler(None, envelope, event)
    assert calls == ["earlier", "templates"]
