// Real clients through a leader change (issue 5): the leader of an RF=3 partition is killed while Apache Kafka's
// console producer and consumer, and kcat's producer and consumer, are running. They see NOT_LEADER_OR_FOLLOWER or
// a dead connection, refresh metadata, go on with the new leader, and nothing is lost or duplicated (both producers
// are idempotent with acks=all). Skipped with a printed reason without Java or kcat; fails under CI=true.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { consoleConsume, consoleProduce } from '../helpers/java-tools.js';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { tool } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';
import { createTopic, partitionLeaders, readPartition } from './clients/read-log.js';
import { run } from './clients/run.js';

const java = kafkaAvailable();
const kcat = tool('kcat', 'kcat', ['-V']);

let cluster: RunningCluster;

beforeEach(async () => {
  cluster = await startCluster({ brokers: 3, port: 0 });
});

afterEach(async () => {
  await cluster?.stop();
});

/** Bootstrap servers of the brokers still running (a killed broker refuses connections). */
function live(): string {
  return cluster
    .brokers()
    .filter((b) => b.state === 'running')
    .map((b) => `${b.host}:${b.port}`)
    .join(',');
}

async function leaderOf(topic: string): Promise<number> {
  return (await partitionLeaders(live(), topic))[0]!.nodeId;
}

/** Kills the partition's leader once its high watermark passes `after`; returns the killed broker and the HW then. */
async function killLeaderAfter(topic: string, after: number): Promise<{ killed: number; hwAtKill: number }> {
  let hw = 0;
  await waitFor(async () => (hw = (await readPartition(live(), topic, 0)).highWatermark) > after, { timeoutMs: 60_000, intervalMs: 20, what: `${topic} past ${after}` });
  const killed = await leaderOf(topic);
  await cluster.killBroker(killed);
  return { killed, hwAtKill: hw };
}

async function waitForNewLeader(topic: string, old: number): Promise<number> {
  let leader = old;
  await waitFor(async () => (leader = await leaderOf(topic).catch(() => old)) !== old && leader >= 0, { timeoutMs: 15_000, what: `a new leader for ${topic}` });
  return leader;
}

const values = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(6, '0')}`);

describe.skipIf(!java.available)('Apache Kafka console tools through a leader change', () => {
  test('the console producer (--sync, idempotent, acks=all) keeps writing when its leader dies: every line once, in order', async () => {
    await createTopic(cluster.bootstrapServers, 'lc-java-p', 1, 3);
    const lines = values(4000, 'p');
    // The console producer lingers 1 s per batch by default; --sync with linger.ms=0 makes one request per line.
    const producing = consoleProduce(cluster.bootstrapServers, 'lc-java-p', lines, { sync: true, producerProps: { 'linger.ms': 0 }, timeoutMs: 180_000 });
    const { killed, hwAtKill } = await killLeaderAfter('lc-java-p', 300);
    const r = await producing;
    expect(r.code, r.stderr).toBe(0);
    expect(hwAtKill).toBeLessThan(lines.length); // the leader really died mid-stream
    expect(await leaderOf('lc-java-p')).not.toBe(killed);
    const stored = await readPartition(live(), 'lc-java-p', 0);
    expect(stored.records.map((x) => x.value)).toEqual(lines);
  }, 240_000);

  test('the console consumer reads on from the new leader', async () => {
    await createTopic(cluster.bootstrapServers, 'lc-java-c', 1, 3);
    const before = values(500, 'before');
    const after = values(500, 'after');
    expect((await consoleProduce(cluster.bootstrapServers, 'lc-java-c', before)).code).toBe(0);
    const consuming = consoleConsume(cluster.bootstrapServers, 'lc-java-c', { partition: 0, offset: 'earliest', maxMessages: 1000, timeoutMs: 60_000 });
    // Let it read the first half from the old leader, then kill that leader and write the rest to the new one.
    await new Promise((r) => setTimeout(r, 3000));
    const old = await leaderOf('lc-java-c');
    await cluster.killBroker(old);
    await waitForNewLeader('lc-java-c', old);
    expect((await consoleProduce(cluster.bootstrapServers, 'lc-java-c', after)).code).toBe(0);
    const r = await consuming;
    expect(r.records.map((x) => x.value)).toEqual([...before, ...after]);
  }, 240_000);
});

describe.skipIf(!kcat.available)('kcat through a leader change', () => {
  test('kcat -P (idempotent, acks=all) fed line by line survives the leader being killed: every line once, in order', async () => {
    await createTopic(cluster.bootstrapServers, 'lc-kcat-p', 1, 3);
    const lines = values(3000, 'k');
    const child = spawn('kcat', ['-b', cluster.bootstrapServers, '-P', '-t', 'lc-kcat-p', '-p', '0', '-X', 'enable.idempotence=true', '-X', 'acks=all', '-X', 'linger.ms=5'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
    let killed = -1;
    for (let i = 0; i < lines.length; i += 100) {
      child.stdin.write(lines.slice(i, i + 100).join('\n') + '\n');
      await new Promise((r) => setTimeout(r, 20));
      if (i === 1500) {
        killed = await leaderOf('lc-kcat-p');
        await cluster.killBroker(killed);
      }
    }
    child.stdin.end();
    expect(await exited, stderr).toBe(0);
    expect(await leaderOf('lc-kcat-p')).not.toBe(killed);
    const stored = await readPartition(live(), 'lc-kcat-p', 0);
    expect(stored.records.map((x) => x.value)).toEqual(lines);
  }, 240_000);

  test('kcat -C reads on from the new leader', async () => {
    await createTopic(cluster.bootstrapServers, 'lc-kcat-c', 1, 3);
    const before = values(500, 'before');
    const after = values(500, 'after');
    const produce = (input: string[]) => run('kcat', ['-b', cluster.bootstrapServers, '-P', '-t', 'lc-kcat-c', '-p', '0', '-X', 'acks=all'], { input: input.join('\n') + '\n', timeoutMs: 60_000 });
    expect((await produce(before)).code).toBe(0);
    const consuming = run('kcat', ['-b', cluster.bootstrapServers, '-C', '-t', 'lc-kcat-c', '-p', '0', '-o', 'beginning', '-c', '1000', '-f', '%s\n'], { timeoutMs: 90_000 });
    await new Promise((r) => setTimeout(r, 2000));
    const old = await leaderOf('lc-kcat-c');
    await cluster.killBroker(old);
    await waitForNewLeader('lc-kcat-c', old);
    expect((await produce(after)).code).toBe(0);
    const r = await consuming;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([...before, ...after]);
  }, 240_000);
});
