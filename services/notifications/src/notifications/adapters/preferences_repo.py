"""Delivery preferences (owned here): per person, and changes held for people not known yet."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from petcare_kit.client_directory import directory_people
from sqlalchemy import Row, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import held_preferences, preferences
from notifications.domain.preferences import DefaultDelivery, Preferences, PreferencesChange


class SqlPreferences:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, company_id: UUID, person_id: UUID) -> None:
        # A transaction-scoped advisory lock keyed by the person: a PUT deciding "not known yet, hold
        # it" and the consumer introducing the person take turns, so a held change is never committed
        # after the consumer released (a replica run lost 2 of 40 that way).
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                   {"key": f"notifications.preferences:{company_id}:{person_id}"})

    async def get(self, company_id: UUID, person_id: UUID) -> Preferences | None:
        row = (await self.session.execute(select(preferences).where(
            preferences.c.company_id == company_id, preferences.c.person_id == person_id))).one_or_none()
        return Preferences(DefaultDelivery(row.default_delivery), row.texting_enabled) if row else None

    def _values(self, prefs: Preferences) -> dict[str, object]:
        return {"default_delivery": prefs.default_delivery.value, "texting_enabled": prefs.texting_enabled}

    async def save(self, company_id: UUID, person_id: UUID, prefs: Preferences) -> None:
        values = {**self._values(prefs), "updated_at": func.now()}
        await self.session.execute(insert(preferences).values(person_id=person_id, company_id=company_id, **values)
                                   .on_conflict_do_update(index_elements=["person_id"], set_=values))

    async def start(self, company_id: UUID, person_id: UUID, prefs: Preferences) -> None:
        await self.session.execute(insert(preferences).values(person_id=person_id, company_id=company_id,
                                                              **self._values(prefs)).on_conflict_do_nothing())

    async def bulk_set(self, company_id: UUID, kind: str, *, default_delivery: DefaultDelivery | None,
                       texting_enabled: bool | None) -> int:
        values: dict[str, object] = {"updated_at": func.now()}
        if default_delivery is not None:
            values["default_delivery"] = default_delivery.value
        if texting_enabled is not None:
            values["texting_enabled"] = texting_enabled
        people = select(directory_people.c.person_id).where(directory_people.c.company_id == company_id,
                                                            directory_people.c.kind == kind)
        connection = await self.session.connection()  # a Core statement's result there has a rowcount
        result = await connection.execute(update(preferences).where(
            preferences.c.company_id == company_id, preferences.c.person_id.in_(people)).values(**values))
        return result.rowcount or 0

    async def held(self, company_id: UUID, person_id: UUID) -> PreferencesChange | None:
        row = (await self.session.execute(select(held_preferences).where(
            held_preferences.c.company_id == company_id, held_preferences.c.person_id == person_id))).one_or_none()
        return _change(row) if row else None

    async def hold(self, company_id: UUID, person_id: UUID, change: PreferencesChange) -> None:
        values = {"default_delivery": change.default_delivery.value if change.default_delivery else None,
                  "texting_enabled": change.texting_enabled, "held_at": func.now()}
        await self.session.execute(insert(held_preferences).values(company_id=company_id, person_id=person_id,
                                                                   **values)
                                   .on_conflict_do_update(index_elements=["company_id", "person_id"], set_=values))

    async def release(self, company_id: UUID, person_id: UUID) -> PreferencesChange | None:
        row = (await self.session.execute(delete(held_preferences).where(
            held_preferences.c.company_id == company_id, held_preferences.c.person_id == person_id)
            .returning(held_preferences))).one_or_none()
        return _change(row) if row else None


def _change(row: Row[Any]) -> PreferencesChange:
    return PreferencesChange(DefaultDelivery(row.default_delivery) if row.default_delivery else None,
                             row.texting_enabled)
