"""usage months published to billing"""

from alembic import op
from texting.adapters.tables import usage_months

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    usage_months.create(op.get_bind())


def downgrade() -> None:
    op.drop_table("usage_months")
