"""publish each company's client phone number field (texting.mobile_field.changed, R-TEXT-4)

Notifications picks the number it texts with this setting since the event exists; a setting chosen
before then is published once here, through the outbox (the relay sends it), so that existing
companies' texts go to the number their setting names without anyone saving it again."""

from alembic import op
from petcare_contracts import new_envelope
from petcare_contracts.events.texting import MobileFieldChanged
from petcare_kit.db import outbox_table
from petcare_kit.outbox import envelope_row
from sqlalchemy import text

revision = "0007_publish_mobile_fields"
down_revision = "0006_client_directory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(text("SELECT company_id, mobile_field FROM companies WHERE mobile_field IS NOT NULL"))
    for company_id, mobile_field in rows.all():
        payload = MobileFieldChanged(company_id=company_id, mobile_field=mobile_field)
        envelope = new_envelope(payload, company_id=company_id, correlation_id="migration-0007")
        bind.execute(outbox_table.insert().values(envelope_row(envelope, topic=payload.topic,
                                                               key=payload.partition_key())))


def downgrade() -> None:
    pass  # what was published stays published
