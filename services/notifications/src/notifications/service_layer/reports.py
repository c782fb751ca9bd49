"""What texting reports back: each text's fate (R-DELIV-7), opt-outs (R-TEXT-12), whether the
company can text (R-DELIV-9) and which custom field holds people's mobile numbers (R-TEXT-4). In the
consumer's transaction."""

from __future__ import annotations

from uuid import UUID

from notifications.service_layer.ports import UnitOfWork


async def text_state(uow: UnitOfWork, delivery_id: UUID, state: str, error: str | None = None) -> None:
    """sent, delivered, failed or not_sent; a late 'sent' never overwrites a final state."""
    await uow.deliveries.set_text_state(delivery_id, state, error)


def failure_reason(reason: str, error_code: int | None) -> str:
    return f"{reason} (Twilio {error_code})" if error_code else reason


async def opt_out_changed(uow: UnitOfWork, company_id: UUID, number: str, opted_out: bool) -> None:
    """R-TEXT-12: STOP switches texting off for that number; START switches it back."""
    await uow.companies.set_opted_out(company_id, number, opted_out)


async def texting_availability_changed(uow: UnitOfWork, company_id: UUID, available: bool,
                                       reasons: list[str]) -> None:
    """R-DELIV-9: when the company cannot text, conversation texts fall back to email."""
    await uow.companies.set_texting(company_id, available, reasons)


async def mobile_field_changed(uow: UnitOfWork, company_id: UUID, mobile_field: str | None) -> None:
    """R-TEXT-4: texting owns the "client phone number field" setting; from now on the number texted
    to each person is picked with it (petcare_kit.phone_numbers.mobile_number)."""
    await uow.companies.set_mobile_field(company_id, mobile_field)
