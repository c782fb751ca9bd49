"""What notifications' use cases raise: the API's errors (stable codes) and the "not known yet" of
events that name someone clients.events has not introduced yet (they wait: petcare_kit.waiting)."""

from __future__ import annotations

from uuid import UUID

from petcare_kit.errors import NotFound
from petcare_kit.waiting import NotKnownYet


class UnknownRecipient(NotKnownYet):
    """An event names a person notifications has not heard of (yet: clients.events may be behind the
    other topics). The event waits for them, and is dead-lettered if they never appear."""

    reason_code = "unknown_recipient"

    def __init__(self, person_id: UUID, company_id: UUID | None) -> None:
        super().__init__(person_id, f"no recipient {person_id} in company {company_id}")
        self.person_id = person_id


class UnknownCompany(NotKnownYet):
    """The company's own event (its name, for the emails) has not been consumed yet: wait for it too."""

    reason_code = "unknown_company"

    def __init__(self, company_id: UUID) -> None:
        super().__init__(company_id, f"company {company_id} not known yet")


class ConversationNotFound(NotFound):
    code = "conversation_not_found"


class PersonNotFound(NotFound):
    code = "person_not_found"


class DeliveryNotFound(NotFound):
    code = "delivery_not_found"
