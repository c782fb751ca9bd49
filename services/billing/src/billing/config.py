"""billing's settings: what `ServiceSettings` has (broker, database, relay, consumers, logs), read
from BILLING_* variables (shared ones like KAFKA_BOOTSTRAP_SERVERS unprefixed), plus its own."""

from petcare_kit.settings import ServiceSettings, shared
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

DEV_STRIPE_API_KEY = "sk_test_petcare_dev"
"""Any `sk_test_` key is accepted by localstripe; refused in production (real Stripe keys there)."""


class BillingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BILLING_", extra="ignore", populate_by_name=True)

    service_name: str = "billing"
    database_url: str = "postgresql+asyncpg://billing:billing@127.0.0.1:15432/billing"
    unknown_person_wait_seconds: float = 3600.0
    """How long an event naming a person not known yet waits for them before it is dead-lettered."""
    stripe_api_key: str = Field(DEV_STRIPE_API_KEY, validation_alias=shared("STRIPE_API_KEY"))
    """The platform account's secret key (one Stripe account per deployment)."""
    stripe_api_base: str | None = Field(None, validation_alias=shared("STRIPE_API_BASE"))
    """Unset: the real Stripe. The dev launcher and tests point it at the localstripe sandbox."""
    portal_base_url: str = "http://localhost:5173/portal"
    """The client portal's address: "Email To Client" links to `{portal_base_url}/invoices/{id}` (R-EMAIL-5)."""
    trial_length_seconds: float | None = Field(None, gt=0)
    """Plans (R-PLAN-1), tests and demos only: a trial lasts this many seconds from registration
    instead of 14 local days (refused in production; see docs/billing.md, `## Plans`)."""
    plans_job_interval_seconds: float = Field(30.0, gt=0)
    """Plans: how often ended trials are looked for (each is announced once, by one replica)."""

    payment_recover_after_seconds: float = Field(120.0, gt=0)
    """Payments (R-PAY-3): an attempt still open this long after its last step is finished by the
    recovery job, which asks Stripe (longer than a request's Stripe calls take)."""
    payments_job_interval_seconds: float = Field(10.0, gt=0)
    """Payments: how often open attempts and pending refunds are looked for."""
    fault_exit_after_stripe_confirm: bool = False
    """Tests only (refused in production): the process exits at once (like kill -9) after Stripe
    confirmed a payment and before billing commits it (tests/suite/test_billing_payment_crash.py)."""

    @model_validator(mode="after")
    def _refuse_dev_stripe_key_in_production(self) -> "BillingSettings":
        if self.environment == "production" and self.stripe_api_key == DEV_STRIPE_API_KEY:
            raise ValueError("STRIPE_API_KEY must be set to the real platform key in production")
        if self.environment == "production" and self.trial_length_seconds is not None:
            raise ValueError("BILLING_TRIAL_LENGTH_SECONDS is for tests: a trial lasts 14 days (R-PLAN-1)")
        if self.environment == "production" and self.fault_exit_after_stripe_confirm:
            raise ValueError("BILLING_FAULT_EXIT_AFTER_STRIPE_CONFIRM is a test fault: never in production")
        return self
