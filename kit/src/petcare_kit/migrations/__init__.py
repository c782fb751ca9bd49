"""Alembic wiring shared by every service.

- A service's `alembic/env.py` is two lines: import its metadata and call `run_env(metadata)`.
- Its first migration calls `create_kit_tables()` to create `outbox` and `inbox` (and the NOTIFY
  trigger that wakes the relay); later kit changes ship as functions here too.
- Migrations run as their own step, before the service starts:
  `python -m petcare_kit.migrations upgrade --service clients` (reads CLIENTS_DATABASE_URL).
"""

from petcare_kit.migrations.kit_tables import create_kit_tables
from petcare_kit.migrations.runner import run_env, upgrade_to_head

__all__ = ["create_kit_tables", "run_env", "upgrade_to_head"]
