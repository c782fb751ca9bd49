"""Repository of portal accounts, one-time tokens, refresh tokens and sign-in attempts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from petcare_contracts.events.common import PersonKind
from sqlalchemy import Select, and_, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from clients.adapters.tables import (
    accounts,
    clients,
    companies,
    one_time_tokens,
    refresh_tokens,
    sign_in_attempts,
    staff,
)
from clients.domain.accounts import OneTimeToken, TokenPurpose


def token_hash(token: str) -> str:
    """Tokens are stored as hashes: a copy of the database signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Account:
    person_id: UUID
    company_id: UUID
    person_kind: PersonKind
    login_email: str
    password_hash: str | None
    session_version: int
    role: str
    active: bool


def _account_query() -> Select[Any]:
    """An account joined with its person's role and active flag (staff or client)."""
    role = func.coalesce(staff.c.role, "client")
    active = func.coalesce(staff.c.active, clients.c.active, False)
    return (
        select(accounts, role.label("role"), active.label("active"))
        .outerjoin(staff, and_(accounts.c.person_kind == "staff", staff.c.id == accounts.c.person_id))
        .outerjoin(clients, and_(accounts.c.person_kind == "client", clients.c.id == accounts.c.person_id))
    )


def _account(row: Any) -> Account:
    return Account(row.person_id, row.company_id, row.person_kind, row.login_email, row.password_hash,
                   row.session_version, row.role, row.active)


async def find_by_login(session: AsyncSession, company_slug: str, login_email: str) -> Account | None:
    query = _account_query().join(companies, companies.c.id == accounts.c.company_id).where(
        companies.c.slug == company_slug, accounts.c.login_email == login_email)
    row = (await session.execute(query)).one_or_none()
    return _account(row) if row else None


async def get_account(session: AsyncSession, person_id: UUID, *, for_update: bool = False) -> Account | None:
    query = _account_query().where(accounts.c.person_id == person_id)
    if for_update:
        query = query.with_for_update(of=accounts)
    row = (await session.execute(query)).one_or_none()
    return _account(row) if row else None


async def upsert_account(session: AsyncSession, *, person_id: UUID, company_id: UUID, person_kind: str,
                         login_email: str, password_hash: str | None = None) -> None:
    statement = pg_insert(accounts).values(person_id=person_id, company_id=company_id, person_kind=person_kind,
                                           login_email=login_email, password_hash=password_hash)
    await session.execute(statement.on_conflict_do_update(
        index_elements=["person_id"], set_={"login_email": login_email}))


async def login_email_taken(session: AsyncSession, company_id: UUID, login_email: str, *,
                            except_person: UUID | None = None) -> bool:
    query = select(func.count()).select_from(accounts).where(
        accounts.c.company_id == company_id, accounts.c.login_email == login_email)
    if except_person is not None:
        query = query.where(accounts.c.person_id != except_person)
    return bool(await session.scalar(query))


async def set_password(session: AsyncSession, person_id: UUID, password_hash: str, now: datetime) -> None:
    await session.execute(update(accounts).where(accounts.c.person_id == person_id).values(
        password_hash=password_hash, activated_at=func.coalesce(accounts.c.activated_at, now)))


async def revoke_sessions(session: AsyncSession, person_id: UUID) -> None:
    """Every access token already issued stops working at the next request (the gateway checks the
    version on each one), and every refresh token with them."""
    await session.execute(update(accounts).where(accounts.c.person_id == person_id)
                          .values(session_version=accounts.c.session_version + 1))


async def add_one_time_token(session: AsyncSession, *, token: str, person_id: UUID, purpose: TokenPurpose,
                             expires_at: datetime) -> None:
    await session.execute(insert(one_time_tokens).values(
        token_hash=token_hash(token), person_id=person_id, purpose=purpose.value, expires_at=expires_at))


async def find_one_time_token(session: AsyncSession, token: str) -> OneTimeToken | None:
    row = (await session.execute(select(one_time_tokens).where(one_time_tokens.c.token_hash == token_hash(token))
                                 .with_for_update())).one_or_none()
    if row is None:
        return None
    return OneTimeToken(row.person_id, TokenPurpose(row.purpose), row.expires_at, row.used_at)


async def use_one_time_token(session: AsyncSession, token: str, now: datetime) -> None:
    await session.execute(update(one_time_tokens).where(one_time_tokens.c.token_hash == token_hash(token))
                          .values(used_at=now))


async def add_refresh_token(session: AsyncSession, *, token: str, person_id: UUID, session_version: int,
                            expires_at: datetime) -> None:
    await session.execute(insert(refresh_tokens).values(token_hash=token_hash(token), person_id=person_id,
                                                        session_version=session_version, expires_at=expires_at))


async def take_refresh_token(session: AsyncSession, token: str, now: datetime) -> tuple[UUID, int] | None:
    """Mark a refresh token used and return (person, session version); None if unknown, used or expired."""
    row = (await session.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.token_hash == token_hash(token), refresh_tokens.c.used_at.is_(None),
               refresh_tokens.c.expires_at > now)
        .values(used_at=now)
        .returning(refresh_tokens.c.person_id, refresh_tokens.c.session_version))).one_or_none()
    return (row.person_id, row.session_version) if row else None


async def record_sign_in(session: AsyncSession, company_slug: str, login_email: str, succeeded: bool) -> None:
    await session.execute(insert(sign_in_attempts).values(company_slug=company_slug, login_email=login_email,
                                                          succeeded=succeeded))


async def recent_failed_sign_ins(session: AsyncSession, company_slug: str, login_email: str, since: datetime) -> int:
    return await session.scalar(select(func.count()).select_from(sign_in_attempts).where(
        sign_in_attempts.c.company_slug == company_slug, sign_in_attempts.c.login_email == login_email,
        sign_in_attempts.c.succeeded.is_(False), sign_in_attempts.c.attempted_at > since)) or 0
