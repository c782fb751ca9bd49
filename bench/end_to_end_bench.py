"""End to end: conversation messages posted at the gateway to a client who is sent every message by
text and by email ("Text & Email"), counted where they leave the suite: at the Twilio and SendGrid
sandboxes. Everything is a real process on the real broker: clients, notifications, texting,
billing (the plan that allows texting), the gateway and both sandboxes, as the texting suite test
starts them.

- fixed rate: `count` POSTs at `rate` per second (started on a timer, whatever the answers take);
- full speed: `count` POSTs, CONCURRENCY at a time.
Each message's text carries a token; a delivery is the text at Twilio or the email at SendGrid
with that token. Reported: POSTs/s, deliveries/s at the sandboxes (both channels, first POST to
last delivery), the latency from the POST's start to the provider's receipt (the sandbox's own
clock; same machine) per channel, p50 and p99, and that every message arrived once per channel.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import httpx
from suite.plans import SHORT_TRIAL
from suite.suite_harness import Suite
from suite.test_texting_flow import _switches_available, _texting_set_up, eventually

from bench.common import Infra, log, summary

CONCURRENCY = 8
MOBILE = "+14165550199"
EMAIL = "ada@example.com"
PASSWORD = "a long enough password"
PROCESSES = ("sendgrid-sandbox", "twilio-sandbox", "clients", "notifications", "texting", "billing", "gateway")
"""The suite's own process names: the gateway routes to the services started under them."""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


async def _arrivals(outside: httpx.AsyncClient, twilio: str, sendgrid: str, tag: str) -> dict[str, dict[str, list]]:
    """token → receipt times (epoch s), per channel, for this run's tag."""
    texts = (await outside.get(f"{twilio}/sandbox/messages", params={"to": MOBILE})).json()
    mails = (await outside.get(f"{sendgrid}/sandbox/messages", params={"to": EMAIL})).json()
    found: dict[str, dict[str, list]] = {"text": {}, "email": {}}
    for channel, items, field, at in (("text", texts, "body", "date_created"), ("email", mails, "text", "received_at")):
        items = items["messages"] if isinstance(items, dict) else items
        for item in items:
            if channel == "text" and item.get("direction") != "outbound-api":
                continue
            content = str(item.get(field) or "")
            if tag not in content:
                continue
            token = next(word for word in content.split() if word.startswith(tag))
            found[channel].setdefault(token, []).append(datetime.fromisoformat(item[at]).timestamp())
    return found


async def _one_run(http: httpx.AsyncClient, outside: httpx.AsyncClient, *, urls: dict, admin: dict,
                   client_id: str, count: int, rate: float | None, tag: str) -> dict:
    posted_at: dict[str, float] = {}
    tokens = iter(range(count))

    async def post(i: int) -> None:
        token = f"{tag}{i:05d}"
        posted_at[token] = time.time()
        answer = await http.post(f"/api/notifications/conversations/{client_id}/messages", headers=admin,
                                 json={"text": f"Walk report {token} done"})
        answer.raise_for_status()

    started = time.time()
    if rate:  # on a timer, not waiting for the answer before the next
        sent = []
        for i in tokens:
            sent.append(asyncio.create_task(post(i)))
            await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.time()))
        await asyncio.gather(*sent)
    else:
        async def worker() -> None:
            for i in tokens:
                await post(i)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    posted = time.time()
    deadline = time.monotonic() + 60 + count
    while True:
        found = await _arrivals(outside, urls["twilio"], urls["sendgrid"], tag)
        if all(len(found[c]) >= count for c in found) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(1)  # a doubled delivery would show now
    found = await _arrivals(outside, urls["twilio"], urls["sendgrid"], tag)
    last = max(t for channel in found.values() for times in channel.values() for t in times)
    result: dict = {"posts_per_s": count / (posted - started),
                    "deliveries_per_s": sum(len(c) for c in found.values()) / (last - started),
                    "all_delivered_once": all(len(found[c]) == count and all(len(t) == 1 for t in found[c].values())
                                              for c in found)}
    for channel, times in found.items():
        latencies = [(min(t) - posted_at[token]) * 1000 for token, t in times.items()]
        result[f"{channel}_delivered"] = len(times)
        result[f"{channel}_latency_ms_p50"] = _percentile(latencies, 0.5) if latencies else None
        result[f"{channel}_latency_ms_p99"] = _percentile(latencies, 0.99) if latencies else None
    return result


async def run(infra: Infra, *, count: int, repetitions: int, rate: float = 5.0) -> dict:
    assert infra.processes is not None
    suite = Suite(infra.processes, infra.bootstrap_servers, infra.admin_url)
    quiet = {"LOG_LEVEL": "WARNING"}
    try:
        sendgrid, twilio = await suite.start_sandbox("sendgrid"), await suite.start_sandbox("twilio")
        await suite.start("clients", **quiet)
        await suite.start("notifications", SENDGRID_HOST=sendgrid,
                          SENDGRID_API_KEY="SG.bench", **quiet)
        await suite.start("texting", TWILIO_API_BASE=twilio, **quiet)
        await suite.start("billing", **SHORT_TRIAL, **quiet)
        gateway = await suite.start_gateway(**quiet)
        urls = {"twilio": twilio, "sendgrid": sendgrid}
        async with httpx.AsyncClient(base_url=gateway, timeout=60) as http, httpx.AsyncClient(timeout=60) as outside:
            async def signed_up() -> dict | None:  # the gateway may still be loading the route tables
                answer = await http.post("/api/clients/signup", json={"company_name": "Bench Walks", "admin": {
                    "first_name": "B", "last_name": "Admin", "email": "admin@benchwalks.com", "password": PASSWORD}})
                if answer.status_code == 503:
                    return None
                assert answer.status_code == 201, answer.text
                return dict(answer.json())

            signup = await eventually(signed_up, timeout=60, what="the sign-up")
            admin = {"authorization": f"Bearer {signup['tokens']['access_token']}"}
            client = (await http.post("/api/clients/clients", headers=admin, json={
                "first_name": "Ada", "last_name": "Lovelace", "emails": [EMAIL],
                "phones": [{"label": "mobile", "number": "(416) 555-0199"}]})).json()
            await _texting_set_up(http, outside, twilio, admin)
            await http.put(f"/api/notifications/preferences/{client['id']}", headers=admin,
                           json={"default_delivery": "text_and_email", "texting_enabled": True})
            await eventually(lambda: _switches_available(http, admin), timeout=60,
                             what="texting available in notifications")
            await _one_run(http, outside, urls=urls, admin=admin, client_id=client["id"], count=5, rate=None,
                           tag="warm")  # every path and connection warm
            results: dict = {"messages_per_run": count, "fixed_rate_per_s": rate, "concurrency": CONCURRENCY}
            for mode, mode_rate in (("fixed_rate", rate), ("full_speed", None)):
                runs = []
                for rep in range(repetitions):
                    r = await _one_run(http, outside, urls=urls, admin=admin, client_id=client["id"], count=count,
                                       rate=mode_rate, tag=f"{mode[:3]}{rep}x")
                    runs.append(r)
                    log(f"end to end {mode} run {rep + 1}: posts {r['posts_per_s']:.1f}/s, deliveries "
                        f"{r['deliveries_per_s']:.1f}/s, text p50 {r['text_latency_ms_p50']} ms p99 "
                        f"{r['text_latency_ms_p99']} ms, email p50 {r['email_latency_ms_p50']} ms p99 "
                        f"{r['email_latency_ms_p99']} ms, all once: {r['all_delivered_once']}")
                entry: dict = {key: summary([r[key] for r in runs], 1) for key in runs[0]
                               if isinstance(runs[0][key], float)}
                entry["all_delivered_once"] = all(r["all_delivered_once"] for r in runs)
                results[mode] = entry
        results["note"] = ("2 deliveries per message (text and email); latency from the POST's start to the "
                           "sandbox's receipt; every service and the load generator share the machine's cores")
        return results
    finally:
        for name in reversed(PROCESSES):
            try:
                infra.processes.stop(name)
            except KeyError:  # not started: an earlier step failed
                pass
