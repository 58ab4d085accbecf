// Broker failure, default settings, fresh clusters (also in quick runs: a restart should not have to reopen
// the data of earlier phases). One crash per run serves both scenarios:
//   failover-ms   the leader of a 1-partition RF=3 topic crashes (Eddy: its broker thread is killed through
//                 the control surface; Kafka: SIGKILL of its JVM) → a new leader acknowledges an acks=all
//                 produce. The client asks one surviving broker for Metadata every 10 ms and, once it names
//                 another leader, produces there until the produce is acknowledged.
//   catchup-mb-s  with that broker still down (and out of every ISR), N MB are written (acks=all) to a
//                 6-partition RF=3 topic; then the broker is restarted: N MB / (restart → back in the ISR of
//                 all 6 partitions, as a surviving broker's Metadata shows it). The restart includes the
//                 broker's start (Kafka: a new JVM and log recovery after the crash; Eddy: a new worker thread).
import { connect } from 'node:net';
import { clusterState, createTopics, produceOne, sleep, waitForFullIsr, withClient } from '../lib/admin.js';
import { librdkafkaVersion, rdkafkaProduce } from '../lib/clients.js';
import type { Context } from '../lib/context.js';
import { round, type RunSample } from '../lib/results.js';
import type { Cluster } from '../lib/systems.js';
import { RDKAFKA_PRODUCER } from './load.js';
import { RawClient } from '../../helpers/raw-client.js';

const CATCHUP_PARTITIONS = 6;
const CATCHUP_RECORD = 1000;
const TIMEOUT_MS = 120_000;

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Node id and port of each broker. */
async function brokerPorts(c: Cluster): Promise<Map<number, number>> {
  return withClient(c.ports[0]!, async (rc) => (await clusterState(rc, [])).brokers);
}

/** Kills the leader of `topic`-0 and times until another broker acknowledges an acks=all produce. */
async function failover(c: Cluster, topic: string, brokers: Map<number, number>): Promise<{ victim: number; ms: number; newLeaderSeenMs: number; attempts: number }> {
  const state = await withClient(c.ports[0]!, (rc) => clusterState(rc, [topic]));
  const victim = state.partitions[0]!.leader;
  const survivors = [...brokers].filter(([id]) => id !== victim);
  const clients = new Map<number, RawClient>();
  for (const [id, port] of survivors) clients.set(id, await RawClient.open(port));
  const observer = clients.get(survivors[0]![0])!;
  try {
    const t0 = performance.now();
    await c.killBroker(victim);
    let newLeaderSeenMs = -1;
    let attempts = 0;
    for (;;) {
      const now = performance.now() - t0;
      if (now > TIMEOUT_MS) throw new Error(`no acknowledged produce ${TIMEOUT_MS} ms after killing broker ${victim}`);
      const p = (await clusterState(observer, [topic])).partitions[0];
      const leader = p && p.leader >= 0 && p.leader !== victim ? clients.get(p.leader) : undefined;
      if (leader) {
        if (newLeaderSeenMs < 0) newLeaderSeenMs = now;
        attempts++;
        const code = await produceOne(leader, topic, 0, -1, 30_000);
        if (code === 0) return { victim, ms: performance.now() - t0, newLeaderSeenMs, attempts };
      }
      await sleep(10);
    }
  } finally {
    for (const rc of clients.values()) rc.close();
  }
}

/** Waits until Metadata (asked of `port`) shows `node` in (inIsr) or out of (!inIsr) the ISR of every partition. */
async function waitIsr(port: number, topic: string, node: number, inIsr: boolean, t0: number): Promise<number> {
  return withClient(port, async (rc) => {
    for (;;) {
      const s = await clusterState(rc, [topic]);
      if (s.partitions.length && s.partitions.every((p) => p.isr.includes(node) === inIsr)) return performance.now() - t0;
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`broker ${node} still ${inIsr ? 'out of' : 'in'} the ISR of ${topic} after ${TIMEOUT_MS} ms`);
      await sleep(inIsr ? 20 : 50);
    }
  });
}

/** With `victim` down: waits until it has left every ISR, writes `mb` MB, restarts it and times its return. */
async function catchup(
  ctx: Context,
  c: Cluster,
  topic: string,
  victim: number,
  brokers: Map<number, number>,
  onSpawn: (pid: number) => void,
  down: { value: boolean },
): Promise<RunSample> {
  const survivor = [...brokers].find(([id]) => id !== victim)![1];
  const outOfIsrMs = await waitIsr(survivor, topic, victim, false, performance.now());
  const records = Math.round((ctx.sizes.catchupMB * 1e6) / CATCHUP_RECORD);
  const bootstrap = [...brokers].filter(([id]) => id !== victim).map(([, p]) => `127.0.0.1:${p}`).join(',');
  const w = await rdkafkaProduce(bootstrap, topic, records, CATCHUP_RECORD, { acks: 'all', ...RDKAFKA_PRODUCER }, onSpawn);
  const t0 = performance.now();
  await c.restartBroker(victim);
  down.value = false;
  const victimPort = brokers.get(victim)!;
  const isr = waitIsr(survivor, topic, victim, true, t0);
  let listenMs = -1;
  while (!(await portAccepts(victimPort))) {
    if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`broker ${victim} does not listen ${TIMEOUT_MS} ms after its restart`);
    await sleep(10);
  }
  listenMs = performance.now() - t0;
  const isrMs = await isr;
  const mb = (records * CATCHUP_RECORD) / 1e6;
  return {
    value: round(mb / (isrMs / 1000), 1),
    seconds: round(isrMs / 1000, 3),
    extra: {
      mb,
      restartToIsrMs: round(isrMs, 0),
      restartToListeningMs: round(listenMs, 0),
      listeningToIsrMBps: round(mb / (Math.max(1, isrMs - listenMs) / 1000), 1),
      leftIsrAfterKillMs: round(outOfIsrMs, 0),
      writeMBps: round((w.records * CATCHUP_RECORD) / w.seconds / 1e6, 1),
    },
  };
}

export async function failoverPhase(ctx: Context): Promise<void> {
  const fo = ctx.scenario({
    name: 'failover-ms',
    title: 'leader of a 1-partition RF=3 topic crashes → a new leader acknowledges an acks=all produce (default settings)',
    client: 'raw protocol (Node): Metadata every 10 ms from a surviving broker, then Produce',
    unit: 'ms',
    higherIsBetter: false,
    note: "Kafka: SIGKILL of the leader's JVM; the KRaft controller fences it after broker.session.timeout.ms (9 s default) and elects a new leader. Eddy: the broker thread is killed through the control surface (`eddy broker kill`)",
  });
  const cu = ctx.scenario({
    name: 'catchup-mb-s',
    title: `a crashed follower restarted after ${ctx.sizes.catchupMB} MB (${CATCHUP_RECORD}-byte records, acks=all) were written to ${CATCHUP_PARTITIONS} RF=3 partitions without it: MB / (restart → in the ISR of all ${CATCHUP_PARTITIONS})`,
    client: `librdkafka ${librdkafkaVersion()} (C) writes; raw protocol (Node) Metadata every 20 ms`,
    unit: 'MB/s',
    higherIsBetter: true,
    note: 'the time includes the broker start (Kafka: JVM start and recovery after the crash; Eddy: a new broker thread); see the details for the rate after the broker listens',
  });
  fo.details = [{ key: 'newLeaderInMetadataMs', label: 'failover: kill → Metadata names a new leader, ms' }];
  cu.details = [
    { key: 'restartToListeningMs', label: 'catch-up: restart → the broker accepts connections, ms' },
    { key: 'restartToIsrMs', label: 'catch-up: restart → in the ISR of all partitions, ms' },
    { key: 'listeningToIsrMBps', label: 'catch-up: MB/s from accepting connections to back in the ISR' },
    { key: 'writeMBps', label: 'catch-up: write rate while the broker was down, MB/s' },
  ];
  const { clusters, failed } = await ctx.freshClusters();
  Object.assign(fo.errors, failed);
  Object.assign(cu.errors, failed);
  try {
    await ctx.interleave(
      fo,
      clusters,
      async (c, rep, onSpawn) => {
        const topic = `failover-${rep}`;
        const cuTopic = `catchup-${rep}`;
        await createTopics(c.ports[0]!, [
          { name: topic, partitions: 1, replicationFactor: 3 },
          { name: cuTopic, partitions: CATCHUP_PARTITIONS, replicationFactor: 3 },
        ]);
        await waitForFullIsr(c.ports[0]!, [topic, cuTopic]);
        const brokers = await brokerPorts(c);
        // The crash that failover-ms measures also takes the follower down for catchup-mb-s.
        const f = await failover(c, topic, brokers);
        const down = { value: true };
        if (ctx.wants('catchup')) {
          try {
            const s = await catchup(ctx, c, cuTopic, f.victim, brokers, onSpawn, down);
            cu.runs[c.system].push(s);
            ctx.log(`catchup-mb-s ${rep + 1} ${c.system}: ${s.value} MB/s (${JSON.stringify(s.extra)})`);
          } catch (e) {
            cu.errors[c.system] = (e as Error).message.split('\n')[0]!;
            ctx.log(`catchup-mb-s ${c.system} FAILED: ${(e as Error).message}`);
          }
        }
        // Bring the broker back (if catchup did not) and let every replica rejoin before the next run.
        if (down.value) await c.restartBroker(f.victim);
        await waitForFullIsr(c.ports.find((p) => p !== brokers.get(f.victim))!, [topic, cuTopic]);
        return { value: round(f.ms, 1), extra: { newLeaderInMetadataMs: round(f.newLeaderSeenMs, 1), produceAttempts: f.attempts } };
      },
      ctx.sizes.failoverReps,
    );
  } finally {
    await Promise.all(Object.values(clusters).map((c) => ctx.release(c, false)));
  }
}
