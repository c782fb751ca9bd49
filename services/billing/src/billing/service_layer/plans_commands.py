"""What callers ask of plans (R-PLAN-1), one command per use case. `ChoosePlan` is also the API's
request body: unknown fields are refused, so bad input is a 422 before anything changes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from billing.domain.plans import Plan
from billing.service_layer.commands import Command


class ChoosePlan(Command):
    """PUT /plan: `plan` is lite, solo or team (R-PLAN-1)."""

    plan: Plan


class StartTrial(Command):
    """clients.company.registered reached billing: the company's 14-day trial starts on its local
    day of registration. `trial_length_seconds` (tests only, BILLING_TRIAL_LENGTH_SECONDS) replaces
    the 14 local days by a span from `registered_at`."""

    company_id: UUID
    registered_at: datetime
    time_zone: str
    trial_length_seconds: float | None = None


class MoveTrial(Command):
    """The company's zone changed (clients.company.settings_changed): a running trial keeps its days,
    its end follows the new local midnight. Ignored with a test trial length (a span, not days)."""

    company_id: UUID
    time_zone: str
    trial_length_seconds: float | None = None
