from petcare_kit.migrations import run_env
from texting.adapters.tables import metadata

run_env(metadata)
