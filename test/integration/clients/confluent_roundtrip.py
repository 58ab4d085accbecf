#!/usr/bin/python3
# confluent-kafka-python (librdkafka) against a Kafka-compatible cluster, driven by clients-python.test.ts.
# Usage: /usr/bin/python3 confluent_roundtrip.py <bootstrap> <topic-prefix> <records-per-codec>
# Prints one JSON document on stdout; the TypeScript test does the asserting. Only "setup" failures
# (an exception this script did not expect) end with a non-zero exit and a traceback on stderr.
import json
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

bootstrap, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
PARTITIONS = 3

out = {
    "client": {"version": confluent_kafka.version()[0], "librdkafka": confluent_kafka.libversion()[0]},
    "startMs": int(time.time() * 1000),
}
admin = AdminClient({"bootstrap.servers": bootstrap})


def create(topics, **kw):
    """create_topics, returning {topic: null | {code, name, str}} per topic."""
    res = {}
    for name, fut in admin.create_topics(topics, operation_timeout=10, request_timeout=15, **kw).items():
        try:
            fut.result()
            res[name] = None
        except KafkaException as e:
            err = e.args[0]
            res[name] = {"code": err.code(), "name": err.name(), "str": err.str()}
    return res


# --- Admin: create (one per codec, plus one with RF 3), then the error cases ---------------------------------
codec_topics = {c: f"{prefix}-{c}" for c in CODECS}
rf3_topic = f"{prefix}-rf3"
out["create"] = create(
    [NewTopic(t, num_partitions=PARTITIONS, replication_factor=1) for t in codec_topics.values()]
    + [NewTopic(rf3_topic, num_partitions=2, replication_factor=3, config={"retention.ms": "3600000", "cleanup.policy": "compact"})]
)
out["createValidateOnly"] = create([NewTopic(f"{prefix}-validate-only", num_partitions=1, replication_factor=1)], validate_only=True)
out["createErrors"] = {
    "exists": create([NewTopic(codec_topics["none"], num_partitions=PARTITIONS, replication_factor=1)]),
    "rfTooLarge": create([NewTopic(f"{prefix}-rf9", num_partitions=1, replication_factor=9)]),
    "zeroPartitions": create([NewTopic(f"{prefix}-p0", num_partitions=0, replication_factor=1)]),
    "badName": create([NewTopic(f"{prefix} bad name!", num_partitions=1, replication_factor=1)]),
}

# --- Admin: list_topics (Metadata) ------------------------------------------------------------------------------
md = admin.list_topics(timeout=15)
out["metadata"] = {
    "clusterId": md.cluster_id,
    "controllerId": md.controller_id,
    "brokers": sorted([{"id": b.id, "host": b.host, "port": b.port} for b in md.brokers.values()], key=lambda b: b["id"]),
    "topics": {
        name: {
            "error": t.error.name() if t.error else None,
            "partitions": {
                str(p.id): {"leader": p.leader, "replicas": list(p.replicas), "isrs": list(p.isrs)} for p in t.partitions.values()
            },
        }
        for name, t in md.topics.items()
        if name.startswith(prefix)
    },
}


# --- Admin: describe_configs (DescribeConfigs v1 from librdkafka) ---------------------------------------------------
def describe(resource):
    try:
        entries = admin.describe_configs([resource], request_timeout=15)[resource].result()
    except KafkaException as e:
        return {"error": e.args[0].name()}
    return {
        name: {
            "value": e.value,
            "source": int(e.source),
            "isDefault": e.is_default,
            "isReadOnly": e.is_read_only,
            "isSensitive": e.is_sensitive,
            "synonyms": [[s.name, s.value, int(s.source)] for s in e.synonyms.values()],
        }
        for name, e in entries.items()
        if name in ("retention.ms", "cleanup.policy", "max.message.bytes", "segment.bytes")
    }


out["describeConfigs"] = {
    "rf3": describe(ConfigResource(ConfigResource.Type.TOPIC, rf3_topic)),
    "unknown": describe(ConfigResource(ConfigResource.Type.TOPIC, f"{prefix}-no-such-topic")),
}

# --- Idempotent producer per codec, then an assign()-mode consumer reading it all back -----------------------------
def produce(topic, codec):
    p = Producer(
        {
            "bootstrap.servers": bootstrap,
            "enable.idempotence": True,
            "compression.codec": codec,
            "linger.ms": 5,
            "batch.num.messages": 500,
        }
    )
    delivered = []
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err.str())
        else:
            delivered.append([msg.key().decode(), msg.value().decode(), msg.partition(), msg.offset()])

    for i in range(count):
        key = f"key-{i % 37:02d}"
        value = f"{codec}-value-{i:06d}-" + "x" * (i % 50)
        headers = [("seq", str(i).encode()), ("codec", codec.encode())]
        if i % 10 == 0:
            headers.append(("empty", b""))
        while True:
            try:
                p.produce(topic, key=key.encode(), value=value.encode(), headers=headers, on_delivery=on_delivery)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    left = p.flush(30)
    return {"delivered": delivered, "errors": errors, "notFlushed": left}


def consume(topic):
    c = Consumer(
        {
            "bootstrap.servers": bootstrap,
            # group.id is mandatory in this binding's constructor; assign() never joins it (no group coordinator needed).
            "group.id": f"{prefix}-unused-group",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "enable.partition.eof": True,
        }
    )
    watermarks = {}
    for part in range(PARTITIONS):
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, part), timeout=10)
        watermarks[str(part)] = [lo, hi]
    c.assign([TopicPartition(topic, part, confluent_kafka.OFFSET_BEGINNING) for part in range(PARTITIONS)])
    records = []
    errors = []
    eof = set()
    deadline = time.time() + 60
    while len(eof) < PARTITIONS and time.time() < deadline:
        for m in c.consume(num_messages=500, timeout=0.2):
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    # EOF is reported when the consumer catches up; the end is the high watermark read above.
                    if m.offset() >= watermarks[str(m.partition())][1]:
                        eof.add(m.partition())
                else:
                    errors.append(m.error().str())
                continue
            ts_type, ts = m.timestamp()
            records.append(
                [
                    m.partition(),
                    m.offset(),
                    m.key().decode(),
                    m.value().decode(),
                    ts_type,
                    ts,
                    [[k, v.decode() if v is not None else None] for k, v in (m.headers() or [])],
                ]
            )
    c.close()
    return {"watermarks": watermarks, "records": records, "errors": errors, "eofPartitions": sorted(eof)}


out["codecs"] = {}
for codec in CODECS:
    started = time.time()
    produced = produce(codec_topics[codec], codec)
    consumed = consume(codec_topics[codec])
    out["codecs"][codec] = {"topic": codec_topics[codec], **produced, **consumed, "seconds": round(time.time() - started, 3)}

# --- Admin: delete_topics ------------------------------------------------------------------------------------------
deleted = {}
for name, fut in admin.delete_topics([rf3_topic], operation_timeout=10).items():
    try:
        fut.result()
        deleted[name] = None
    except KafkaException as e:
        deleted[name] = e.args[0].name()
out["delete"] = deleted
after = admin.list_topics(timeout=15)
out["afterDelete"] = sorted(t for t in after.topics if t.startswith(prefix))
out["endMs"] = int(time.time() * 1000)
json.dump(out, sys.stdout)
