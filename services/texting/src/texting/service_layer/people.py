"""What texting derives from the clients directory read model (`petcare_kit.client_directory`, kept
by the consumer): the numbers an inbound text is matched by (R-TEXT-8). Runs in the consumer's batch
transaction, which commits."""

from __future__ import annotations

from texting.domain.people import numbers_of
from texting.service_layer.commands import IndexPersonNumbers
from texting.service_layer.context import Context


async def index_numbers(ctx: Context, command: IndexPersonNumbers) -> list[str]:
    """R-TEXT-8: record every E.164 number a text from the person could come from (phones, and
    custom fields holding a number: R-TEXT-4 may name any of them); returns them, sorted."""
    numbers = numbers_of(command.phones, command.custom_fields)
    await ctx.uow.people.set_numbers(command.company_id, command.person_id, numbers)
    return numbers
