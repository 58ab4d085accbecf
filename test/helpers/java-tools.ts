// Apache Kafka's own command-line tools (kafka-topics, the console producer and consumer, the perf tests, ...)
// as real Java clients, run against any bootstrap server: Eddy's or a reference Kafka's. They come from the
// same cached jars as the reference broker (test/reference/kafka.sh), so check kafkaAvailable() first.
import { spawn } from 'node:child_process';
import { fetchKafkaJars, KAFKA_SH } from './reference-kafka';

/** The tools test/reference/kafka.sh knows (`kafka.sh tools` prints their main classes). */
export type KafkaToolName =
  | 'kafka-topics'
  | 'kafka-configs'
  | 'kafka-consumer-groups'
  | 'kafka-share-groups'
  | 'kafka-groups'
  | 'kafka-console-producer'
  | 'kafka-console-consumer'
  | 'kafka-console-share-consumer'
  | 'kafka-producer-perf-test'
  | 'kafka-consumer-perf-test'
  | 'kafka-e2e-latency'
  | 'kafka-get-offsets'
  | 'kafka-broker-api-versions'
  | 'kafka-delete-records'
  | 'kafka-log-dirs'
  | 'kafka-leader-election'
  | 'kafka-reassign-partitions'
  | 'kafka-transactions'
  | 'kafka-features'
  | 'kafka-metadata-quorum'
  | 'kafka-cluster'
  | 'kafka-acls'
  | 'kafka-client-metrics'
  | 'kafka-storage';

export interface ToolOptions {
  /** Written to the tool's stdin, which is then closed (stdin is always closed, empty by default). */
  input?: string;
  /** Kill the tool (its whole process group) after this long; default 60 s. */
  timeoutMs?: number;
  /** Extra environment, e.g. { KAFKA_HEAP_OPTS: '-Xmx1g' } or { EDDY_KAFKA_TOOL_JVM_OPTS: '...' }. */
  env?: NodeJS.ProcessEnv;
}

export interface ToolResult {
  /** Exit code; 128+n when killed by signal n (e.g. 143 after a timeout). */
  code: number;
  stdout: string;
  stderr: string;
  /** True when timeoutMs elapsed and the tool was killed. */
  timedOut: boolean;
}

/**
 * Runs one Kafka command-line tool (JVM start ~0.3 s once its class-data archive exists) and collects its output.
 * Never rejects for a non-zero exit: check `code`. Rejects only if the jars cannot be fetched or bash cannot start.
 */
export async function runKafkaTool(tool: KafkaToolName | (string & {}), args: string[], opts: ToolOptions = {}): Promise<ToolResult> {
  await fetchKafkaJars();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    // detached: the tool gets its own process group, so a timeout kills the JVM and not just bash.
    const child = spawn('bash', [KAFKA_SH, 'tool', tool, ...args], {
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {}); // the tool may exit before reading all of its input
    child.stdin.end(opts.input ?? '');
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      hardKill = setTimeout(() => killGroup('SIGKILL'), 5_000);
    }, timeoutMs);
    const onExit = () => killGroup('SIGKILL');
    process.once('exit', onExit);
    child.once('error', (e) => {
      clearTimeout(timer);
      process.removeListener('exit', onExit);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      process.removeListener('exit', onExit);
      const sigNo = signal ? ({ SIGTERM: 15, SIGKILL: 9, SIGINT: 2 } as Record<string, number>)[signal] ?? 1 : 0;
      resolve({
        code: code ?? 128 + sigNo,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** Throws with the tool's output unless it exited 0. */
export function assertOk(r: ToolResult, what = 'Kafka tool'): ToolResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}${r.timedOut ? ' (timed out)' : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

/** kafka-topics --bootstrap-server <bootstrap> ...args, e.g. ['--create', '--topic', 't', '--partitions', '3']. */
export function kafkaTopics(bootstrap: string, args: string[], opts?: ToolOptions): Promise<ToolResult> {
  return runKafkaTool('kafka-topics', ['--bootstrap-server', bootstrap, ...args], opts);
}

function propArgs(flag: string, props: Record<string, string | number | boolean> | undefined): string[] {
  return Object.entries(props ?? {}).flatMap(([k, v]) => [flag, `${k}=${v}`]);
}

export interface ConsoleProduceOptions extends ToolOptions {
  /** Lines are "key<sep>value" (sep = keySeparator, default ':'). */
  parseKey?: boolean;
  keySeparator?: string;
  /** Lines are "h1:v1,h2:v2<tab>value" (console producer's parse.headers). */
  parseHeaders?: boolean;
  /** 'all' | '-1' | '0' | '1' (default: the console producer's, which is all). */
  acks?: 'all' | '-1' | '0' | '1' | number;
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /** Send each record synchronously (one request per record). */
  sync?: boolean;
  /** Extra producer configs (--command-property), e.g. { 'linger.ms': 0, 'enable.idempotence': false }. */
  producerProps?: Record<string, string | number | boolean>;
  /** Extra line-reader properties (--reader-property), e.g. { 'null.marker': 'NULL' }. */
  readerProps?: Record<string, string | number | boolean>;
}

/**
 * kafka-console-producer: sends `lines` (one record each) to `topic` and waits for the producer to exit.
 * The exit code is 0 only when every record was acknowledged.
 */
export function consoleProduce(
  bootstrap: string,
  topic: string,
  lines: string[],
  props: ConsoleProduceOptions = {},
): Promise<ToolResult> {
  const args = ['--bootstrap-server', bootstrap, '--topic', topic];
  if (props.parseKey) args.push('--reader-property', 'parse.key=true', '--reader-property', `key.separator=${props.keySeparator ?? ':'}`);
  if (props.parseHeaders) args.push('--reader-property', 'parse.headers=true');
  if (props.acks !== undefined) args.push('--request-required-acks', String(props.acks));
  if (props.compression) args.push('--compression-codec', props.compression);
  if (props.sync) args.push('--sync');
  args.push(...propArgs('--command-property', props.producerProps), ...propArgs('--reader-property', props.readerProps));
  return runKafkaTool('kafka-console-producer', args, {
    ...props,
    input: lines.length ? lines.join('\n') + '\n' : '',
  });
}

export interface ConsoleConsumeOptions extends Omit<ToolOptions, 'input'> {
  fromBeginning?: boolean;
  /** Exit after this many records. */
  maxMessages?: number;
  /** Read one partition only (required with `offset`). */
  partition?: number;
  /** Start offset within `partition`: a number, 'earliest' or 'latest'. */
  offset?: number | 'earliest' | 'latest';
  /** Consumer group (default: the console consumer makes up one). */
  group?: string;
  isolationLevel?: 'read_committed' | 'read_uncommitted';
  printKey?: boolean;
  printOffset?: boolean;
  printPartition?: boolean;
  printTimestamp?: boolean;
  printHeaders?: boolean;
  /**
   * Idle timeout: the consumer exits when no record arrives for this long (default 15 s). The process is
   * killed if it is still running 30 s after that.
   */
  timeoutMs?: number;
  /** Extra consumer configs (--command-property), e.g. { 'group.protocol': 'consumer' }. */
  consumerProps?: Record<string, string | number | boolean>;
  /** Extra formatter properties (--formatter-property). */
  formatterProps?: Record<string, string | number | boolean>;
}

/** One consumed record, parsed from the console consumer's default formatter (tab-separated fields). */
export interface ConsumedRecord {
  timestamp?: { type: string; value: number };
  partition?: number;
  offset?: number;
  /** Raw header text as printed: "k1:v1,k2:v2" or "NO_HEADERS". */
  headers?: string;
  key?: string;
  value: string;
}

export interface ConsoleConsumeResult extends ToolResult {
  /** stdout split into lines (one per record with the default formatter). */
  lines: string[];
  records: ConsumedRecord[];
  /** From "Processed a total of N messages" on stderr, if printed. */
  processed?: number;
}

/** kafka-console-consumer: reads `topic` and returns the printed records. */
export async function consoleConsume(bootstrap: string, topic: string, opts: ConsoleConsumeOptions = {}): Promise<ConsoleConsumeResult> {
  const idleMs = opts.timeoutMs ?? 15_000;
  const args = ['--bootstrap-server', bootstrap, '--topic', topic, '--timeout-ms', String(idleMs)];
  if (opts.fromBeginning) args.push('--from-beginning');
  if (opts.maxMessages !== undefined) args.push('--max-messages', String(opts.maxMessages));
  if (opts.partition !== undefined) args.push('--partition', String(opts.partition));
  if (opts.offset !== undefined) args.push('--offset', String(opts.offset));
  if (opts.group) args.push('--group', opts.group);
  if (opts.isolationLevel) args.push('--isolation-level', opts.isolationLevel);
  const fmt: Record<string, string | number | boolean> = {
    'print.timestamp': !!opts.printTimestamp,
    'print.partition': !!opts.printPartition,
    'print.offset': !!opts.printOffset,
    'print.headers': !!opts.printHeaders,
    'print.key': !!opts.printKey,
    'key.separator': '\t',
    ...opts.formatterProps,
  };
  args.push(...propArgs('--formatter-property', fmt), ...propArgs('--command-property', opts.consumerProps));
  const r = await runKafkaTool('kafka-console-consumer', args, { env: opts.env, timeoutMs: idleMs + 30_000 });
  const lines = r.stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records = lines.map((line) => parseRecordLine(line, opts));
  const m = /Processed a total of (\d+) messages/.exec(r.stderr);
  return { ...r, lines, records, ...(m ? { processed: Number(m[1]) } : {}) };
}

function parseRecordLine(line: string, opts: ConsoleConsumeOptions): ConsumedRecord {
  const fields = line.split('\t');
  const rec: ConsumedRecord = { value: '' };
  const take = () => fields.shift() ?? '';
  if (opts.printTimestamp) {
    const t = take();
    const i = t.indexOf(':');
    rec.timestamp = { type: t.slice(0, i), value: Number(t.slice(i + 1)) };
  }
  if (opts.printPartition) rec.partition = Number(take().replace(/^Partition:/, ''));
  if (opts.printOffset) rec.offset = Number(take().replace(/^Offset:/, ''));
  if (opts.printHeaders) rec.headers = take();
  if (opts.printKey) rec.key = take();
  rec.value = fields.join('\t');
  return rec;
}
