// kafkajs 2.2.4 idempotent producers (acks=all, maxInFlightRequests 1 as kafkajs requires for idempotence).
// Each send carries 1-5 sequenced records to one partition; the acknowledged offsets are baseOffset + i.
// After any failed send the producer instance is dropped and a new one (new producer id, new name in the
// values) takes over: kafkajs keeps the failed batch's sequence number for the next batch, which a broker
// that did write the failed batch would take for a retry of it. The failed records are indeterminate.
import { createRequire } from 'node:module';
import type { Producer } from 'kafkajs';
import { recordValue, type History } from './history.js';
import type { Rng } from './prng.js';
import { sleep } from './wire.js';

const require = createRequire(import.meta.url);
/** kafkajs, loaded the way an application would (it is CommonJS). */
export const kafkajs = require('kafkajs') as typeof import('kafkajs');
const { Kafka, logLevel } = kafkajs;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export interface KafkajsProducersOptions {
  bootstrap: string;
  topic: string;
  partitions: number;
  /** Concurrent producers. */
  count: number;
  rng: Rng;
  history: History;
  /** Name prefix in the values (default 'kjs'). */
  name?: string;
  /** Largest number of records per send (default 5). */
  maxBatch?: number;
  /** Pause between sends, ms (default 0). */
  pauseMs?: number;
}

export class KafkajsProducers {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly live = new Set<Producer>();
  sends = 0;
  failedSends = 0;
  instances = 0;
  readonly errors = new Map<string, number>();

  constructor(private readonly o: KafkajsProducersOptions) {}

  start(): void {
    for (let i = 0; i < this.o.count; i++) this.loops.push(this.run(i, this.o.rng.fork(`kafkajs-${i}`)));
  }

  private makeProducer(): Producer {
    const kafka = new Kafka({
      clientId: 'eddy-fault-checker',
      brokers: this.o.bootstrap.split(','),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 5000,
      // Idempotent: retries stay unlimited (kafkajs's default for idempotence); keep the backoff short.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  private countError(e: unknown): string {
    const err = e as Error & { type?: string; name?: string };
    const what = `${err.name ?? 'Error'}${err.type ? `(${err.type})` : ''}`;
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
    return `${what}: ${err.message}`;
  }

  private async run(slot: number, rng: Rng): Promise<void> {
    const prefix = this.o.name ?? 'kjs';
    let generation = 0;
    while (!this.stopped) {
      const name = `${prefix}${slot}g${generation++}`;
      this.instances++;
      const producer = this.makeProducer();
      this.live.add(producer);
      try {
        await producer.connect();
      } catch (e) {
        this.countError(e);
        this.live.delete(producer);
        await producer.disconnect().catch(() => undefined);
        await sleep(200);
        continue;
      }
      let seq = 0;
      while (!this.stopped) {
        const partition = rng.int(this.o.partitions);
        const n = rng.range(1, this.o.maxBatch ?? 5);
        const values: string[] = [];
        for (let i = 0; i < n; i++) {
          const value = recordValue(name, seq++);
          this.o.history.attempt({ producer: name, seq: seq - 1, value, partition });
          values.push(value);
        }
        this.sends++;
        try {
          const res = await producer.send({ topic: this.o.topic, acks: -1, timeout: 5000, messages: values.map((value) => ({ value, partition })) });
          const md = res.find((r) => r.partition === partition && r.topicName === this.o.topic);
          if (!md || md.errorCode !== 0 || md.baseOffset === undefined) throw new Error(`unexpected send result ${JSON.stringify(res)}`);
          const base = Number(md.baseOffset);
          values.forEach((v, i) => this.o.history.ack(v, partition, base + i));
        } catch (e) {
          this.failedSends++;
          const why = this.countError(e);
          for (const v of values) this.o.history.fail(v, why);
          this.o.history.note(`${name}: send of ${values[0]}..${values.at(-1)} to partition ${partition} failed (${why}); new producer`);
          break;
        }
        if (this.o.pauseMs) await sleep(this.o.pauseMs);
      }
      this.live.delete(producer);
      await producer.disconnect().catch(() => undefined);
    }
  }

  /** Stops sending; sends in flight get `drainMs` to finish, then every producer is disconnected (they fail). */
  async stop(drainMs: number): Promise<void> {
    this.stopped = true;
    const all = Promise.all(this.loops);
    const drained = await Promise.race([all.then(() => true), sleep(drainMs).then(() => false)]);
    if (!drained) {
      this.o.history.note(`kafkajs: sends still unfinished after ${drainMs} ms; disconnecting`);
      await Promise.all([...this.live].map((p) => p.disconnect().catch(() => undefined)));
      await Promise.race([all, sleep(10_000)]);
    }
  }

  summary(): string {
    const errs = [...this.errors].map(([k, n]) => `${k} x${n}`).join(', ');
    return `kafkajs: ${this.sends} sends (${this.failedSends} failed) by ${this.instances} producer instances${errs ? `; errors: ${errs}` : ''}`;
  }
}
