"""What the API answers: one pydantic model per answer, so the merged OpenAPI document (from which
frontends generate their clients) says exactly what comes back."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel

from facility.domain.examples import Example


class ExampleView(BaseModel):
    id: UUID
    title: str

    @classmethod
    def of(cls, example: Example) -> ExampleView:
        return cls(id=example.id, title=example.title)


class ExamplePage(BaseModel):
    items: list[ExampleView]
    limit: int
    offset: int
    """Ask for the next page with `offset + limit` until a page has fewer than `limit` items."""
