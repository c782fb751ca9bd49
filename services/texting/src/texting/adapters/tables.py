"""The texting service's tables. People and company names are the kit's clients directory read model
(`petcare_kit.client_directory`: directory_people, directory_companies); `person_numbers` is derived
from it here; the rest is owned here. A tax id is never stored: only its last four digits, after it
was passed to Twilio (R-TEXT-3)."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()


def _now(name: str) -> Column:
    return Column(name, DateTime(timezone=True), nullable=False, server_default=func.now())


companies = Table(
    "companies", metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("plan", Text, nullable=True, comment="lite, solo or team, from billing.events"),
    Column("in_trial", Boolean, nullable=False, server_default="false"),
    Column("texting_turned_on", Boolean, nullable=False, server_default="false"),
    Column("number", Text, nullable=True, unique=True),
    Column("number_sid", Text, nullable=True),
    Column("registration", JSONB, nullable=True, comment="submitted A2P details, tax id reduced to last 4"),
    Column("brand_sid", Text, nullable=True),
    Column("registration_status", Text, nullable=False, server_default="NOT_SUBMITTED"),
    Column("registration_failure", Text, nullable=True),
    Column("mobile_field", Text, nullable=True, comment="R-TEXT-4: the client custom field with the mobile"),
    Column("max_messages", Integer, nullable=False, server_default="3"),
    Column("max_images", Integer, nullable=False, server_default="3"),
    Column("available", Boolean, nullable=False, server_default="false", comment="last availability published"),
)

person_numbers = Table(
    "person_numbers", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("number", Text, nullable=False, comment="E.164"),
    Column("person_id", Uuid, nullable=False),
    PrimaryKeyConstraint("company_id", "number", "person_id"),
    Index("person_numbers_by_person", "person_id"),
    comment="every number a text from a person could come from (R-TEXT-8): their phones and the custom "
            "fields holding a number; recomputed from the clients directory on each change of the person",
)

texts = Table(
    "texts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("direction", Text, nullable=False, comment="outbound or inbound"),
    Column("delivery_id", Uuid, nullable=True),
    Column("part", Integer, nullable=False, server_default="0"),
    Column("person_id", Uuid, nullable=True),
    Column("person_kind", Text, nullable=True),
    Column("number", Text, nullable=False, comment="the other party"),
    Column("company_number", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("media_urls", JSONB, nullable=False, server_default="[]"),
    Column("segments", Integer, nullable=False, server_default="1"),
    Column("status", Text, nullable=False,
           comment="pending, sending, queued, sent, delivered, undelivered, failed, received"),
    Column("error_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("twilio_sid", Text, nullable=True, unique=True),
    Column("purpose", Text, nullable=True),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True,
           comment="pending/sending: when due (a claim's lease); accepted/queued/sent: when to ask Twilio"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("attempt_started_at", DateTime(timezone=True), nullable=True, comment="the latest call to Twilio"),
    _now("created_at"),
    _now("updated_at"),
    UniqueConstraint("delivery_id", "part"),
    Index("texts_log", "company_id", "created_at"),
    Index("texts_due", "next_attempt_at", postgresql_where=text("status IN ('pending', 'sending')")),
    Index("texts_unsettled", "next_attempt_at", postgresql_where=text("status IN ('accepted', 'queued', 'sent')")),
)

opt_outs = Table(
    "opt_outs", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("number", Text, nullable=False),
    _now("opted_out_at"),
    PrimaryKeyConstraint("company_id", "number"),
)

unassigned = Table(
    "unassigned_texts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False, index=True),
    Column("text_id", Uuid, nullable=False, unique=True),
    Column("from_number", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("media_urls", JSONB, nullable=False, server_default="[]"),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("assigned_to", Uuid, nullable=True),
    Column("assigned_kind", Text, nullable=True),
    Column("assigned_at", DateTime(timezone=True), nullable=True),
)

usage_months = Table(
    "usage_months", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("month", Text, nullable=False, comment="YYYY-MM, published to billing once"),
    Column("sent", Integer, nullable=False),
    Column("received", Integer, nullable=False),
    _now("closed_at"),
    PrimaryKeyConstraint("company_id", "month"),
)
