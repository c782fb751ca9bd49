from petcare_contracts import EventPayload, event


@event("kitdemo.note.added", version=1, topic="kitdemo.events", key="key")
class NoteAdded(EventPayload):
    """A note was written. `position` counts notes per key, so readers can check per-key order."""

    note_id: str
    key: str
    position: int
    text: str
