"""What the gateway costs a request: the same authenticated read (GET /me) straight to the clients
service with the identity header the gateway would send (the baseline), and through the gateway,
which verifies the token, asks clients whether the session still holds (no cache: a deactivated
client is refused at once on every replica), checks roles and proxies. Also the session check
alone, and the memory of both services at rest. Same machine, same run, same HTTP client.

Besides rates and latencies, the CPU time each process spent per request (`cpu_ms_per_request`):
on a crowded machine rates move with the neighbours' load, while CPU per request moves far less,
and it says which process a variant's time goes to."""

from __future__ import annotations

import asyncio
import time
from uuid import UUID

import httpx
import jwt
import psutil
from petcare_kit.identity import Identity, Role, sign_identity
from suite.suite_harness import INTERNAL_AUTH_SECRET, TOKEN_SIGNING_SECRET, Suite

from bench.common import Infra, log, summary
from bench.memory import process_memory_mb

CONCURRENCY = 16


async def _load(url: str, headers_for, count: int) -> tuple[float, list[float]]:
    """`count` GETs, CONCURRENCY at a time: (requests/s, latencies in ms)."""
    latencies: list[float] = []
    queue = iter(range(count))
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        async def worker() -> None:
            for _ in queue:
                started = time.perf_counter()
                response = await http.get(url, headers=headers_for())
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    return count / elapsed, latencies


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


async def run(infra: Infra, *, count: int, repetitions: int) -> dict:
    assert infra.processes is not None
    suite = Suite(infra.processes, infra.bootstrap_servers, infra.admin_url)
    clients = await suite.start("clients", process_name="bench-clients", LOG_LEVEL="WARNING")
    gateway = await suite.start_gateway(process_name="bench-gateway", LOG_LEVEL="WARNING",
                                        GATEWAY_SERVICES=f'{{"clients": "{clients}"}}')
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            admin_in = {"first_name": "B", "last_name": "Admin", "email": "admin@benchpaws.com",
                        "password": "a bench password"}
            signup = (await http.post(f"{gateway}/api/clients/signup",
                                      json={"company_name": "Bench Paws", "admin": admin_in})).json()
        token = signup["tokens"]["access_token"]
        claims = jwt.decode(token, TOKEN_SIGNING_SECRET, algorithms=["HS256"], options={"verify_exp": False})
        admin = Identity(Role.ADMIN, person_id=UUID(claims["sub"]), company_id=UUID(claims["cid"]))
        check_path = f"/internal/sessions/{claims['sub']}"

        variants = {
            "direct_to_clients": (f"{clients}/me", lambda: sign_identity(
                admin, secret=INTERNAL_AUTH_SECRET, method="GET", path="/me")),
            "session_check_alone": (f"{clients}{check_path}?version={claims['sv']}", lambda: sign_identity(
                Identity(Role.INTERNAL), secret=INTERNAL_AUTH_SECRET, method="GET", path=check_path)),
            "through_gateway": (f"{gateway}/api/clients/me", lambda: {"authorization": f"Bearer {token}"}),
        }
        results: dict = {}
        for url, headers_for in variants.values():
            await _load(url, headers_for, min(200, count))  # warm up connections and caches
        measured: dict[str, tuple[list, list, list]] = {name: ([], [], []) for name in variants}
        processes = {"clients": psutil.Process(infra.processes["bench-clients"].pid),
                     "gateway": psutil.Process(infra.processes["bench-gateway"].pid),
                     "load_client": psutil.Process()}
        cpu_ms: dict[str, dict[str, list[float]]] = {name: {p: [] for p in processes} for name in variants}
        # Interleaved (direct, check, gateway, direct, ...): on a shared machine the load changes
        # over minutes, and each variant should see the same.
        for run_no in range(repetitions):
            for name, (url, headers_for) in variants.items():
                rates, p50s, p95s = measured[name]
                cpu_before = {p: _cpu_seconds(process) for p, process in processes.items()}
                rate, latencies = await _load(url, headers_for, count)
                for p, process in processes.items():
                    cpu_ms[name][p].append((_cpu_seconds(process) - cpu_before[p]) * 1000 / count)
                rates.append(rate)
                p50s.append(_percentile(latencies, 0.5))
                p95s.append(_percentile(latencies, 0.95))
                log(f"gateway bench {name} run {run_no + 1}: {rate:,.0f} req/s, p50 {p50s[-1]} ms")
        for name, (rates, p50s, p95s) in measured.items():
            results[name] = {"requests_per_s": summary(rates), "latency_ms_p50": summary(p50s, 2),
                             "latency_ms_p95": summary(p95s, 2),
                             "cpu_ms_per_request": {p: summary(v, 2) for p, v in cpu_ms[name].items()}}
        results["through_vs_direct_per_run"] = [  # each pair measured back to back
            round(through / direct, 3) for direct, through in zip(measured["direct_to_clients"][0],
                                                                  measured["through_gateway"][0], strict=True)]
        direct = results["direct_to_clients"]["latency_ms_p50"]["median"]
        through = results["through_gateway"]["latency_ms_p50"]["median"]
        results["gateway_added_latency_ms_p50"] = round(through - direct, 2)
        results["concurrency"] = CONCURRENCY
        results["requests_per_run"] = count
        results["memory_mb_after_load"] = {
            "clients": process_memory_mb(infra.processes["bench-clients"].pid),
            "gateway": process_memory_mb(infra.processes["bench-gateway"].pid)}
        results["note"] = "the client is a Python process on the same 2 cores: compare variants, not absolutes"
        return results
    finally:
        for name in ("bench-gateway", "bench-clients"):
            infra.processes.stop(name)
