"""The writing side: POST /notes writes a note and its event in one transaction."""

from __future__ import annotations

from uuid import uuid4

from fastapi import APIRouter
from petcare_kit.app import UnitOfWorkDep, create_service_app
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.unit_of_work import UnitOfWork
from pydantic import BaseModel, Field
from sqlalchemy import func, insert, select

from kitdemo.events import NoteAdded
from kitdemo.settings import KitdemoSettings
from kitdemo.tables import notes


class NewNotes(BaseModel):
    key: str = Field(min_length=1, max_length=100)
    texts: list[str] = Field(min_length=1, max_length=5000)


def build_router(settings: KitdemoSettings) -> APIRouter:
    router = APIRouter()

    @router.post("/notes", status_code=201)
    async def add_notes(body: NewNotes, uow: UnitOfWorkDep) -> dict:
        ids = [await _add_note(uow, settings, body.key, text) for text in body.texts]
        await uow.commit()
        return {"ids": ids}

    return router


async def _add_note(uow: UnitOfWork, settings: KitdemoSettings, key: str, text: str) -> str:
    position = await uow.session.scalar(select(func.count()).select_from(notes).where(notes.c.key == key))
    note_id = str(uuid4())
    await uow.session.execute(insert(notes).values(id=note_id, key=key, position=position, text=text))
    await uow.publish(NoteAdded(note_id=note_id, key=key, position=position, text=text),
                      company_id=None, topic=settings.topic)
    return note_id


def create_app():
    settings = KitdemoSettings()
    runtime = ServiceRuntime(settings, publishes=[settings.topic])
    return create_service_app(runtime, title="kitdemo writer", routers=[build_router(settings)])
