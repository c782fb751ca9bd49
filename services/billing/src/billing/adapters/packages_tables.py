"""The tables of packages (R-PKG-1), on billing's `metadata`; created by their own alembic revision
(0006_packages, frozen copies). Every row carries its `company_id`. A client's package copies the
package's terms when it is added (later edits of the package change later sales only)."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from billing.adapters.tables import metadata

packages = Table(
    "packages", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("price_cents", Integer, nullable=True, comment="a set price in cents; null for a discount package"),
    Column("discount_percent", Numeric(5, 2), nullable=True),
    Column("covers", JSONB, nullable=False, comment='{"<service id>": count, ...}'),
    Column("use_limit", Text, nullable=False, comment="none, same_day, same_week or same_month"),
    Column("ends_on", Date, nullable=True, comment="last local date it can be redeemed; null: never ends"),
    Column("active", Boolean, nullable=False, server_default="true", comment="false: no longer sold"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("(price_cents IS NULL) <> (discount_percent IS NULL)", name="packages_price_or_discount"),
    Index("packages_by_company_name", "company_id", "name"),
)

client_packages = Table(
    "client_packages", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("package_id", Uuid, ForeignKey("packages.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("price_cents", Integer, nullable=True),
    Column("discount_percent", Numeric(5, 2), nullable=True),
    Column("covers", JSONB, nullable=False),
    Column("use_limit", Text, nullable=False),
    Column("ends_on", Date, nullable=True),
    Column("invoice_id", Uuid, nullable=True, comment="the invoice its set price went on"),
    Column("revision", Integer, nullable=False, comment="billing.package.changed's revision"),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("client_packages_by_client", "company_id", "client_id"),
    Index("client_packages_by_package", "company_id", "package_id"),
)

package_redemptions = Table(
    "package_redemptions", metadata,
    Column("client_package_id", Uuid, ForeignKey("client_packages.id", ondelete="CASCADE"), nullable=False),
    Column("company_id", Uuid, nullable=False),
    Column("kind", Text, nullable=False, comment="visit or facility_event"),
    Column("item_id", Uuid, nullable=False, comment="the visit's or facility event's id"),
    Column("service_id", Uuid, nullable=False),
    Column("redeemed_on", Date, nullable=False, comment="the item's local date"),
    Column("redeemed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # One package per visit or facility event: the key is the proof, even for two requests at once.
    UniqueConstraint("company_id", "kind", "item_id", name="package_redemptions_once"),
    Index("package_redemptions_by_package", "client_package_id"),
)

PACKAGE_TABLES = [packages, client_packages, package_redemptions]
"""What the 0006 revision creates, in order."""
