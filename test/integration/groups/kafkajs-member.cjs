// One kafkajs 2.2.4 group member in a process of its own, so that a test can kill it (SIGKILL: no LeaveGroup, no
// final commit) and watch the group's session timeout take its partitions away.
//   node kafkajs-member.cjs <bootstrap> <group> <topic> <sessionTimeoutMs>
// Prints JSON lines: {"joined": {topic: [partitions]}} after every rebalance, {"batch": [partition, [offsets]]}
// for every batch it processed.
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'kjs-child', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 250 });
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

consumer.on(consumer.events.GROUP_JOIN, (e) => out({ joined: e.payload.memberAssignment }));

(async () => {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const m of batch.messages) resolveOffset(m.offset);
      out({ batch: [batch.partition, batch.messages.map((m) => Number(m.offset))] });
      await heartbeat();
    },
  });
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
