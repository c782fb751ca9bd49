"""The daylight-saving choice of domain/local_time.py: a start in the spring-forward gap moves
forward by the gap; a start that happens twice on a fall-back day is the first one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import uuid4

import pytest
from scheduling.domain import local_time
from scheduling.domain.catalogue import ScheduleBlock
from scheduling.domain.errors import InvalidTimeZone
from scheduling.domain.visits import place

NEW_YORK = local_time.zone("America/New_York")
SPRING_FORWARD, FALL_BACK = date(2026, 3, 8), date(2026, 11, 1)


def test_dst_a_visit_at_0230_on_the_spring_forward_day_moves_forward_by_the_gap_to_0330() -> None:
    resolved = local_time.resolve(SPRING_FORWARD, time(2, 30), NEW_YORK)

    assert resolved.shifted and not resolved.ambiguous
    assert resolved.local.time() == time(3, 30)
    assert resolved.instant == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_dst_a_visit_at_0130_on_the_fall_back_day_is_the_first_0130_still_daylight_time() -> None:
    resolved = local_time.resolve(FALL_BACK, time(1, 30), NEW_YORK)

    assert resolved.ambiguous and not resolved.shifted
    assert resolved.instant == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # EDT, UTC-4
    assert resolved.local.utcoffset() is not None and resolved.local.utcoffset().total_seconds() == -4 * 3600


def test_dst_a_one_hour_visit_at_0130_on_the_fall_back_day_lasts_one_real_hour() -> None:
    where = place(FALL_BACK, time(1, 30), None, 60, NEW_YORK)

    assert where.ends_at - where.starts_at == datetime(2026, 1, 1, 1) - datetime(2026, 1, 1, 0)
    assert local_time.local(where.ends_at, NEW_YORK).strftime("%H:%M %Z") == "01:30 EST"


def test_dst_a_placed_visit_in_the_gap_keeps_the_real_local_start() -> None:
    where = place(SPRING_FORWARD, time(2, 30), None, 30, NEW_YORK)

    assert (where.start_time, where.shifted) == (time(3, 30), True)


def test_dst_9am_stays_9am_local_on_both_sides_of_the_change() -> None:
    before = local_time.instant(date(2026, 3, 7), time(9), NEW_YORK)
    after = local_time.instant(date(2026, 3, 9), time(9), NEW_YORK)

    assert (before.hour, after.hour) == (14, 13)


def test_a_block_visit_spans_the_blocks_window_in_local_time() -> None:
    block = ScheduleBlock(uuid4(), uuid4(), "Morning", time(7), time(11), frozenset({7}))
    where = place(SPRING_FORWARD, None, block, 30, NEW_YORK)

    # 07:00-11:00 EDT (UTC-4) on the day the clocks went forward at 02:00
    assert (where.starts_at, where.ends_at) == (datetime(2026, 3, 8, 11, tzinfo=UTC),
                                                datetime(2026, 3, 8, 15, tzinfo=UTC))
    assert where.start_time is None and where.block_id == block.id


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(name: str) -> None:
    with pytest.raises(InvalidTimeZone):
        local_time.zone(name)
