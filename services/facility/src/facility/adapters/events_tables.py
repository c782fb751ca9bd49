"""Facility events, their add-ons (a JSON list on the event: they are read and written with it)."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    Time,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from facility.adapters.tables import metadata

facility_events = Table(
    "facility_events", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("service_id", Uuid, nullable=False),
    Column("space_id", Uuid, nullable=False),
    Column("pet_ids", ARRAY(Uuid), nullable=False),
    Column("kind", Text, nullable=False, comment="daycare or overnight (the service's when booked)"),
    Column("starts_on", Date, nullable=False, comment="local date"),
    Column("ends_on", Date, nullable=False, comment="local date; daycare: = starts_on"),
    Column("start_time", Time, nullable=True, comment="local; daycare only"),
    Column("end_time", Time, nullable=True),
    Column("unit_price_cents", Integer, nullable=False, comment="daycare: the price; overnight: per night"),
    Column("taxable", Boolean, nullable=False),
    Column("note", Text, nullable=True, comment="staff only: never to a client or in an event (R-FAC-3)"),
    Column("status", Text, nullable=False),
    Column("add_ons", JSONB, nullable=False, server_default="[]",
           comment="[{id, service_id, price_cents, taxable, on, at}] (R-FAC-4)"),
    Column("duplicated_from", Uuid, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("checked_in_at", DateTime(timezone=True), nullable=True),
    Column("checked_out_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("facility_events_by_start", "company_id", "starts_on"),
    Index("facility_events_by_space", "company_id", "space_id", "starts_on"),
    Index("facility_events_by_client", "company_id", "client_id", "starts_on"),
    CheckConstraint("ends_on >= starts_on", name="facility_events_dates"),
)

EVENT_TABLES = [facility_events]
