// Offset commits as fast as a client can pipeline them, over the raw protocol (the same bytes to Eddy and
// Kafka). A commit here is one OffsetCommit request (v8) carrying one offset of one partition, from a
// consumer outside any group generation (generation -1, empty member id: what an assign()-mode consumer's
// commitAsync sends), counted when its response arrives with error NONE. Each client is one connection to
// its group's coordinator that keeps `window` requests in flight, committing increasing offsets to the
// topic's partitions in turn. The frames are encoded once and patched (correlation id, offset) per request,
// so the client costs little more than the socket writes.
import { connect, type Socket } from 'node:net';
import { ErrorCode } from '../../../worker/protocol/errors.js';
import { RawClient } from '../../helpers/raw-client.js';
import { groupCoordinatorPort } from './admin.js';
import { percentile } from './results.js';

const OFFSET_COMMIT_V = 8;
const SENTINEL = 0x0123456789abcdefn;

export interface CommitResult {
  commits: number;
  errors: number;
  firstError: number;
  seconds: number;
  /** Request → response, ms. */
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** One frame per partition, with the byte offsets of the correlation id and of the committed offset. */
function templates(group: string, topic: string, partitions: number): { frame: Buffer; offsetAt: number }[] {
  return Array.from({ length: partitions }, (_, p) => {
    const frame = RawClient.frame(
      8,
      OFFSET_COMMIT_V,
      {
        groupId: group,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: p, committedOffset: SENTINEL, committedLeaderEpoch: -1, committedMetadata: null }] }],
      },
      0,
      'eddy-bench-commits',
    );
    const needle = Buffer.alloc(8);
    needle.writeBigInt64BE(SENTINEL);
    const offsetAt = frame.indexOf(needle);
    if (offsetAt < 0) throw new Error('offset not found in the encoded OffsetCommit');
    return { frame, offsetAt };
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** One client: `window` commits in flight on one connection for `seconds`. */
async function commitClient(coordinatorPort: number, group: string, topic: string, partitions: number, seconds: number, window: number): Promise<CommitResult & { latencies: number[] }> {
  const frames = templates(group, topic, partitions);
  const socket = await open(coordinatorPort);
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let correlation = 1;
  let commits = 0;
  let errors = 0;
  let firstError = 0;
  let stopping = false;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;

  const send = () => {
    const id = correlation++;
    const t = frames[id % partitions]!;
    const f = Buffer.from(t.frame);
    f.writeInt32BE(id, 8); // size(4) apiKey(2) apiVersion(2) correlationId(4)
    f.writeBigInt64BE(BigInt(id), t.offsetAt);
    sentAt.set(id, performance.now());
    socket.write(f);
  };

  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const finish = () => {
      socket.destroy();
      resolve({ commits, errors, firstError, seconds: (performance.now() - t0) / 1000, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), p999Ms: percentile(latencies, 0.999), latencies });
    };
    socket.on('error', reject);
    socket.on('close', () => {
      if (!stopping) reject(new Error(`coordinator closed the connection after ${commits} commits`));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      let at = 0;
      while (buffered.length - at >= 4) {
        const size = buffered.readInt32BE(at);
        if (buffered.length - at < 4 + size) break;
        const frame = buffered.subarray(at + 4, at + 4 + size);
        at += 4 + size;
        const id = frame.readInt32BE(0);
        const res = RawClient.decodeResponse(8, OFFSET_COMMIT_V, frame, id) as { topics: { partitions: { errorCode: number }[] }[] };
        const code = res.topics[0]?.partitions[0]?.errorCode ?? -1;
        const now = performance.now();
        latencies.push(now - sentAt.get(id)!);
        sentAt.delete(id);
        if (code === ErrorCode.NONE) commits++;
        else {
          errors++;
          firstError ||= code;
        }
        if (now < deadline) send();
        else if (sentAt.size === 0) {
          stopping = true;
          finish();
          return;
        }
      }
      buffered = buffered.subarray(at);
    });
    for (let i = 0; i < window; i++) send();
  });
}

/**
 * `clients` clients (each its own group, connection and coordinator) committing for `seconds`; the rate is
 * successful commits over the wall time of the slowest client.
 */
export async function commitThroughput(
  bootstrapPort: number,
  groupPrefix: string,
  topic: string,
  partitions: number,
  clients: number,
  window: number,
  seconds: number,
): Promise<CommitResult> {
  const groups = Array.from({ length: clients }, (_, i) => `${groupPrefix}-${i}`);
  const ports = await Promise.all(groups.map((g) => groupCoordinatorPort(bootstrapPort, g)));
  const results = await Promise.all(groups.map((g, i) => commitClient(ports[i]!, g, topic, partitions, seconds, window)));
  const latencies = results.flatMap((r) => r.latencies);
  return {
    commits: results.reduce((a, r) => a + r.commits, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
    firstError: results.find((r) => r.firstError)?.firstError ?? 0,
    seconds: Math.max(...results.map((r) => r.seconds)),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    p999Ms: percentile(latencies, 0.999),
  };
}
