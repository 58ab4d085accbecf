// Killing a broker while it writes must always finish. A kill used to be Worker.terminate(), which can stop the
// thread inside a synchronous LMDB transaction; lmdb-js's clean-up of the dying thread then waited for a lock that
// thread itself held, and terminate() never returned (found by a Java console-producer test that hung in CI;
// reproduced by this test within 60 kills, native stack in EnvWrap::cleanupStrayTxns). Brokers now end their own
// thread between two event-loop tasks when told to crash.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');

const KILLS = 60;
let cluster: RunningCluster | undefined;

afterAll(async () => {
  await cluster?.stop();
});

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e as Error)),
    );
  });
}

describe('broker kills while the broker writes', () => {
  it(`${KILLS} kills and restarts under acks=all load all finish (and the load goes on)`, async () => {
    cluster = await startCluster({ brokers: 3, port: 0 });
    const kafka = new Kafka({ clientId: 'kills', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 50, initialRetryTime: 50, maxRetryTime: 500 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kills', numPartitions: 6, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    let stop = false;
    let acked = 0;
    const producers = await Promise.all(
      [0, 1, 2].map(async () => {
        const p = kafka.producer();
        await p.connect();
        return p;
      }),
    );
    // Small acks=all batches from three producers: every broker is in a write transaction much of the time.
    const loops = producers.map(async (p) => {
      while (!stop) {
        try {
          await p.send({ topic: 'kills', acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })) });
          acked += 5;
        } catch {
          // a send that met the kill; the next one goes to the new leader
        }
      }
    });
    let slowest = 0;
    for (let round = 0; round < KILLS; round++) {
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 150));
      const id = round % 3;
      const t0 = performance.now();
      await within(cluster.killBroker(id), 10_000, `kill ${round + 1} (broker ${id})`);
      slowest = Math.max(slowest, performance.now() - t0);
      await within(cluster.restartBroker(id), 30_000, `restart ${round + 1} (broker ${id})`);
    }
    const ackedDuringKills = acked;
    stop = true;
    await Promise.all(loops);
    await Promise.all(producers.map((p) => p.disconnect()));
    console.log(`[kills] ${KILLS} kills under load, slowest ${slowest.toFixed(1)} ms; ${ackedDuringKills} records acknowledged meanwhile`);
    expect(ackedDuringKills).toBeGreaterThan(0);
    expect(cluster.brokers().every((b) => b.state === 'running')).toBe(true);
  }, 180_000);
});
