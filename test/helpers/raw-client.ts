// A bare Kafka protocol client over TCP, built on Eddy's generated codec, for tests that need exact control
// of the bytes on the wire (bad input, specific versions) and decode responses as data.
import { Socket, connect } from 'node:net';
import { Reader, Writer } from '../../worker/protocol/primitives.js';
import * as codec from '../../worker/protocol/generated/index.js';
import { requestHeaderVersion, responseHeaderVersion } from '../../worker/protocol/generated/api-keys.js';

type Encoder = (w: Writer, version: number, m: any) => void;
type Decoder = (r: Reader, version: number) => any;

function codecFor(apiKey: number): { name: string; encode: Encoder; decode: Decoder } {
  const info = codec.API_KEYS.find((k) => k.apiKey === apiKey);
  if (!info) throw new Error(`no API key ${apiKey}`);
  const lib = codec as unknown as Record<string, unknown>;
  return {
    name: info.name,
    encode: lib[`encode${info.name}Request`] as Encoder,
    decode: lib[`decode${info.name}Response`] as Decoder,
  };
}

export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiting: ((frame: Buffer | null) => void)[] = [];
  private frames: Buffer[] = [];
  private closedFlag = false;
  private nextCorrelation = 1;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        this.deliver(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
    });
    const end = () => {
      this.closedFlag = true;
      for (const w of this.waiting.splice(0)) w(null);
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private deliver(frame: Buffer): void {
    const w = this.waiting.shift();
    if (w) w(frame);
    else this.frames.push(frame);
  }

  /** Next response frame (without the size prefix), or null when the broker closed the connection. */
  nextFrame(timeoutMs = 10_000): Promise<Buffer | null> {
    const ready = this.frames.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closedFlag) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response within timeout')), timeoutMs);
      this.waiting.push((f) => {
        clearTimeout(timer);
        resolve(f);
      });
    });
  }

  /** Resolves true if the broker closes the connection within the time, false if it stays open. */
  waitClosed(timeoutMs = 5000): Promise<boolean> {
    if (this.closedFlag) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Encodes a request (header + body) into a size-prefixed frame. */
  static frame(apiKey: number, version: number, body: unknown, correlationId: number, clientId: string | null = 'eddy-test'): Buffer {
    const { encode } = codecFor(apiKey);
    const w = new Writer();
    w.writeInt32(0);
    codec.encodeRequestHeader(w, requestHeaderVersion(apiKey, version), {
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId,
      clientId,
    });
    encode(w, version, body);
    w.patchInt32(0, w.length - 4);
    return w.toBuffer();
  }

  /** Sends one request and decodes its response; null if the broker closed the connection instead. */
  async request<T = any>(apiKey: number, version: number, body: unknown): Promise<T | null> {
    const correlationId = this.nextCorrelation++;
    this.writeRaw(RawClient.frame(apiKey, version, body, correlationId));
    const frame = await this.nextFrame();
    if (!frame) return null;
    return RawClient.decodeResponse(apiKey, version, frame, correlationId) as T;
  }

  /** A consumer's Fetch body (v4+, by topic name) for one partition from `fetchOffset`, answered at once, no session. */
  static fetchBody(topic: string, partition: number, fetchOffset = 0n, maxBytes = 10_000_000) {
    return {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: maxBytes }] }],
      forgottenTopicsData: [],
      rackId: '',
    };
  }

  static decodeResponse(apiKey: number, version: number, frame: Buffer, expectCorrelation?: number): unknown {
    const { decode } = codecFor(apiKey);
    const r = new Reader(frame);
    const header = codec.decodeResponseHeader(r, responseHeaderVersion(apiKey, version));
    if (expectCorrelation !== undefined && header.correlationId !== expectCorrelation) {
      throw new Error(`correlation id ${header.correlationId}, expected ${expectCorrelation}`);
    }
    const body = decode(r, version);
    if (r.remaining() !== 0) throw new Error(`${r.remaining()} trailing bytes in response`);
    return body;
  }

  close(): void {
    this.socket.destroy();
  }
}
