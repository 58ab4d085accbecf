"""One confluent-kafka-python group member (works with Debian's 1.7.0 and PyPI's 2.x).

    python py_group_member.py <bootstrap> <group> <topic> <client.id> <protocol> [k=v ...]

protocol: "classic" (JoinGroup/SyncGroup; extra k=v may set partition.assignment.strategy) or "consumer" (KIP-848
ConsumerGroupHeartbeat, librdkafka >= 2.12). Prints one line per record, "<partition> <offset>", and JSON lines
{"assigned": [...]} / {"revoked": [...]} on rebalances. SIGTERM: close() (final commit + leave), exit 0.
"""
import json
import signal
import sys

from confluent_kafka import Consumer, KafkaException

bootstrap, group, topic, client_id, protocol = sys.argv[1:6]
extra = dict(kv.split('=', 1) for kv in sys.argv[6:])

conf = {
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'client.id': client_id,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': True,
    'auto.commit.interval.ms': 500,
    'fetch.wait.max.ms': 100,
}
if protocol == 'consumer':
    conf['group.protocol'] = 'consumer'
else:
    conf['session.timeout.ms'] = 6000
    conf['heartbeat.interval.ms'] = 500
conf.update(extra)

running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


def out(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


def on_assign(consumer, partitions):
    out(json.dumps({'assigned': sorted(p.partition for p in partitions)}))


def on_revoke(consumer, partitions):
    out(json.dumps({'revoked': sorted(p.partition for p in partitions)}))


c = Consumer(conf)
c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
try:
    # poll(), one message at a time: librdkafka's batch API (consume(num_messages=...)) can store offsets of
    # messages it then discards as outdated across a rebalance (confluent-kafka-python #1443, librdkafka 2.0.x
    # known issues), which loses records with any broker.
    while running:
        m = c.poll(0.1)
        if m is None:
            continue
        if m.error():
            if m.error().fatal():
                raise KafkaException(m.error())
            sys.stderr.write('error: %s\n' % m.error())
            continue
        out('%d %d' % (m.partition(), m.offset()))
finally:
    c.close()
out(json.dumps({'closed': True}))
