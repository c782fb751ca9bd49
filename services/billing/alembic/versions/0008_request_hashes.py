"""the fingerprint of the request behind a payment attempt or a refund (R-PAY-3): a reused
Idempotency-Key with another request is refused (422 idempotency_key_reused). Frozen copies of the
two columns billing/adapters/payments_tables.py adds at this revision."""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("payments", "payment_refunds"):
        op.add_column(table, sa.Column("request_hash", sa.Text, nullable=True,
                                       comment="petcare_kit.idempotency.request_hash of the keyed request"))


def downgrade() -> None:
    for table in ("payment_refunds", "payments"):
        op.drop_column(table, "request_hash")
