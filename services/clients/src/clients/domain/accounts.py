"""Rules of portal accounts: passwords, single-use tokens, sign-in throttling. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from clients.domain.errors import InvalidToken, TooManyAttempts, WeakPassword

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
FAILED_SIGN_INS_ALLOWED = 10
SIGN_IN_WINDOW = timedelta(minutes=15)


class TokenPurpose(StrEnum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"


TOKEN_LIFETIME = {
    TokenPurpose.ACTIVATION: timedelta(days=7),
    TokenPurpose.PASSWORD_RESET: timedelta(hours=1),
}


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters.")
    if password.strip() != password or len(set(password)) < 4:
        raise WeakPassword("Choose a password that is not mostly one repeated character or padded with spaces.")


@dataclass(frozen=True)
class OneTimeToken:
    person_id: UUID
    purpose: TokenPurpose
    expires_at: datetime
    used_at: datetime | None


def usable_token(token: OneTimeToken | None, purpose: TokenPurpose, now: datetime) -> OneTimeToken:
    """The token found for a link (None: no such token) if it is single use, not expired, and for
    this purpose; else InvalidToken (400), with one message for every failure (no oracle)."""
    if token is None or token.purpose != purpose or token.used_at is not None or token.expires_at <= now:
        raise InvalidToken("This link is invalid or has expired. Ask for a new one.")
    return token


def check_sign_in_allowed(recent_failures: int) -> None:
    """Throttle guessing per account, whatever gateway replica the attempts come through."""
    if recent_failures >= FAILED_SIGN_INS_ALLOWED:
        minutes = int(SIGN_IN_WINDOW.total_seconds() // 60)
        raise TooManyAttempts(f"Too many failed sign-ins. Try again in {minutes} minutes or reset your password.")
