"""Kafka headers ⇄ JSON, for the outbox's `headers` column.

Header values are bytes; most are UTF-8 and are stored as text so ops can read them in the table.
A value that is not UTF-8 (a dead-lettered message can carry anything) is kept exactly, in base64.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

KafkaHeaders = list[tuple[str, bytes]]


def headers_to_json(headers: Iterable[tuple[str, bytes]]) -> list[list[str | None]]:
    stored: list[list[str | None]] = []
    for name, value in headers:
        try:
            stored.append([name, value.decode("utf-8")])
        except UnicodeDecodeError:
            stored.append([name, None, base64.b64encode(value).decode("ascii")])
    return stored


def headers_from_json(stored: list[list[str | None]]) -> KafkaHeaders:
    headers: KafkaHeaders = []
    for entry in stored:
        name, text_value = entry[0], entry[1]
        value = text_value.encode("utf-8") if text_value is not None else base64.b64decode(entry[2] or "")
        headers.append((str(name), value))
    return headers
