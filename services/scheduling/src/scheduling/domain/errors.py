"""Errors of scheduling a user can get. Each `code` is stable API (frontends branch on it); the app
maps them to their status and the one error shape {"error": {"code", "message", "details"}}.

Not found (404) is also the answer for another company's ids: nothing says they exist."""

from petcare_kit.errors import Conflict, InvalidInput, NotFound

# ---- the catalogue (R-SCHED-1, R-SCHED-2) ----------------------------------------------------


class ServiceNotFound(NotFound):
    code = "service_not_found"


class ServiceNameTaken(Conflict):
    code = "service_name_taken"


class ServiceDisabled(Conflict):
    """A disabled service cannot be booked (it stays on the visits that have it)."""

    code = "service_disabled"


class BlockNotFound(NotFound):
    code = "schedule_block_not_found"


class BlockTitleTaken(Conflict):
    code = "schedule_block_title_taken"


class InvalidBlock(InvalidInput):
    """Start not before end, or no weekday."""

    code = "invalid_schedule_block"


class BlockNotAllowed(InvalidInput):
    """The block is disabled, not one of the service's blocks, or not on the visit's weekday."""

    code = "schedule_block_not_allowed"


# ---- people and pets as clients.events describe them -----------------------------------------


class CompanyNotKnownYet(Conflict):
    """The company's time zone has not arrived from clients.events yet: try again shortly."""

    code = "company_not_known_yet"


class InvalidTimeZone(InvalidInput):
    code = "invalid_time_zone"


class ClientNotFound(NotFound):
    code = "client_not_found"


class ClientInactive(Conflict):
    """R-SCHED-3 / R-INACT: an inactive client cannot be scheduled."""

    code = "client_inactive"


class StaffNotFound(NotFound):
    code = "staff_not_found"


class StaffInactive(Conflict):
    code = "staff_inactive"


class PetsNotAllowed(InvalidInput):
    """R-SCHED-3: the pets must be the client's own, active, and at least one."""

    code = "pets_not_allowed"


# ---- visits (R-SCHED-3, R-SCHED-4) -----------------------------------------------------------


class VisitNotFound(NotFound):
    code = "visit_not_found"


class InvalidVisitTime(InvalidInput):
    """Neither or both of a start time and a block."""

    code = "invalid_visit_time"


class VisitStatusConflict(Conflict):
    """The visit's status does not allow this (moving a completed visit, cancelling twice...)."""

    code = "visit_status_conflict"


class StaffConflict(Conflict):
    """R-SCHED-4: the staff member has overlapping visits; `details.conflicts` names them. Send the
    request again with `override_conflicts: true` to schedule anyway."""

    code = "staff_conflict"
