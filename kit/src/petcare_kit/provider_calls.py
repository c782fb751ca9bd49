"""The provider call queue: rows that must each become exactly one call to an outside provider
(an email to SendGrid, a text to Twilio), made after the row is stored, even across crashes.

A service describes its table (`CallTable`: which columns hold the state, the due time, the attempt
count, the provider's id...) and its provider (`Provider`: send, find our earlier attempt, and what to
record besides the row when a call is accepted or has failed for good), then runs the queue::

    queue = ProviderCallQueue("email", sessions, EMAILS, SendGridCalls(...), CallPolicy(max_attempts=5))
    job = queue.job(interval_seconds=1)
    runtime.add_background_task("email-dispatcher", lambda: queue.run_forever(job))

Waking (`run_forever`): the queue LISTENs on its channel (`wake_channel(name)`, a connection of its
own, `petcare_kit.wakeups.Listener`) and runs the job at once on a NOTIFY there. The service's
migration adds a trigger sending it (`wakeups.create_notify_trigger`, when a row is inserted or
updated to `pending` and due now), so a row is called as soon as its transaction commits, on
whichever replica claims it first. The poll every `interval_seconds` stays, as the fallback: a
NOTIFY missed while reconnecting, rows due later (backoff), leases that run out. The claim below is
unchanged, so a wake-up on every replica still sends each row once.

Life of a row (states are the table's own words; defaults in brackets):
1. `pending` rows whose due time has come are claimed (`background.claim_due`: SKIP LOCKED, so
   replicas share the work; a lease, so a dead replica's claim runs out) and become `claimed`
   [`sending`]. A claim's rows are called one after another; those waiting for their turn are held
   for two call times (a look-up, then the call), renewed after each row, so a slow batch keeps its
   rows and a dead replica's rows are free within two call times.
2. Before the call, the attempt is recorded and committed: `attempts + 1`, `attempt_started_at =
   now()`, lease renewed (longer than a call can take). So a crash at any later point leaves a row
   that is `claimed`, with `attempts > 0`, whose lease runs out.
3. The call. Its outcome is recorded in one transaction with the service's own effects (events):
   accepted → `accepted` state and the provider's id; refused (`CallRejected`) → `failed` with the
   reason; a temporary failure (`CallFailed`) → due again after a backoff (2 s doubling, at most
   `backoff_max_seconds`), or `failed` ("gave up after N attempts") once `max_attempts` is reached.
   Every record checks the row is still ours (same lease, `background.owns`): a replica that lost its
   lease records nothing.
4. Recovery. A claimed row with `attempts > 0` is one whose earlier attempt may have reached the
   provider: after a crash (lease run out) or after a `CallFailed(maybe_accepted=True)` (a timeout,
   a 5xx). Before calling again, the queue asks the provider about OUR earlier attempt
   (`Provider.find`, by an identifier of ours the provider keeps, or by a look-up bounded by
   `attempt_started_at`): `Found` → recorded as accepted, not sent again; None (the provider surely
   does not have it) → sent; `LookupUnavailable` (the provider cannot tell) → sent, at least once,
   and the log says so. The row's id is the idempotency key of its call: one row, one message.
5. `lane` columns (optional): rows of one lane are called one at a time, in order, and no row of a
   lane is called while another of its lane waits for recovery. A look-up bounded by time is then
   unambiguous: the provider's messages of that lane since our attempt started that no other row of
   ours has recorded are that attempt's.

Backoff between attempts is stored in the row (`due_at`), not held in memory, so it survives a
restart; tenacity drives the job's own retries (`background.PeriodicJob`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Column, ColumnElement, Table, and_, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petcare_kit import tracing
from petcare_kit.background import PeriodicJob, claim_due, owns
from petcare_kit.unit_of_work import UnitOfWork
from petcare_kit.wakeups import Listener

log = logging.getLogger(__name__)


class CallRejected(Exception):
    """The provider refused the call: sending the same thing again fails again. `code` is the
    provider's error code, if it gave one."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.code = reason, code


class CallFailed(Exception):
    """A temporary failure (network, timeout, 429, 5xx): try again later. `maybe_accepted`: the
    provider may have taken it anyway (a timeout after the request went out, a 5xx), so the next
    attempt asks `Provider.find` first."""

    def __init__(self, reason: str, *, maybe_accepted: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.maybe_accepted = reason, maybe_accepted


class LookupUnavailable(Exception):
    """The provider cannot say whether it took our earlier attempt: recovery sends at least once."""


@dataclass(frozen=True)
class Found:
    """The provider took our earlier attempt; `provider_id` is its id for it (None if it gave none)."""

    provider_id: str | None


class Provider(Protocol):
    """What a service supplies for its calls. `row` is the claimed row (attribute access to every
    column as it was before the claim, plus `claimed_until`). Synchronous SDKs are run with
    `asyncio.to_thread` inside these methods."""

    async def send(self, row: Any) -> str | None:
        """Make the call; the provider's id for it. Raises CallRejected or CallFailed."""
        ...

    async def find(self, row: Any) -> Found | None:
        """Our earlier attempt for `row`, if the provider took it; None if surely not.
        Raises LookupUnavailable (cannot tell) or CallFailed (ask again later)."""
        ...

    async def accepted(self, session: UnitOfWork, row: Any, provider_id: str | None) -> None:
        """The service's own effects of an accepted call (events), in the queue's transaction."""
        ...

    async def failed(self, session: UnitOfWork, row: Any, reason: str, code: int | None) -> None:
        """The service's own effects of a final failure, in the queue's transaction."""
        ...


@dataclass(frozen=True)
class CallTable:
    """Which columns of `table` the queue reads and writes. `table` needs an `id` primary key."""

    table: Table
    state: Column[Any]
    due_at: Column[Any]
    attempts: Column[Any]
    provider_id: Column[Any]
    error: Column[Any]
    attempt_started_at: Column[Any] | None = None
    lane: Sequence[Column[Any]] = ()
    order_by: Sequence[ColumnElement[Any]] = ()
    """Tie-breakers after the due time (e.g. the part number of a long text)."""
    pending: str = "pending"
    claimed: str = "sending"
    accepted: str = "sent"
    failed: str = "failed"
    updated_at: Column[Any] | None = None
    trace_context: Callable[[Any], Mapping[str, str] | None] | None = None
    """The W3C context a row was queued in (`tracing.with_trace_context`), so its call joins that
    trace (docs/observability.md); None: calls start their own traces when tracing is on."""


@dataclass(frozen=True)
class CallPolicy:
    lease_seconds: float = 60.0
    """Longer than one call can take (the SDK's timeout): a lease must not run out mid-call. Each
    call renews its row's lease for this long as it starts; the claim's rows not called yet are held
    for twice this, again after each row (`ProviderCallQueue._rest_lease`)."""
    max_attempts: int = 5
    batch: int = 20
    backoff_initial_seconds: float = 2.0
    backoff_max_seconds: float = 300.0


@dataclass
class ProviderCallQueue:
    """See the module docstring. `run_once()` claims and handles one batch, returning its size."""

    name: str
    sessions: async_sessionmaker[AsyncSession]
    calls: CallTable
    provider: Provider
    policy: CallPolicy = field(default_factory=CallPolicy)

    def job(self, *, interval_seconds: float) -> PeriodicJob:
        """The periodic job running this queue: every `interval_seconds`, at once while batches are full."""
        return PeriodicJob(f"{self.name}-calls", self.run_once, interval_seconds=interval_seconds,
                           busy_at=self.policy.batch)

    @property
    def channel(self) -> str:
        """The NOTIFY channel that wakes this queue (`wake_channel(name)`)."""
        return wake_channel(self.name)

    def listener(self, job: PeriodicJob) -> Listener:
        """A listener waking `job` on each NOTIFY on `channel`, on a connection of its own to the
        database of `sessions`."""
        return Listener(_asyncpg_dsn(self.sessions), self.channel, job.wake)

    async def run_forever(self, job: PeriodicJob) -> None:
        """Run `job` (from `job()`) until cancelled, woken at once by a NOTIFY on `channel` and by
        its poll otherwise. Never raises but `CancelledError` (both loops wait out errors)."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self.listener(job).run_forever())
            group.create_task(job.run_forever())

    async def run_once(self) -> int:
        """Claim and handle due rows until none is due or `policy.batch` were handled; how many.
        With lanes each claim takes one row per lane, so a lane's next row is claimed in the next
        round, once the previous one is recorded."""
        c, handled = self.calls, 0
        while handled < self.policy.batch:
            async with UnitOfWork(self.sessions) as uow:
                rows = await claim_due(uow.session, c.table, state=c.state, due_at=c.due_at,
                                       ready=(c.pending, c.claimed), claimed=c.claimed,
                                       lease_seconds=self._rest_lease, limit=self.policy.batch - handled,
                                       order_by=c.order_by, lane=c.lane, lock_key=f"provider-calls:{self.name}")
                await uow.commit()
            rest = list(rows)
            try:
                while rest:
                    await self._handle(rest.pop(0))
                    rest = await self._hold(rest)
            except Exception:  # the job retries the run; the rows not called yet need not wait for their lease
                await self._release(rest)
                raise
            handled += len(rows)
            if not rows or not c.lane:
                break
        return handled

    @property
    def _rest_lease(self) -> float:
        # The rows of a claim are called one after another. A lease of one call's time on the whole
        # claim ran out mid-batch under load in a replica run ("lease lost before the call", replicas
        # taking each other's rows); a lease of the batch's worst time (n calls) would keep a dead
        # replica's rows from the others for that long. So the rows not called yet are held for the
        # worst time of one row (a lookup, then the call) and held again after each row (`_hold`).
        return 2 * self.policy.lease_seconds

    async def _hold(self, rows: list[Any]) -> list[Any]:
        """Renew the lease of the claim's rows not called yet (see `_rest_lease`); those lost
        meanwhile (another replica has them) are dropped. Rows locked by another transaction at
        this moment are skipped, not waited for (see below), and keep the lease they have."""
        if not rows:
            return rows
        c = self.calls
        async with UnitOfWork(self.sessions) as uow:
            # SKIP LOCKED: waiting here for rows that the service's own transactions hold (the
            # notifications consumer recording a text's outcome on the same deliveries rows, many
            # rows in one batch, in another order) deadlocked under load in the end-to-end bench;
            # the aborted hold failed the run and stranded the claim's rows until their lease ran
            # out (emails 2 minutes late). A skipped row is still ours under its current lease.
            free = select(c.table.c.id).where(self._owns_all(rows)).with_for_update(skip_locked=True).scalar_subquery()
            renewed: dict[Any, Any] = dict((await uow.session.execute(
                update(c.table).where(c.table.c.id.in_(free))
                .values({c.due_at.name: func.now() + _seconds(self._rest_lease)})
                .returning(c.table.c.id, c.due_at))).all())
            others = [row for row in rows if row.id not in renewed]
            busy = set((await uow.session.execute(select(c.table.c.id).where(self._owns_all(others)))).scalars()
                       ) if others else set()
            await uow.commit()
        kept = []
        for row in rows:
            if row.id in busy:
                kept.append(row)
                continue
            if row.id not in renewed:
                log.warning("%s %s: lease lost while waiting for its turn; another replica has it", self.name, row.id)
                continue
            updated = dict(row)
            updated["claimed_until"] = renewed[row.id]
            kept.append(type(row)(updated))
        return kept

    async def _release(self, rows: list[Any]) -> None:
        """Make the claim's rows not called yet due again at once (still claimed, so a recovery
        stays one), after the run failed; best effort: if this fails too, their lease runs out."""
        if not rows:
            return
        c = self.calls
        try:
            async with UnitOfWork(self.sessions) as uow:
                await uow.session.execute(update(c.table).where(self._owns_all(rows))
                                          .values({c.due_at.name: func.now()}))
                await uow.commit()
        except Exception as error:
            log.warning("%s: could not release %d claimed rows after a failed run (their lease will run "
                        "out): %r", self.name, len(rows), error)

    async def _handle(self, row: Any) -> None:
        c = self.calls
        if row[c.state.name] == c.claimed and row[c.attempts.name] > 0:
            try:
                found = await self.provider.find(row)
            except LookupUnavailable as error:
                log.warning("%s %s: cannot ask the provider about our earlier attempt (%s): sending "
                            "again, at least once", self.name, row.id, error)
                found = None
            except CallFailed as error:
                await self._retry(row, f"asking about the earlier attempt: {error.reason}", check_first=True,
                                  attempts=row[c.attempts.name])
                return
            if found is not None:
                log.info("%s %s: the provider had our earlier attempt (%s)", self.name, row.id, found.provider_id)
                await self._accept(row, found.provider_id)
                return
        row = await self._start_attempt(row)
        if row is None:
            return
        # the call, and what its outcome publishes, join the trace the row was queued in
        with tracing.provider_call(self.name, self._trace_context(row), **{"petcare.call_id": str(row.id)}):
            await self._call(row)

    async def _call(self, row: Any) -> None:
        c = self.calls
        try:
            provider_id = await self.provider.send(row)
        except CallRejected as error:
            tracing.mark_failed(error.reason)
            await self._fail(row, error.reason, error.code)
        except CallFailed as error:
            tracing.mark_failed(error.reason)
            await self._retry(row, error.reason, check_first=error.maybe_accepted, attempts=row[c.attempts.name])
        except Exception as error:  # an unclassified error may hide an accepted call: ask first next time
            log.exception("%s %s: unexpected error from the provider call", self.name, row.id)
            tracing.mark_failed(f"{type(error).__name__}: {error}")
            await self._retry(row, f"{type(error).__name__}: {error}", check_first=True,
                              attempts=row[c.attempts.name])
        else:
            await self._accept(row, provider_id)

    async def _start_attempt(self, row: Any) -> Any | None:
        """Record (committed) that a call is about to go out, renewing the lease; None if lost."""
        c = self.calls
        values: dict[str, Any] = {c.attempts.name: c.attempts + 1,
                                  c.due_at.name: func.now() + _seconds(self.policy.lease_seconds)}
        if c.attempt_started_at is not None:
            values[c.attempt_started_at.name] = func.now()
        async with UnitOfWork(self.sessions) as uow:
            renewed = (await uow.session.execute(
                update(c.table).where(self._owns(row)).values(values)
                .returning(c.attempts, c.due_at, *([c.attempt_started_at] if c.attempt_started_at is not None else []))
            )).one_or_none()
            await uow.commit()
        if renewed is None:
            log.warning("%s %s: lease lost before the call; another replica has it", self.name, row.id)
            return None
        updated = dict(row)
        updated[c.attempts.name], updated["claimed_until"] = renewed[0], renewed[1]
        if c.attempt_started_at is not None:
            updated[c.attempt_started_at.name] = renewed[2]
        return type(row)(updated)

    async def _accept(self, row: Any, provider_id: str | None) -> None:
        c = self.calls
        await self._record(row, {c.state.name: c.accepted, c.provider_id.name: provider_id, c.error.name: None,
                                 c.due_at.name: None},
                           lambda uow: self.provider.accepted(uow, row, provider_id))

    async def _fail(self, row: Any, reason: str, code: int | None) -> None:
        c = self.calls
        log.warning("%s %s: failed for good: %s", self.name, row.id, reason)
        await self._record(row, {c.state.name: c.failed, c.error.name: reason, c.due_at.name: None},
                           lambda uow: self.provider.failed(uow, row, reason, code))

    async def _retry(self, row: Any, reason: str, *, check_first: bool, attempts: int) -> None:
        c = self.calls
        if attempts >= self.policy.max_attempts:
            await self._fail(row, f"gave up after {attempts} attempts: {reason}", None)
            return
        pause = min(self.policy.backoff_initial_seconds * 2 ** max(attempts - 1, 0), self.policy.backoff_max_seconds)
        log.warning("%s %s: attempt %d failed (%s); again in %.0f s%s", self.name, row.id, attempts, reason, pause,
                    ", asking the provider first" if check_first else "")
        await self._record(row, {c.state.name: c.claimed if check_first else c.pending, c.error.name: reason,
                                 c.due_at.name: func.now() + _seconds(pause)}, None)

    async def _record(self, row: Any, values: dict[str, Any], effects: Any) -> None:
        c = self.calls
        if c.updated_at is not None:
            values[c.updated_at.name] = func.now()
        async with UnitOfWork(self.sessions) as uow:
            done = (await uow.session.execute(
                update(c.table).where(self._owns(row)).values(values).returning(c.table.c.id))).one_or_none()
            if done is None:
                log.warning("%s %s: lease lost; the outcome is another replica's to record", self.name, row.id)
                return
            if effects is not None:
                await effects(uow)
            await uow.commit()

    def _trace_context(self, row: Any) -> Mapping[str, str] | None:
        read = self.calls.trace_context
        return read(row) if read is not None and tracing.enabled() else None

    def _owns(self, row: Any) -> ColumnElement[bool]:
        c = self.calls
        return owns(c.table, row, state=c.state, due_at=c.due_at, claimed=c.claimed)

    def _owns_all(self, rows: Sequence[Any]) -> ColumnElement[bool]:
        """`_owns` of each row, as one `id IN (...)` per lease end: the rows of a claim share one
        (set by one statement), so this is a primary-key look-up, not an OR of 20 conditions that
        made holding a batch the slowest step of a call (13 ms of 38 per email)."""
        c, by_lease = self.calls, dict[Any, list[Any]]()
        for row in rows:
            by_lease.setdefault(row.claimed_until, []).append(row.id)
        return or_(*(and_(c.table.c.id.in_(ids), c.state == c.claimed, c.due_at == until)
                     for until, ids in by_lease.items()))


def wake_channel(name: str) -> str:
    """The NOTIFY channel of the queue called `name` (e.g. `provider_calls_email`)."""
    return f"provider_calls_{name}"


def _asyncpg_dsn(sessions: async_sessionmaker[AsyncSession]) -> str:
    """The DSN asyncpg takes for the database `sessions` are bound to."""
    engine = sessions.kw["bind"]
    url = engine.url.set(drivername="postgresql")
    return str(url.render_as_string(hide_password=False))


def _seconds(seconds: float) -> Any:
    return text(f"interval '{float(seconds)} seconds'")
