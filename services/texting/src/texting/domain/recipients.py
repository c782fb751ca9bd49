"""Which number is a person's mobile (R-TEXT-4)."""

from __future__ import annotations


def mobile_number(phones: list[dict], custom_fields: dict[str, str], mobile_field: str | None) -> str | None:
    """The custom field the company named as the mobile one, when it holds something; else the first
    phone labelled mobile."""
    if mobile_field and custom_fields.get(mobile_field, "").strip():
        return custom_fields[mobile_field].strip()
    return next((p.get("e164") or p.get("number") for p in phones if p.get("label") == "mobile"), None)
