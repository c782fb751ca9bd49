"""Tables of client requests (R-SCHED-6, R-SCHED-7, R-REQ-1..7) and of what happens in the field
(R-SCHED-8, R-SCHED-9), in their own metadata: their own revision creates them (0001 creates the
catalogue and visits). Every row carries its `company_id`."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    Time,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

requests_metadata = MetaData()

request_cutoffs = Table(
    "request_cutoffs", requests_metadata,
    Column("company_id", Uuid, primary_key=True),
    *[column for prefix in ("new", "change") for column in (
        Column(f"{prefix}_kind", Text, nullable=False, server_default="none"),
        Column(f"{prefix}_at", Time, nullable=True, comment="local wall-clock time"),
        Column(f"{prefix}_hours", Integer, nullable=True),
        Column(f"{prefix}_message", Text, nullable=True, comment="the business's own refusal message"),
    )],
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    comment="R-SCHED-7: cut-offs for new requests (new_*) and change/cancellation requests (change_*)",
)

service_requests = Table(
    "service_requests", requests_metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("service_id", Uuid, nullable=False),
    Column("block_id", Uuid, nullable=False),
    Column("pet_ids", ARRAY(Uuid), nullable=False),
    Column("comments", Text, nullable=True),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True), nullable=True, comment="the one confirmation (R-SCHED-6)"),
    Column("message", Text, nullable=True),
    Index("service_requests_by_client", "company_id", "client_id", "submitted_at"),
    Index("service_requests_unconfirmed", "company_id", "submitted_at", postgresql_where=text("confirmed_at IS NULL")),
)

service_request_visits = Table(
    "service_request_visits", requests_metadata,
    Column("id", Uuid, primary_key=True),
    Column("request_id", Uuid, ForeignKey("service_requests.id", ondelete="CASCADE"), nullable=False),
    Column("company_id", Uuid, nullable=False),
    Column("visit_date", Date, nullable=False),
    Column("decision", Text, nullable=False, server_default="pending"),
    Column("visit_id", Uuid, nullable=True, comment="the calendar visit made on approval"),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Index("service_request_visits_by_request", "request_id", "visit_date"),
)

change_requests = Table(
    "change_requests", requests_metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("kind", Text, nullable=False, comment="change or cancellation"),
    Column("visit_ids", ARRAY(Uuid), nullable=False),
    Column("change", JSONB, nullable=True, comment="R-REQ-3: only the fields the client changed"),
    Column("reason", Text, nullable=True),
    Column("decision", Text, nullable=False, server_default="pending"),
    Column("auto_approved", Boolean, nullable=False, server_default="false"),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("message", Text, nullable=True),
    Index("change_requests_by_client", "company_id", "client_id", "submitted_at"),
)

pending_change_visits = Table(
    "pending_change_visits", requests_metadata,
    Column("visit_id", Uuid, primary_key=True, comment="one pending request per visit (R-REQ-4)"),
    Column("request_id", Uuid, ForeignKey("change_requests.id", ondelete="CASCADE"), nullable=False),
    Column("company_id", Uuid, nullable=False),
    Index("pending_change_visits_by_request", "request_id"),
    comment="the visits of pending change/cancellation requests: the banner data; rows go when decided",
)

visit_completions = Table(
    "visit_completions", requests_metadata,
    Column("visit_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("staff_id", Uuid, nullable=True),
    Column("message_for_client", Text, nullable=True),
    Column("image_urls", JSONB, nullable=False, server_default="[]"),
    Column("report_card_url", Text, nullable=True),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    comment="R-SCHED-8: what the staff member left for the client on completion",
)

late_reports = Table(
    "late_reports", requests_metadata,
    Column("visit_id", Uuid, primary_key=True, comment="one report per visit, ever (R-SCHED-9)"),
    Column("company_id", Uuid, nullable=False),
    Column("staff_id", Uuid, nullable=False),
    Column("minutes_late", Integer, nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

REQUEST_TABLES = [request_cutoffs, service_requests, service_request_visits, change_requests,
                  pending_change_visits, visit_completions, late_reports]
"""What the requests-and-field revision creates, in order."""
