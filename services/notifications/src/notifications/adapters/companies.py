"""What notifications keeps of a company: its name and mobile-app setting (the kit's clients
directory), what texting reports (availability, opt-outs), and its own settings (switches, the
starting preferences of new people). Never commits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from petcare_kit.client_directory import Directory
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import companies, opt_outs
from notifications.domain.company import CompanyState
from notifications.domain.preferences import DefaultDelivery, Preferences, PreferencesChange
from notifications.domain.switches import CompanySwitches, Switch, TextingAvailability


class SqlCompanies:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def state(self, company_id: UUID) -> CompanyState:
        known = await Directory(self.session).company(company_id)
        notify = known.notify_client_when_visit_starts if known else False
        row = (await self.session.execute(select(companies).where(companies.c.company_id == company_id))).one_or_none()
        if row is None:
            return CompanyState(name=known.name if known else None,
                                switches=CompanySwitches(notify_client_when_visit_starts=notify))
        return CompanyState(
            name=known.name if known else None,
            switches=CompanySwitches(on=frozenset(Switch) - {Switch(s) for s in row.switches_off},
                                     notify_client_when_visit_starts=notify),
            texting=TextingAvailability(row.texting_available, tuple(row.texting_reasons)),
            client_defaults=Preferences(DefaultDelivery(row.client_default_delivery), row.client_texting_enabled),
            staff_defaults=Preferences(DefaultDelivery(row.staff_default_delivery), row.staff_texting_enabled),
            mobile_field=row.mobile_field,
        )

    async def _update(self, company_id: UUID, **values: Any) -> None:
        await self.session.execute(insert(companies).values(company_id=company_id).on_conflict_do_nothing())
        await self.session.execute(update(companies).where(companies.c.company_id == company_id).values(**values))

    async def set_switches_off(self, company_id: UUID, off: list[str]) -> None:
        await self._update(company_id, switches_off=off)

    async def set_defaults(self, company_id: UUID, kind: str, change: PreferencesChange) -> None:
        values: dict[str, Any] = {}
        if change.default_delivery is not None:
            values[_column(kind, "default_delivery")] = change.default_delivery.value
        if change.texting_enabled is not None:
            values[_column(kind, "texting_enabled")] = change.texting_enabled
        if values:
            await self._update(company_id, **values)

    async def set_texting(self, company_id: UUID, available: bool, reasons: list[str]) -> None:
        await self._update(company_id, texting_available=available, texting_reasons=reasons)

    async def set_mobile_field(self, company_id: UUID, mobile_field: str | None) -> None:
        await self._update(company_id, mobile_field=mobile_field)

    async def set_opted_out(self, company_id: UUID, number: str, opted_out: bool) -> None:
        if opted_out:
            await self.session.execute(insert(opt_outs).values(company_id=company_id, number=number)
                                       .on_conflict_do_nothing())
        else:
            await self.session.execute(delete(opt_outs).where(opt_outs.c.company_id == company_id,
                                                              opt_outs.c.number == number))


_COLUMNS = {(kind, setting): companies.c[f"{kind}_{setting}"].name
            for kind in ("client", "staff") for setting in ("default_delivery", "texting_enabled")}
"""The starting-preference columns, named once (never built from input)."""


def _column(kind: str, setting: str) -> str:
    return _COLUMNS[(kind, setting)]
