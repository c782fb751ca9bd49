"""The notifications service's tables. People and companies come from clients.events through the
kit's read model (`petcare_kit.client_directory`: directory_people, directory_companies); events that
wait for them are in the kit's `waiting_events` (petcare_kit.waiting). Here: what texting reports of
a company, preferences (and those held for people not known yet), switches, feeds and deliveries."""

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
    Column("switches_off", JSONB, nullable=False, server_default="[]"),
    Column("texting_available", Boolean, nullable=False, server_default="false"),
    Column("texting_reasons", JSONB, nullable=False,
           server_default='["texting is not set up for this company"]'),
    Column("client_default_delivery", Text, nullable=False, server_default="email_only"),
    Column("client_texting_enabled", Boolean, nullable=False, server_default="false"),
    Column("staff_default_delivery", Text, nullable=False, server_default="email_only"),
    Column("staff_texting_enabled", Boolean, nullable=False, server_default="false"),
    Column("mobile_field", Text, nullable=True,
           comment="R-TEXT-4: texting's client phone number field setting (texting.mobile_field.changed)"),
)

preferences = Table(
    "preferences", metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("default_delivery", Text, nullable=False),
    Column("texting_enabled", Boolean, nullable=False),
    _now("updated_at"),
)

held_preferences = Table(
    "held_preferences", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("person_id", Uuid, nullable=False, comment="not known yet when the change was made"),
    Column("default_delivery", Text, nullable=True, comment="null: unchanged"),
    Column("texting_enabled", Boolean, nullable=True, comment="null: unchanged"),
    _now("held_at"),
    PrimaryKeyConstraint("company_id", "person_id"),
)

opt_outs = Table(
    "opt_outs", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("number", Text, nullable=False),
    _now("opted_out_at"),
    PrimaryKeyConstraint("company_id", "number"),
)

feed_messages = Table(
    "feed_messages", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("person_id", Uuid, nullable=False, comment="whose conversation feed"),
    Column("author", Text, nullable=False, comment="staff, client or system"),
    Column("author_id", Uuid, nullable=True),
    Column("text", Text, nullable=False),
    Column("image_urls", JSONB, nullable=False, server_default="[]"),
    Column("report_card_url", Text, nullable=True),
    Column("source", Text, nullable=False, comment="posted, visit_completed, text_received, text_assigned"),
    Column("source_id", Uuid, nullable=True, unique=True, comment="the event it came from, if any"),
    _now("created_at"),
    Index("feed_messages_by_person", "company_id", "person_id", "created_at"),
)

feed_reads = Table(
    "feed_reads", metadata,
    Column("person_id", Uuid, nullable=False, comment="whose feed"),
    Column("reader_id", Uuid, nullable=False),
    Column("last_read_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("person_id", "reader_id"),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", Uuid, primary_key=True, comment="the delivery id: the idempotency key at the providers"),
    Column("company_id", Uuid, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("recipient_id", Uuid, nullable=False),
    Column("source_id", Uuid, nullable=False, comment="the event or feed message that caused it"),
    Column("decision", JSONB, nullable=False, comment="every channel, chosen or not, with its reasons"),
    Column("email_state", Text, nullable=False, comment="none, pending, sending, sent, failed"),
    Column("email", JSONB, nullable=True, comment="what to send: to, subject, text, html, reply_to"),
    Column("email_attempts", Integer, nullable=False, server_default="0"),
    Column("email_next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("email_provider_id", Text, nullable=True),
    Column("email_error", Text, nullable=True),
    Column("text_state", Text, nullable=False, comment="none, requested, sent, delivered, failed, not_sent"),
    Column("text_error", Text, nullable=True),
    _now("created_at"),
    _now("updated_at"),
    UniqueConstraint("source_id", "recipient_id", "trigger"),
    Index("deliveries_by_recipient", "company_id", "recipient_id", "created_at"),
    Index("deliveries_email_due", "email_next_attempt_at",
          postgresql_where=text("email_state IN ('pending', 'sending')")),
)
