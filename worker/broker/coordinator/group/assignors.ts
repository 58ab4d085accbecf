// Server-side assignors for KIP-848 consumer groups. Both are deterministic (same input, same output) and
// sticky: a partition stays with its current owner unless balance requires moving it.

/** topicId -> partitions */
export type Assignment = Map<string, Set<number>>;

export interface AssignorMember {
  memberId: string;
  /** Topic ids the member subscribes to (resolved from names or regex). */
  topics: string[];
  /** The member's current target, for stickiness. */
  current: Assignment;
}

export interface AssignorTopic {
  topicId: string;
  partitions: number;
}

export type AssignorName = 'uniform' | 'range';
export const SERVER_ASSIGNORS: readonly AssignorName[] = ['uniform', 'range'];

function countOf(a: Assignment): number {
  let n = 0;
  for (const s of a.values()) n += s.size;
  return n;
}

function add(a: Assignment, topicId: string, p: number): void {
  let s = a.get(topicId);
  if (!s) a.set(topicId, (s = new Set()));
  s.add(p);
}

/**
 * Uniform: every partition of every subscribed topic goes to the eligible member with the fewest partitions.
 * Partitions keep their owner while that owner is still eligible and not above its fair share.
 */
export function uniformAssign(members: AssignorMember[], topics: Map<string, AssignorTopic>): Map<string, Assignment> {
  const out = new Map<string, Assignment>(members.map((m) => [m.memberId, new Map()]));
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const eligible = new Map<string, AssignorMember[]>();
  for (const m of sorted) for (const t of m.topics) if (topics.has(t)) (eligible.get(t) ?? eligible.set(t, []).get(t)!).push(m);
  const all: [string, number][] = [];
  for (const [topicId, members] of eligible) {
    if (members.length === 0) continue;
    for (let p = 0; p < topics.get(topicId)!.partitions; p++) all.push([topicId, p]);
  }
  const quota = sorted.length > 0 ? Math.ceil(all.length / sorted.length) : 0;
  const unassigned: [string, number][] = [];
  // Sticky pass: keep current owners up to the quota.
  for (const [topicId, p] of all) {
    const owner = sorted.find((m) => m.current.get(topicId)?.has(p) && m.topics.includes(topicId));
    if (owner && countOf(out.get(owner.memberId)!) < quota) add(out.get(owner.memberId)!, topicId, p);
    else unassigned.push([topicId, p]);
  }
  for (const [topicId, p] of unassigned) {
    let best: AssignorMember | null = null;
    let bestCount = Infinity;
    for (const m of eligible.get(topicId) ?? []) {
      const c = countOf(out.get(m.memberId)!);
      if (c < bestCount) {
        best = m;
        bestCount = c;
      }
    }
    if (best) add(out.get(best.memberId)!, topicId, p);
  }
  return out;
}

/** Range: per topic, the subscribed members (by member id) take contiguous ranges; the first ones get one extra. */
export function rangeAssign(members: AssignorMember[], topics: Map<string, AssignorTopic>): Map<string, Assignment> {
  const out = new Map<string, Assignment>(members.map((m) => [m.memberId, new Map()]));
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const topicIds = new Set(sorted.flatMap((m) => m.topics));
  for (const topicId of [...topicIds].sort()) {
    const topic = topics.get(topicId);
    if (!topic) continue;
    const subs = sorted.filter((m) => m.topics.includes(topicId));
    const per = Math.floor(topic.partitions / subs.length);
    const extra = topic.partitions % subs.length;
    let next = 0;
    subs.forEach((m, i) => {
      const n = per + (i < extra ? 1 : 0);
      for (let k = 0; k < n; k++) add(out.get(m.memberId)!, topicId, next++);
    });
  }
  return out;
}

export function assign(name: AssignorName, members: AssignorMember[], topics: Map<string, AssignorTopic>): Map<string, Assignment> {
  return name === 'range' ? rangeAssign(members, topics) : uniformAssign(members, topics);
}
