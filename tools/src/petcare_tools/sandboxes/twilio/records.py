"""Routes for resources the sandbox stores and shows back without behaviour of its own.

A2P registration is many such resources (trust hub bundles, end users, documents, assignments,
brands, messaging services, campaigns): each is described once as a `RecordKind`, and
`add_record_routes` serves create, fetch, list, update and delete for it the way Twilio does.
Fields are what the caller posted, in Twilio's snake_case, over the kind's initial fields.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import APIRouter, Request, Response

from .deps import AccountDep, SandboxDep
from .errors import not_found
from .formats import PageRequest, form_fields, iso8601, rfc2822, v1_page, v2010_page
from .state import Record, SandboxState, new_sid, now

RecordCheck = Callable[[SandboxState, Record], None]
"""Runs under the state lock before a new record is stored: raises TwilioApiError to refuse it,
or completes its fields."""


@dataclass(frozen=True)
class RecordKind:
    kind: str
    sid_prefix: str
    list_key: str
    """The key Twilio puts the list under in a page."""
    initial: Mapping[str, Any] = field(default_factory=dict)
    parent_kind: str | None = None
    """For a subresource (`/Services/{parent_sid}/PhoneNumbers`): the kind of its parent."""
    parent_field: str | None = None
    """The field naming the parent's sid (`service_sid`)."""
    on_create: RecordCheck | None = None


@dataclass(frozen=True)
class RecordRoutes:
    """Where a kind is served: `collection` on `router`, whose resources' `url`s start with `base_url`."""

    router: APIRouter
    collection: str
    base_url: str
    style: Literal["v1", "2010"] = "v1"

    def item_path(self) -> str:
        if self.style == "2010":
            return self.collection.removesuffix(".json") + "/{sid}.json"
        return self.collection + "/{sid}"

    def render(self, record: Record) -> dict[str, Any]:
        path = self.item_path().format(
            sid=record.sid, parent_sid=record.parent_sid, account_sid=record.account_sid
        )
        dates = rfc2822 if self.style == "2010" else iso8601
        link = {"uri": self.base_url + path} if self.style == "2010" else {"url": self.base_url + path}
        return {
            **record.fields,
            "sid": record.sid,
            "account_sid": record.account_sid,
            "date_created": dates(record.date_created),
            "date_updated": dates(record.date_updated),
            **link,
        }


def add_record_routes(routes: RecordRoutes, kind: RecordKind) -> None:
    """Serve create, list (collection) and fetch, update, delete (item) of `kind`."""

    def find(state: SandboxState, request: Request, account: str) -> Record:
        record = state.record(kind.kind, request.path_params["sid"], account)
        if record is None or record.parent_sid != request.path_params.get("parent_sid"):
            raise not_found(request.url.path)
        return record

    async def create(request: Request, account: AccountDep, sandbox: SandboxDep) -> dict[str, Any]:
        fields = form_fields(await request.form())
        parent_sid = request.path_params.get("parent_sid")
        state = sandbox.state
        with state.lock:
            if kind.parent_kind and state.record(kind.parent_kind, str(parent_sid), account) is None:
                raise not_found(request.url.path)
            record = Record(
                kind.kind, new_sid(kind.sid_prefix), account, {**copy.deepcopy(dict(kind.initial)), **fields}
            )
            if kind.parent_field:
                record.parent_sid = parent_sid
                record.fields[kind.parent_field] = parent_sid
            if kind.on_create:
                kind.on_create(state, record)
            state.records[record.sid] = record
        return routes.render(record)

    async def list_records(request: Request, account: AccountDep, sandbox: SandboxDep) -> dict[str, Any]:
        records = sandbox.state.records_of(kind.kind, account, request.path_params.get("parent_sid"))
        page = v2010_page if routes.style == "2010" else v1_page
        return page(kind.list_key, [routes.render(r) for r in records], PageRequest.of(request))

    async def fetch(request: Request, account: AccountDep, sandbox: SandboxDep) -> dict[str, Any]:
        return routes.render(find(sandbox.state, request, account))

    async def update(request: Request, account: AccountDep, sandbox: SandboxDep) -> dict[str, Any]:
        fields = form_fields(await request.form())
        with sandbox.state.lock:
            record = find(sandbox.state, request, account)
            record.fields.update(fields)
            record.date_updated = now()
        return routes.render(record)

    async def delete(request: Request, account: AccountDep, sandbox: SandboxDep) -> Response:
        with sandbox.state.lock:
            del sandbox.state.records[find(sandbox.state, request, account).sid]
        return Response(status_code=204)

    item = routes.item_path()
    add = routes.router.add_api_route
    add(routes.collection, create, methods=["POST"], status_code=201, name=f"create_{kind.kind}")
    add(routes.collection, list_records, methods=["GET"], name=f"list_{kind.kind}")
    add(item, fetch, methods=["GET"], name=f"fetch_{kind.kind}")
    add(item, update, methods=["POST"], name=f"update_{kind.kind}")
    add(item, delete, methods=["DELETE"], status_code=204, name=f"delete_{kind.kind}")
