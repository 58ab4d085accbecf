// Waiting on and describing the cluster's replication state (through the embedded API's status calls).
import type { RunningCluster } from 'eddy';
import { sleep } from './wire.js';

/** Every broker running and not fenced; every partition of `topic` with a leader and its whole replica set in sync. */
export function healthy(cluster: RunningCluster, topic: string): boolean {
  if (!cluster.brokers().every((b) => b.state === 'running' && !b.fenced)) return false;
  const parts = cluster.partitions().filter((p) => p.topic === topic);
  return parts.length > 0 && parts.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length && p.replicas.every((r) => p.isr.includes(r)));
}

/** Waits until healthy(); resolves with the time it took, or null on timeout. */
export async function waitHealthy(cluster: RunningCluster, topic: string, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (healthy(cluster, topic)) return Date.now() - t0;
    await sleep(50);
  }
  return null;
}

export function formatBrokers(cluster: RunningCluster): string {
  return cluster
    .brokers()
    .map((b) => `broker ${b.id}: ${b.state}${b.fenced ? ' (fenced)' : ''}`)
    .join('; ');
}

export function formatPartitions(cluster: RunningCluster, topic?: string): string {
  return cluster
    .partitions()
    .filter((p) => !topic || p.topic === topic)
    .map((p) => `${p.topic}-${p.partition}: leader ${p.leader} epoch ${p.leaderEpoch} replicas [${p.replicas.join(',')}] isr [${p.isr.join(',')}]`)
    .join('\n');
}

/** The cluster's event log from `since`, times relative to it. */
export function formatEvents(cluster: RunningCluster, since: number, max = 400): string {
  const events = cluster.events(since);
  const shown = events.length > max ? events.slice(-max) : events;
  const lines = shown.map((e) => `+${String(e.time - since).padStart(6)} ms ${e.type}: ${e.detail}`);
  if (events.length > max) lines.unshift(`(${events.length - max} earlier events left out)`);
  return lines.join('\n');
}
