"""Spaces and the companies' facility settings."""

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, Integer, Table, Text, UniqueConstraint, Uuid, func

from facility.adapters.tables import metadata

spaces = Table(
    "spaces", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, comment="domain.spaces.name_key(name)"),
    Column("capacity", Integer, nullable=True, comment="pets it holds; over it warns (or refuses: settings)"),
    Column("pets_per_staff", Integer, nullable=True),
    Column("internal_note", Text, nullable=True, comment="for the business, never for clients"),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("company_id", "name_key", name="spaces_name_unique"),
    CheckConstraint("capacity IS NULL OR capacity > 0", name="spaces_capacity_positive"),
    CheckConstraint("pets_per_staff IS NULL OR pets_per_staff > 0", name="spaces_ratio_positive"),
)

facility_settings = Table(
    "facility_settings", metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("capacity_is_hard_limit", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

SPACE_TABLES = [spaces, facility_settings]
