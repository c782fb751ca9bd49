"""Plans in suite tests (R-PLAN-1): billing owns them. A company signs up into a 14-day trial in
which texting is off (R-TEXT-1), so suites that text start billing with a trial of a second
(`SHORT_TRIAL`, docs/billing.md `## Plans`), choose the plan with PUT /api/billing/plan through the
gateway, and wait until texting has it from billing.plan.changed."""

from __future__ import annotations

import asyncio
import time

import httpx

SHORT_TRIAL = {"BILLING_TRIAL_LENGTH_SECONDS": "1", "BILLING_PLANS_JOB_INTERVAL_SECONDS": "0.5"}
"""billing's environment where companies must be able to text at once: the trial ends after a second."""


async def choose_plan(http: httpx.AsyncClient, admin: dict[str, str], plan: str = "solo",
                      timeout: float = 60) -> dict[str, object]:
    """PUT /api/billing/plan as the admin; retried while billing has not heard of the sign-up yet
    (404 plan_not_known_yet). Returns billing's answer (the plan now)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = await http.put("/api/billing/plan", headers=admin, json={"plan": plan})
        if answer.status_code != 404 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.25)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def texting_has(http: httpx.AsyncClient, admin: dict[str, str], plan: str, in_trial: bool = False) -> bool:
    """Texting's read model of the plan (GET /api/texting/status) shows `plan` and `in_trial`."""
    status = (await http.get("/api/texting/status", headers=admin)).json()
    return bool(status.get("plan") == plan and status.get("in_trial") is in_trial)


async def choose_plan_for_texting(http: httpx.AsyncClient, admin: dict[str, str], plan: str = "solo",
                                  timeout: float = 60) -> None:
    """Choose `plan` at billing, then wait until texting has it with the (short) trial over."""
    await choose_plan(http, admin, plan, timeout)
    deadline = time.monotonic() + timeout
    while not await texting_has(http, admin, plan):
        assert time.monotonic() < deadline, f"texting did not get plan {plan} after the trial in {timeout}s"
        await asyncio.sleep(0.25)
