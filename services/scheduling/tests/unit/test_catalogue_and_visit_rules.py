"""The catalogue (R-SCHED-1, R-SCHED-2), visits (R-SCHED-3) and staff conflicts (R-SCHED-4) as pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.conflicts import check_no_conflicts, conflicts
from scheduling.domain.errors import (
    BlockNotAllowed,
    InvalidBlock,
    InvalidVisitTime,
    PetsNotAllowed,
    ServiceDisabled,
    StaffConflict,
    VisitStatusConflict,
)
from scheduling.domain.visits import Visit, VisitStatus, check_pets, place

COMPANY, STAFF = uuid4(), uuid4()
MONDAY = date(2026, 6, 1)


def block(starts: int = 7, ends: int = 11, weekdays: set[int] | None = None) -> ScheduleBlock:
    return ScheduleBlock(uuid4(), COMPANY, "Morning", time(starts), time(ends), frozenset(weekdays or {1, 2, 3, 4, 5}))


def timed(hour: float, minutes: int = 60, staff: UUID | None = STAFF,
          status: VisitStatus = VisitStatus.SCHEDULED) -> Visit:
    start = datetime(2026, 6, 1, tzinfo=UTC) + timedelta(hours=hour)
    return Visit(uuid4(), COMPANY, uuid4(), (uuid4(),), uuid4(), MONDAY, start.time(), None, minutes, start,
                 start + timedelta(minutes=minutes), staff_id=staff, status=status)


def in_block(starts: int, ends: int, minutes: int = 30) -> Visit:
    start, end = datetime(2026, 6, 1, starts, tzinfo=UTC), datetime(2026, 6, 1, ends, tzinfo=UTC)
    return Visit(uuid4(), COMPANY, uuid4(), (uuid4(),), uuid4(), MONDAY, None, uuid4(), minutes, start, end,
                 staff_id=STAFF)


def test_r_sched_2_a_block_ends_after_it_starts_and_has_weekdays() -> None:
    with pytest.raises(InvalidBlock):
        block(11, 7)
    with pytest.raises(InvalidBlock):
        ScheduleBlock(uuid4(), COMPANY, "Never", time(7), time(8), frozenset())
    with pytest.raises(InvalidBlock):
        ScheduleBlock(uuid4(), COMPANY, "Day eight", time(7), time(8), frozenset({8}))


def test_r_sched_1_a_service_is_booked_only_in_its_blocks_on_their_weekdays_and_while_active() -> None:
    morning, weekend = block(), block(weekdays={6, 7})
    service = Service(uuid4(), COMPANY, "Dog walk", 30, 2500, block_ids=(morning.id,))

    service.check_block(morning, MONDAY)
    with pytest.raises(BlockNotAllowed):
        service.check_block(weekend, MONDAY)
    with pytest.raises(BlockNotAllowed):
        service.check_block(morning, MONDAY + timedelta(days=5))  # a Saturday
    with pytest.raises(BlockNotAllowed):
        service.check_block(morning.changed(active=False), MONDAY)
    with pytest.raises(ServiceDisabled):
        service.changed(active=False).check_bookable()
    Service(uuid4(), COMPANY, "Any block", 30, 2500).check_block(weekend, MONDAY + timedelta(days=6))


def test_r_sched_1_renaming_or_disabling_keeps_the_service_and_its_id() -> None:
    service = Service(uuid4(), COMPANY, "Dog walk", 30, 2500)
    changed = service.changed(name="Dog walk (30 min)", active=False)

    assert (changed.id, changed.name, changed.active, changed.price_cents) == (service.id, "Dog walk (30 min)",
                                                                               False, 2500)


def test_r_sched_3_a_visit_has_a_start_time_or_a_block_not_both_nor_neither() -> None:
    tz = ZoneInfo("America/New_York")
    with pytest.raises(InvalidVisitTime):
        place(MONDAY, None, None, 30, tz)
    with pytest.raises(InvalidVisitTime):
        place(MONDAY, time(9), block(), 30, tz)


def test_r_sched_3_only_the_clients_own_active_pets_and_at_least_one() -> None:
    mine, other = uuid4(), uuid4()
    check_pets((mine,), {mine})
    with pytest.raises(PetsNotAllowed) as refused:
        check_pets((mine, other), {mine})
    assert refused.value.details == {"pet_ids": [str(other)]}
    with pytest.raises(PetsNotAllowed):
        check_pets((), {mine})


def test_r_sched_3_statuses_go_scheduled_in_progress_completed_or_scheduled_cancelled() -> None:
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    visit = timed(9)
    done = visit.started(now).completed(now + timedelta(minutes=30))
    assert (done.status, done.started_at) == (VisitStatus.COMPLETED, now)
    cancelled = visit.cancelled()
    assert cancelled.status == VisitStatus.CANCELLED
    for action in (lambda: done.cancelled(), lambda: cancelled.started(now), lambda: cancelled.cancelled(),
                   lambda: done.reassigned(None), lambda: done.check_can("delete")):
        with pytest.raises(VisitStatusConflict):
            action()
    assert done.changed(staff_note="Gate code 1234").staff_note == "Gate code 1234"


def test_r_sched_4_overlapping_timed_visits_of_one_staff_member_conflict_back_to_back_do_not() -> None:
    nine, half_past, ten = timed(9), timed(9.5), timed(10)
    other_staff, cancelled = timed(9, staff=uuid4()), timed(9, status=VisitStatus.CANCELLED)

    assert conflicts(nine, [half_past, ten, other_staff, cancelled, nine]) == [half_past]


def test_r_sched_4_a_block_visit_conflicts_only_when_a_timed_visit_leaves_it_no_room() -> None:
    morning = in_block(7, 11, minutes=60)
    assert conflicts(morning, [timed(8, minutes=60)]) == []  # 07:00-08:00 or 09:00-11:00 are free
    filling = timed(7.5, minutes=180)  # 07:30-10:30 leaves 30 minutes on each side
    assert conflicts(morning, [filling]) == [filling]
    assert conflicts(morning, [in_block(7, 11)]) == []  # a sitter orders the visits of one block


def test_r_sched_4_the_refusal_names_the_conflicting_visits_unless_overridden() -> None:
    nine, half_past = timed(9), timed(9.5)
    with pytest.raises(StaffConflict) as refused:
        check_no_conflicts(nine, [half_past], override=False)
    assert [c["visit_id"] for c in refused.value.details["conflicts"]] == [str(half_past.id)]
    assert check_no_conflicts(nine, [half_past], override=True) == [half_past]
    assert conflicts(timed(9, staff=None), [timed(9, staff=None)]) == []
