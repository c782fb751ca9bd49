"""The reading side: applies each NoteAdded to its own table, counting applications."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from petcare_contracts import Envelope
from petcare_kit.app import RuntimeDep, create_service_app
from petcare_kit.consumer import EventRouter
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from kitdemo.events import NoteAdded
from kitdemo.settings import KitdemoSettings
from kitdemo.tables import applied_notes

APPLY_NOTE = insert(applied_notes).on_conflict_do_update(
    index_elements=["note_id"], set_={"times_applied": applied_notes.c.times_applied + 1})


def build_event_router(settings: KitdemoSettings) -> EventRouter:
    events = EventRouter()

    @events.on_batch(NoteAdded)
    async def on_notes_added(uow: UnitOfWork, notes: list[tuple[Envelope, NoteAdded]]) -> None:
        if settings.handler_delay_ms:
            await asyncio.sleep(settings.handler_delay_ms * len(notes) / 1000)
        if any(note.text == "explode" for _, note in notes):
            raise RuntimeError("the handler cannot handle this note (a bug stand-in)")
        # Deliberately not idempotent on its own: a second application shows as times_applied=2.
        await uow.session.execute(APPLY_NOTE, [
            {"note_id": n.note_id, "key": n.key, "position": n.position, "times_applied": 1} for _, n in notes])

    return events


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/applied")
    async def applied(runtime: RuntimeDep) -> list[dict]:
        async with runtime.unit_of_work() as uow:
            rows = await uow.session.execute(select(applied_notes).order_by(applied_notes.c.arrival))
            return [dict(row._mapping) for row in rows]

    return router


def create_app():
    settings = KitdemoSettings()
    # Each test publishes on its own copy of the topic; the contract's own topic is subscribed too, as
    # the consumer's start-up check wants every handled type's topic subscribed (nothing is sent there).
    consumes = list(dict.fromkeys([settings.topic, NoteAdded.topic]))
    runtime = ServiceRuntime(
        settings, consumer_group=settings.group, consumes=consumes, router=build_event_router(settings)
    )
    return create_service_app(runtime, title="kitdemo reader", routers=[build_router()])
