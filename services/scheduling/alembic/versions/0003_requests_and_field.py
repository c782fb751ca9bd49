"""Client requests (service requests, change/cancellation requests, cut-offs) and what happens in the
field (completion notes, late reports): R-SCHED-6..9, R-REQ-1..7."""

from alembic import op
from scheduling.adapters.requests_tables import REQUEST_TABLES

revision = "0003_requests_and_field"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in REQUEST_TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(REQUEST_TABLES):
        table.drop(op.get_bind())
