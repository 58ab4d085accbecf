// Records for the UI benchmark, written with kcat (librdkafka): a big topic filled from a file, and a producer at
// a steady rate fed line by line.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { run } from '../../integration/clients/run.js';

export const VALUE_BYTES = 100;
/** In the values of the last NEEDLES records only: the filter benchmark's substring. */
export const NEEDLE = 'needle-';
export const NEEDLES = 60;

/** Value i: 100 bytes of text; the last NEEDLES of `count` carry the needle. */
export function benchValue(i: number, count: number): string {
  const head = i >= count - NEEDLES ? `${NEEDLE}${i} ` : `record ${i} `;
  return (head + 'the quick brown fox jumps over the lazy dog '.repeat(3)).slice(0, VALUE_BYTES);
}

/** A file of `count` lines, one value each. */
export async function writeValues(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += benchValue(i, count) + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

const PRODUCER_CONFIG = ['-X', 'acks=all', '-X', 'sticky.partitioning.linger.ms=0', '-X', 'linger.ms=20', '-X', 'batch.num.messages=10000', '-X', 'queue.buffering.max.messages=1000000', '-X', 'queue.buffering.max.kbytes=1048576'];

/** kcat -P from a file (no keys; a random partition each, not sticky batches); resolves when every record is acknowledged. */
export async function kcatProduceFile(bootstrap: string, topic: string, file: string, timeoutMs: number): Promise<void> {
  const r = await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-l', ...PRODUCER_CONFIG, '-q', file], { timeoutMs });
  if (r.code !== 0) throw new Error(`kcat -P ${topic} exited ${r.code}: ${r.stderr.slice(-2000)}`);
}

/**
 * kcat -P fed `rate` lines a second (in 20 ms slices) for `seconds`; resolves with the records written once kcat
 * has flushed them and exited.
 */
export async function kcatProducePaced(bootstrap: string, topic: string, rate: number, seconds: number): Promise<{ sent: number; seconds: number }> {
  const child = spawn('kcat', ['-P', '-b', bootstrap, '-t', topic, '-X', 'acks=all', '-X', 'linger.ms=5', '-q'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
  const started = performance.now();
  let sent = 0;
  const value = 'live '.repeat(VALUE_BYTES / 5).slice(0, VALUE_BYTES);
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    if (due > sent) {
      const lines = `${value}\n`.repeat(due - sent);
      sent = due;
      if (!child.stdin.write(lines)) await once(child.stdin, 'drain');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const took = (performance.now() - started) / 1000;
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`paced kcat exited ${code}: ${stderr.slice(-2000)}`);
  return { sent, seconds: took };
}

/** The timestamp of one record (kcat -C). */
export async function recordTimestamp(bootstrap: string, topic: string, partition: number, offset: number): Promise<number> {
  const r = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-p', String(partition), '-o', String(offset), '-c', '1', '-e', '-q', '-f', '%T\n'], { timeoutMs: 30_000 });
  const ts = Number(r.stdout.trim());
  if (r.code !== 0 || !Number.isFinite(ts) || ts <= 0) throw new Error(`kcat -C ${topic}/${partition}@${offset}: exit ${r.code} ${r.stdout} ${r.stderr}`);
  return ts;
}
