"""What texting derives from the clients directory, on fakes: the numbers an inbound text is matched
by (R-TEXT-8), custom fields included (R-TEXT-4)."""

from __future__ import annotations

from uuid import uuid4

from texting.service_layer import people
from texting.service_layer.commands import IndexPersonNumbers
from texting.service_layer.context import Context

from .fakes import FakeUnitOfWork


async def test_r_text_8_a_person_is_found_by_any_phone_or_custom_field_holding_a_number():
    uow, company, person = FakeUnitOfWork(), uuid4(), uuid4()
    numbers = await people.index_numbers(Context(uow), IndexPersonNumbers(
        company_id=company, person_id=person,
        phones=[{"label": "mobile", "number": "(416) 555-0199", "e164": "+14165550199"},
                {"label": "home", "number": "212.555.0100", "e164": None}],
        custom_fields={"Cell": "+1 646 555 0123", "Gate code": "4321", "Notes": ""}))
    assert numbers == ["+12125550100", "+14165550199", "+16465550123"]
    assert [p.person_id for p in await uow.people.with_number(company, "+16465550123")] == [person]
    assert await uow.people.with_number(company, "4321") == []


async def test_a_changed_contact_replaces_the_numbers_it_had():
    uow, company, person = FakeUnitOfWork(), uuid4(), uuid4()
    ctx = Context(uow)
    await people.index_numbers(ctx, IndexPersonNumbers(company_id=company, person_id=person, custom_fields={},
                                                       phones=[{"label": "mobile", "number": "+14165550199"}]))
    await people.index_numbers(ctx, IndexPersonNumbers(company_id=company, person_id=person, custom_fields={},
                                                       phones=[{"label": "mobile", "number": "+16465550123"}]))
    assert await uow.people.with_number(company, "+14165550199") == []
    assert len(await uow.people.with_number(company, "+16465550123")) == 1
