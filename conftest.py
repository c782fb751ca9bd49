"""Repo-wide pytest setup: the shared fixtures (embedded broker and PostgreSQL, processes)."""

pytest_plugins = ["petcare_tools.testing.fixtures"]
