"""The table of billing's answers to facility's commands (R-FAC-4, R-FAC-6), on billing's
`metadata`; its frozen copy is created by alembic/versions/0007_facility_commands.py."""

from sqlalchemy import Column, DateTime, Table, Text, Uuid, func

from billing.adapters.tables import metadata

facility_command_answers = Table(
    "facility_command_answers", metadata,
    Column("request_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("command", Text, nullable=False, comment="the command's event type"),
    Column("outcome", Text, nullable=False, comment="done or refused"),
    Column("code", Text, nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    comment="each command on billing.commands is answered once (a replay finds its answer here)",
)
