"""Which records go (filters by envelope type, company, key, header: R-REPLAY-2) and which headers go
with them (a drop or keep list), decided per record with the reason when it is skipped."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from petcare_tools.replay.errors import BadInput
from petcare_tools.replay.records import Record


def envelope_of(record: Record) -> dict[str, Any] | None:
    """The record's envelope as a dict (`id`, `type`, `company_id`, ...), or None when its value is
    not one of ours (not JSON, not an object with a `type`)."""
    if not record.value or record.value[:1] != b"{":
        return None
    try:
        doc = json.loads(record.value)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("type"), str) else None


def message_id_of(record: Record) -> str | None:
    """The idempotency key consumers record in their inbox: the `message-id` header, else the
    envelope's `id`."""
    header = record.header("message-id")
    if header:
        return header.decode("utf-8", "replace")
    envelope = envelope_of(record)
    return str(envelope["id"]) if envelope and envelope.get("id") else None


def parse_header_filters(items: list[str]) -> list[tuple[str, bytes | None]]:
    """`NAME=VALUE` (that value) or `NAME` (present with any value)."""
    filters: list[tuple[str, bytes | None]] = []
    for item in items:
        name, sep, value = item.partition("=")
        if not name:
            raise BadInput(f"--header {item!r}: expected NAME or NAME=VALUE")
        filters.append((name, value.encode() if sep else None))
    return filters


@dataclass(frozen=True)
class Filters:
    """Every given filter must match (a record passes when all do). Type and company look inside the
    envelope: a record that is not an envelope is skipped when either is asked for."""

    types: frozenset[str] = frozenset()
    companies: frozenset[str] = frozenset()
    keys: frozenset[bytes] = frozenset()
    headers: tuple[tuple[str, bytes | None], ...] = ()

    @classmethod
    def of(cls, types: list[str], companies: list[str], keys: list[str], headers: list[str]) -> Filters:
        return cls(frozenset(types), frozenset(companies), frozenset(k.encode() for k in keys),
                   tuple(parse_header_filters(headers)))

    def skip_reason(self, record: Record) -> str | None:
        """None when the record passes, else why it is skipped."""
        if self.keys and record.key not in self.keys:
            return "key not selected"
        for name, wanted in self.headers:
            values = [v for n, v in record.headers if n == name]
            if not values or (wanted is not None and wanted not in values):
                return f"header {name} not matching"
        if self.types or self.companies:
            envelope = envelope_of(record)
            if envelope is None:
                return "not an envelope"
            if self.types and envelope["type"] not in self.types:
                return "type not selected"
            if self.companies and str(envelope.get("company_id")) not in self.companies:
                return "company not selected"
        return None


@dataclass(frozen=True)
class HeaderPolicy:
    """Headers re-sent with each record: all of them, minus `drop` (names or `prefix*`), or only
    `keep` when given. Order and duplicates of the kept ones are preserved."""

    drop: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    always_drop_prefixes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.drop and self.keep:
            raise BadInput("--drop-header and --keep-header cannot be combined")

    @staticmethod
    def _matches(name: str, patterns: tuple[str, ...]) -> bool:
        return any(name == p or (p.endswith("*") and name.startswith(p[:-1])) for p in patterns)

    def apply(self, record: Record) -> Record:
        if not (self.drop or self.keep or self.always_drop_prefixes):
            return record
        headers = [(n, v) for n, v in record.headers
                   if not any(n.startswith(p) for p in self.always_drop_prefixes)
                   and not self._matches(n, self.drop)
                   and (not self.keep or self._matches(n, self.keep))]
        return record if len(headers) == len(record.headers) else replace(record, headers=headers)
