"""a trigger on deliveries: a NOTIFY on provider_calls_email when an email becomes due now (queued,
or set pending again), so the email dispatcher sends it at the commit instead of at its next poll"""

from alembic import op
from petcare_kit.wakeups import create_notify_trigger, drop_notify_trigger

revision = "0007_email_wakeups"
down_revision = "0006_mobile_field"
branch_labels = None
depends_on = None

TRIGGER, TABLE = "deliveries_email_due", "deliveries"


def upgrade() -> None:
    for statement in create_notify_trigger(
            TRIGGER, TABLE, "provider_calls_email", update_of=("email_state", "email_next_attempt_at"),
            when="NEW.email_state = 'pending' AND NEW.email_next_attempt_at <= now()"):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_notify_trigger(TRIGGER, TABLE):
        op.execute(statement)
