"""`rewind`: move a consumer group's committed offsets on one topic to an offset or a time (R-REPLAY-5).

The plan (per partition: committed now -> new offset) is shown first; only `--execute` applies it,
and never while the group has live members, which would overwrite the new offsets with their own.

How live members are found: a DescribeGroups request (the admin client's `describe_consumer_groups`)
lists the group's state and members; any member, or a state other than Empty/Dead, refuses the
rewind. On Apache Kafka that list is exact (a member killed without leaving stays listed until its
session times out, about 10 s at the services' settings). The embedded broker can keep a member that
left listed as `Stable` for good (measured: a consumer of two topics stopped gracefully), and only
drops it when another member joins and it does not answer within its session timeout. So after
stopping every consumer of the group, `--consumers-stopped` lets `--execute` join anyway: members
that are gone are dropped, and a live one would answer the rebalance, which the tool sees (an
assignment missing a partition, or another member listed after the join): it then commits nothing.
Without that flag the tool never joins a group that lists members (a join of a live group costs it
a rebalance, and on the embedded broker can leave the group unable to rebalance again).

How it is applied: Apache Kafka could alter an empty group's offsets from the admin client, but the
embedded broker rejects commits from a consumer that is not a member (BROKER.md: UNKNOWN_MEMBER_ID
after `assign()`). So the tool joins the group as its only member (`subscribe()`), checks that it
was given every partition of the topic (if not, someone else joined: it commits nothing and
refuses), commits the planned offsets, and leaves. This works on both brokers. Offsets of the
group's other topics are not touched. The new offset of a time is the first record at or after it
(each record's own timestamp: the tool reads, it does not trust offset-for-time look-ups).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata

from petcare_tools.replay.copying import Run
from petcare_tools.replay.errors import BadInput, Refused
from petcare_tools.replay.ranges import Range
from petcare_tools.replay.reading import TopicReader, partition_bounds

JOIN_TIMEOUT_SECONDS = 30.0
_ITEM = re.compile(r"^(?:(\d+):)?(\d+)$")


@dataclass(frozen=True)
class Step:
    partition: int
    committed: int | None
    target: int
    end: int


@dataclass(frozen=True)
class Liveness:
    state: str
    members: list[str]

    @property
    def live(self) -> bool:
        return bool(self.members) or self.state not in ("Empty", "Dead", "")


async def describe(bootstrap: str, group: str, topic: str, partitions: int) -> tuple[Liveness, dict[int, int | None]]:
    """The group's state and members, and its committed offsets on `topic` (None: none committed).
    Offsets are asked for with explicit partitions (the only form the embedded broker answers)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="petcare-replay")
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
        [description] = [g for g in response.to_object()["groups"] if g["group"] == group]
        members = [f"{m['client_id']} at {m['client_host']}" for m in description["members"]]
        state = description["state"]
        offsets = await admin.list_consumer_group_offsets(
            group, partitions=[TopicPartition(topic, p) for p in range(partitions)])
    finally:
        await admin.close()
    committed: dict[int, int | None] = dict.fromkeys(range(partitions))
    for tp, meta in offsets.items():
        if tp.topic == topic and meta.offset >= 0:
            committed[tp.partition] = meta.offset
    return Liveness(str(state), members), committed


def targets_of(run: Run, topic: str, partitions: int, *, to_offset: list[str], to_time_ms: int | None,
               to_earliest: bool) -> tuple[dict[int, int], dict[int, int]]:
    """The new offset per partition, and each partition's end. BadInput for an offset outside a partition."""
    chosen = sum(bool(x) for x in (to_offset, to_time_ms is not None, to_earliest))
    if chosen != 1:
        raise BadInput("give exactly one of --to-offset, --to-time, --to-earliest")
    bounds = partition_bounds(run.broker, topic, list(range(partitions)))
    ends = {p: high for p, (_, high) in bounds.items()}
    if to_earliest:
        return {p: low for p, (low, _) in bounds.items()}, ends
    if to_time_ms is not None:
        found: dict[int, int] = {}
        whole = Range(dict.fromkeys(range(partitions)), dict.fromkeys(range(partitions)), since_ms=to_time_ms)
        reader = TopicReader(run.broker, topic, whole)
        for record in reader.read():
            if record.partition not in found and record.timestamp is not None and record.timestamp >= to_time_ms:
                found[record.partition] = record.offset
        return {p: found.get(p, ends[p]) for p in range(partitions)}, ends
    targets: dict[int, int] = {}
    for item in to_offset:
        match = _ITEM.match(item.strip())
        if not match:
            raise BadInput(f"--to-offset {item!r}: expected OFFSET (every partition) or PARTITION:OFFSET")
        for partition in [int(match[1])] if match[1] is not None else range(partitions):
            if partition >= partitions:
                raise BadInput(f"--to-offset {item!r}: {topic} has partitions 0..{partitions - 1}")
            low, high = bounds[partition]
            offset = int(match[2])
            if not low <= offset <= high:
                raise BadInput(f"--to-offset {item!r}: partition {partition} holds offsets {low}..{high} "
                               f"({high} is its end)")
            targets[partition] = offset
    return targets, ends


async def apply(bootstrap: str, group: str, topic: str, partitions: int, targets: dict[int, int]) -> None:
    """Join `group` as its only member, commit `targets`, leave. Refused (nothing committed) when the
    assignment is not every partition of `topic` (another member is there)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, client_id="petcare-replay-rewind",
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                session_timeout_ms=6000, heartbeat_interval_ms=1000)
    await consumer.start()
    try:
        consumer.subscribe([topic])
        try:
            async with asyncio.timeout(JOIN_TIMEOUT_SECONDS):
                while not consumer.assignment():
                    await consumer.getmany(timeout_ms=200, max_records=1)
        except TimeoutError:
            raise Refused(f"could not join group {group} as its only member within {JOIN_TIMEOUT_SECONDS:.0f} s "
                          "(members that are live, or not timed out yet); nothing committed") from None
        assigned = {tp.partition for tp in consumer.assignment() if tp.topic == topic}
        if assigned != set(range(partitions)):
            raise Refused(f"group {group} has live consumers (the tool was given partitions {sorted(assigned)} "
                          "only); stop its consumers first (nothing committed)")
        others = (await describe(bootstrap, group, topic, partitions))[0].members[1:]
        if others:
            raise Refused(f"group {group} has {len(others) + 1} members after the tool joined: live consumers "
                          "answered the rebalance; stop its consumers first (nothing committed)")
        await consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(o, "petcare-replay rewind")
                               for p, o in targets.items()})
    finally:
        try:
            await asyncio.wait_for(consumer.stop(), 15)
        except TimeoutError:
            pass  # leaving the group timed out: the broker drops the member after its session timeout


def rewind(run: Run, group: str, topic: str, *, to_offset: list[str], to_time_ms: int | None,
           to_earliest: bool, consumers_stopped: bool = False) -> tuple[list[Step], Liveness]:
    """The plan, applied when `run.execute` (Refused while the group has live members)."""
    partitions = run.broker.require_topic(topic)
    targets, ends = targets_of(run, topic, partitions, to_offset=to_offset, to_time_ms=to_time_ms,
                               to_earliest=to_earliest)
    liveness, committed = asyncio.run(describe(run.broker.bootstrap, group, topic, partitions))
    plan = [Step(p, committed[p], targets[p], ends[p]) for p in sorted(targets)]
    for step in plan:
        now = "none" if step.committed is None else str(step.committed)
        replays = step.end - step.target
        run.output.line(f"  {topic}[{step.partition}]: committed {now} -> {step.target} "
                        f"(end {step.end}: {replays} record{'s' if replays != 1 else ''} to read again or ahead)")
    if liveness.live:
        message = (f"group {group} is live (state {liveness.state}, {len(liveness.members)} member(s): "
                   f"{', '.join(m.strip() for m in liveness.members) or '-'}); stop its consumers first")
        if run.execute and not consumers_stopped:
            raise Refused(f"{message} (if they are stopped and the broker still lists them, add "
                          "--consumers-stopped)")
        run.output.line(f"note: {message}" + (": --consumers-stopped given, joining to make sure" if run.execute
                                              else ""))
    if run.execute:
        asyncio.run(apply(run.broker.bootstrap, group, topic, partitions, targets))
    return plan, liveness
