// (g) 10,000 partitions: how long creating them takes, and the latency of a full Metadata request (all
// topics) once they exist. 10 topics × 1,000 partitions, RF=1, created by 10 CreateTopics requests one after
// the other (Kafka's controller refuses a single request of more than 10,000 metadata records, "excessively
// large batch operation"), timed until Metadata shows a leader for every partition. Then Metadata requests
// on one connection, one at a time, timed to the last byte of the response (not decoded), after a few
// warm-up requests; Eddy and Kafka alternate in batches.
import { metadataLatencies, sendCreateTopics, waitForLeaders, withClient } from '../lib/admin.js';
import type { Context } from '../lib/context.js';
import { anonRssBytes, rssBytes } from '../lib/procfs.js';
import { median, percentile, round, type Scenario } from '../lib/results.js';
import type { Cluster, SystemName } from '../lib/systems.js';

const WARMUP_REQUESTS = 5;
const BATCHES = 3;

export async function createManyPartitions(cluster: Cluster, topics: number, perTopic: number): Promise<{ ms: number; requestsMs: number }> {
  return withClient(cluster.ports[0]!, async (c) => {
    const names = Array.from({ length: topics }, (_, i) => `p10k-${i}`);
    const t0 = performance.now();
    for (const name of names) await sendCreateTopics(c, [{ name, partitions: perTopic, replicationFactor: 1 }]);
    const requestsMs = performance.now() - t0;
    await waitForLeaders(c, names, topics * perTopic, 600_000);
    return { ms: performance.now() - t0, requestsMs };
  });
}

export async function partitionsPhase(ctx: Context): Promise<void> {
  const { partitionTopics: topics, partitionsPerTopic: per } = ctx.sizes;
  const total = topics * per;
  const create = ctx.scenario({
    name: 'create-10k',
    title: `(g) create ${total.toLocaleString('en-US')} partitions (${topics} topics × ${per.toLocaleString('en-US')}, RF=1), until all have leaders`,
    client: 'raw protocol (Node)',
    unit: 'ms',
    higherIsBetter: false,
    note: 'one measurement per system',
  });
  const meta = ctx.scenario({
    name: 'metadata-10k',
    title: `(g) full Metadata request with ${total.toLocaleString('en-US')} partitions: p99 (one connection, sequential)`,
    client: 'raw protocol (Node), timed to the last response byte',
    unit: 'ms',
    higherIsBetter: false,
  });
  const clusters: Partial<Record<SystemName, Cluster>> = {};
  try {
    for (const system of ctx.opts.systems) {
      const cluster = await ctx.cluster(system);
      clusters[system] = cluster;
      await ctx.settle(() => cluster.pids());
      try {
        const r = await createManyPartitions(cluster, topics, per);
        const rss = cluster.pids().reduce((a, p) => a + rssBytes(p), 0) / 1048576;
        const anon = cluster.pids().reduce((a, p) => a + anonRssBytes(p), 0) / 1048576;
        create.runs[system].push({ value: Math.round(r.ms), peakRssMB: Math.round(rss), peakAnonMB: Math.round(anon), extra: { createRequestsMs: Math.round(r.requestsMs) } });
        ctx.log(`create-10k ${system}: ${r.ms.toFixed(0)} ms (requests answered after ${r.requestsMs.toFixed(0)} ms), RSS ${rss.toFixed(0)} MB`);
      } catch (e) {
        create.errors[system] = (e as Error).message.split('\n')[0]!;
        meta.errors[system] = 'partitions not created';
        ctx.log(`create-10k ${system} FAILED: ${(e as Error).message}`);
      }
    }
    const samples: Record<SystemName, number[]> = { eddy: [], kafka: [] };
    let bytes: Partial<Record<SystemName, number>> = {};
    const perBatch = Math.ceil(ctx.sizes.metadataRequests / BATCHES);
    for (const system of ctx.opts.systems) {
      if (clusters[system] && !meta.errors[system]) await metadataLatencies(clusters[system].ports[0]!, WARMUP_REQUESTS);
    }
    for (let b = 0; b < BATCHES; b++) {
      for (const system of ctx.opts.systems) {
        const c = clusters[system];
        if (!c || meta.errors[system]) continue;
        await ctx.settle(() => c.pids());
        try {
          const r = await metadataLatencies(c.ports[0]!, perBatch);
          samples[system].push(...r.samples);
          bytes = { ...bytes, [system]: r.bytes };
        } catch (e) {
          meta.errors[system] = (e as Error).message.split('\n')[0]!;
        }
      }
    }
    for (const system of ctx.opts.systems) {
      const xs = samples[system];
      if (!xs.length) continue;
      meta.runs[system].push(metadataSample(xs, bytes[system] ?? 0));
      const r = meta.runs[system][0]!;
      ctx.log(`metadata-10k ${system}: p50 ${r.latency!.p50} ms, p99 ${r.latency!.p99} ms over ${xs.length} requests, ${bytes[system]} bytes`);
    }
  } finally {
    await Promise.all(Object.values(clusters).map((c) => ctx.release(c)));
  }
}

function metadataSample(xs: number[], bytes: number): Scenario['runs']['eddy'][number] {
  return {
    value: round(percentile(xs, 0.99), 2),
    latency: { p50: round(percentile(xs, 0.5), 2), p99: round(percentile(xs, 0.99), 2), p999: round(percentile(xs, 0.999), 2), unit: 'ms' },
    extra: { requests: xs.length, medianMs: round(median(xs), 2), responseBytes: bytes },
  };
}
