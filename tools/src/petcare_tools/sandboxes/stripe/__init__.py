"""Stripe sandbox: localstripe (a stateful fake Stripe server from PyPI) run by our own runner.

The real `stripe` SDK is pointed at it (`STRIPE_API_BASE`). localstripe's own start command binds
every interface and pickles its whole state to one fixed file under the temp folder on every write,
so tests and a dev run would share and clobber it. `python -m petcare_tools.sandboxes.stripe --port N`
instead serves its aiohttp application (`localstripe.server.app`) on 127.0.0.1 only, with the state
in this process's memory: each instance starts empty and shares nothing. See docs/billing.md for
what localstripe does not do (no Connect, no Price, no idempotency keys, 400 on unknown parameters).
"""

from .runner import build_app, serve

__all__ = ["build_app", "serve"]
