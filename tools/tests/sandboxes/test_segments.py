"""`num_segments` is what Twilio bills: the 65 external segment vectors reproduce."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from petcare_tools.sandboxes.twilio.segments import count_segments, encoding_of

VECTORS: list[dict[str, Any]] = json.loads(
    Path("/work/shared/testdata/twilio/segment_vectors.json").read_text()
)["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["description"][:60])
def test_segments_and_encoding_match_the_vectors(vector: dict[str, Any]) -> None:
    assert count_segments(vector["text"]) == vector["segments"]
    if not vector["encoding_basis"].startswith("NOT asserted"):
        assert encoding_of(vector["text"]) == vector["encoding"]
