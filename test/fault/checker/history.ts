// What the workload did, as the checker needs it: every record a producer tried to write (a value naming its
// producer and sequence number), every acknowledgement with the partition and offset the broker gave, every
// send that failed (its records are then indeterminate: they may or may not be in the log, but at most once),
// and everything the live consumer read while the faults went on.

/** A record value: `<producer>:<seq>`, producer names without ':'. The seq is zero-padded so values sort. */
export function recordValue(producer: string, seq: number): string {
  return `${producer}:${String(seq).padStart(8, '0')}`;
}

export function parseValue(value: string): { producer: string; seq: number } | null {
  const m = /^([^:]+):(\d+)$/.exec(value);
  return m ? { producer: m[1]!, seq: Number(m[2]) } : null;
}

export interface Attempt {
  producer: string;
  seq: number;
  value: string;
  partition: number;
  /** Date.now() when handed to the client. */
  at: number;
}

export interface Ack extends Attempt {
  offset: number;
  ackedAt: number;
}

export interface Failure extends Attempt {
  failedAt: number;
  error: string;
}

/** A record a consumer was handed, with the high watermark of the response that carried it. */
export interface Seen {
  partition: number;
  offset: number;
  value: string;
  highWatermark: number;
  /** The broker that served it. */
  broker: number;
  at: number;
}

export class History {
  readonly attempts = new Map<string, Attempt>();
  readonly acks: Ack[] = [];
  readonly failures: Failure[] = [];
  /** Live consumer reads, by partition, by offset (the first value seen there; later different values are kept in `conflicts`). */
  readonly seen = new Map<number, Map<number, Seen>>();
  /** Live reads that disagreed with an earlier live read of the same offset. */
  readonly seenConflicts: { first: Seen; later: Seen }[] = [];
  /** Live reads where the broker returned a record at or above the high watermark it reported. */
  readonly aboveHw: Seen[] = [];
  /** Free-form notes from the workload (producer restarts, client errors), for reports. */
  readonly notes: string[] = [];
  /** Acknowledgements that arrived after close() (the final read had begun): reported, not checked. */
  readonly lateAcks: Ack[] = [];
  private closed = false;

  /** The workload is over: what arrives from now on is not checked against the final read. */
  close(): void {
    this.closed = true;
  }

  attempt(a: Omit<Attempt, 'at'>): Attempt {
    if (this.attempts.has(a.value)) throw new Error(`value written twice by the workload: ${a.value}`);
    const full = { ...a, at: Date.now() };
    this.attempts.set(a.value, full);
    return full;
  }

  ack(value: string, partition: number, offset: number): void {
    const a = this.attempts.get(value);
    if (!a) throw new Error(`acknowledgement for a record never attempted: ${value}`);
    const ack = { ...a, partition, offset, ackedAt: Date.now() };
    if (this.closed) this.lateAcks.push(ack);
    else this.acks.push(ack);
  }

  fail(value: string, error: string): void {
    const a = this.attempts.get(value);
    if (!a) throw new Error(`failure for a record never attempted: ${value}`);
    this.failures.push({ ...a, failedAt: Date.now(), error });
  }

  see(s: Omit<Seen, 'at'>): void {
    if (this.closed) return;
    const full = { ...s, at: Date.now() };
    if (s.offset >= s.highWatermark) this.aboveHw.push(full);
    let byOffset = this.seen.get(s.partition);
    if (!byOffset) this.seen.set(s.partition, (byOffset = new Map()));
    const prev = byOffset.get(s.offset);
    if (!prev) byOffset.set(s.offset, full);
    else if (prev.value !== s.value) this.seenConflicts.push({ first: prev, later: full });
  }

  note(text: string): void {
    this.notes.push(`${new Date().toISOString().slice(11, 23)} ${text}`);
  }

  get seenCount(): number {
    let n = 0;
    for (const m of this.seen.values()) n += m.size;
    return n;
  }
}
