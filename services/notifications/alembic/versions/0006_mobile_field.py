"""companies.mobile_field: texting's "client phone number field" setting (R-TEXT-4), from
texting.mobile_field.changed, so the number texted is the one texting's setting names"""

import sqlalchemy as sa
from alembic import op

revision = "0006_mobile_field"
down_revision = "0003_outbox_published_to"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("companies", sa.Column("mobile_field", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("companies", "mobile_field")
