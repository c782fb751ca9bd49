"""R-PLAN-1 (and R-TEXT-1): plans and the 14-day free trial."""

from datetime import date

import pytest
from billing.domain.plans import CompanyPlan, Plan, trial_end


def test_r_plan_1_the_trial_lasts_14_days() -> None:
    company = CompanyPlan(Plan.SOLO, trial_started_on=date(2026, 2, 20))
    assert trial_end(date(2026, 2, 20)) == date(2026, 3, 6)
    assert company.in_trial_on(date(2026, 2, 20))
    assert company.trial_days_left(date(2026, 2, 20)) == 14
    assert company.in_trial_on(date(2026, 3, 5))  # the 14th day
    assert company.trial_days_left(date(2026, 3, 5)) == 1
    assert not company.in_trial_on(date(2026, 3, 6))
    assert not company.in_trial_on(date(2026, 2, 19))
    assert company.trial_days_left(date(2026, 3, 6)) == 0


def test_r_plan_1_without_a_trial_the_company_is_never_in_one() -> None:
    assert not CompanyPlan(Plan.TEAM).in_trial_on(date(2026, 1, 1))


@pytest.mark.parametrize(("plan", "allowed"), [(Plan.LITE, False), (Plan.SOLO, True), (Plan.TEAM, True)])
def test_r_plan_1_texting_follows_the_plan_and_not_in_trial(plan: Plan, allowed: bool) -> None:
    started = date(2026, 1, 1)
    assert CompanyPlan(plan, trial_started_on=started).texting_allowed_on(date(2026, 1, 5)) is False
    assert CompanyPlan(plan, trial_started_on=started).texting_allowed_on(date(2026, 1, 15)) is allowed
    assert CompanyPlan(plan).texting_allowed_on(date(2026, 1, 5)) is allowed
