"""Errors of the directory a user can get; codes are stable API."""

from petcare_kit.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, Unauthenticated


class ClientNotFound(NotFound):
    code = "client_not_found"


class StaffNotFound(NotFound):
    code = "staff_not_found"


class PetNotFound(NotFound):
    code = "pet_not_found"


class ClientAlreadyInactive(Conflict):
    code = "client_already_inactive"


class ClientAlreadyActive(Conflict):
    code = "client_already_active"


class ClientIsInactive(Conflict):
    code = "client_inactive"


class ClientsCannotBeDeleted(DomainError):
    """R-INACT-4: profiles are never deleted; inactive is the substitute."""

    status, code = 405, "client_delete_not_supported"


class EmailAlreadyUsed(Conflict):
    code = "email_already_used"


class NoEmailOnFile(InvalidInput):
    code = "client_has_no_email"


class WeakPassword(InvalidInput):
    code = "weak_password"


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"


class InvalidToken(DomainError):
    status, code = 400, "invalid_or_expired_token"


class TooManyAttempts(DomainError):
    status, code = 429, "too_many_attempts"


class SessionRevoked(Unauthenticated):
    code = "session_revoked"


class AdminOnly(Forbidden):
    code = "admin_only"


class LastAdmin(Conflict):
    """A company always keeps an active admin: the last one cannot be demoted or deactivated."""

    code = "last_admin"


__all__ = [
    "AdminOnly", "ClientAlreadyActive", "ClientAlreadyInactive", "ClientIsInactive", "ClientNotFound",
    "ClientsCannotBeDeleted", "EmailAlreadyUsed", "InvalidCredentials", "InvalidToken", "LastAdmin", "NoEmailOnFile",
    "PetNotFound", "SessionRevoked", "StaffNotFound", "TooManyAttempts", "WeakPassword",
]
