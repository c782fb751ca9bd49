"""The table of company plans and free trials (R-PLAN-1), in billing's `metadata`; created by its own
alembic revision (0004_plans). One row per company."""

from sqlalchemy import Boolean, CheckConstraint, Column, Date, DateTime, Index, Table, Text, Uuid, func

from billing.adapters.tables import metadata

company_plans = Table(
    "company_plans", metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("plan", Text, nullable=False, comment="lite, solo or team: the plan held (team during a trial)"),
    Column("chosen", Boolean, nullable=False, comment="false while the trial's plan was not picked by the company"),
    Column("trial_started_on", Date, nullable=True, comment="the company's local day of registration"),
    Column("trial_ends_at", DateTime(timezone=True), nullable=True,
           comment="local midnight after the 14th day; null: no trial"),
    Column("time_zone", Text, nullable=True, comment="the IANA zone the trial's days are counted in"),
    Column("trial_over", Boolean, nullable=False, server_default="false",
           comment="true once the trial's end was applied and billing.plan.changed published (once)"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("plan IN ('lite', 'solo', 'team')", name="company_plans_plan"),
    # The periodic job's question: whose trial ended and was not announced yet.
    Index("company_plans_trial_due", "trial_ends_at", postgresql_where="NOT trial_over"),
)
