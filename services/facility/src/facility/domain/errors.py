"""Errors of facility a user can get. Each `code` is stable API (frontends branch on it); the app
maps them to their status and the one error shape {"error": {"code", "message", "details"}}.

Not found (404) is also the answer for another company's ids: nothing says they exist."""

from petcare_kit.errors import Conflict, InvalidInput, NotFound

# ---- people and pets as clients.events describe them -----------------------------------------


class CompanyNotKnownYet(Conflict):
    """The company's time zone has not arrived from clients.events yet: try again shortly."""

    code = "company_not_known_yet"


class InvalidTimeZone(InvalidInput):
    code = "invalid_time_zone"


class ClientNotFound(NotFound):
    code = "client_not_found"


class ClientInactive(Conflict):
    """R-FAC-2 / R-INACT: an inactive client cannot be scheduled."""

    code = "client_inactive"


class PetsNotAllowed(InvalidInput):
    """R-FAC-2: the pets must be the client's own, active, and at least one."""

    code = "pets_not_allowed"


# ---- spaces -----------------------------------------------------------------------------------


class SpaceNotFound(NotFound):
    code = "space_not_found"


class SpaceNameTaken(Conflict):
    code = "space_name_taken"


class SpaceDisabled(Conflict):
    """A disabled space takes no new bookings (its events stay)."""

    code = "space_disabled"


class SpaceFull(Conflict):
    """The space is over its capacity on a date and the company made capacity a hard limit;
    `details.dates` names the dates."""

    code = "space_full"


# ---- the service list -------------------------------------------------------------------------


class ServiceNotFound(NotFound):
    code = "service_not_found"


class ServiceNameTaken(Conflict):
    code = "service_name_taken"


class ServiceDisabled(Conflict):
    """A disabled service cannot be booked (it stays on the events that have it)."""

    code = "service_disabled"


class InvalidService(InvalidInput):
    """A main service with add-on fields, an add-on without a main service, and the like."""

    code = "invalid_service"


class ServiceNotAllowed(InvalidInput):
    """An add-on as an event's main service, a main service in a space it is not allowed in, an
    add-on not tied to the event's main service."""

    code = "service_not_allowed"


# ---- events -----------------------------------------------------------------------------------


class EventNotFound(NotFound):
    code = "facility_event_not_found"


class InvalidEventTime(InvalidInput):
    """R-FAC-2: daycare is one date with a start before its end; overnight a date range (the last
    after the first) without times; an add-on's date inside the event's dates."""

    code = "invalid_event_time"


class EventStatusConflict(Conflict):
    """The event's status does not allow this (checking out an event not checked in...)."""

    code = "facility_event_status_conflict"


class DateInPast(InvalidInput):
    """R-FAC-5: the duplication tool copies to future dates only."""

    code = "date_in_past"
