"""R-SCHED-9: late visits reported exactly once, with two job instances racing on one database and
after a restart, on a real PostgreSQL.

The clock is frozen (scheduling's `Context.now`, the one clock its use cases read) at noon, New York
time, of the current local date: visits are booked as local "HH:MM", so with the real clock a test
run just after local midnight, in DST's repeated or skipped hour, or slowed by a busy machine past
the next whole minute would book other instants than it means (or report other minutes late)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scheduling.entrypoints.field_jobs import late_job, report_late_once
from scheduling.service_layer.context import Context

from ..conftest import Service, World
from .test_requests_api import NY, book, service, setup

__all__ = ["service"]


NOON = datetime.now(UTC).astimezone(NY).replace(hour=12, minute=0, second=0, microsecond=0)
"""Today's local noon: it exists once on every date (DST changes at 2 a.m.) and leaves an hour each way."""


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Context, "now", staticmethod(lambda: NOON.astimezone(UTC)))


async def book_started_ago(service: Service, world: World, walk: dict[str, Any], minutes: int) -> dict[str, Any]:
    """A visit assigned to the staff member that should have started `minutes` before NOON (New York time)."""
    start = NOON - timedelta(minutes=minutes)
    return await book(service, world, walk, day=start.date().isoformat(), at=start.strftime("%H:%M"), staff=True)


async def test_r_sched_9_two_job_instances_racing_report_each_late_visit_exactly_once(service: Service) -> None:
    world, _, walk = await setup(service, late_minutes=15)
    late = await book_started_ago(service, world, walk, 20)
    also_late = await book_started_ago(service, world, walk, 40)
    in_time = await book_started_ago(service, world, walk, 25)
    assert (await service.call(world.staff, "POST", f"/visits/{in_time['id']}/start")).status_code == 200
    not_yet = await book_started_ago(service, world, walk, 5)

    sessions = service.runtime.sessions
    first, second = late_job(sessions), late_job(sessions)
    counts = await asyncio.gather(first.run_once(), second.run_once(), report_late_once(sessions))
    assert sum(c or 0 for c in counts) == 2

    reports = await service.published("scheduling.visit.staff_late")
    assert sorted(r["visit_id"] for r in reports) == sorted([late["id"], also_late["id"]])
    assert not {in_time["id"], not_yet["id"]} & {r["visit_id"] for r in reports}
    by_visit = {r["visit_id"]: r for r in reports}
    assert by_visit[late["id"]]["staff_id"] == str(world.staff_id)
    assert by_visit[late["id"]]["minutes_late"] == 20
    assert by_visit[late["id"]]["visit"]["service_name"] == "Dog walk"

    # A restart (a new job instance) finds nothing more to say.
    assert await late_job(sessions).run_once() == 0
    assert len(await service.published("scheduling.visit.staff_late")) == 2


async def test_r_sched_9_a_service_without_a_late_delay_never_alerts(service: Service) -> None:
    world, _, walk = await setup(service, late_minutes=None)
    await book_started_ago(service, world, walk, 60)
    assert await report_late_once(service.runtime.sessions) == 0
    assert await service.published("scheduling.visit.staff_late") == []
