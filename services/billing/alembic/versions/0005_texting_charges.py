"""texting charges: numbers held, usage, periods and their charges (R-BILL-1..5)"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
