"""petcare-replay's replay, export and import on the real broker (the session's, or
KAFKA_BOOTSTRAP_SERVERS): what lands on the target topic, byte for byte."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from confluent_kafka.admin import AdminClient
from petcare_tools.replay.records import Record, from_json, to_json
from petcare_tools.replay.testkit import cli, create_topics, produce, read_all

OLD = int(datetime(2001, 2, 3, tzinfo=UTC).timestamp() * 1000)
READ_SECONDS = 120
"""How long to wait for records that must arrive: generous for a loaded machine (the default is 30 s)."""


def envelope(i: int, type_: str = "clients.client.added", company: str = "c-1") -> bytes:
    return json.dumps({"id": f"00000000-0000-0000-0000-{i:012d}", "type": type_, "company_id": company,
                       "data": {"n": i}}).encode()


def awkward(topic: str) -> list[Record]:
    """Binary and duplicate headers, null and empty header values, null keys and values, old timestamps."""
    return [
        Record(topic, 0, -1, b"\x00\xffkey", b"\x89PNG\r\n\x1a\n\x00binary", [("h", b"\xff\xfe"), ("h", b"two"),
                                                                                ("empty", b"")], OLD),
        Record(topic, 0, -1, None, b"no key", [("trace", b"t-1")], OLD + 1),
        Record(topic, 1, -1, b"tombstone", None, [], OLD + 2),
        Record(topic, 1, -1, "ключ".encode(), "значение ✓".encode(), [("h", b"1"), ("h", b"1"), ("n", None)],
               OLD + 3),
        Record(topic, 1, -1, None, None, [], 1_000),
    ]


def same_bytes(record: Record) -> tuple:
    return (record.partition, record.key, record.value, record.headers, record.timestamp)


def test_a_record_survives_its_json_line_exactly():
    for record in awkward("t"):
        assert from_json(to_json(record)) == record


def test_a_kcat_json_line_reads_back():
    line = ('{"topic":"t","partition":2,"offset":7,"tstype":"create","ts":1700000000000,"broker":1,'
            '"headers":["a","1","a","2"],"key":"k","payload":"v"}')
    record = from_json(line)
    assert (record.partition, record.key, record.value, record.headers, record.timestamp) == (
        2, b"k", b"v", [("a", b"1"), ("a", b"2")], 1_700_000_000_000)


def test_r_replay_6_export_then_import_gives_identical_records(kafka_bootstrap_servers, unique_topic, tmp_path):
    source, target = unique_topic("src"), unique_topic("dst")
    create_topics(kafka_bootstrap_servers, {source: 2, target: 2})
    produce(kafka_bootstrap_servers, awkward(source))
    file = tmp_path / "day.jsonl"

    exported = cli("export", source, "--output", str(file), "-b", kafka_bootstrap_servers, "--execute",
                   "--audit-topic", unique_topic("audit"))
    assert exported.exit_code == 0, exported.output
    assert len(file.read_text().splitlines()) == 5
    imported = cli("import", str(file), "--to", target, "-b", kafka_bootstrap_servers, "--execute",
                   "--audit-topic", unique_topic("audit"))
    assert imported.exit_code == 0, imported.output

    originals = read_all(kafka_bootstrap_servers, source, expect=5, timeout=READ_SECONDS)
    copies = read_all(kafka_bootstrap_servers, target, expect=5, timeout=READ_SECONDS)
    assert [same_bytes(r) for r in copies] == [same_bytes(r) for r in originals]
    assert [r.tstype for r in copies] == ["create"] * 5


def test_r_replay_3_a_dry_run_shows_the_plan_and_writes_nothing(kafka_bootstrap_servers, unique_topic, tmp_path):
    source, target = unique_topic("src"), unique_topic("dst")
    create_topics(kafka_bootstrap_servers, {source: 2, target: 2})
    produce(kafka_bootstrap_servers, [Record(source, i % 2, -1, b"k", envelope(i)) for i in range(6)]
            + [Record(source, 0, -1, b"k", b"not json")])

    result = cli("replay", source, "--to", target, "--type", "clients.client.added", "-b", kafka_bootstrap_servers)
    assert result.exit_code == 0, result.output
    assert "DRY RUN" in result.output
    assert f"{source}[0]: read 4, selected 3" in result.output and f"{source}[1]: read 3, selected 3" in result.output
    assert "would skip: 1 not an envelope" in result.output and "sample:" in result.output
    export = cli("export", source, "--output", str(tmp_path / "x.jsonl"), "-b", kafka_bootstrap_servers)
    assert export.exit_code == 0 and not (tmp_path / "x.jsonl").exists()
    assert read_all(kafka_bootstrap_servers, target) == []


def test_r_replay_1_offsets_per_partition_to_another_topic_in_order(kafka_bootstrap_servers, unique_topic):
    source, target = unique_topic("src"), unique_topic("dst")
    create_topics(kafka_bootstrap_servers, {source: 2, target: 2})
    produce(kafka_bootstrap_servers, [Record(source, p, -1, f"k{p}".encode(), f"{p}-{n}".encode(),
                                             [("n", str(n).encode())], OLD + n) for p in (0, 1) for n in range(20)])

    result = cli("replay", source, "--to", target, "--offsets", "0:5-9", "--offsets", "1:15-",
                 "-b", kafka_bootstrap_servers, "--execute", "--audit-topic", unique_topic("audit"))
    assert result.exit_code == 0, result.output
    copies = read_all(kafka_bootstrap_servers, target, expect=10, timeout=READ_SECONDS)
    assert [(r.partition, r.value) for r in copies] == (
        [(0, f"0-{n}".encode()) for n in range(5, 10)] + [(1, f"1-{n}".encode()) for n in range(15, 20)])
    assert all(r.timestamp != OLD + int(r.header("n") or 0) for r in copies), "new timestamps unless asked"
    assert copies[0].headers == [("n", b"5")] and copies[0].key == b"k0"
    groups = AdminClient({"bootstrap.servers": kafka_bootstrap_servers}).list_consumer_groups().result(10).valid
    assert not [g.group_id for g in groups if g.group_id.startswith("petcare-replay")], "the reader joined a group"


def test_r_replay_1_time_window_on_each_records_timestamp_and_original_timestamps(kafka_bootstrap_servers,
                                                                                   unique_topic):
    source = unique_topic("src")
    create_topics(kafka_bootstrap_servers, {source: 2})
    hour = 3_600_000
    base = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp() * 1000)
    produce(kafka_bootstrap_servers, [Record(source, n % 2, -1, b"k", str(n).encode(), [], base + n * hour)
                                      for n in range(48)])
    before = len(read_all(kafka_bootstrap_servers, source))

    result = cli("replay", source, "--since", "2026-11-01T10:00:00Z", "--until", "2026-11-01T19:00:00",
                 "--keep-timestamps", "-b", kafka_bootstrap_servers, "--execute", "--audit-topic",
                 unique_topic("audit"))
    assert result.exit_code == 0, result.output
    every = read_all(kafka_bootstrap_servers, source, expect=before + 10, timeout=READ_SECONDS)
    replayed = [r for r in every if r.offset >= 24]  # each partition had 24 before the replay
    assert sorted(int(r.value or b"") for r in replayed) == list(range(10, 20))  # same topic: read once, no loop
    assert all(r.timestamp == base + int(r.value or b"") * hour for r in replayed)


def test_r_replay_2_filters_and_header_lists(kafka_bootstrap_servers, unique_topic):
    source, target = unique_topic("src"), unique_topic("dst")
    create_topics(kafka_bootstrap_servers, {source: 1, target: 1})
    produce(kafka_bootstrap_servers, [
        Record(source, 0, -1, b"a", envelope(1), [("message-id", b"1"), ("traceparent", b"x"), ("x-rep", b"1")]),
        Record(source, 0, -1, b"a", envelope(2, company="c-2"), [("message-id", b"2")]),
        Record(source, 0, -1, b"b", envelope(3), [("message-id", b"3")]),
        Record(source, 0, -1, b"a", envelope(4, "clients.client.updated"), [("message-id", b"4")]),
        Record(source, 0, -1, b"a", envelope(5), [("message-id", b"5"), ("tenant", b"blue")]),
    ])
    audit = unique_topic("audit")
    run = cli("replay", source, "--to", target, "--type", "clients.client.added", "--company", "c-1", "--key", "a",
              "--drop-header", "traceparent", "--drop-header", "x-*", "-b", kafka_bootstrap_servers, "--execute",
              "--audit-topic", audit)
    assert run.exit_code == 0, run.output
    copies = read_all(kafka_bootstrap_servers, target, expect=2, timeout=READ_SECONDS)
    assert [r.headers for r in copies] == [[("message-id", b"1")], [("message-id", b"5"), ("tenant", b"blue")]]
    header = cli("replay", source, "--to", target, "--header", "tenant=blue", "--keep-header", "tenant",
                 "-b", kafka_bootstrap_servers, "--execute", "--audit-topic", audit)
    assert header.exit_code == 0, header.output
    latest = read_all(kafka_bootstrap_servers, target, expect=3, timeout=READ_SECONDS)[-1]
    assert latest.headers == [("tenant", b"blue")]


@pytest.mark.parametrize("args, message", [
    (["replay", "no.such.topic"], "unknown topic"),
    (["replay", "{src}", "--offsets", "7"], "partitions 0..1"),
    (["replay", "{src}", "--offsets", "0:9-3"], "end is before the start"),
    (["replay", "{src}", "--offsets", "0:500-"], "past its end"),
    (["replay", "{src}", "--since", "2026-11-02", "--until", "2026-11-01"], "before --since"),
    (["replay", "{src}", "--since", "yesterday"], "not an ISO 8601 time"),
    (["replay", "{src}", "--to", "no.such.topic"], "unknown target topic"),
    (["import", "{missing}"], "cannot read"),
    (["import", "{bad}"], ":2: not a record line"),
])
def test_bad_input_exits_2_and_writes_nothing(kafka_bootstrap_servers, unique_topic, tmp_path, args, message):
    source = unique_topic("src")
    create_topics(kafka_bootstrap_servers, {source: 2})
    produce(kafka_bootstrap_servers, [Record(source, 0, -1, b"k", b"v")])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(to_json(Record(source, 0, 0, b"k", b"v")) + "\n{oops\n")
    names = {"src": source, "missing": str(tmp_path / "missing.jsonl"), "bad": str(bad)}
    result = cli(*[a.format(**names) for a in args], "-b", kafka_bootstrap_servers, "--execute")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(read_all(kafka_bootstrap_servers, source)) == 1  # the good line of bad.jsonl was not written


def test_r_replay_8_rate_limit_and_audit_record(kafka_bootstrap_servers, unique_topic):
    source, target, audit = unique_topic("src"), unique_topic("dst"), unique_topic("audit")
    create_topics(kafka_bootstrap_servers, {source: 1, target: 1})
    produce(kafka_bootstrap_servers, [Record(source, 0, -1, b"k", str(n).encode()) for n in range(30)])

    started = time.monotonic()
    result = cli("replay", source, "--to", target, "--rate", "20", "--reason", "bug 42 fixed", "-b",
                 kafka_bootstrap_servers, "--execute", "--audit-topic", audit)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 29 / 20 * 0.95
    [record] = read_all(kafka_bootstrap_servers, audit, expect=1, timeout=READ_SECONDS)
    doc = json.loads(record.value or b"")
    assert doc["command"] == "replay" and doc["reason"] == "bug 42 fixed" and doc["outcome"] == "done"
    assert doc["counts"]["written"] == 30 and "@" in doc["who"]
    assert doc["command_line"] == (f"petcare-replay replay {source} --to {target} --bootstrap "
                                   f"{kafka_bootstrap_servers} --execute --rate 20.0 --reason bug 42 fixed "
                                   f"--audit-topic {audit}")
    assert f"audit: {json.dumps(doc, sort_keys=True)}" in result.output
    assert datetime.fromisoformat(doc["finished_at"]) >= datetime.fromisoformat(doc["started_at"])
