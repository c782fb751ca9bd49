"""billing's table metadata (SQLAlchemy Core). Each area keeps its tables in its own module on this
`metadata` (`invoices_tables.py`, `payments_tables.py`, `plans_tables.py`, `texting_tables.py`,
`packages_tables.py`); its migration (alembic/versions) creates frozen copies of them. Every row
carries its `company_id`: every query is scoped to one company. The kit's tables (outbox, inbox,
idempotency_keys, waiting_events, the clients directory) are created by the first migration."""

from sqlalchemy import MetaData

metadata = MetaData()
