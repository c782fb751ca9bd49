"""Examples over HTTP. Thin: each route builds the command, calls the use case, returns a view.
Roles are declared per route with `allow(...)` (enforced here, published as `x-roles` for the
gateway); errors raised by the use cases become the one error shape; a POST sent again with the
same `Idempotency-Key` is answered from the first (the kit does it, nothing to write here)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, STAFF_ROLES, allow
from petcare_kit.validation import Limit, Offset

from facility.entrypoints.api.deps import ContextDep
from facility.entrypoints.api.schemas import ExamplePage, ExampleView
from facility.service_layer import examples
from facility.service_layer.commands import AddExample

router = APIRouter(tags=["examples"])


@router.get("/examples", response_model=ExamplePage, **allow(*STAFF_ROLES))
async def list_examples(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0) -> ExamplePage:
    found = await examples.list_examples(ctx, limit=limit, offset=offset)
    return ExamplePage(items=[ExampleView.of(e) for e in found], limit=limit, offset=offset)


@router.post("/examples", status_code=201, response_model=ExampleView, **allow(*MANAGERS))
async def add_example(body: AddExample, ctx: ContextDep) -> ExampleView:
    """Add an example; 409 `example_title_taken` when the company has one with that title."""
    return ExampleView.of(await examples.add_example(ctx, body))


@router.get("/examples/{example_id}", response_model=ExampleView, **allow(*STAFF_ROLES))
async def get_example(example_id: UUID, ctx: ContextDep) -> ExampleView:
    return ExampleView.of(await examples.get_example(ctx, example_id))
