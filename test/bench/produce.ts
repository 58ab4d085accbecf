// npm run bench:produce — a first produce benchmark (the side-by-side harness with the reference broker is
// its own piece of work). A librdkafka producer (test/bench/rdkafka-produce.c, compiled here against the
// system librdkafka) sends 100-byte records to a 6-partition RF=1 topic on a 3-broker Eddy started as a
// separate process. Prints a markdown table and a JSON line: records/s, MB/s, cold start to the first
// acknowledged produce, idle and peak RSS of the Eddy process.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEddy } from '../helpers/eddy-process.js';
import { RawClient } from '../helpers/raw-client.js';
import { encodeRecordBatch } from '../../worker/protocol/records/record-batch.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 3_000_000);
const RECORD_SIZE = 100;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const PARTITIONS = 6;

function compileProducer(): string {
  const src = fileURLToPath(new URL('./rdkafka-produce.c', import.meta.url));
  const out = join(tmpdir(), 'eddy-rdkafka-produce');
  try {
    execFileSync('gcc', ['-O2', '-o', out, src, '-lrdkafka'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`cannot build the librdkafka producer (needs gcc and librdkafka-dev): ${(e as Error).message}`);
  }
  return out;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function createTopic(port: number, name: string): Promise<void> {
  const c = await RawClient.open(port);
  const res = await c.request(19, 7, {
    topics: [{ name, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  c.close();
  if (res.topics[0].errorCode !== 0) throw new Error(`create ${name}: error ${res.topics[0].errorCode}`);
}

interface RunResult {
  records: number;
  failed: number;
  bytes: number;
  seconds: number;
  error: string;
  librdkafka: string;
}

function runProducer(bin: string, bootstrap: string, topic: string, acks: string, pid: number): Promise<{ result: RunResult; peakRss: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [bootstrap, topic, String(RECORDS), String(RECORD_SIZE), `acks=${acks}`, 'linger.ms=5', 'batch.num.messages=10000', 'queue.buffering.max.messages=1000000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let peakRss = rssOf(pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 100);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearInterval(sampler);
      try {
        resolve({ result: JSON.parse(out) as RunResult, peakRss });
      } catch {
        reject(new Error(`producer exited ${code}: ${out}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const bin = compileProducer();
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-bench-'));
  const started = process.hrtime.bigint();
  const eddy = runEddy(['--brokers', '3', '--port', '0', '--no-ui', '--data-dir', dataDir]);
  try {
    const bootstrap = await eddy.bootstrap;
    const port = await eddy.port();
    // Cold start to the first acknowledged produce: process spawn -> topic auto-created -> acks=all answered.
    const c = await RawClient.open(port);
    let firstAckMs = 0;
    for (;;) {
      const md = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'first' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      const t = md.topics[0];
      if (t.errorCode === 0) {
        const leader = md.brokers.find((b: { nodeId: number }) => b.nodeId === t.partitions[0].leaderId);
        const lc = await RawClient.open(leader.port);
        const res = await lc.request(0, 9, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 5000,
          topicData: [{ name: 'first', partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ key: null, value: Buffer.from('hello') }] }) }] }],
        });
        lc.close();
        if (res.responses[0].partitionResponses[0].errorCode === 0) {
          firstAckMs = Number(process.hrtime.bigint() - started) / 1e6;
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    c.close();
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = rssOf(eddy.proc.pid!);

    let librdkafka = '?';
    const rows: { scenario: string; recordsPerSec: number; mbPerSec: number; peakRssMB: number; runs: number[] }[] = [];
    for (const acks of ['1', 'all']) {
      const rates: number[] = [];
      let peak = 0;
      for (let i = 0; i < REPEATS; i++) {
        const topic = `bench-acks${acks}-${i}`;
        await createTopic(port, topic);
        const { result, peakRss } = await runProducer(bin, bootstrap, topic, acks, eddy.proc.pid!);
        if (result.failed > 0 || result.records !== RECORDS) throw new Error(`run failed: ${JSON.stringify(result)}`);
        rates.push(result.records / result.seconds);
        librdkafka = result.librdkafka;
        peak = Math.max(peak, peakRss);
      }
      const rps = median(rates);
      rows.push({
        scenario: `produce ${RECORD_SIZE} B, ${PARTITIONS} partitions, RF=1, acks=${acks}`,
        recordsPerSec: Math.round(rps),
        mbPerSec: Math.round((rps * RECORD_SIZE) / 1e6 * 10) / 10,
        peakRssMB: Math.round(peak / 1048576),
        runs: rates.map(Math.round),
      });
    }

    console.log(`\nEddy produce benchmark (${RECORDS.toLocaleString()} records × ${REPEATS} runs, median; librdkafka ${librdkafka})\n`);
    console.log('| scenario | records/s | MB/s | peak RSS (MB) |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.scenario} | ${r.recordsPerSec.toLocaleString('en-US')} | ${r.mbPerSec} | ${r.peakRssMB} |`);
    console.log(`\ncold start to first acknowledged produce: ${firstAckMs.toFixed(0)} ms; idle RSS: ${Math.round(idleRss / 1048576)} MB`);
    console.log(JSON.stringify({ rows, firstAckMs: Math.round(firstAckMs), idleRssMB: Math.round(idleRss / 1048576) }));
  } finally {
    await eddy.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
