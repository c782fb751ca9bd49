"""Real services and the gateway as processes on the session's broker and PostgreSQL: the shared
suite harness, petcare_tools.testing.suite (read its docstring). Kept so that suite tests import
`from suite.suite_harness import Suite`."""

from petcare_tools.testing.suite import INTERNAL_AUTH_SECRET, TOKEN_SIGNING_SECRET, Suite

__all__ = ["INTERNAL_AUTH_SECRET", "TOKEN_SIGNING_SECRET", "Suite"]
