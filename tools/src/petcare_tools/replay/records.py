"""One Kafka record as the tool sees it, and its JSON Lines form (R-REPLAY-6).

The JSON fields follow kcat's `-J` output where they overlap, so ops can mix the two tools::

    {"topic": "clients.events", "partition": 0, "offset": 42, "tstype": "create", "ts": 1764460800000,
     "key": "c-1", "headers": ["message-id", "0b6a...", "trace", {"b64": "//4="}], "payload": "{...}"}

- `tstype`: "create", "logappend" or "none" (then `ts` is null); `ts` in milliseconds since the epoch.
- `key`, `payload`: the bytes as a UTF-8 string, or null for a null key/value. Bytes that are not
  UTF-8 are written as `key_b64` / `payload_b64` (base64) instead, so nothing is lost.
- `headers`: kcat's flat list `[name, value, name, value, ...]` (order and duplicates kept); a value
  that is not UTF-8 is an object `{"b64": "..."}`, a null value is null.
A file written by kcat -J (text only) reads back as well.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from petcare_tools.replay.errors import BadInput

Headers = list[tuple[str, bytes | None]]
TSTYPES = {0: "none", 1: "create", 2: "logappend"}
"""librdkafka's timestamp types (TIMESTAMP_NOT_AVAILABLE, CREATE_TIME, LOG_APPEND_TIME) by kcat's names."""


@dataclass(slots=True)
class Record:
    """A record read from a topic (or a file). `timestamp` in ms; headers in order, duplicates kept.
    Not frozen only because a frozen dataclass is slower to build (one per message); never mutated."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = field(default_factory=list)
    timestamp: int | None = None
    tstype: str = "create"

    @classmethod
    def of(cls, message: Any) -> Record:
        """From a confluent_kafka Message."""
        kind, ts = message.timestamp()
        return cls(message.topic(), message.partition(), message.offset(), message.key(), message.value(),
                   list(message.headers() or ()), ts if kind else None, TSTYPES.get(kind, "create"))

    def header(self, name: str) -> bytes | None:
        """The last value of header `name` (None when absent)."""
        found = None
        for header_name, value in self.headers:
            if header_name == name:
                found = value
        return found

    @property
    def size(self) -> int:
        return len(self.key or b"") + len(self.value or b"")


def _text_or_b64(value: bytes) -> str | dict[str, str]:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(value).decode("ascii")}


def to_json(record: Record) -> str:
    """One JSON line (no newline) for `record`."""
    doc: dict[str, Any] = {"topic": record.topic, "partition": record.partition, "offset": record.offset,
                           "tstype": record.tstype, "ts": record.timestamp}
    for name, data in (("key", record.key), ("payload", record.value)):
        encoded = None if data is None else _text_or_b64(data)
        if isinstance(encoded, dict):
            doc[f"{name}_b64"] = encoded["b64"]
        else:
            doc[name] = encoded
    flat: list[Any] = []
    for name, value in record.headers:
        flat += [name, None if value is None else _text_or_b64(value)]
    doc["headers"] = flat
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _bytes_field(doc: dict[str, Any], name: str) -> bytes | None:
    if f"{name}_b64" in doc:
        return base64.b64decode(doc[f"{name}_b64"], validate=True)
    value = doc.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string or null")
    return value.encode("utf-8")


def _header_value(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict) and isinstance(value.get("b64"), str):
        return base64.b64decode(value["b64"], validate=True)
    raise ValueError(f"a header value must be a string, null or {{\"b64\": ...}}, not {value!r}")


def from_json(line: str, *, where: str = "") -> Record:
    """Parse one line; BadInput naming `where` (file:line) when it is not a record."""
    try:
        doc = json.loads(line)
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
        flat = doc.get("headers") or []
        if not isinstance(flat, list) or len(flat) % 2:
            raise ValueError("headers must be a flat list [name, value, ...]")
        headers = [(str(flat[i]), _header_value(flat[i + 1])) for i in range(0, len(flat), 2)]
        tstype = doc.get("tstype", "create")
        if tstype not in TSTYPES.values():
            raise ValueError(f"tstype must be one of {sorted(TSTYPES.values())}")
        ts = doc.get("ts")
        if ts is not None and not isinstance(ts, int):
            raise ValueError("ts must be an integer (ms) or null")
        return Record(str(doc["topic"]), int(doc.get("partition", 0)), int(doc.get("offset", -1)),
                      _bytes_field(doc, "key"), _bytes_field(doc, "payload"), headers, ts, tstype)
    except (ValueError, KeyError, TypeError) as error:  # json.JSONDecodeError and binascii.Error are ValueErrors
        raise BadInput(f"{where}: not a record line: {error}") from error
