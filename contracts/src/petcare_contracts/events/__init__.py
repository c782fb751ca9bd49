"""Payload models, one module per publishing service. Importing a module registers its events."""

from petcare_contracts.events import billing, clients, facility, notifications, scheduling, texting  # noqa: F401
