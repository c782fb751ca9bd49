"""The clients service's tables (its own database; the kit adds `outbox` and `inbox`).

Every table carries `company_id` and every query filters by it: tenants never see each other.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()


def _timestamps() -> list[Column]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ]


companies = Table(
    "companies", metadata,
    Column("id", Uuid, primary_key=True),
    Column("slug", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("time_zone", Text, nullable=False),
    Column("portal_request_mode", Text, nullable=False),
    Column("cancellations_auto_approve", Boolean, nullable=False),
    Column("notify_client_when_visit_starts", Boolean, nullable=False),
    *_timestamps(),
)

staff = Table(
    "staff", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, ForeignKey("companies.id"), nullable=False, index=True),
    Column("role", Text, nullable=False),
    Column("first_name", Text, nullable=False),
    Column("last_name", Text, nullable=False),
    Column("emails", JSONB, nullable=False),
    Column("phones", JSONB, nullable=False),
    Column("active", Boolean, nullable=False),
    *_timestamps(),
)

clients = Table(
    "clients", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, ForeignKey("companies.id"), nullable=False, index=True),
    Column("first_name", Text, nullable=False),
    Column("last_name", Text, nullable=False),
    Column("emails", JSONB, nullable=False),
    Column("phones", JSONB, nullable=False),
    Column("address", JSONB, nullable=True),
    Column("custom_fields", JSONB, nullable=False),
    Column("notes", Text, nullable=True),
    Column("active", Boolean, nullable=False),
    *_timestamps(),
)

pets = Table(
    "pets", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, ForeignKey("companies.id"), nullable=False),
    Column("client_id", Uuid, ForeignKey("clients.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("species", Text, nullable=False),
    Column("breed", Text, nullable=True),
    Column("birthday", Date, nullable=True),
    Column("notes", Text, nullable=True),
    *_timestamps(),
)

accounts = Table(
    "accounts", metadata,
    Column("person_id", Uuid, primary_key=True, comment="the staff or client id"),
    Column("company_id", Uuid, ForeignKey("companies.id"), nullable=False),
    Column("person_kind", Text, nullable=False),
    Column("login_email", Text, nullable=False),
    Column("password_hash", Text, nullable=True),
    Column("activated_at", DateTime(timezone=True), nullable=True),
    Column("session_version", Integer, nullable=False, server_default="1",
           comment="tokens carry it; bumping it revokes every token already issued"),
    UniqueConstraint("company_id", "login_email"),
)

one_time_tokens = Table(
    "one_time_tokens", metadata,
    Column("token_hash", Text, primary_key=True, comment="sha256 of the token; the token itself is never stored"),
    Column("person_id", Uuid, ForeignKey("accounts.person_id"), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

refresh_tokens = Table(
    "refresh_tokens", metadata,
    Column("token_hash", Text, primary_key=True),
    Column("person_id", Uuid, ForeignKey("accounts.person_id"), nullable=False, index=True),
    Column("session_version", Integer, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
)

sign_in_attempts = Table(
    "sign_in_attempts", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("company_slug", Text, nullable=False),
    Column("login_email", Text, nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("attempted_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("sign_in_attempts_lookup", "company_slug", "login_email", "attempted_at"),
)
