// The writes of one coordinator shard to its __consumer_offsets partition, coalesced into record batches as
// Kafka 4's coordinator runtime does (KAFKA-16770): the records of every operation that arrives while a batch is
// open go into that batch, so N pipelined offset commits cost one append and one replication round, not N. Each
// operation is answered when the batch holding its records has reached every in-sync replica (acks=all, within
// offsets.commit.timeout.ms); if the batch fails, every operation in it fails, and none of them may have changed
// the coordinator's state (callers apply their changes only after the write resolves).
//
// group.coordinator.append.linger.ms decides when a batch closes:
//  -1  adaptive, Kafka 4.2+'s default (KAFKA-19826): Kafka appends a flush event behind the operations already
//      queued; here the batch closes with setImmediate, i.e. after every I/O callback of this event-loop turn, so
//      all the requests read in one turn share a batch and a lone request waits for nothing.
//   0  no batching: each operation is its own batch.
//  >0  the batch stays open that many ms after its first record.
// A batch also closes before an operation whose records would take it past the partition's largest batch
// (Kafka: the partition's max.message.bytes); an operation larger than that alone still goes out as one batch.
import { ErrorCode } from '../../../protocol/errors.js';
import { encodeRecordBatch, readBatchHeader, type RecordInput } from '../../../protocol/records/record-batch.js';
import type { Partition } from '../../replica/partition.js';
import type { EncodedRecord } from './records.js';

/** What the appender needs of the leader replica it writes to. */
export type AppendTarget = Pick<Partition, 'append' | 'waitForHighWatermark'>;

export interface AppenderOptions {
  /** __consumer_offsets-N, for error messages. */
  name: string;
  /** group.coordinator.append.linger.ms (see above). */
  lingerMs: number;
  /** Largest batch built from several operations. */
  maxBatchBytes: number;
  /** offsets.commit.timeout.ms: how long a batch may wait for the in-sync replicas. */
  commitTimeoutMs: number;
  /** Record timestamps. */
  now: () => number;
}

interface OpenBatch {
  records: RecordInput[];
  bytes: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
  /** Cancels the scheduled close. */
  cancel: () => void;
}

/** Batch header (61 bytes) plus slack. */
const BATCH_OVERHEAD = 64;
/** Per record beyond key and value: length, attributes, timestamp and offset deltas, header count (varints). */
const RECORD_OVERHEAD = 24;

export class CoordinatorAppender {
  private open: OpenBatch | null = null;
  /** Settles once every batch closed so far has settled: batches complete in log order. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: AppendTarget,
    private readonly opts: AppenderOptions,
  ) {}

  /** Adds an operation's records; resolves once the batch holding them is replicated, rejects if it fails. */
  write(records: EncodedRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    let size = 0;
    for (const r of records) size += r.key.length + (r.value?.length ?? 0) + RECORD_OVERHEAD;
    if (this.open && this.open.bytes + size > this.opts.maxBatchBytes) this.flush();
    const batch = this.open ?? this.start();
    const timestamp = this.opts.now();
    for (const r of records) batch.records.push({ key: r.key, value: r.value, timestamp });
    batch.bytes += size;
    if (this.opts.lingerMs === 0) this.flush();
    return batch.done;
  }

  /** Closes the open batch now and appends it. */
  flush(): void {
    const batch = this.open;
    if (!batch) return;
    this.open = null;
    batch.cancel();
    const own = this.append(batch.records);
    // Marked handled here: a batch that fails while an earlier one is still pending must not count as unhandled.
    own.catch(() => undefined);
    const done = this.tail.then(() => own);
    this.tail = done.catch(() => undefined);
    done.then(batch.resolve, batch.reject);
  }

  /** Fails the open batch without writing it (the shard is unloading: its leadership moved). */
  abort(error: Error): void {
    const batch = this.open;
    if (!batch) return;
    this.open = null;
    batch.cancel();
    batch.reject(error);
  }

  /** Appends what is open and resolves once every batch has settled (shutdown). */
  idle(): Promise<void> {
    this.flush();
    return this.tail;
  }

  private start(): OpenBatch {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const batch: OpenBatch = { records: [], bytes: BATCH_OVERHEAD, done, resolve, reject, cancel: () => undefined };
    const close = () => {
      if (this.open === batch) this.flush();
    };
    const linger = this.opts.lingerMs;
    if (linger < 0) {
      const t = setImmediate(close);
      batch.cancel = () => clearImmediate(t);
    } else if (linger > 0) {
      const t = setTimeout(close, linger);
      batch.cancel = () => clearTimeout(t);
    }
    this.open = batch;
    return batch;
  }

  private append(records: RecordInput[]): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = encodeRecordBatch({ records });
    } catch (e) {
      // Runs from a timer too: a bug here fails the batch's operations rather than the broker.
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const result = this.target.append(bytes, readBatchHeader(bytes, 0), bytes.length, null);
    if (result.errorCode !== ErrorCode.NONE) return Promise.reject(new Error(`append to ${this.opts.name} failed with error ${result.errorCode}`));
    // Like Kafka's coordinator (acks=all): a change counts once every in-sync replica of the partition has it.
    return result.committed.then(async () => {
      const code = await this.target.waitForHighWatermark(result.lastOffset + 1, this.opts.commitTimeoutMs);
      if (code !== ErrorCode.NONE) throw new Error(`${this.opts.name} did not replicate the write (error ${code})`);
    });
  }
}
