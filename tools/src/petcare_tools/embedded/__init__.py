"""Embedded servers for dev runs and tests: the Tansu broker and PostgreSQL 18, on 127.0.0.1 only."""
