"""Templates (repeat schedules) and their approved periods: R-SCHED-5."""

from alembic import op
from scheduling.adapters.templates_tables import TEMPLATE_TABLES

revision = "0004_templates"
down_revision = "0003_requests_and_field"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in TEMPLATE_TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TEMPLATE_TABLES):
        table.drop(op.get_bind())
