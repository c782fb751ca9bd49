"""texts: the attempt count and start of the latest Twilio call, and the index of texts to reconcile

`attempt_started_at` bounds the after-crash look-up of our own earlier call at Twilio;
`next_attempt_at` of a text Twilio has, not final yet, is when to ask Twilio about it again.
"""

from alembic import op

revision = "0004_text_call_attempts"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # IF NOT EXISTS: 0001 builds a new database from today's table definitions, which have these.
    op.execute("ALTER TABLE texts ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE texts ADD COLUMN IF NOT EXISTS attempt_started_at TIMESTAMP WITH TIME ZONE")
    op.execute("CREATE INDEX IF NOT EXISTS texts_unsettled ON texts (next_attempt_at) "
               "WHERE status IN ('accepted', 'queued', 'sent')")


def downgrade() -> None:
    op.drop_index("texts_unsettled", table_name="texts")
    op.drop_column("texts", "attempt_started_at")
    op.drop_column("texts", "attempts")
