"""R-SCHED-9: when a visit is late, without I/O (reporting it once is tested on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from scheduling.domain.lateness import REPORT_HORIZON, LateCandidate, is_late, late_at, minutes_late

NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 2, 9, 0, tzinfo=NY)


def visit(status: str = "scheduled", late_after: int | None = 15, staff: bool = True) -> LateCandidate:
    return LateCandidate(uuid4(), status, START, late_after, uuid4() if staff else None)


@pytest.mark.parametrize(("candidate", "now", "late"), [
    (visit(), START + timedelta(minutes=14, seconds=59), False),
    (visit(), START + timedelta(minutes=15), True),
    (visit(late_after=0), START, True),
    (visit(late_after=None), START + timedelta(hours=1), False),  # the service never alerts
    (visit(status="in_progress"), START + timedelta(hours=1), False),
    (visit(status="completed"), START + timedelta(hours=1), False),
    (visit(status="cancelled"), START + timedelta(hours=1), False),
    (visit(staff=False), START + timedelta(hours=1), False),  # nobody to be late
    (visit(), START + timedelta(minutes=15) + REPORT_HORIZON + timedelta(seconds=1), False),  # stale
])
def test_r_sched_9_late_after_the_service_s_delay(candidate: LateCandidate, now: datetime, late: bool) -> None:
    assert is_late(candidate, now) is late


def test_r_sched_9_late_is_counted_from_the_start_in_minutes() -> None:
    assert late_at(START, 15) == START + timedelta(minutes=15)
    assert minutes_late(START, START + timedelta(minutes=17, seconds=40)) == 17
    assert minutes_late(START, START - timedelta(minutes=5)) == 0
