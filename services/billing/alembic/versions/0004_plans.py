"""company plans and their free trials (R-PLAN-1, R-TEXT-1)"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A frozen copy of adapters/plans_tables.py as it is at this revision.
    op.create_table(
        "company_plans",
        sa.Column("company_id", sa.Uuid, primary_key=True),
        sa.Column("plan", sa.Text, nullable=False, comment="lite, solo or team: the plan held (team during a trial)"),
        sa.Column("chosen", sa.Boolean, nullable=False,
                  comment="false while the trial's plan was not picked by the company"),
        sa.Column("trial_started_on", sa.Date, nullable=True, comment="the company's local day of registration"),
        sa.Column("trial_ends_at", sa.DateTime(timezone=True), nullable=True,
                  comment="local midnight after the 14th day; null: no trial"),
        sa.Column("time_zone", sa.Text, nullable=True, comment="the IANA zone the trial's days are counted in"),
        sa.Column("trial_over", sa.Boolean, nullable=False, server_default="false",
                  comment="true once the trial's end was applied and billing.plan.changed published (once)"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("plan IN ('lite', 'solo', 'team')", name="company_plans_plan"),
    )
    op.create_index("company_plans_trial_due", "company_plans", ["trial_ends_at"],
                    postgresql_where=sa.text("NOT trial_over"))


def downgrade() -> None:
    op.drop_index("company_plans_trial_due", table_name="company_plans")
    op.drop_table("company_plans")
