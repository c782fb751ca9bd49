"""R-PLAN-1 (and R-TEXT-1): plans and the 14-day free trial, in the company's local dates."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from billing.domain.plans import CompanyPlan, Plan, trial_end, trial_ends_at

NEW_YORK = ZoneInfo("America/New_York")
COMPANY = uuid4()


def at(day: date, hour: int = 12, zone: ZoneInfo = NEW_YORK) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def test_r_plan_1_the_trial_lasts_14_local_days_from_the_local_day_of_registration() -> None:
    # 23:30 in New York on Feb 20 is already Feb 21 in UTC: the trial starts on the local day.
    registered = datetime(2026, 2, 21, 4, 30, tzinfo=UTC)
    company = CompanyPlan.start_trial(COMPANY, registered, NEW_YORK)
    assert company.trial_started_on == date(2026, 2, 20)
    assert trial_end(date(2026, 2, 20)) == date(2026, 3, 6)
    assert company.trial_ends_at == datetime(2026, 3, 6, 0, 0, tzinfo=NEW_YORK)
    assert company.in_trial_at(registered)
    assert company.trial_days_left(registered) == 14
    assert company.in_trial_at(at(date(2026, 3, 5), 23))  # the 14th day, late evening
    assert company.trial_days_left(at(date(2026, 3, 5))) == 1
    assert not company.in_trial_at(datetime(2026, 3, 6, 0, 0, tzinfo=NEW_YORK))
    assert company.trial_days_left(at(date(2026, 3, 6))) == 0


def test_r_plan_1_the_trial_ends_at_local_midnight_across_a_clock_change() -> None:
    # New York moves to daylight time on 2026-03-08: the end is still local midnight (04:00 UTC).
    assert trial_ends_at(date(2026, 3, 1), NEW_YORK) == datetime(2026, 3, 15, 4, 0, tzinfo=UTC)
    assert trial_ends_at(date(2026, 2, 1), NEW_YORK) == datetime(2026, 2, 15, 5, 0, tzinfo=UTC)


def test_r_plan_1_a_new_company_has_team_in_its_trial_and_lite_after_it_without_a_choice() -> None:
    company = CompanyPlan.start_trial(COMPANY, at(date(2026, 1, 1)), NEW_YORK)
    assert (company.plan, company.chosen) == (Plan.TEAM, False)
    assert company.plan_at(at(date(2026, 1, 10))) == Plan.TEAM
    assert company.plan_at(at(date(2026, 1, 15))) == Plan.LITE  # ended, not yet applied by the job
    ended = company.end_trial()
    assert (ended.plan, ended.trial_over) == (Plan.LITE, True)


def test_r_plan_1_a_plan_chosen_during_the_trial_is_kept_after_it() -> None:
    company = CompanyPlan.start_trial(COMPANY, at(date(2026, 1, 1)), NEW_YORK).choose(Plan.SOLO)
    assert company.plan_at(at(date(2026, 1, 5))) == Plan.SOLO and company.in_trial_at(at(date(2026, 1, 5)))
    assert company.plan_at(at(date(2026, 1, 20))) == Plan.SOLO
    assert company.end_trial().plan == Plan.SOLO


def test_r_plan_1_without_a_trial_the_company_is_never_in_one() -> None:
    company = CompanyPlan(COMPANY, Plan.TEAM)
    assert not company.in_trial_at(at(date(2026, 1, 1)))
    assert company.plan_at(at(date(2026, 1, 1))) == Plan.TEAM


@pytest.mark.parametrize(("plan", "allowed"), [(Plan.LITE, False), (Plan.SOLO, True), (Plan.TEAM, True)])
def test_r_text_1_texting_follows_the_plan_and_never_in_trial(plan: Plan, allowed: bool) -> None:
    in_trial = CompanyPlan.start_trial(COMPANY, at(date(2026, 1, 1)), NEW_YORK).choose(plan)
    assert in_trial.texting_allowed_at(at(date(2026, 1, 5))) is False
    assert in_trial.texting_allowed_at(at(date(2026, 1, 15))) is allowed
    assert in_trial.end_trial().texting_allowed_at(at(date(2026, 1, 15))) is allowed
    assert CompanyPlan(COMPANY, plan).texting_allowed_at(at(date(2026, 1, 5))) is allowed


def test_r_plan_1_a_test_trial_length_is_a_span_from_registration() -> None:
    registered = at(date(2026, 1, 1))
    company = CompanyPlan.start_trial(COMPANY, registered, NEW_YORK, timedelta(seconds=5))
    assert company.in_trial_at(registered + timedelta(seconds=4))
    assert not company.in_trial_at(registered + timedelta(seconds=5))
    assert company.trial_days_left(registered) == 1


def test_r_plan_1_a_company_that_moves_keeps_its_trial_days_ending_at_its_new_midnight() -> None:
    company = CompanyPlan.start_trial(COMPANY, at(date(2026, 1, 1)), NEW_YORK)
    moved = company.retimed(ZoneInfo("America/Los_Angeles"))
    assert moved.trial_started_on == date(2026, 1, 1)
    assert moved.trial_ends_at == datetime(2026, 1, 15, 0, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert company.end_trial().retimed(ZoneInfo("America/Los_Angeles")) == company.end_trial()
