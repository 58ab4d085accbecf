// (e) Cold start to the first acknowledged produce, and (f) idle RSS after start. Each repetition starts a
// fresh 3-broker cluster of one system (the other is not running), measures from process spawn to the first
// acks=all produce answered (a raw-protocol client that keeps retrying: connect, create a 1-partition RF=3
// topic, find the leader, produce one record), waits, samples the summed RSS, and stops it.
// Kafka's time includes kafka.sh's `kafka-storage format` of the four nodes (KRaft refuses to start on
// unformatted storage; Eddy creates its data dir itself) and the JVMs mapping kafka.sh's CDS archive.
import { pickFreePorts } from '../../helpers/reference-kafka.js';
import { firstAcknowledgedProduce, sleep } from '../lib/admin.js';
import type { Context } from '../lib/context.js';
import { anonRssBytes, rssBytes } from '../lib/procfs.js';
import { round } from '../lib/results.js';
import { BROKERS, startSystem } from '../lib/systems.js';

export async function coldStart(ctx: Context): Promise<void> {
  const start = ctx.scenario({
    name: 'cold-start',
    title: '(e) cold start, 3 brokers: spawn → first acks=all produce acknowledged',
    client: 'raw protocol (Node)',
    unit: 'ms',
    higherIsBetter: false,
    note: "Kafka's time includes kafka-storage format (needed before a KRaft node's first start)",
  });
  const idle = ctx.scenario({
    name: 'idle-rss',
    title: `(f) idle RSS, 3 brokers, ${ctx.sizes.idleSettleMs / 1000} s after the first ack`,
    client: '/proc/<pid>/status VmRSS',
    unit: 'MB',
    higherIsBetter: false,
    note: 'Kafka: 3 broker JVMs (-Xms512m -Xmx512m) + 1 controller JVM (-Xmx256m)',
  });
  for (let rep = 0; rep < ctx.sizes.repetitions; rep++) {
    for (const system of ctx.opts.systems) {
      await ctx.settle(() => []);
      const { first } = await pickFreePorts(BROKERS);
      const ports = Array.from({ length: BROKERS }, (_, i) => first + i);
      const t0 = performance.now();
      const starting = startSystem(system, { port: first });
      starting.catch(() => undefined);
      try {
        const ms = await Promise.race([
          firstAcknowledgedProduce(ports, t0),
          // Fail fast if the cluster cannot start at all.
          starting.then(() => new Promise<number>(() => undefined)),
        ]);
        const cluster = await starting;
        start.runs[system].push({ value: round(ms, 1) });
        ctx.log(`cold-start ${rep + 1}/${ctx.sizes.repetitions} ${system}: ${ms.toFixed(0)} ms`);
        await sleep(ctx.sizes.idleSettleMs);
        const rss = cluster.pids().reduce((a, p) => a + rssBytes(p), 0) / 1048576;
        const anon = cluster.pids().reduce((a, p) => a + anonRssBytes(p), 0) / 1048576;
        idle.runs[system].push({ value: Math.round(rss), peakRssMB: Math.round(rss), peakAnonMB: Math.round(anon), extra: { processes: cluster.pids().length } });
        ctx.log(`idle-rss ${rep + 1}/${ctx.sizes.repetitions} ${system}: ${rss.toFixed(0)} MB (anon ${anon.toFixed(0)} MB) over ${cluster.pids().length} process(es)`);
        if (rep === ctx.sizes.repetitions - 1) await ctx.release(cluster);
        else await cluster.stop();
      } catch (e) {
        start.errors[system] = (e as Error).message.split('\n')[0]!;
        ctx.log(`cold-start ${system} FAILED: ${(e as Error).message}`);
        await starting.then((c) => c.stop()).catch(() => undefined);
      }
    }
  }
}
