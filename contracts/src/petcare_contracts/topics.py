"""Every topic of the suite, with its partition count and owner.

Topics are created explicitly with these counts before anything produces or consumes (the embedded
broker would auto-create them with 4 partitions; Apache Kafka with the cluster default).
Dead-letter topics are one per consumer group: `<group>.dlq`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Topic:
    name: str
    owner: str
    kind: Literal["events", "commands"]
    partitions: int
    description: str


DEAD_LETTER_PARTITIONS = 1
DEFAULT_PARTITIONS = 8

TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (
        Topic("clients.events", "clients", "events", DEFAULT_PARTITIONS,
              "Companies, staff, clients, pets, portal accounts. Key: the person's id (company id for "
              "company settings)."),
        Topic("scheduling.events", "scheduling", "events", DEFAULT_PARTITIONS,
              "Visits, templates, service and change/cancellation requests. Key: visit or request id."),
        Topic("facility.events", "facility", "events", DEFAULT_PARTITIONS,
              "Spaces, facility events, add-ons, duplication. Key: facility event id."),
        Topic("billing.events", "billing", "events", DEFAULT_PARTITIONS,
              "Invoices, payments, packages, plans, texting charges. Key: invoice id or company id."),
        Topic("texting.events", "texting", "events", DEFAULT_PARTITIONS,
              "Numbers, registrations, texts sent/delivered/failed/received, opt-outs, usage. Key: "
              "company id, or the text's delivery id."),
        Topic("notifications.events", "notifications", "events", DEFAULT_PARTITIONS,
              "Feed messages, delivery decisions and their outcomes. Key: the conversation id."),
        Topic("billing.commands", "facility", "commands", DEFAULT_PARTITIONS,
              "Invoice facility events, add and redeem packages: what the Client Hub asks billing. Key: "
              "the client's id."),
        Topic("texting.commands", "notifications", "commands", DEFAULT_PARTITIONS,
              "Send-a-text commands from notifications to texting. Key: the recipient's id."),
    )
}


def dead_letter_topic(consumer_group: str) -> str:
    """Where a consumer group puts what it cannot handle (original bytes, headers, the error)."""
    return f"{consumer_group}.dlq"
