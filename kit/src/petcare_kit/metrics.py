"""Prometheus metrics every service exposes on /metrics. Defined once per process."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"])
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Kafka")
MESSAGES_CONSUMED = Counter(
    "messages_consumed_total",
    "Messages taken from Kafka, by outcome (handled, duplicate, ignored, dead_lettered)",
    ["group", "outcome"],
)
BATCH_RETRIES = Counter("consumer_batch_retries_total", "Batches retried after a transient error", ["group"])
