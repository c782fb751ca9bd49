"""Background work of payments (periodic jobs safe with several replicas and across restarts)."""

from __future__ import annotations

from petcare_kit.runtime import ServiceRuntime


def start(runtime: ServiceRuntime) -> None:
    """The one line bootstrap needs: run the jobs beside the consumers (not where they are switched
    off, as in service tests that run one pass themselves)."""
    if not runtime.settings.run_consumers:
        return
