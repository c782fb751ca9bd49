"""Delivery preferences (owned here): per person, with the company's defaults for new people."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.read_models import company_state
from notifications.adapters.tables import preferences, recipients
from notifications.domain.preferences import DefaultDelivery, Preferences


async def ensure_preferences(session: AsyncSession, company_id: UUID, person_id: UUID, kind: str) -> None:
    """A new person starts with the company's defaults for clients or staff (R-DELIV-6)."""
    state = await company_state(session, company_id)
    start = state.client_defaults if kind == "client" else state.staff_defaults
    await session.execute(insert(preferences).values(
        person_id=person_id, company_id=company_id, default_delivery=start.default_delivery.value,
        texting_enabled=start.texting_enabled).on_conflict_do_nothing())


async def get_preferences(session: AsyncSession, company_id: UUID, person_id: UUID) -> Preferences:
    row = (await session.execute(select(preferences).where(
        preferences.c.company_id == company_id, preferences.c.person_id == person_id))).one_or_none()
    if row is None:
        return Preferences()
    return Preferences(DefaultDelivery(row.default_delivery), row.texting_enabled)


async def set_preferences(session: AsyncSession, company_id: UUID, person_id: UUID, *,
                          default_delivery: DefaultDelivery | None, texting_enabled: bool | None) -> Preferences:
    current = await get_preferences(session, company_id, person_id)
    new = Preferences(default_delivery or current.default_delivery,
                      current.texting_enabled if texting_enabled is None else texting_enabled)
    values = {"default_delivery": new.default_delivery.value, "texting_enabled": new.texting_enabled,
              "updated_at": func.now()}
    await session.execute(insert(preferences).values(person_id=person_id, company_id=company_id, **values)
                          .on_conflict_do_update(index_elements=["person_id"], set_=values))
    return new


async def bulk_set(session: AsyncSession, company_id: UUID, kind: str, *, default_delivery: DefaultDelivery | None,
                   texting_enabled: bool | None) -> int:
    """R-DELIV-6: every client (or every staff member) of the company at once."""
    values: dict[str, object] = {"updated_at": func.now()}
    if default_delivery is not None:
        values["default_delivery"] = default_delivery.value
    if texting_enabled is not None:
        values["texting_enabled"] = texting_enabled
    people = select(recipients.c.person_id).where(recipients.c.company_id == company_id, recipients.c.kind == kind)
    result = await session.execute(update(preferences).where(
        preferences.c.company_id == company_id, preferences.c.person_id.in_(people)).values(**values))
    return result.rowcount or 0
