"""Twilio sandbox: a local server the real `twilio` SDK talks to in dev and tests.

Point the SDK at it with `petcare_kit.providers.twilio.make_twilio_client(sid, token, api_base)`.
It serves, under `/api` (api.twilio.com), `/messaging` and `/trusthub`, what the texting service
calls: messages (create, fetch, list; status callbacks), number search and purchase, and A2P 10DLC
registration (see `a2p_api`). Under `/sandbox/` it simulates phones and reviewers and shows the
phone log. Run: `uvicorn --factory petcare_tools.sandboxes.twilio:create_app`.
"""

from .app import create_app
from .config import TwilioSandboxConfig

__all__ = ["TwilioSandboxConfig", "create_app"]
