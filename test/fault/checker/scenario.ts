// Building blocks for the focused (deterministic) fault tests: a cluster with one checked topic, a History,
// raw acks=all produces through the current leader that record what was acknowledged, and the same final
// checks as a round (read back, verify, every replica's copy).
import { startCluster, type RunningCluster } from 'eddy';
import type { BrokerSettings } from '../../../main/api.js';
import { formatEvents, formatPartitions, waitHealthy } from './cluster-state.js';
import { History, recordValue } from './history.js';
import { LiveConsumer } from './live-consumer.js';
import { checkReplicas, readStable, toStored, waitFor, type FinalRead } from './round.js';
import { addViolations, formatVerdict, verify, type Verdict } from './verify.js';
import { ConnPool, createTopic, errorName, metadataFromAny, produceRaw, type ProduceResult } from './wire.js';

export interface ScenarioOptions {
  config?: Partial<BrokerSettings>;
  topic?: string;
  partitions?: number;
  /** Manual assignment (replica lists by partition); default: the controller's. */
  assignments?: number[][];
  topicConfigs?: Record<string, string>;
  /** Start a live consumer (default true). */
  live?: boolean;
}

export class Scenario {
  readonly history = new History();
  readonly pool = new ConnPool();
  live: LiveConsumer | null = null;
  private seq = 0;
  readonly since = Date.now();

  private constructor(
    readonly cluster: RunningCluster,
    readonly topic: string,
    readonly partitions: number,
  ) {}

  static async start(o: ScenarioOptions = {}): Promise<Scenario> {
    const cluster = await startCluster({ brokers: 3, port: 0, config: o.config ?? {} });
    const partitions = o.assignments?.length ?? o.partitions ?? 1;
    const topic = o.topic ?? 'checked';
    const s = new Scenario(cluster, topic, partitions);
    try {
      await createTopic(cluster.bootstrapServers, topic, { partitions, replicationFactor: 3, ...(o.assignments ? { assignments: o.assignments } : {}), configs: o.topicConfigs ?? {} });
      await waitFor(async () => {
        const md = await metadataFromAny(s.pool, cluster.bootstrapServers, topic);
        return md.partitions.length === partitions && md.partitions.every((p) => p.leader >= 0);
      }, 10_000);
      if (o.live !== false) {
        s.live = new LiveConsumer(cluster.bootstrapServers, topic, partitions, s.history);
        s.live.start();
      }
    } catch (e) {
      await s.stop();
      throw e;
    }
    return s;
  }

  port(broker: number): number {
    return this.cluster.brokers()[broker]!.port;
  }

  leader(partition = 0): number {
    return this.cluster.partitions().find((p) => p.topic === this.topic && p.partition === partition)!.leader;
  }

  partitionState(partition = 0) {
    return this.cluster.partitions().find((p) => p.topic === this.topic && p.partition === partition)!;
  }

  /** Fresh sequenced values for `producer`, registered as attempts on `partition`. */
  values(producer: string, n: number, partition = 0): string[] {
    return Array.from({ length: n }, () => {
      const seq = this.seq++;
      const value = recordValue(producer, seq);
      this.history.attempt({ producer, seq, value, partition });
      return value;
    });
  }

  /**
   * One raw Produce of `values` (already registered by values()) to `broker` (default: the controller's current
   * leader). Acknowledged records (acks=all, no error) go into the history; failed ones are marked failed.
   */
  async produce(values: string[], opts: { partition?: number; broker?: number; acks?: -1 | 1; timeoutMs?: number } = {}): Promise<ProduceResult> {
    const partition = opts.partition ?? 0;
    const broker = opts.broker ?? this.leader(partition);
    let r: ProduceResult;
    try {
      r = await produceRaw(this.pool.get(this.port(broker)), this.topic, partition, values, { acks: opts.acks ?? -1, timeoutMs: opts.timeoutMs ?? 5000 });
    } catch (e) {
      for (const v of values) this.history.fail(v, (e as Error).message);
      throw e;
    }
    if (r.errorCode === 0 && (opts.acks ?? -1) === -1) values.forEach((v, i) => this.history.ack(v, partition, r.baseOffset + i));
    else if (r.errorCode !== 0) for (const v of values) this.history.fail(v, errorName(r.errorCode));
    else this.history.note(`acks=1 write of ${values[0]}.. at offset ${r.baseOffset} (not checked as acknowledged)`);
    return r;
  }

  /** Produces acks=all until acknowledged (following leadership), up to `timeoutMs`. */
  async produceAcked(producer: string, n: number, opts: { partition?: number; timeoutMs?: number } = {}): Promise<number> {
    const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
    let last = '';
    while (Date.now() < deadline) {
      const values = this.values(producer, n, opts.partition ?? 0);
      try {
        const r = await this.produce(values, opts);
        if (r.errorCode === 0) return r.baseOffset;
        last = errorName(r.errorCode);
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no acks=all write acknowledged within ${opts.timeoutMs ?? 15_000} ms: ${last}`);
  }

  async waitHealthy(timeoutMs = 30_000): Promise<number | null> {
    return waitHealthy(this.cluster, this.topic, timeoutMs);
  }

  /** Heals nothing by itself: expects a healthy cluster. Reads back, verifies, and (optionally) reads every replica. */
  async finalCheck(opts: { replicas?: boolean } = {}): Promise<{ verdict: Verdict; final: FinalRead }> {
    await this.live?.stop();
    this.live = null;
    this.history.close();
    const final = await readStable(this.pool, this.cluster.bootstrapServers, this.topic, this.partitions);
    let verdict = verify(this.history, toStored(final));
    if (opts.replicas !== false) verdict = addViolations(verdict, await checkReplicas(this.cluster, this.pool, this.topic, this.partitions, final, 3));
    return { verdict, final };
  }

  describe(): string {
    return `partitions:\n${formatPartitions(this.cluster, this.topic)}\nevents:\n${formatEvents(this.cluster, this.since)}${this.history.notes.length ? `\nnotes (${this.history.notes.length}, up to 20):\n${this.history.notes.slice(0, 20).join('\n')}` : ''}`;
  }

  explain(verdict: Verdict): string {
    return `${formatVerdict(verdict)}\n${this.describe()}`;
  }

  async stop(): Promise<void> {
    await this.live?.stop().catch(() => undefined);
    this.pool.closeAll();
    await this.cluster.stop().catch(() => undefined);
  }
}
