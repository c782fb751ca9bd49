"""events waiting for a recipient move to the kit's waiting_events (petcare_kit.waiting): the original
record (topic, key, headers, bytes) is kept so that a dead letter has the consumer's format

Events parked before this revision were kept without their partition and offset: those stay null
(their dead letter then has no `dlq-original-partition`/`-offset` headers); their key and headers are
rebuilt from the envelope as the relay published them."""

from alembic import op
from petcare_contracts import ContractError, decode, envelope_headers
from petcare_kit.headers import headers_to_json
from petcare_kit.migrations.kit_tables import create_waiting_table, drop_waiting_table
from petcare_kit.waiting import waiting_events
from sqlalchemy import text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GROUP = "notifications"


def upgrade() -> None:
    bind = op.get_bind()
    parked = bind.execute(text("SELECT id, company_id, person_id, topic, envelope, parked_at "
                               "FROM waiting_events")).all()
    op.drop_table("waiting_events")
    create_waiting_table()
    for row in parked:
        value = row.envelope.encode()
        try:
            envelope, payload = decode(value)
            key, headers = payload.partition_key().encode(), envelope_headers(envelope)
        except ContractError:  # kept as it is: it will be dead-lettered with its reason
            key, headers = None, []
        bind.execute(waiting_events.insert().values(
            consumer_group=GROUP, message_id=row.id, entity_id=row.person_id, reason="unknown_recipient",
            company_id=row.company_id, topic=row.topic, partition=None, offset=None, key=key, value=value,
            headers=headers_to_json(headers), parked_at=row.parked_at))


def downgrade() -> None:
    bind = op.get_bind()
    parked = bind.execute(text("SELECT message_id, company_id, entity_id, topic, value, parked_at FROM waiting_events "
                               "WHERE consumer_group = :group AND company_id IS NOT NULL"), {"group": GROUP}).all()
    drop_waiting_table()
    op.execute("CREATE TABLE waiting_events (id uuid PRIMARY KEY, company_id uuid NOT NULL, person_id uuid NOT NULL, "
               "topic text NOT NULL, envelope text NOT NULL, parked_at timestamptz NOT NULL DEFAULT now())")
    op.execute("CREATE INDEX ix_waiting_events_person_id ON waiting_events (person_id)")
    for row in parked:
        bind.execute(text("INSERT INTO waiting_events (id, company_id, person_id, topic, envelope, parked_at) "
                          "VALUES (:id, :company, :person, :topic, :envelope, :at)"),
                     {"id": row.message_id, "company": row.company_id, "person": row.entity_id, "topic": row.topic,
                      "envelope": (row.value or b"").decode(), "at": row.parked_at})
