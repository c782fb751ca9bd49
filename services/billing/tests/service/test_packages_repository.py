"""The packages repository on PostgreSQL (R-PKG-1): what the use cases' checks cannot see alone."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from billing.adapters.packages import SqlPackages
from billing.domain.packages import AlreadyRedeemed
from petcare_kit.unit_of_work import UnitOfWork
from petcare_tools.testing.service import ServiceUnderTest

from .test_packages_api import WALK, company, redemption, sell


async def test_r_pkg_1_two_packages_cannot_both_take_one_visit_even_at_once(service: ServiceUnderTest) -> None:
    """Two requests redeeming one visit on two packages at the same moment both pass the use case's
    look-up; the unique key decides, and the loser gets 409 already_redeemed, not a 500."""
    world = await company(service)
    first, second, visit_id = await sell(service, world), await sell(service, world), uuid4()
    assert (await service.as_(world.admin).post(f"/client-packages/{first['id']}/redemptions",
                                                json=redemption("2030-03-04", visit_id=visit_id))).status_code == 201

    async with UnitOfWork(service.runtime.sessions) as uow:
        repo = SqlPackages(uow.session)
        held = await repo.get_held(world.company_id, UUID(second["id"]), for_update=True)
        held.redeem(item_id=visit_id, service_id=UUID(WALK), on=date(2030, 3, 4))
        with pytest.raises(AlreadyRedeemed):
            await repo.save_held(held)
        await uow.commit()  # as a consumer's batch that answers the refusal and goes on

    assert (await service.as_(world.admin).get(f"/client-packages/{second['id']}")).json()["used"] == 0
    async with UnitOfWork(service.runtime.sessions) as uow:  # nothing of the loser was written
        assert (await SqlPackages(uow.session).get_held(world.company_id, UUID(second["id"]))).revision == 1
