"""a trigger on texts: a NOTIFY on provider_calls_text when a text becomes due now (queued, or set
pending again), so the text dispatcher hands it to Twilio at the commit instead of at its next poll
(as notifications' emails since its migration 0007)"""

from alembic import op
from petcare_kit.wakeups import create_notify_trigger, drop_notify_trigger

revision = "0008_text_wakeups"
down_revision = "0007_publish_mobile_fields"
branch_labels = None
depends_on = None

TRIGGER, TABLE = "texts_due", "texts"


def upgrade() -> None:
    for statement in create_notify_trigger(
            TRIGGER, TABLE, "provider_calls_text", update_of=("status", "next_attempt_at"),
            when="NEW.status = 'pending' AND NEW.next_attempt_at <= now()"):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_notify_trigger(TRIGGER, TABLE):
        op.execute(statement)
