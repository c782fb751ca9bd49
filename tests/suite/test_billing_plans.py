"""R-PLAN-1 and R-TEXT-1 through the gateway, the real broker and real processes (clients, billing,
texting, the gateway): a company signs up into its free trial on Team, in which it cannot text even
after choosing Solo; once the trial is over (billing's job announces it) it can; on Lite it cannot;
a company that chose nothing is on Lite after its trial.

The trial lasts TRIAL_SECONDS here instead of 14 local days (BILLING_TRIAL_LENGTH_SECONDS, tests
only: docs/billing.md `## Plans`); the 14 local days themselves are proven by billing's unit and
service tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from suite.plans import WAIT_SECONDS, choose_plan, hold_port, texting_has
from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
TRIAL_SECONDS = 45
"""Long enough to see texting refused during the trial, short enough to wait for its end. Everything
in the trial (billing then texting hearing of the sign-up, Solo chosen, texting hearing of it) must fit
in it from the sign-up on: 25 s left little room for two consumers on a loaded CI machine, and a
trial over before those checks fails them (the test says so: "the trial ended mid-test")."""


async def eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.25)
    raise AssertionError(f"{what}: not reached in {timeout}s")


async def sign_up(http: httpx.AsyncClient, name: str) -> dict[str, str]:
    slug = name.lower().replace(" ", "")
    signup = await http.post("/api/clients/signup", json={"company_name": name, "time_zone": "America/New_York",
                                                          "admin": {"first_name": "Ann", "last_name": "Admin",
                                                                    "email": f"ann@{slug}.com", "password": PASSWORD}})
    assert signup.status_code == 201, signup.text
    return {"authorization": f"Bearer {signup.json()['tokens']['access_token']}"}


async def billing_plan(http: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any] | None:
    answer = await http.get("/api/billing/plan", headers=admin)
    return dict(answer.json()) if answer.status_code == 200 else None


async def texting_knows(http: httpx.AsyncClient, admin: dict[str, str]) -> bool:
    """Texting has a plan for the company (billing.plan.changed read), in its trial or after it."""
    return (await http.get("/api/texting/status", headers=admin)).json().get("plan") is not None


async def turn_on(http: httpx.AsyncClient, admin: dict[str, str]) -> httpx.Response:
    return await http.post("/api/texting/turn-on", headers=admin)


async def test_r_plan_1_r_text_1_no_texting_in_the_trial_nor_on_lite_through_the_gateway(
        processes, kafka_bootstrap_servers, postgres_admin_url) -> None:  # type: ignore[no-untyped-def]
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    twilio = await suite.start_sandbox("twilio")
    held = hold_port()  # the gateway's, named to texting before the gateway starts
    gateway_port = held.getsockname()[1]
    try:
        await suite.start("clients")
        await suite.start("texting", TWILIO_API_BASE=twilio,
                          TEXTING_WEBHOOK_BASE_URL=f"http://127.0.0.1:{gateway_port}/api/texting")
        await suite.start("billing", BILLING_TRIAL_LENGTH_SECONDS=str(TRIAL_SECONDS),
                          BILLING_PLANS_JOB_INTERVAL_SECONDS="0.5")
    finally:
        held.close()
    gateway = await suite.start_gateway(port=gateway_port)
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        # The company that will choose nothing signs up first. Once texting has its plan, billing and
        # texting are through their start and whatever backlog earlier tests left them, so the other
        # company's trial is spent on its own checks, not on the consumers catching up.
        idle = await sign_up(http, "Idle Paws")
        await eventually(lambda: texting_knows(http, idle), "texting has the first company's plan")
        admin = await sign_up(http, "Trial Paws")

        # Signed up: a trial on Team, and texting knows it (billing.plan.changed at registration).
        plan = await eventually(lambda: billing_plan(http, admin), "billing knows the company")
        assert (plan["plan"], plan["chosen"], plan["in_trial"], plan["texting_included"]) == (
            "team", False, True, False)
        await eventually(lambda: texting_has(http, admin, "team", in_trial=True), "texting has the trial")
        refused = await turn_on(http, admin)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "plan_does_not_include_texting"

        # Solo chosen during the trial: kept, but still no texting while the trial lasts (R-TEXT-1).
        chosen = await choose_plan(http, admin, "solo")
        assert (chosen["plan"], chosen["in_trial"], chosen["texting_included"]) == ("solo", True, False)
        await eventually(lambda: texting_has(http, admin, "solo", in_trial=True), "texting has Solo in trial")
        assert (await turn_on(http, admin)).status_code == 409
        assert (await billing_plan(http, admin) or {}).get("in_trial") is True, "the trial ended mid-test"

        # The trial ends (billing's job): Solo can text.
        await eventually(lambda: texting_has(http, admin, "solo"), "texting hears that the trial ended",
                         timeout=TRIAL_SECONDS + WAIT_SECONDS)
        plan = await billing_plan(http, admin)
        assert plan is not None and (plan["plan"], plan["in_trial"], plan["texting_included"]) == ("solo", False, True)
        assert (await turn_on(http, admin)).status_code == 200

        # Lite: texting goes off and cannot be turned on again.
        assert (await choose_plan(http, admin, "lite"))["texting_included"] is False
        await eventually(lambda: texting_has(http, admin, "lite"), "texting has Lite")
        status = (await http.get("/api/texting/status", headers=admin)).json()
        assert status["cannot_text_staff_because"], status
        refused = await turn_on(http, admin)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "plan_does_not_include_texting"

        # The company that chose nothing is on Lite after its trial: no texting either.
        await eventually(lambda: texting_has(http, idle, "lite"), "the idle company falls to Lite")
        plan = await billing_plan(http, idle)
        assert plan is not None and (plan["plan"], plan["chosen"], plan["in_trial"]) == ("lite", False, False)
        assert (await turn_on(http, idle)).status_code == 409

        # Roles: only managers read the plan, only the admin changes it (the gateway checks too).
        assert (await http.get("/api/billing/plan")).status_code == 401
