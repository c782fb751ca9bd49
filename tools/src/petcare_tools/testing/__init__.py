"""Test support: the pytest plugin (fixtures.py) and child-process management (processes.py)."""
