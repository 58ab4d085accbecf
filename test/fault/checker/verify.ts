// The checks. Input: the history of a round and the final contents of every partition (read back from offset 0
// to the high watermark once the cluster has healed). Output: every violation found, not just the first.
//
//  - lost:        an acknowledged record is not at the partition and offset it was acknowledged with;
//  - duplicate:   a value is in the log more than once (idempotent producers: not even an unacknowledged retry may
//                 land twice);
//  - order:       for one producer in one partition, acknowledged sequence numbers do not appear in increasing
//                 offset order;
//  - ack-conflict: two different records were acknowledged at the same partition and offset;
//  - vanished:    a consumer was handed a record (below the high watermark) that is no longer at that offset;
//  - above-hw:    a broker handed a consumer a record at or above the high watermark it reported with it;
//  - gap:         offsets in the final log are not dense from the first one (no compaction, no transactions here);
//  - unknown:     a value in the log that no producer of this round wrote.
// Added by the round runner (round.ts): replica-divergence (a replica, made sole leader after the final read,
// serves a different log) and no-recovery (the healed cluster did not get every partition back to a full ISR).
import type { Ack, History, Seen } from './history.js';

export interface StoredRecord {
  offset: number;
  value: string;
}

export type ViolationKind = 'lost' | 'duplicate' | 'order' | 'ack-conflict' | 'vanished' | 'above-hw' | 'gap' | 'unknown' | 'replica-divergence' | 'no-recovery';

export interface Violation {
  kind: ViolationKind;
  partition: number;
  detail: string;
}

export interface VerifyStats {
  attempted: number;
  acked: number;
  failed: number;
  /** Records in the final log. */
  stored: number;
  /** Attempted, not acknowledged, but in the log (a failed or unfinished send that did land). */
  indeterminateStored: number;
  liveSeen: number;
  violationsByKind: Partial<Record<ViolationKind, number>>;
}

export interface Verdict {
  ok: boolean;
  violations: Violation[];
  stats: VerifyStats;
}

const MAX_PER_KIND = 20;

export function verify(history: History, final: Map<number, StoredRecord[]>): Verdict {
  const violations: Violation[] = [];
  const counts: Partial<Record<ViolationKind, number>> = {};
  const add = (v: Violation) => {
    counts[v.kind] = (counts[v.kind] ?? 0) + 1;
    if ((counts[v.kind] ?? 0) <= MAX_PER_KIND) violations.push(v);
  };

  // Index the final log.
  const at = new Map<number, Map<number, string>>();
  const where = new Map<string, { partition: number; offset: number }[]>();
  let stored = 0;
  for (const [partition, records] of final) {
    const byOffset = new Map<number, string>();
    at.set(partition, byOffset);
    let expect: number | null = null;
    for (const r of records) {
      stored++;
      if (expect !== null && r.offset !== expect) add({ kind: 'gap', partition, detail: `offset ${r.offset} follows ${expect - 1}` });
      expect = r.offset + 1;
      byOffset.set(r.offset, r.value);
      const list = where.get(r.value) ?? [];
      list.push({ partition, offset: r.offset });
      where.set(r.value, list);
    }
  }

  // Duplicates and unknown values.
  let indeterminateStored = 0;
  const ackedValues = new Set(history.acks.map((a) => a.value));
  for (const [value, places] of where) {
    if (places.length > 1) add({ kind: 'duplicate', partition: places[0]!.partition, detail: `${value} at ${places.map((p) => `${p.partition}@${p.offset}`).join(', ')}` });
    if (!history.attempts.has(value)) {
      add({ kind: 'unknown', partition: places[0]!.partition, detail: `${JSON.stringify(value.slice(0, 80))} at offset ${places[0]!.offset} was never produced in this round` });
    } else if (!ackedValues.has(value)) indeterminateStored++;
  }

  // Every acknowledgement: the record is where the broker said it is.
  const ackAt = new Map<string, Ack>();
  for (const a of history.acks) {
    const key = `${a.partition}@${a.offset}`;
    const other = ackAt.get(key);
    if (other && other.value !== a.value) add({ kind: 'ack-conflict', partition: a.partition, detail: `offset ${a.offset} acknowledged for ${other.value} and for ${a.value}` });
    ackAt.set(key, a);
    const stored = at.get(a.partition)?.get(a.offset);
    if (stored === a.value) continue;
    const elsewhere = where.get(a.value);
    add({
      kind: 'lost',
      partition: a.partition,
      detail:
        `${a.value} acknowledged at offset ${a.offset} (${new Date(a.ackedAt).toISOString().slice(11, 23)}); ` +
        (stored === undefined ? 'the offset is not in the log' : `the offset holds ${stored}`) +
        (elsewhere ? `; the record is at ${elsewhere.map((p) => `${p.partition}@${p.offset}`).join(', ')}` : '; the record is nowhere in the log'),
    });
  }

  // Order: per producer and partition, acknowledged sequences in increasing offset order.
  const byProducerPartition = new Map<string, Ack[]>();
  for (const a of history.acks) {
    const key = `${a.producer}/${a.partition}`;
    const list = byProducerPartition.get(key) ?? [];
    list.push(a);
    byProducerPartition.set(key, list);
  }
  for (const [key, list] of byProducerPartition) {
    list.sort((x, y) => x.seq - y.seq);
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.offset <= list[i - 1]!.offset) {
        add({ kind: 'order', partition: list[i]!.partition, detail: `${key}: seq ${list[i - 1]!.seq} at offset ${list[i - 1]!.offset} but seq ${list[i]!.seq} at offset ${list[i]!.offset}` });
      }
    }
  }

  // What the live consumer saw must still be there.
  const describeSeen = (s: Seen) => `${s.value} at offset ${s.offset} (served by broker ${s.broker} with high watermark ${s.highWatermark} at ${new Date(s.at).toISOString().slice(11, 23)})`;
  for (const [partition, byOffset] of history.seen) {
    for (const s of byOffset.values()) {
      const now = at.get(partition)?.get(s.offset);
      if (now === s.value) continue;
      add({ kind: 'vanished', partition, detail: `consumer saw ${describeSeen(s)}; the final log has ${now === undefined ? 'no such offset' : now}` });
    }
  }
  for (const c of history.seenConflicts) {
    add({ kind: 'vanished', partition: c.first.partition, detail: `consumer saw ${describeSeen(c.first)}, later ${describeSeen(c.later)}` });
  }
  for (const s of history.aboveHw) add({ kind: 'above-hw', partition: s.partition, detail: `consumer was handed ${describeSeen(s)}` });

  return {
    ok: violations.length === 0,
    violations,
    stats: {
      attempted: history.attempts.size,
      acked: history.acks.length,
      failed: history.failures.length,
      stored,
      indeterminateStored,
      liveSeen: history.seenCount,
      violationsByKind: counts,
    },
  };
}

/** Adds violations found outside verify() (the round runner's own checks) to a verdict. */
export function addViolations(v: Verdict, extra: Violation[]): Verdict {
  if (extra.length === 0) return v;
  const counts = { ...v.stats.violationsByKind };
  for (const x of extra) counts[x.kind] = (counts[x.kind] ?? 0) + 1;
  return { ok: false, violations: [...v.violations, ...extra.slice(0, MAX_PER_KIND)], stats: { ...v.stats, violationsByKind: counts } };
}

export function formatVerdict(v: Verdict): string {
  const s = v.stats;
  const head =
    `${v.ok ? 'OK' : 'FAILED'}: ${s.acked} acknowledged, ${s.failed} failed sends, ${s.attempted} attempted, ${s.stored} in the log ` +
    `(${s.indeterminateStored} unacknowledged that landed), live consumer saw ${s.liveSeen}`;
  if (v.ok) return head;
  const kinds = Object.entries(s.violationsByKind).map(([k, n]) => `${k}: ${n}`).join(', ');
  return [head, `violations (${kinds}), up to ${MAX_PER_KIND} of each:`, ...v.violations.map((x) => `  [${x.kind}] partition ${x.partition}: ${x.detail}`)].join('\n');
}
