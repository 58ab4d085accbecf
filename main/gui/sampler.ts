// The backend's own metrics (no Prometheus): every 2 s per connection it reads metadata, high watermarks, log dir
// sizes and the groups' committed offsets, and keeps an hour of samples, per-topic rates, per-group lag history and
// the event timeline (metadata diffs, plus the local supervisor's events).
import type { ClusterEvent, MetricsSample } from '../contract/ui-api.js';
import type { Cluster } from '../supervisor/cluster.js';
import { logDirSizes } from './cluster-info.js';
import type { Connection } from './connection.js';
import { EventLog, fromSupervisor, metadataChanges } from './events.js';
import { groupsSnapshot, type GroupsSnapshot } from './groups.js';
import type { ClusterMetadataSnapshot } from './kafka-client.js';
import { LATEST, listOffsets, pkey } from './offsets.js';

const HISTORY_MS = 60 * 60 * 1000;

interface Reading {
  t: number;
  /** Sum of high watermarks, per topic. */
  hw: Map<string, number>;
  /** Sum of leader partition sizes; null when unknown. */
  bytes: number | null;
  /** Sum of all committed offsets (group, partition). */
  committed: Map<string, number>;
}

export class Sampler {
  readonly events = new EventLog();
  private readonly samples: MetricsSample[] = [];
  private readonly lag = new Map<string, { t: number; lag: number }[]>();
  private topicRates = new Map<string, number>();
  private last: Reading | null = null;
  private lastMetadata: ClusterMetadataSnapshot | null = null;
  private lastGroupStates = new Map<string, string>();
  private lastGroups: GroupsSnapshot | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private supervisorSince = 0;
  private readonly killed = new Set<number>();

  constructor(
    private readonly c: Connection,
    /** The local supervisor, for the local connection. */
    private readonly supervisor: () => Cluster | null,
    private readonly intervalMs = 2_000,
    /** Supervisor events from this time on are taken into the timeline. */
    since = Date.now(),
  ) {
    this.supervisorSince = since;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running ??= this.sample()
        .catch(() => undefined)
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  metrics(since = 0): MetricsSample[] {
    return this.samples.filter((s) => s.t > since);
  }

  eventsAfter(afterSeq?: number): ClusterEvent[] {
    this.pullSupervisorEvents();
    return this.events.after(afterSeq);
  }

  rates(): Map<string, number> {
    return this.topicRates;
  }

  lagHistory(groupId: string): { t: number; lag: number }[] {
    return [...(this.lag.get(groupId) ?? [])];
  }

  /** The last groups reading (for the overview without a second round of requests). */
  latestGroups(): GroupsSnapshot | null {
    return this.lastGroups;
  }

  private pullSupervisorEvents(): void {
    const cluster = this.supervisor();
    if (!cluster) return;
    const fresh = cluster.eventLog(this.supervisorSince);
    for (const e of fresh) {
      if (e.time < this.supervisorSince) continue;
      this.events.add(fromSupervisor(e, this.killed));
    }
    if (fresh.length) this.supervisorSince = fresh[fresh.length - 1]!.time + 1;
  }

  /** One reading: metadata, high watermarks, sizes and group offsets; rates from the change since the last one. */
  async sample(): Promise<void> {
    this.pullSupervisorEvents();
    const md = await this.c.metadata();
    const now = Date.now();
    if (this.lastMetadata) for (const e of metadataChanges(this.lastMetadata, md, this.supervisor() === null)) this.events.add(e);
    this.lastMetadata = md;
    const spec = md.topics.map((t) => ({ topic: t.name, partitions: t.partitions.filter((p) => p.leader >= 0).map((p) => p.partition) }));
    const [ends, sizes, groups] = await Promise.all([
      listOffsets(this.c.client, spec, LATEST).catch(() => null),
      logDirSizes(this.c.client, md).catch(() => null),
      groupsSnapshot(this.c).catch(() => null),
    ]);
    const hw = new Map<string, number>();
    let totalMessages = 0;
    for (const t of md.topics) {
      let sum = 0;
      for (const p of t.partitions) sum += ends?.get(pkey(t.name, p.partition)) ?? 0;
      hw.set(t.name, sum);
      totalMessages += sum;
    }
    let bytes: number | null = null;
    if (sizes && sizes.brokerBytes.size > 0) {
      bytes = 0;
      for (const t of md.topics) for (const p of t.partitions) if (p.leader >= 0) bytes += sizes.replicaBytes.get(`${p.leader}/${t.name}/${p.partition}`) ?? 0;
    }
    const committed = new Map<string, number>();
    if (groups) {
      this.lastGroups = groups;
      for (const s of groups.summaries) {
        const rows = groups.offsets.get(s.groupId) ?? [];
        committed.set(s.groupId, rows.reduce((a, r) => a + r.committed, 0));
        const h = this.lag.get(s.groupId) ?? [];
        h.push({ t: now, lag: s.totalLag ?? 0 });
        while (h.length && h[0]!.t < now - HISTORY_MS) h.shift();
        this.lag.set(s.groupId, h);
        const before = this.lastGroupStates.get(s.groupId);
        if (before !== undefined && before !== s.state) this.events.add({ kind: 'group-state-changed', message: `group ${s.groupId}: ${before} → ${s.state}` });
        this.lastGroupStates.set(s.groupId, s.state);
      }
      for (const id of [...this.lag.keys()]) if (!groups.summaries.some((s) => s.groupId === id)) this.lag.delete(id);
    }
    const reading: Reading = { t: now, hw: ends ? hw : (this.last?.hw ?? hw), bytes, committed };
    const prev = this.last;
    if (prev && ends) {
      const dt = (now - prev.t) / 1000;
      const rate = (a: number, b: number) => Math.max(0, (a - b) / dt);
      let inMsgs = 0;
      const rates = new Map<string, number>();
      for (const [topic, sum] of reading.hw) {
        const r = prev.hw.has(topic) ? rate(sum, prev.hw.get(topic)!) : 0;
        rates.set(topic, r);
        inMsgs += r;
      }
      this.topicRates = rates;
      let outMsgs = 0;
      for (const [g, sum] of reading.committed) if (prev.committed.has(g)) outMsgs += rate(sum, prev.committed.get(g)!);
      const avgRecord = bytes !== null && totalMessages > 0 ? bytes / totalMessages : 0;
      this.samples.push({
        t: now,
        messagesInPerSec: inMsgs,
        bytesInPerSec: bytes !== null && prev.bytes !== null ? rate(bytes, prev.bytes) : inMsgs * avgRecord,
        messagesOutPerSec: outMsgs,
        bytesOutPerSec: outMsgs * avgRecord,
      });
      while (this.samples.length && this.samples[0]!.t < now - HISTORY_MS) this.samples.shift();
    }
    this.last = reading;
  }
}
