"""Use cases of examples. Each takes the context and a command, changes state through the
repositories, queues its events, and commits once; nothing else commits (not the route, not the
repository). Called from a consumer, a use case does not commit: the consumer commits the batch."""

from __future__ import annotations

from uuid import UUID, uuid4

from petcare_contracts.events.facility import ExampleAdded

from facility.domain.examples import Example, check_title_is_free, title_key
from facility.service_layer.commands import AddExample
from facility.service_layer.context import Context


async def add_example(ctx: Context, command: AddExample) -> Example:
    """Add an example to the caller's company and publish `facility.example.added`.
    Raises ExampleTitleTaken (409, R-EXAMPLE-1)."""
    check_title_is_free(command.title, await ctx.uow.examples.with_title_key(ctx.company_id, title_key(command.title)))
    example = Example(uuid4(), ctx.company_id, command.title)
    await ctx.uow.examples.add(example)
    await ctx.publish(ExampleAdded(example_id=example.id, title=example.title))
    await ctx.commit()
    return example


async def get_example(ctx: Context, example_id: UUID) -> Example:
    """Raises ExampleNotFound (404), also for another company's example."""
    return await ctx.uow.examples.get(ctx.company_id, example_id)


async def list_examples(ctx: Context, *, limit: int, offset: int) -> list[Example]:
    return await ctx.uow.examples.page(ctx.company_id, limit=limit, offset=offset)
