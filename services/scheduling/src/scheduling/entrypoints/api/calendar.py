"""Calendar feeds over HTTP (R-SCHED-12). A person (or a manager for them) asks for the address of
their feed, or a new one (the old stops working); a calendar app then reads the .ics at that
address with no bearer token: the routes are public at the gateway and the address's token is the
proof (domain/calendar.py). Thin: each route calls the use case and returns a view or the text.
HEAD on a feed (some calendar apps probe with it first) answers like GET without the body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.identity import MANAGERS, PUBLIC, STAFF_ROLES, IdentityDep, Role, allow
from pydantic import BaseModel

from scheduling.adapters.calendar_unit_of_work import SqlCalendarUnitOfWork
from scheduling.domain.calendar import CalendarFeed, FeedKind
from scheduling.entrypoints.api.calendar_ics import render
from scheduling.service_layer import calendar
from scheduling.service_layer.context import Context

router = APIRouter(tags=["calendar"])
GATEWAY_PREFIX = "/api/scheduling"
ICS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "The iCalendar (RFC 5545) feed."}}
Token = Annotated[str, Query(max_length=200, description="The feed address's token.")]


async def _context(uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[Context]:
    yield Context(SqlCalendarUnitOfWork(uow), identity)


async def _public_context(uow: UnitOfWorkDep) -> AsyncIterator[Context]:
    """A calendar app: no identity; the use case checks the address's token."""
    yield Context(SqlCalendarUnitOfWork(uow))


CalendarContextDep = Annotated[Context, Depends(_context)]
PublicContextDep = Annotated[Context, Depends(_public_context)]


class SubscriptionView(BaseModel):
    kind: FeedKind
    person_id: UUID
    path: str
    """The feed's path at the gateway, token included: prefix the gateway's origin (https://, or
    webcal:// for a one-click subscription) and give it to a calendar app. Anyone holding it reads
    the feed; regenerate to revoke it."""
    token: str

    @classmethod
    def of(cls, feed: CalendarFeed) -> SubscriptionView:
        return cls(kind=feed.kind, person_id=feed.person_id, path=GATEWAY_PREFIX + feed.service_path(),
                   token=feed.token)


@router.post("/calendar/staff/{staff_id}/subscription", response_model=SubscriptionView, **allow(*STAFF_ROLES))
async def staff_subscription(staff_id: UUID, ctx: CalendarContextDep) -> SubscriptionView:
    """R-SCHED-12: the address of a staff member's feed (the same each time until regenerated).
    Staff get their own; managers anyone's. 404 `staff_not_found` otherwise."""
    return SubscriptionView.of(await calendar.subscription(ctx, "staff", staff_id))


@router.post("/calendar/staff/{staff_id}/subscription/regenerate", response_model=SubscriptionView,
             **allow(*STAFF_ROLES))
async def regenerate_staff_subscription(staff_id: UUID, ctx: CalendarContextDep) -> SubscriptionView:
    """R-SCHED-12: a new address; the old one answers 404 from now on."""
    return SubscriptionView.of(await calendar.subscription(ctx, "staff", staff_id, regenerate=True))


@router.post("/calendar/clients/{client_id}/subscription", response_model=SubscriptionView,
             **allow(*MANAGERS, Role.CLIENT))
async def client_subscription(client_id: UUID, ctx: CalendarContextDep) -> SubscriptionView:
    """R-SCHED-12: the address of a client's feed. A client gets their own; managers anyone's.
    404 `client_not_found` otherwise."""
    return SubscriptionView.of(await calendar.subscription(ctx, "client", client_id))


@router.post("/calendar/clients/{client_id}/subscription/regenerate", response_model=SubscriptionView,
             **allow(*MANAGERS, Role.CLIENT))
async def regenerate_client_subscription(client_id: UUID, ctx: CalendarContextDep) -> SubscriptionView:
    """R-SCHED-12: a new address; the old one answers 404 from now on."""
    return SubscriptionView.of(await calendar.subscription(ctx, "client", client_id, regenerate=True))


async def _ics(ctx: Context, kind: FeedKind, person_id: UUID, token: str) -> Response:
    feed = await calendar.read_feed(ctx, kind, person_id, token)
    return Response(render(feed, now=ctx.now()), media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300",
                             "Content-Disposition": f'inline; filename="{kind}-{person_id}.ics"'})


@router.get("/calendar/staff/{staff_id}.ics", response_class=Response, responses=ICS, **allow(PUBLIC))
async def staff_feed(staff_id: UUID, ctx: PublicContextDep, token: Token = "") -> Response:
    """R-SCHED-12: the staff member's visits (staff-only notes included) and their templates'
    upcoming visits. 404 `calendar_feed_not_found` for a wrong or revoked token."""
    return await _ics(ctx, "staff", staff_id, token)


@router.get("/calendar/clients/{client_id}.ics", response_class=Response, responses=ICS, **allow(PUBLIC))
async def client_feed(client_id: UUID, ctx: PublicContextDep, token: Token = "") -> Response:
    """R-SCHED-12: the client's visits (never a staff-only note) and their templates' upcoming
    visits. 404 `calendar_feed_not_found` for a wrong or revoked token."""
    return await _ics(ctx, "client", client_id, token)


def _head(full: Response) -> Response:
    """The GET answer's status and headers (Content-Length of the full feed included), no body."""
    return Response(status_code=full.status_code, headers=dict(full.headers))


# HEAD is kept out of the OpenAPI on purpose: the gateway answers a HEAD with the GET operation's
# roles (public here), and a second operation per path would duplicate the GET's operation id.
@router.head("/calendar/staff/{staff_id}.ics", include_in_schema=False)
async def staff_feed_head(staff_id: UUID, ctx: PublicContextDep, token: Token = "") -> Response:
    """HEAD of the staff feed: 200 with the GET's headers, or 404 `calendar_feed_not_found`."""
    return _head(await _ics(ctx, "staff", staff_id, token))


@router.head("/calendar/clients/{client_id}.ics", include_in_schema=False)
async def client_feed_head(client_id: UUID, ctx: PublicContextDep, token: Token = "") -> Response:
    """HEAD of the client feed: 200 with the GET's headers, or 404 `calendar_feed_not_found`."""
    return _head(await _ics(ctx, "client", client_id, token))
