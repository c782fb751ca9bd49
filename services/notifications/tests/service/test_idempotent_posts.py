"""A conversation message retried after its answer was lost reaches the pet owner once (issue 9,
item 3): the kit's Idempotency-Key handling, with no code of this service's own."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

import pytest
from petcare_kit.identity import sign_identity

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def post_and_lose_the_answer(service, identity, path: str, body: dict, key: str) -> None:  # type: ignore[no-untyped-def]
    """Send the POST straight to the service's ASGI app and drop the connection as the answer goes
    out: what the client saw as a 502 after a crash, or a reset."""
    headers = {"content-type": "application/json", "idempotency-key": key,
               **sign_identity(identity, secret=service.settings.internal_auth_secret, method="POST", path=path)}
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "server": ("notifications", 80), "client": ("127.0.0.1", 5000),
        "headers": [(name.encode(), value.encode()) for name, value in headers.items()],
    }
    delivered = False

    async def receive():  # type: ignore[no-untyped-def]
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": json.dumps(body).encode(), "more_body": False}
        await asyncio.sleep(3600)

    async def lost(message):  # type: ignore[no-untyped-def]
        raise ConnectionResetError("the answer never reached the client")

    with pytest.raises(ConnectionResetError):
        await service.app(scope, receive, lost)


async def keyed_post(service, identity, path: str, body: dict, key: str):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": key,
               **sign_identity(identity, secret=service.settings.internal_auth_secret, method="POST", path=path)}
    return await service.http.post(path, json=body, headers=headers)


async def test_a_message_post_retried_with_its_key_after_a_lost_answer_is_sent_once(service, company):
    path, body, key = f"/conversations/{company.client_id}/messages", {"text": "Rex had a great walk"}, str(uuid4())
    await post_and_lose_the_answer(service, company.admin, path, body, key)
    retried = await keyed_post(service, company.admin, path, body, key)
    assert retried.status_code == 201, retried.text
    assert retried.headers.get("idempotent-replayed") == "true"
    again = await keyed_post(service, company.admin, path, body, key)
    assert again.json() == retried.json()

    feed = (await service.as_(company.admin).request("GET", path)).json()["messages"]
    assert [m["text"] for m in feed] == ["Rex had a great walk"]
    assert feed[0]["id"] == retried.json()["id"]
    assert len(await service.sql("SELECT * FROM deliveries")) == 1
    await service.send_emails()
    assert len(await service.mailbox(to="ada@example.com")) == 1, "the pet owner gets one email"


async def test_a_new_key_is_a_new_message_and_a_reused_key_for_another_text_is_refused(service, company):
    path, key = f"/conversations/{company.client_id}/messages", str(uuid4())
    admin = service.as_(company.admin)
    first = await keyed_post(service, company.admin, path, {"text": "one"}, key)
    assert first.status_code == 201
    other = await keyed_post(service, company.admin, path, {"text": "two"}, key)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    second = await keyed_post(service, company.admin, path, {"text": "two"}, str(uuid4()))
    assert second.status_code == 201
    texts = [m["text"] for m in (await admin.request("GET", path)).json()["messages"]]
    assert sorted(texts) == ["one", "two"]
