"""`redrive`, `rewind` and `republish` on the command line (registered on cli.app)."""

from __future__ import annotations
