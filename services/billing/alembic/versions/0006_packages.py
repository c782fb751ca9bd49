"""packages, clients' packages and redemptions (R-PKG-1). Frozen copies of
billing/adapters/packages_tables.py as they were at this revision."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packages",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("price_cents", sa.Integer, nullable=True),
        sa.Column("discount_percent", sa.Numeric(5, 2), nullable=True),
        sa.Column("covers", JSONB, nullable=False),
        sa.Column("use_limit", sa.Text, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("(price_cents IS NULL) <> (discount_percent IS NULL)", name="packages_price_or_discount"),
    )
    op.create_index("packages_by_company_name", "packages", ["company_id", "name"])
    op.create_table(
        "client_packages",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("package_id", sa.Uuid, sa.ForeignKey("packages.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("price_cents", sa.Integer, nullable=True),
        sa.Column("discount_percent", sa.Numeric(5, 2), nullable=True),
        sa.Column("covers", JSONB, nullable=False),
        sa.Column("use_limit", sa.Text, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("invoice_id", sa.Uuid, nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("client_packages_by_client", "client_packages", ["company_id", "client_id"])
    op.create_index("client_packages_by_package", "client_packages", ["company_id", "package_id"])
    op.create_table(
        "package_redemptions",
        sa.Column("client_package_id", sa.Uuid, sa.ForeignKey("client_packages.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("item_id", sa.Uuid, nullable=False),
        sa.Column("service_id", sa.Uuid, nullable=False),
        sa.Column("redeemed_on", sa.Date, nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("company_id", "kind", "item_id", name="package_redemptions_once"),
    )
    op.create_index("package_redemptions_by_package", "package_redemptions", ["client_package_id"])


def downgrade() -> None:
    op.drop_table("package_redemptions")
    op.drop_table("client_packages")
    op.drop_table("packages")
