"""The audit record of every executed command (R-REPLAY-8): who, the command line, the counts and
when, published to the audit topic and printed in the tool's output.

The command line is recorded with any password in a URL masked (`postgresql://u:***@host/db`).
"""

from __future__ import annotations

import getpass
import json
import re
import socket
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from petcare_tools.replay.connection import Broker

AUDIT_TOPIC = "petcare.replay.audit"
"""One partition, so the records read back in the order the commands ran."""
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def masked(text: str) -> str:
    return _PASSWORD_IN_URL.sub(r"\1***@", text)


def who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def audit_record(command: str, *, started_at: datetime, outcome: str, counts: dict[str, Any],
                 reason: str | None, argv: list[str] | None = None) -> dict[str, Any]:
    """The record: `id`, `who` (user@host), `command`, `command_line`, `reason` (--reason), `outcome`
    (done / failed: ...), `counts`, `started_at`, `finished_at` (ISO 8601 UTC)."""
    return {
        "id": str(uuid.uuid4()),
        "who": who(),
        "command": command,
        "command_line": masked(" ".join(["petcare-replay", *(argv if argv is not None else sys.argv[1:])])),
        "reason": reason,
        "outcome": outcome,
        "counts": counts,
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
    }


def publish_audit(broker: Broker, record: dict[str, Any], topic: str = AUDIT_TOPIC) -> None:
    """Write `record` to the audit topic (created with one partition if missing) and wait for the ack."""
    broker.ensure_topic(topic, 1)
    producer = broker.producer()
    producer.produce(topic, value=json.dumps(record, sort_keys=True).encode(), key=record["command"].encode(),
                     headers=[("message-id", record["id"].encode())])
    if producer.flush(30):
        raise RuntimeError(f"the audit record was not acknowledged by the broker ({topic})")
