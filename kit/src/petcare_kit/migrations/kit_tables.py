"""DDL of the kit's tables, for a service's first Alembic migration."""

from __future__ import annotations

from alembic import op

from petcare_kit.db import OUTBOX_CHANNEL, inbox_table, outbox_table

_NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{OUTBOX_CHANNEL}', '');
  RETURN NULL;
END $$
"""
# One notification per INSERT statement, delivered at commit: the relay wakes once per transaction.
_NOTIFY_TRIGGER = """
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()
"""


def create_kit_tables() -> None:
    bind = op.get_bind()
    outbox_table.create(bind)
    inbox_table.create(bind)
    op.execute(_NOTIFY_FUNCTION)
    op.execute(_NOTIFY_TRIGGER)
    create_idempotency_table()


def add_outbox_published_to() -> None:
    """`outbox.published_to`: the cluster id of the broker that acked the row, so the relay can send
    again what a lost broker held (docs/reliability.md). IF NOT EXISTS: safe on any database."""
    op.execute("ALTER TABLE outbox ADD COLUMN IF NOT EXISTS published_to text")


def drop_kit_tables() -> None:
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")
    op.drop_table("inbox")
    op.drop_table("outbox")


def create_waiting_table() -> None:
    """`waiting_events` of `petcare_kit.waiting`, for a service whose router has a waiting room."""
    from petcare_kit.waiting import waiting_events

    waiting_events.create(op.get_bind())


def drop_waiting_table() -> None:
    op.drop_table("waiting_events")


def create_client_directory_tables() -> None:
    """`directory_companies` and `directory_people` of `petcare_kit.client_directory`, for a service
    that mounts the clients directory read model."""
    from petcare_kit.client_directory import DIRECTORY_METADATA

    DIRECTORY_METADATA.create_all(op.get_bind())


def drop_client_directory_tables() -> None:
    op.drop_table("directory_people")
    op.drop_table("directory_companies")


def create_idempotency_table() -> None:
    """`idempotency_keys` of `petcare_kit.idempotency` (answers to keyed POSTs, kept 24 hours)."""
    from petcare_kit.idempotency_store import idempotency_keys

    idempotency_keys.create(op.get_bind(), checkfirst=True)


def drop_idempotency_table() -> None:
    op.execute("DROP TABLE IF EXISTS idempotency_keys")
