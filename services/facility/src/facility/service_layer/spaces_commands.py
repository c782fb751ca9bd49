"""Commands of spaces and the company's facility settings."""

from __future__ import annotations

from petcare_kit.validation import NOT_SENT, PatchBody

from facility.service_layer.commands import Command, Count, Name, Note


class AddSpace(Command):
    """A space. `capacity`: pets it holds (more warns, or is refused with the hard-limit setting);
    `pets_per_staff`: pets one staff member looks after there (more warns); both optional."""

    name: Name
    capacity: Count | None = None
    pets_per_staff: Count | None = None
    internal_note: Note | None = None


class UpdateSpace(PatchBody):
    name: Name = NOT_SENT
    capacity: Count | None = None
    pets_per_staff: Count | None = None
    internal_note: Note | None = None
    active: bool = NOT_SENT


class SetFacilitySettings(Command):
    capacity_is_hard_limit: bool
    """True: a booking over a space's capacity is refused instead of warned about."""
