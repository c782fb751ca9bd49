"""Settings of the Twilio sandbox: arguments of `create_app`, else the environment, else defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_AUTH_TOKEN = "sandbox-auth-token"


@dataclass(frozen=True)
class TwilioSandboxConfig:
    default_auth_token: str = DEFAULT_AUTH_TOKEN
    """Signs webhooks of an account whose token the sandbox was not told and has not seen."""
    callback_delay_seconds: float = 0.05
    """Pause before each status change (queued → sent → delivered), as a carrier would take."""
    callback_retries: int = 3
    """Further attempts at a status callback that did not answer 2xx."""
    callback_backoff_seconds: float = 0.25
    """First pause between callback attempts; doubles after each failed attempt."""
    webhook_timeout_seconds: float = 5.0
    create_latency_seconds: float = 0.0
    """Pause between storing a created message and answering the create call, as a slow API or
    network does: a client killed in it leaves a message Twilio has and its caller never recorded
    (the crash-recovery tests)."""

    @classmethod
    def from_env(cls) -> TwilioSandboxConfig:
        """Reads TWILIO_SANDBOX_AUTH_TOKEN, TWILIO_SANDBOX_CALLBACK_DELAY_MS,
        TWILIO_SANDBOX_CALLBACK_RETRIES, TWILIO_SANDBOX_CALLBACK_BACKOFF_MS,
        TWILIO_SANDBOX_WEBHOOK_TIMEOUT_MS and TWILIO_SANDBOX_CREATE_LATENCY_MS."""
        env = os.environ
        defaults = cls()
        return cls(
            default_auth_token=env.get("TWILIO_SANDBOX_AUTH_TOKEN", defaults.default_auth_token),
            callback_delay_seconds=_milliseconds(
                env, "TWILIO_SANDBOX_CALLBACK_DELAY_MS", defaults.callback_delay_seconds
            ),
            callback_retries=int(env.get("TWILIO_SANDBOX_CALLBACK_RETRIES", defaults.callback_retries)),
            callback_backoff_seconds=_milliseconds(
                env, "TWILIO_SANDBOX_CALLBACK_BACKOFF_MS", defaults.callback_backoff_seconds
            ),
            webhook_timeout_seconds=_milliseconds(
                env, "TWILIO_SANDBOX_WEBHOOK_TIMEOUT_MS", defaults.webhook_timeout_seconds
            ),
            create_latency_seconds=_milliseconds(
                env, "TWILIO_SANDBOX_CREATE_LATENCY_MS", defaults.create_latency_seconds
            ),
        )


def _milliseconds(env: Mapping[str, str], name: str, default_seconds: float) -> float:
    raw = env.get(name)
    return default_seconds if raw is None else float(raw) / 1000
