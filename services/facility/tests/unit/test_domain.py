"""facility's pure rules: event times by service kind (R-FAC-2), nights in local dates across
daylight-saving changes, space occupancy warnings and the hard limit, statuses, copies (R-FAC-5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from facility.domain.catalogue import FacilityService, ServiceKind
from facility.domain.errors import (
    DateInPast,
    EventStatusConflict,
    InvalidEventTime,
    InvalidService,
    ServiceNotAllowed,
    SpaceFull,
)
from facility.domain.events import AddOn, EventStatus, EventTime, FacilityEvent
from facility.domain.spaces import FacilitySettings, Space, check_hard_capacity, occupancy_warnings

NY = ZoneInfo("America/New_York")
DAYCARE, OVERNIGHT = ServiceKind.DAYCARE, ServiceKind.OVERNIGHT


def test_r_fac_2_daycare_is_one_date_with_a_start_before_its_end() -> None:
    when = EventTime.of(DAYCARE, date(2026, 6, 1), None, time(8), time(17, 30))
    assert (when.starts_on, when.ends_on, when.nights, when.occupied_dates) == (
        date(2026, 6, 1), date(2026, 6, 1), None, [date(2026, 6, 1)])
    for ends_on, start, end in ((None, time(17), time(8)), (None, time(9), time(9)), (None, time(9), None),
                                (date(2026, 6, 2), time(8), time(17))):
        with pytest.raises(InvalidEventTime):
            EventTime.of(DAYCARE, date(2026, 6, 1), ends_on, start, end)


def test_r_fac_2_an_overnight_stay_is_a_date_range_without_times() -> None:
    when = EventTime.of(OVERNIGHT, date(2026, 6, 1), date(2026, 6, 4), None, None)
    assert when.nights == 3 and when.occupied_dates == [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)]
    for ends_on, start in ((date(2026, 6, 1), None), (date(2026, 5, 30), None), (None, None),
                           (date(2026, 6, 4), time(9))):
        with pytest.raises(InvalidEventTime):
            EventTime.of(OVERNIGHT, date(2026, 6, 1), ends_on, start, None)


@pytest.mark.parametrize(("starts_on", "ends_on", "nights"), [
    (date(2026, 3, 7), date(2026, 3, 9), 2),  # spring forward (New York 2026-03-08): a 23-hour night
    (date(2026, 10, 31), date(2026, 11, 2), 2),  # fall back (2026-11-01): a 25-hour night
    (date(2026, 3, 8), date(2026, 3, 9), 1),
])
def test_r_fac_2_an_overnight_stay_across_a_daylight_saving_change_counts_one_night_per_date(
        starts_on: date, ends_on: date, nights: int) -> None:
    when = EventTime.of(OVERNIGHT, starts_on, ends_on, None, None)
    assert when.nights == nights
    # Counting hours would be wrong: the local midnights are 47 or 49 hours apart, not 48.
    elapsed = datetime.combine(ends_on, time(), NY).astimezone(UTC) - datetime.combine(starts_on, time(), NY)
    assert elapsed.total_seconds() != 24 * 3600 * nights


def _event(when: EventTime, pets: int = 1, status: EventStatus = EventStatus.SCHEDULED) -> FacilityEvent:
    return FacilityEvent(uuid4(), uuid4(), uuid4(), uuid4(), uuid4(), tuple(uuid4() for _ in range(pets)), when,
                         4500, True, "gate code", status)


def test_an_overnight_price_is_per_night_and_a_daycare_price_once() -> None:
    assert _event(EventTime.of(OVERNIGHT, date(2026, 3, 7), date(2026, 3, 10), None, None)).price_cents == 13500
    assert _event(EventTime.of(DAYCARE, date(2026, 3, 7), None, time(8), time(9))).price_cents == 4500


def test_statuses_go_scheduled_checked_in_checked_out_and_scheduled_cancelled() -> None:
    event = _event(EventTime.of(DAYCARE, date(2026, 6, 1), None, time(8), time(17)))
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    with pytest.raises(EventStatusConflict):
        event.checked_out(now)
    inside = event.checked_in(now)
    assert inside.status == EventStatus.CHECKED_IN and inside.revision == 2
    with pytest.raises(EventStatusConflict):
        inside.cancelled()
    with pytest.raises(EventStatusConflict):
        inside.changed(when=event.when)
    assert inside.checked_out(now).status == EventStatus.CHECKED_OUT
    assert event.cancelled().status == EventStatus.CANCELLED


def test_r_fac_4_an_add_on_on_its_own_date_is_one_of_the_event_s_dates() -> None:
    event = _event(EventTime.of(OVERNIGHT, date(2026, 6, 1), date(2026, 6, 3), None, None))
    bath = AddOn(uuid4(), uuid4(), 1500, True, date(2026, 6, 3), time(10))
    assert event.with_add_on(bath).add_ons == (bath,)
    with pytest.raises(InvalidEventTime):
        event.with_add_on(AddOn(uuid4(), uuid4(), 1500, True, date(2026, 6, 4)))


def test_r_fac_5_a_copy_is_a_new_scheduled_event_with_the_same_length_pets_space_note_and_add_ons() -> None:
    source = _event(EventTime.of(OVERNIGHT, date(2026, 6, 1), date(2026, 6, 3), None, None),
                    status=EventStatus.CHECKED_OUT)
    source = FacilityEvent(**{**source.__dict__, "add_ons": (AddOn(uuid4(), uuid4(), 1500, True, date(2026, 6, 2)),)})
    copy = source.copied_to(uuid4(), date(2026, 7, 10), [uuid4()])
    assert copy.id != source.id and copy.duplicated_from == source.id and copy.status == EventStatus.SCHEDULED
    assert (copy.when.starts_on, copy.when.ends_on) == (date(2026, 7, 10), date(2026, 7, 12))
    assert (copy.pet_ids, copy.space_id, copy.note) == (source.pet_ids, source.space_id, source.note)
    assert copy.add_ons[0].on == date(2026, 7, 11) and copy.add_ons[0].id != source.add_ons[0].id


def test_r_fac_5_a_copy_must_start_after_the_company_s_local_now() -> None:
    now = datetime(2026, 6, 2, 3, 0, tzinfo=UTC)  # 23:00 on 1 June in New York
    EventTime.of(OVERNIGHT, date(2026, 6, 2), date(2026, 6, 3), None, None).check_future(now, NY)
    for when in (EventTime.of(OVERNIGHT, date(2026, 6, 1), date(2026, 6, 3), None, None),
                 EventTime.of(DAYCARE, date(2026, 6, 1), None, time(22), time(23, 30))):
        with pytest.raises(DateInPast):
            when.check_future(now, NY)
    EventTime.of(DAYCARE, date(2026, 6, 1), None, time(23, 30), time(23, 45)).check_future(now, NY)


def test_capacity_and_pets_per_staff_warn_and_capacity_refuses_only_as_a_hard_limit() -> None:
    space = Space(uuid4(), uuid4(), "Big room", capacity=3, pets_per_staff=2)
    warnings = occupancy_warnings(space, {date(2026, 6, 1): 3, date(2026, 6, 2): 4}, active_staff=1)
    assert [(w.code, w.on, w.pets, w.limit) for w in warnings] == [
        ("over_pets_per_staff", date(2026, 6, 1), 3, 2), ("over_capacity", date(2026, 6, 2), 4, 3),
        ("over_pets_per_staff", date(2026, 6, 2), 4, 2)]
    check_hard_capacity(space, FacilitySettings(space.company_id), warnings)
    with pytest.raises(SpaceFull) as refused:
        check_hard_capacity(space, FacilitySettings(space.company_id, capacity_is_hard_limit=True), warnings)
    assert refused.value.details["dates"] == [{"date": "2026-06-02", "pets": 4}]
    check_hard_capacity(space, FacilitySettings(space.company_id, True), warnings[:1])  # the ratio never blocks


def test_main_services_are_allowed_in_their_spaces_and_add_ons_on_their_main_services() -> None:
    room, other = uuid4(), uuid4()
    daycare = FacilityService(uuid4(), uuid4(), "Daycare", DAYCARE, 3000, True, space_ids=(room,))
    daycare.check_main_in(room)
    with pytest.raises(ServiceNotAllowed):
        daycare.check_main_in(other)
    bath = FacilityService(uuid4(), daycare.company_id, "Bath", ServiceKind.ADD_ON, 1500, False,
                           main_service_ids=(daycare.id,))
    bath.check_add_on_to(daycare.id)
    with pytest.raises(ServiceNotAllowed):
        bath.check_main_in(room)
    with pytest.raises(ServiceNotAllowed):
        bath.check_add_on_to(uuid4())
    with pytest.raises(InvalidService):
        FacilityService(uuid4(), uuid4(), "Bath", ServiceKind.ADD_ON, 1, False).check_shape()
