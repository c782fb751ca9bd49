"""company plans and their free trials (R-PLAN-1, R-TEXT-1)"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
