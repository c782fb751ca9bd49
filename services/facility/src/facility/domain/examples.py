"""The example aggregate and its one rule. Pure: no SQLAlchemy, FastAPI, FastStream or I/O.

Replace it with the service's first real aggregate (rename the file, the class, the rule)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from facility.domain.errors import ExampleTitleTaken


@dataclass(frozen=True)
class Example:
    id: UUID
    company_id: UUID
    title: str

    @property
    def title_key(self) -> str:
        return title_key(self.title)


def title_key(title: str) -> str:
    """What two titles are compared by: no case, inner spaces collapsed ("  Daily  Walk" ~ "daily walk")."""
    return " ".join(title.split()).casefold()


def check_title_is_free(title: str, holder: Example | None) -> None:
    """R-EXAMPLE-1 (name the SPEC.md rule here): two examples of one company never share a title.
    `holder`: the company's example with the same `title_key`, if any. Raises ExampleTitleTaken (409)."""
    if holder is not None:
        raise ExampleTitleTaken(f"An example called {holder.title!r} already exists.",
                                details={"example_id": str(holder.id)})
