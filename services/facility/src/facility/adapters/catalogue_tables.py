"""The facility's service list (main services and add-ons)."""

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, Integer, Table, Text, UniqueConstraint, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY

from facility.adapters.tables import metadata

facility_services = Table(
    "facility_services", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("kind", Text, nullable=False, comment="daycare, overnight or add_on"),
    Column("price_cents", Integer, nullable=False, comment="per day (daycare), per night (overnight), once (add-on)"),
    Column("taxable", Boolean, nullable=False),
    Column("space_ids", ARRAY(Uuid), nullable=False, server_default="{}", comment="main: allowed spaces, none: any"),
    Column("main_service_ids", ARRAY(Uuid), nullable=False, server_default="{}", comment="add-on: its main services"),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("company_id", "name_key", name="facility_services_name_unique"),
    CheckConstraint("price_cents >= 0", name="facility_services_price"),
)

CATALOGUE_TABLES = [facility_services]
