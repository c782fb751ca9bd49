"""Rules about the staff of a company that no single staff member's row can check alone."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from clients.domain.errors import LastAdmin

ADMIN = "admin"


def check_an_admin_remains(active_admins: Iterable[UUID], *, staff_id: UUID, role_after: str,
                           active_after: bool) -> None:
    """A company always keeps at least one active admin: nobody else can make or change an admin,
    so a company without one could never get one back.

    `active_admins`: the ids of the company's active admins before the change (read under lock);
    `staff_id`, `role_after`, `active_after`: the member being changed and what they become.
    Raises `LastAdmin` (409 `last_admin`) when the change would leave no active admin.
    """
    remaining = set(active_admins) - {staff_id}
    if role_after == ADMIN and active_after:
        remaining.add(staff_id)
    if not remaining:
        raise LastAdmin(
            "This is the company's only active admin: make another staff member an admin first.",
            details={"staff_id": str(staff_id)},
        )
