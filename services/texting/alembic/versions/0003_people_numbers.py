"""people.numbers: match an inbound sender with an index instead of scanning the company"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("people", sa.Column("numbers", ARRAY(sa.Text), nullable=False, server_default="{}"))
    op.create_index("people_numbers", "people", ["numbers"], postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("people_numbers", table_name="people")
    op.drop_column("people", "numbers")
