"""Plans in suite tests (R-PLAN-1): billing owns them. A company signs up into a 14-day trial in
which texting is off (R-TEXT-1), so suites that text start billing with a trial of a second
(`SHORT_TRIAL`, docs/billing.md `## Plans`), choose the plan with PUT /api/billing/plan through the
gateway, and wait until texting has it from billing.plan.changed. Such suites name the gateway in
texting's webhook URL before starting it: `hold_port` keeps its port theirs meanwhile."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
from petcare_tools.embedded.ports import LOCALHOST, free_port

WAIT_SECONDS = 120.0
"""How long billing, then texting, may take to hear of a sign-up or a plan: two consumers behind the
backlog of a loaded CI machine (two test workers, each beside services of its own), not one second idle."""
SHORT_TRIAL = {"BILLING_TRIAL_LENGTH_SECONDS": "1", "BILLING_PLANS_JOB_INTERVAL_SECONDS": "0.5"}
"""billing's environment where companies must be able to text at once: the trial ends after a second."""


async def choose_plan(http: httpx.AsyncClient, admin: dict[str, str], plan: str = "solo",
                      timeout: float = WAIT_SECONDS) -> dict[str, object]:
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
                                  timeout: float = WAIT_SECONDS) -> None:
    """Choose `plan` at billing, then wait until texting has it with the (short) trial over."""
    await choose_plan(http, admin, plan, timeout)
    deadline = time.monotonic() + timeout
    while not await texting_has(http, admin, plan):
        assert time.monotonic() < deadline, f"texting did not get plan {plan} after the trial in {timeout}s"
        await asyncio.sleep(0.25)


def hold_port() -> socket.socket:
    """A socket bound to a free 127.0.0.1 port, for a server that must be named before it starts
    (the gateway, in texting's TEXTING_WEBHOOK_BASE_URL). Close it just before starting the server on
    `sock.getsockname()[1]`: while it is held, no other server of the run (the other test worker's)
    nor an outgoing connection is given that port, however long the services before take to start."""
    while True:
        held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            held.bind((LOCALHOST, free_port()))
        except OSError:  # taken between free_port's probe and this bind: another one
            held.close()
            continue
        return held
