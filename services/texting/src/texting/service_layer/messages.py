"""The messages log (R-TEXT-10), usage of a month (R-TEXT-13), Unassigned Messages (R-TEXT-8,
R-TEXT-9) and number validity (R-TEXT-11). Reads commit nothing; an assignment commits once."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from petcare_contracts.events.texting import UnassignedTextAssigned

from texting.domain.months import month_bounds, month_of, zone_of
from texting.domain.numbers import check_number
from texting.domain.people import Person
from texting.domain.texts import LogFilter, Text
from texting.domain.unassigned import UnassignedMessage
from texting.domain.usage import UsageTotals
from texting.service_layer.commands import Assign, CheckValidity, ListMessages, ListUnassigned, MonthUsage
from texting.service_layer.context import Context


@dataclass(frozen=True)
class MessagesLog:
    messages: list[Text]
    totals: UsageTotals
    """Of every text matching the filters, not only the page shown."""


async def messages_log(ctx: Context, command: ListMessages) -> MessagesLog:
    """R-TEXT-10: every text sent, received or failed, newest first, with the totals used (the same
    definition as the usage figure, domain/usage.py)."""
    where = LogFilter(direction=command.direction, status=command.status, person_id=command.person_id,
                      since=command.since, until=command.until)
    return MessagesLog(await ctx.uow.texts.log(ctx.company_id, where, command.limit),
                       await ctx.uow.texts.totals(ctx.company_id, where))


async def month_usage(ctx: Context, command: MonthUsage) -> UsageTotals:
    """R-TEXT-13: texts used in the company's LOCAL calendar month `command.month` (its zone from the
    clients directory, domain/months.py); exactly the log's totals over the same instants."""
    since, until = month_bounds(command.month, zone_of(await ctx.uow.usage_months.time_zone(ctx.company_id)))
    return await ctx.uow.texts.totals(ctx.company_id, LogFilter(since=since, until=until))


async def current_month(ctx: Context) -> str:
    """The company's local "YYYY-MM" now (what GET /usage shows without a month)."""
    return month_of(ctx.now(), zone_of(await ctx.uow.usage_months.time_zone(ctx.company_id)))


@dataclass(frozen=True)
class Waiting:
    """An unassigned message and the people who have its number (R-TEXT-8: several, when it was
    not guessed; none for a stranger, R-TEXT-9)."""

    message: UnassignedMessage
    candidates: list[Person] = field(default_factory=list)


async def unassigned_messages(ctx: Context, command: ListUnassigned) -> list[Waiting]:
    """Newest first, each naming who could have sent it (people with that number now)."""
    found = await ctx.uow.unassigned.in_company(ctx.company_id, include_assigned=command.include_assigned)
    by_number: dict[str, list[Person]] = {}
    for message in found:
        if message.from_number not in by_number:
            by_number[message.from_number] = await ctx.uow.people.with_number(ctx.company_id, message.from_number)
    return [Waiting(message, by_number[message.from_number]) for message in found]


async def assign(ctx: Context, unassigned_id: UUID, command: Assign) -> UnassignedMessage:
    """R-TEXT-9: give it to a client or staff member; it joins their conversation feed. NotFound for
    an unknown message or person, Conflict(already_assigned) the second time."""
    message = await ctx.uow.unassigned.get(ctx.company_id, unassigned_id)
    person = await ctx.uow.people.get(ctx.company_id, command.person_id)
    message = message.assigned(person.person_id, person.kind, ctx.now())
    await ctx.uow.unassigned.save(message)
    await ctx.uow.texts.assign(message.text_id, person.person_id, person.kind)
    await ctx.publish(UnassignedTextAssigned(
        unassigned_id=message.id, person_id=person.person_id, person_kind=person.kind,
        from_number=message.from_number, body=message.body, media_urls=message.media_urls,
        received_at=message.received_at), company_id=ctx.company_id)
    await ctx.commit()
    return message


@dataclass(frozen=True)
class Validity:
    """R-TEXT-11: a person's mobile number (R-TEXT-4) and whether it conforms and is textable."""

    person: Person
    number: str | None
    valid: bool
    textable: bool
    reason: str | None


async def validity(ctx: Context, command: CheckValidity) -> list[Validity]:
    """R-TEXT-11: valid is not a promise that the number can receive texts."""
    account = await ctx.uow.accounts.get(ctx.company_id)
    result = []
    for person in await ctx.uow.people.in_company(ctx.company_id, command.kind):
        number = person.mobile(account.mobile_field)
        facts = check_number(number) if number else None
        result.append(Validity(person, number, bool(facts and facts.valid), bool(facts and facts.textable),
                               facts.reason if facts else "no mobile number on file"))
    return result
