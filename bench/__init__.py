"""Benchmarks of the kit on the real broker and PostgreSQL: `make bench` (`python -m bench.run`).

Each figure is printed beside a baseline measured in the same run on the same broker, as one JSON
document on stdout; progress goes to stderr. See bench/run.py.
"""

import sys
from pathlib import Path

# The kitdemo test service and the suite harness live under tests/ (pytest adds it the same way).
_TESTS_DIR = str(Path(__file__).resolve().parents[1] / "tests")
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)
