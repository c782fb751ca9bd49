"""Background work that is safe with several replicas: a periodic job, and claiming due rows.

**PeriodicJob** runs one unit of work again and again, instead of a hand-written `while True` loop::

    job = PeriodicJob("email-dispatcher", dispatcher.dispatch_due, interval_seconds=1.0, busy_at=20)
    runtime.add_background_task(job.name, job.run_forever)
    job.wake()      # run now instead of at the end of the pause (e.g. after queuing work)

- `work()` is an async callable taking nothing; it may return an int (how much it did) or None.
- After a run, the job pauses `interval_seconds`, unless `work()` returned `>= busy_at` (a full
  batch: there is more to do), then it runs again at once. `wake()` cuts a pause short.
- An exception from `work()` is logged (with its traceback) and the run retried with exponential
  backoff (tenacity; from `interval_seconds`, doubling, at most `max_backoff_seconds`, with jitter)
  until one run succeeds. The job never dies of an error: only cancellation stops it.
- Cancelling the task running `run_forever()` stops it at once, mid-run or mid-pause
  (`CancelledError` is never retried nor swallowed).

**claim_due** takes rows whose time has come, so that replicas share them and a crashed replica's
claim runs out by itself::

    rows = await claim_due(session, table, state=t.c.status, due_at=t.c.next_attempt_at,
                           ready=("pending", "sending"), claimed="sending", lease_seconds=60, limit=20)
    await session.commit()   # the claim is visible to other replicas only once committed

Semantics (PostgreSQL):
- A row is due when `state IN ready` and `due_at <= now()`. Due rows are locked with
  `SELECT ... FOR UPDATE SKIP LOCKED`, so two replicas claiming at once never get the same row and
  never wait for each other.
- Claiming sets `state = claimed` and `due_at = now() + lease` (the lease, "claimed until"). The
  claimer owns the row until then. Put `claimed` in `ready`: a row still `claimed` when its lease
  ends belongs to a replica that died (or hung), and becomes due again for anyone. Work on a row
  must therefore be idempotent, or check what it did before (see `provider_calls`).
- A finished row leaves the ready states (or sets a later `due_at`); the claimer should check it
  still owns the row when it records (`owns` below): a row whose lease ran out may have been
  claimed again by another replica.
- `lane` (columns): at most one row per lane value is claimed at a time, oldest first, and not while
  another row of its lane is claimed with a lease still running. Use it when the work on two rows
  of one lane must not overlap (texts to one number: recovery after a crash relies on it). The
  claims of a lane queue are serialised with a transaction advisory lock keyed by `lock_key`, so
  that two replicas cannot each claim a different row of the same lane.
- The returned rows are the rows as they were before the claim: `row.<state>` tells whether a row
  was already claimed once (a recovery). `row.claimed_until` is the new lease end, the claimer's
  fencing token (`owns`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, and_, func, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[int | None]]


class PeriodicJob:
    """Runs `work` every `interval_seconds` (at once again while it returns `>= busy_at`); see the
    module docstring. `name` appears in the logs."""

    def __init__(self, name: str, work: Work, *, interval_seconds: float, busy_at: int | None = None,
                 max_backoff_seconds: float = 60.0) -> None:
        self.name, self.work = name, work
        self.interval_seconds, self.busy_at = interval_seconds, busy_at
        self.max_backoff_seconds = max(max_backoff_seconds, interval_seconds)
        self._wake = asyncio.Event()
        self.runs = 0
        """Successful runs so far (tests and metrics read it)."""

    def wake(self) -> None:
        """Cut the current pause short: the next run starts now."""
        self._wake.set()

    async def run_forever(self) -> None:
        """Run until cancelled; never raises anything but `CancelledError`."""
        while True:
            self._wake.clear()
            done = await self.run_once()
            if self.busy_at is not None and done is not None and done >= self.busy_at:
                await asyncio.sleep(0)  # let others run between full batches
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval_seconds)

    async def run_once(self) -> int | None:
        """One successful run of `work`, retried with backoff while it raises."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(Exception),
            wait=wait_exponential_jitter(multiplier=self.interval_seconds, max=self.max_backoff_seconds,
                                         jitter=self.interval_seconds / 4),
            before_sleep=self._log_failure, reraise=True)
        async for attempt in retrying:
            with attempt:
                done = await self.work()
        self.runs += 1
        return done

    def _log_failure(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        pause = state.next_action.sleep if state.next_action else 0.0
        log.error("background job %s failed (%d in a row); next try in %.1f s", self.name,
                  state.attempt_number, pause, exc_info=error)


async def claim_due(session: AsyncSession, table: Table, *, state: Column[Any], due_at: Column[Any],
                    ready: Sequence[str], claimed: str | None, lease_seconds: float, limit: int,
                    order_by: Sequence[ColumnElement[Any]] = (), lane: Sequence[Column[Any]] = (),
                    lock_key: str | None = None, where: ColumnElement[bool] | None = None) -> list[Row[Any]]:
    """Claim up to `limit` due rows of `table` for `lease_seconds`; see the module docstring.

    Returns the rows as they were before the claim, plus `claimed_until` (the new lease end). The
    caller commits. `claimed=None` leaves the state as it is and only moves `due_at` (a row to look
    at again later, e.g. a text to reconcile: the lease is then the pause before the next look).
    `where` narrows the due rows further. Raises whatever the database raises.
    """
    due = and_(state.in_(list(ready)), due_at <= func.now())
    if where is not None:
        due = and_(due, where)
    order = [due_at, *order_by]
    if lane:
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(lock_key or table.name))))
        other = table.alias("other")
        busy = select(literal_column("1")).select_from(other).where(
            *[other.c[c.name] == c for c in lane], other.c[state.name] == claimed,
            other.c[due_at.name] > func.now(), other.c.id != table.c.id).exists()
        # Recoveries (rows still `claimed`) first in their lane, then the oldest.
        first = select(table.c.id).where(due, ~busy).order_by(
            *lane, (state == claimed).desc(), *order).ext(distinct_on(*lane)).subquery()
        ids = select(first.c.id)
        rows_query = select(table).where(table.c.id.in_(ids)).order_by(*order).limit(limit)
    else:
        rows_query = select(table).where(due).order_by(*order).limit(limit)
    rows = (await session.execute(rows_query.with_for_update(skip_locked=True))).all()
    if not rows:
        return []
    values: dict[str, Any] = {due_at.name: func.now() + text(f"interval '{float(lease_seconds)} seconds'")}
    if claimed is not None:
        values[state.name] = claimed
    until = (await session.execute(
        update(table).where(table.c.id.in_([r.id for r in rows])).values(values)
        .returning(table.c.id, due_at))).all()
    lease_end = {row[0]: row[1] for row in until}
    return [_with_lease(row, lease_end[row.id]) for row in rows]


def owns(table: Table, row: Row[Any], *, state: Column[Any], due_at: Column[Any], claimed: str) -> ColumnElement[bool]:
    """A WHERE clause true while `row` (from `claim_due`) is still ours: claimed, same lease."""
    return and_(table.c.id == row.id, state == claimed, due_at == row.claimed_until)


def _with_lease(row: Row[Any], claimed_until: Any) -> Any:
    values = dict(row._mapping)
    values["claimed_until"] = claimed_until
    return _Claimed(values)


class _Claimed(dict[str, Any]):
    """A claimed row: attribute access like a SQLAlchemy Row, plus `claimed_until`."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(name) from error
