"""The use-case context every service builds on: who is calling, one commit, events in the same
transaction, and a 401 (not a crash) when a use case needs a company or person the caller lacks."""

from datetime import UTC
from typing import Any
from uuid import UUID, uuid4

import pytest
from petcare_kit.errors import Unauthenticated
from petcare_kit.identity import Identity, Role
from petcare_kit.use_case import SYSTEM, UseCaseContext


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []
        self.commits = 0

    async def publish(self, payload: Any, *, company_id: UUID | None, actor: Any = None,
                      causation_id: UUID | None = None) -> Any:
        self.published.append({"payload": payload, "company_id": company_id, "actor": actor,
                               "causation_id": causation_id})
        return payload

    async def commit(self) -> None:
        self.commits += 1


def test_a_caller_without_company_or_person_is_unauthenticated_not_a_crash():
    ctx = UseCaseContext(FakeUnitOfWork(), SYSTEM)
    with pytest.raises(Unauthenticated):
        _ = ctx.company_id
    with pytest.raises(Unauthenticated):
        _ = ctx.signed_in_person_id
    assert ctx.person_id_or_none is None


def test_a_signed_in_person_is_seen_with_their_company_and_the_clock_is_utc():
    person, company = uuid4(), uuid4()
    ctx = UseCaseContext(FakeUnitOfWork(), Identity(Role.STAFF, person_id=person, company_id=company))
    assert (ctx.company_id, ctx.signed_in_person_id, ctx.person_id_or_none) == (company, person, person)
    assert ctx.now().tzinfo == UTC


async def test_events_carry_the_callers_company_and_actor_unless_told_and_commit_is_the_uows():
    uow, person, company, other, cause = FakeUnitOfWork(), uuid4(), uuid4(), uuid4(), uuid4()
    ctx = UseCaseContext(uow, Identity(Role.ADMIN, person_id=person, company_id=company))
    await ctx.publish("first")
    await ctx.publish("second", company_id=other, causation_id=cause)
    await ctx.commit()
    assert [(e["company_id"], e["actor"].id, e["causation_id"]) for e in uow.published] == [
        (company, person, None), (other, person, cause)]
    assert uow.commits == 1


async def test_the_service_itself_must_name_the_company_it_publishes_for():
    ctx = UseCaseContext(FakeUnitOfWork(), SYSTEM)
    with pytest.raises(Unauthenticated):
        await ctx.publish("orphan")
