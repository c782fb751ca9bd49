"""Small pure pieces of the kit that the reliability tests lean on."""

import asyncpg
from petcare_kit.errors import TransientError
from petcare_kit.headers import headers_from_json, headers_to_json
from petcare_kit.transient import is_transient
from sqlalchemy import exc as sa_exc


def test_headers_survive_the_outbox_byte_for_byte():
    headers = [("message-id", b"abc"), ("trace", b"\xff\x00\xfe"), ("empty", b""), ("message-id", b"dup")]
    assert headers_from_json(headers_to_json(headers)) == headers
    assert headers_to_json([("a", "é".encode())]) == [["a", "é"]]  # readable in the table


def test_transient_failures_are_told_from_bugs():
    assert is_transient(TransientError("provider timed out"))
    assert is_transient(ConnectionRefusedError())
    assert is_transient(asyncpg.exceptions.DeadlockDetectedError("deadlock"))
    assert is_transient(sa_exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert not is_transient(ValueError("a bug"))
    assert not is_transient(KeyError("missing"))
    assert not is_transient(sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")))
