"""facility events on invoice lines and billing's answers to facility's commands (R-FAC-4, R-FAC-6).
Frozen copies of what billing/adapters/invoices_tables.py (two columns, one index) and
billing/adapters/facility_commands_tables.py hold at this revision."""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoice_lines", sa.Column("facility_event_id", sa.Uuid, nullable=True,
                                             comment="a facility event's line (0007_facility_commands)"))
    op.add_column("invoice_lines", sa.Column("add_on_id", sa.Uuid, nullable=True,
                                             comment="with facility_event_id: one of the event's add-ons"))
    op.create_index("invoice_lines_by_facility_event", "invoice_lines", ["company_id", "facility_event_id"],
                    postgresql_where=sa.text("facility_event_id IS NOT NULL"))
    op.create_table(
        "facility_command_answers",
        sa.Column("request_id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("command", sa.Text, nullable=False, comment="the command's event type"),
        sa.Column("outcome", sa.Text, nullable=False, comment="done or refused"),
        sa.Column("code", sa.Text, nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        comment="each command on billing.commands is answered once (a replay finds its answer here)",
    )


def downgrade() -> None:
    op.drop_table("facility_command_answers")
    op.drop_index("invoice_lines_by_facility_event", table_name="invoice_lines")
    op.drop_column("invoice_lines", "add_on_id")
    op.drop_column("invoice_lines", "facility_event_id")
