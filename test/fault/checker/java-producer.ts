// The Java producer (kafka-clients 4.4.0, producer defaults: acks=all, idempotent) as a child JVM running
// SeqProducer.java, compiled here against the reference Kafka jars (test/reference/kafka.sh fetch). Its stdout
// (one line per attempt, acknowledgement, failure) feeds the round's History.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchKafkaJars } from '../../helpers/reference-kafka.js';
import type { History } from './history.js';
import { sleep } from './wire.js';

const SOURCE = fileURLToPath(new URL('./SeqProducer.java', import.meta.url));
const LOG4J = fileURLToPath(new URL('../../reference/log4j2-tools.properties', import.meta.url));
/** A small, quickly starting client JVM (two cores shared with the brokers). */
const JVM_OPTIONS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

let compiled: Promise<{ classes: string; libs: string }> | undefined;

/** Compiles SeqProducer.java once per process; resolves with the class dir and the jar dir. */
export function compileJavaProducer(): Promise<{ classes: string; libs: string }> {
  compiled ??= (async () => {
    const libs = await fetchKafkaJars();
    const classes = mkdtempSync(join(tmpdir(), 'eddy-fault-java-'));
    await new Promise<void>((resolve, reject) =>
      execFile('javac', ['-nowarn', '-cp', `${libs}/*`, '-d', classes, SOURCE], { timeout: 120_000 }, (err, _out, stderr) =>
        err ? reject(new Error(`javac SeqProducer.java failed: ${stderr || err.message}`)) : resolve(),
      ),
    );
    return { classes, libs };
  })();
  compiled.catch(() => (compiled = undefined));
  return compiled;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface JavaProducerOptions {
  bootstrap: string;
  topic: string;
  partitions: number;
  /** Name in the values; one JVM is one producer. */
  name: string;
  ratePerSec: number;
  seed: number;
  history: History;
  /** Extra producer configs (none by default: the producer's defaults are the point). */
  props?: Record<string, string | number>;
}

export class JavaProducer {
  private child: ChildProcess | null = null;
  private exited: Promise<number> | null = null;
  private partial = '';
  private stderr = '';
  attempts = 0;
  acks = 0;
  failures = 0;
  flushed = false;
  closed = false;
  readonly errors = new Map<string, number>();

  constructor(private readonly o: JavaProducerOptions) {}

  async start(): Promise<void> {
    const { classes, libs } = await compileJavaProducer();
    const args = [
      ...JVM_OPTIONS,
      `-Dlog4j2.configurationFile=${LOG4J}`,
      '-cp',
      `${classes}:${libs}/*`,
      'SeqProducer',
      this.o.bootstrap,
      this.o.topic,
      this.o.name,
      String(this.o.partitions),
      String(this.o.ratePerSec),
      String(this.o.seed),
      ...Object.entries(this.o.props ?? {}).map(([k, v]) => `${k}=${v}`),
    ];
    const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (d: Buffer) => {
      this.partial += d.toString('utf8');
      let nl: number;
      while ((nl = this.partial.indexOf('\n')) >= 0) {
        this.line(this.partial.slice(0, nl));
        this.partial = this.partial.slice(nl + 1);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
      if (this.stderr.length > 1_000_000) this.stderr = this.stderr.slice(-500_000);
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        live.delete(child);
        resolve(code ?? (signal === 'SIGKILL' ? 137 : 143));
      });
      child.once('error', () => resolve(127));
    });
  }

  private line(line: string): void {
    const h = this.o.history;
    if (line.startsWith('S ')) {
      const [, partition, value] = line.split(' ');
      const seq = Number(value!.slice(value!.lastIndexOf(':') + 1));
      h.attempt({ producer: this.o.name, seq, value: value!, partition: Number(partition) });
      this.attempts++;
    } else if (line.startsWith('A ')) {
      const [, partition, offset, value] = line.split(' ');
      h.ack(value!, Number(partition), Number(offset));
      this.acks++;
    } else if (line.startsWith('F ')) {
      const rest = line.slice(2);
      const sp = rest.indexOf(' ');
      const value = rest.slice(0, sp);
      const why = rest.slice(sp + 1);
      h.fail(value, why);
      this.failures++;
      const kind = why.slice(0, why.indexOf(':') >= 0 ? why.indexOf(':') : why.length);
      this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    } else if (line === 'FLUSHED') this.flushed = true;
    else if (line === 'CLOSED') this.closed = true;
  }

  /** Closes stdin (the producer stops, flushes and closes); after `drainMs` it is killed. Resolves with the exit code. */
  async stop(drainMs: number): Promise<number> {
    if (!this.child || !this.exited) return -1;
    this.child.stdin!.end();
    const code = await Promise.race([this.exited, sleep(drainMs).then(() => null)]);
    if (code !== null) return code;
    this.o.history.note(`${this.o.name}: still flushing after ${drainMs} ms; killed`);
    this.child.kill('SIGKILL');
    return this.exited;
  }

  stderrTail(): string {
    return this.stderr.split('\n').slice(-20).join('\n');
  }

  summary(): string {
    const errs = [...this.errors].map(([k, n]) => `${k} x${n}`).join(', ');
    return `java ${this.o.name}: ${this.attempts} sent, ${this.acks} acknowledged, ${this.failures} failed${this.closed ? '' : this.flushed ? ' (flushed, not closed)' : ' (not flushed)'}${errs ? `; errors: ${errs}` : ''}`;
  }
}
