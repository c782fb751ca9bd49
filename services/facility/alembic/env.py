from facility.adapters import catalogue_tables, events_tables, spaces_tables  # noqa: F401  (their tables join `metadata`)
from facility.adapters.tables import metadata
from petcare_kit.migrations import run_env

run_env(metadata)
