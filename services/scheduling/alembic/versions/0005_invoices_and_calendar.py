"""The invoice read model behind "Send Confirmation" (R-SCHED-10) and the calendar feed addresses
(R-SCHED-12)."""

from alembic import op
from scheduling.adapters.calendar_tables import CALENDAR_TABLES
from scheduling.adapters.invoices_tables import INVOICE_TABLES

revision = "0005_invoices_and_calendar"
down_revision = "0004_templates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in [*INVOICE_TABLES, *CALENDAR_TABLES]:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed([*INVOICE_TABLES, *CALENDAR_TABLES]):
        table.drop(op.get_bind())
