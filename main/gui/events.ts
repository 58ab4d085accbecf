// A connection's event timeline: the local supervisor's events, and what the sampler sees change between two
// metadata answers (leaders, ISRs, brokers, topics, group states). Kept bounded; seq increases per connection.
import type { ClusterEvent, ClusterEventKind } from '../contract/ui-api.js';
import type { ClusterEvent as SupervisorEvent } from '../supervisor/controller.js';
import type { ClusterMetadataSnapshot } from './kafka-client.js';

const MAX_EVENTS = 2_000;
const MAX_ANSWER = 500;

export class EventLog {
  private readonly events: ClusterEvent[] = [];
  private seq = 0;

  add(e: Omit<ClusterEvent, 'seq' | 't'> & { t?: number }): void {
    this.events.push({ ...e, seq: ++this.seq, t: e.t ?? Date.now() });
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  /** Events after `afterSeq`, oldest first, at most 500 (the oldest of them when more are waiting). */
  after(afterSeq = 0): ClusterEvent[] {
    const i = this.events.findIndex((e) => e.seq > afterSeq);
    return i < 0 ? [] : this.events.slice(i, i + MAX_ANSWER);
  }
}

const SUPERVISOR_KINDS: Record<SupervisorEvent['type'], ClusterEventKind> = {
  'broker-started': 'broker-up',
  'broker-fenced': 'broker-down',
  'broker-unfenced': 'broker-up',
  'broker-killed': 'broker-killed',
  'broker-paused': 'broker-paused',
  'broker-resumed': 'broker-resumed',
  'leader-changed': 'leader-changed',
  'unclean-election': 'leader-changed',
  'isr-shrunk': 'isr-shrunk',
  'isr-expanded': 'isr-expanded',
  'link-fault': 'link-changed',
  'storage-fault': 'storage-fault',
  'storage-failure': 'storage-fault',
  'storage-shrunk': 'other',
};

/** A supervisor event in the contract's terms; a start after a kill is a restart. */
export function fromSupervisor(e: SupervisorEvent, killed: Set<number>): Omit<ClusterEvent, 'seq'> {
  let kind = SUPERVISOR_KINDS[e.type] ?? 'other';
  if (e.type === 'broker-killed' && e.brokerId !== undefined) killed.add(e.brokerId);
  if (e.type === 'broker-started' && e.brokerId !== undefined && killed.delete(e.brokerId)) kind = 'broker-restarted';
  // Partition events read "<topic>-<partition>: …" (topic names may hold '-').
  const m = /^(\S+)-(\d+): /.exec(e.detail);
  return { t: e.time, kind, message: e.detail, ...(e.brokerId !== undefined ? { brokerId: e.brokerId } : {}), ...(m ? { topic: m[1]!, partition: Number(m[2]) } : {}) };
}

type Diffable = Pick<ClusterMetadataSnapshot, 'brokers' | 'topics'>;

/**
 * What changed between two metadata answers. `clusterLevel` false leaves broker, leader and ISR changes out (the
 * local supervisor reports those itself, with causes).
 */
export function metadataChanges(before: Diffable, after: Diffable, clusterLevel: boolean): Omit<ClusterEvent, 'seq' | 't'>[] {
  const out: Omit<ClusterEvent, 'seq' | 't'>[] = [];
  if (clusterLevel) {
    const was = new Set(before.brokers.map((b) => b.id));
    const is = new Set(after.brokers.map((b) => b.id));
    for (const id of is) if (!was.has(id)) out.push({ kind: 'broker-up', message: `broker ${id} is up`, brokerId: id });
    for (const id of was) if (!is.has(id)) out.push({ kind: 'broker-down', message: `broker ${id} left the cluster`, brokerId: id });
  }
  const old = new Map(before.topics.map((t) => [t.name, t]));
  const now = new Map(after.topics.map((t) => [t.name, t]));
  for (const [name] of now) if (!old.has(name)) out.push({ kind: 'topic-created', message: `topic ${name} created`, topic: name });
  for (const [name] of old) if (!now.has(name)) out.push({ kind: 'topic-deleted', message: `topic ${name} deleted`, topic: name });
  for (const [name, t] of now) {
    const prev = old.get(name);
    if (!prev) continue;
    for (const p of t.partitions) {
      const q = prev.partitions.find((x) => x.partition === p.partition);
      if (!q) continue;
      const where = { topic: name, partition: p.partition };
      if (p.leader < 0 && q.leader >= 0) out.push({ kind: 'partition-offline', message: `${name}-${p.partition} has no leader`, ...where });
      if (!clusterLevel) continue;
      if (p.leader !== q.leader && p.leader >= 0) out.push({ kind: 'leader-changed', message: `${name}-${p.partition}: leader ${q.leader} → ${p.leader}`, ...where, brokerId: p.leader });
      const lost = q.isr.filter((b) => !p.isr.includes(b));
      const gained = p.isr.filter((b) => !q.isr.includes(b));
      if (lost.length) out.push({ kind: 'isr-shrunk', message: `${name}-${p.partition}: ISR [${q.isr.join(',')}] → [${p.isr.join(',')}]`, ...where });
      if (gained.length) out.push({ kind: 'isr-expanded', message: `${name}-${p.partition}: ISR [${q.isr.join(',')}] → [${p.isr.join(',')}]`, ...where });
    }
  }
  return out;
}
