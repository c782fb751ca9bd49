"""A company as billing's clients directory holds it (fed through the consumer, as Kafka would): its
zone, two clients, a staff member and its admin. For the invoices core's service tests."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from petcare_contracts.events.clients import ClientAdded, CompanyRegistered, StaffAdded
from petcare_contracts.events.common import Contact
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.service import ServiceUnderTest


@dataclass(frozen=True)
class World:
    company_id: UUID
    admin: Identity
    client_id: UUID
    other_client_id: UUID
    staff_id: UUID

    @property
    def office_manager(self) -> Identity:
        return Identity(Role.OFFICE_MANAGER, person_id=uuid4(), company_id=self.company_id)

    @property
    def staff(self) -> Identity:
        return Identity(Role.STAFF, person_id=self.staff_id, company_id=self.company_id)

    @property
    def client(self) -> Identity:
        return Identity(Role.CLIENT, person_id=self.client_id, company_id=self.company_id)


def contact(first: str) -> Contact:
    return Contact(first_name=first, last_name="Tester", emails=[f"{first.lower()}@example.com"], phones=[])


async def make_world(service: ServiceUnderTest, time_zone: str = "America/New_York") -> World:
    company_id, admin_id, client, other, staff = (uuid4() for _ in range(5))
    await service.feed(CompanyRegistered(company_id=company_id, name="Happy Paws", slug=f"paws-{company_id.hex[:8]}",
                                         time_zone=time_zone, first_admin_id=admin_id), company_id)
    for person, first in ((client, "Ada"), (other, "Grace")):
        await service.feed(ClientAdded(client_id=person, contact=contact(first)), company_id)
    await service.feed(StaffAdded(staff_id=staff, role="staff", contact=contact("Sam")), company_id)
    return World(company_id, Identity(Role.ADMIN, person_id=admin_id, company_id=company_id), client, other, staff)
