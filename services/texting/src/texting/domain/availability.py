"""Can this company text now, and why not (R-TEXT-1, R-TEXT-2, R-TEXT-3, R-DELIV-9)?"""

from __future__ import annotations

from dataclasses import dataclass

from petcare_kit.errors import Conflict

TEXTING_PLANS = frozenset({"solo", "team"})


@dataclass(frozen=True)
class CompanyTexting:
    plan: str | None
    in_trial: bool
    turned_on: bool
    number: str | None
    registration_status: str


def plan_blockers(plan: str | None, in_trial: bool) -> list[str]:
    """R-TEXT-1: Solo and Team plans, never during the free trial."""
    if plan not in TEXTING_PLANS:
        return [f"the {plan.title() if plan else 'current'} plan does not include texting (Solo or Team do)"]
    if in_trial:
        return ["texting is not available during the free trial"]
    return []


def check_can_turn_on(plan: str | None, in_trial: bool) -> None:
    blockers = plan_blockers(plan, in_trial)
    if blockers:
        raise Conflict(blockers[0].capitalize() + ".", code="plan_does_not_include_texting")


def blockers(company: CompanyTexting, *, to_client: bool) -> list[str]:
    """Why a text cannot be sent now; empty when it can. Texts to clients also need the A2P 10DLC
    registration approved (R-TEXT-3); staff can be texted before."""
    reasons = plan_blockers(company.plan, company.in_trial)
    if not company.turned_on:
        reasons.append("texting is not turned on for the company")
    if company.number is None:
        reasons.append("the company has no texting number yet")
    if to_client and company.registration_status != "APPROVED":
        reasons.append(f"the A2P 10DLC registration is not approved (status {company.registration_status})")
    return reasons
