from facility.adapters.tables import metadata
from petcare_kit.migrations import run_env

run_env(metadata)
