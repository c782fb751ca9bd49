"""usage months published to billing"""

from alembic import op
from texting.adapters.tables import usage_months

revision = "0002"
down_revision = "kit_idempotency_keys"  # the kit's table comes right after 0001 (one linear chain)
branch_labels = None
depends_on = None


def upgrade() -> None:
    usage_months.create(op.get_bind())


def downgrade() -> None:
    op.drop_table("usage_months")
