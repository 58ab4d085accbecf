// One client connection: frames in, requests dispatched to handlers, responses out in arrival order
// (Kafka clients match responses by correlation id but require order). Malformed input closes only this
// connection; the broker and its other connections carry on.
import type { Socket } from 'node:net';
import { Reader, Writer, ProtocolError } from '../../protocol/primitives.js';
import { decodeRequestHeader } from '../../protocol/generated/request-header.js';
import { encodeResponseHeader } from '../../protocol/generated/response-header.js';
import { requestHeaderVersion, responseHeaderVersion } from '../../protocol/generated/api-keys.js';
import { FrameReader } from './frame-reader.js';
import type { ApiRegistry } from '../api/registry.js';
import type { RequestContext } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';

/** Stop reading from a client that has this many requests queued or running (Kafka mutes the channel). */
const MAX_QUEUED_REQUESTS = 64;

interface PendingRequest {
  frame: Buffer;
  apiKey: number;
  apiVersion: number;
  concurrent: boolean;
}

interface ResponseSlot {
  done: boolean;
  chunks: Buffer[] | null;
}

export class Connection {
  private readonly frames: FrameReader;
  private readonly waiting: PendingRequest[] = [];
  private readonly responses: ResponseSlot[] = [];
  private running = 0;
  private runningConcurrent = false;
  private closed = false;
  private paused = false;
  /** Responses written since the socket was corked; uncorked once the current burst of completions is over. */
  private corked = false;
  /** Requests wait until the broker has its first metadata from the controller. */
  private brokerReady = false;
  readonly peer: string;

  constructor(
    private readonly socket: Socket,
    private readonly registry: ApiRegistry,
    private readonly broker: BrokerContext,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.frames = new FrameReader(broker.settings['socket.request.max.bytes']);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    void broker.ready.then(() => {
      this.brokerReady = true;
      this.tryStart();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(reason?: string): void {
    if (reason && !this.closed) this.broker.log.warn(`closing connection from ${this.peer}: ${reason}`);
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose(this);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (e) {
      this.close((e as Error).message);
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.accept(frame);
    }
    this.tryStart();
    if (this.waiting.length + this.running >= MAX_QUEUED_REQUESTS && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private accept(frame: Buffer): void {
    if (frame.length < 8) {
      this.close(`request of ${frame.length} bytes is shorter than a request header`);
      return;
    }
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const handler = this.registry.get(apiKey);
    if (!handler) {
      this.close(`unknown API key ${apiKey}`);
      return;
    }
    this.waiting.push({ frame, apiKey, apiVersion, concurrent: handler.concurrent === true });
  }

  private tryStart(): void {
    if (!this.brokerReady) return;
    while (this.waiting.length > 0 && !this.closed) {
      const next = this.waiting[0]!;
      const canStart = this.running === 0 || (next.concurrent && this.runningConcurrent);
      if (!canStart) break;
      this.waiting.shift();
      this.running++;
      this.runningConcurrent = next.concurrent;
      void this.run(next);
    }
    if (this.paused && this.waiting.length + this.running < MAX_QUEUED_REQUESTS / 2 && !this.closed) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private async run(req: PendingRequest): Promise<void> {
    try {
      await this.process(req);
    } finally {
      this.running--;
      if (this.running === 0) this.runningConcurrent = false;
      this.tryStart();
    }
  }

  private async process(req: PendingRequest): Promise<void> {
    const { frame, apiKey, apiVersion } = req;
    const handler = this.registry.get(apiKey)!;
    const r = new Reader(frame);
    let correlationId: number;
    let clientId: string | null = null;

    const supported = apiVersion >= (handler.minAcceptedVersion ?? handler.minVersion) && apiVersion <= handler.maxVersion;
    if (!supported) {
      // KIP-511: an ApiVersions request at a version we do not know still gets an answer (v0 layout,
      // UNSUPPORTED_VERSION, our ApiVersions range) so the client can retry at a version we speak.
      correlationId = frame.readInt32BE(4);
      if (apiKey === 18) {
        this.respond(this.slot(), this.registry.apiVersionsFallback(correlationId));
        return;
      }
      this.close(`unsupported version ${apiVersion} of ${handler.name} (serving ${handler.minAcceptedVersion ?? handler.minVersion}-${handler.maxVersion})`);
      return;
    }

    let body: unknown;
    try {
      const header = decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
      correlationId = header.correlationId;
      clientId = header.clientId ?? null;
      body = handler.decode(r, apiVersion);
    } catch (e) {
      const why = e instanceof ProtocolError ? e.message : `decode failure: ${(e as Error).message}`;
      this.close(`malformed ${handler.name} v${apiVersion} request: ${why}`);
      return;
    }

    const ctx: RequestContext = { apiKey, apiVersion, correlationId, clientId, peer: this.peer };
    // Reserve the response's place now so responses leave in request order.
    const slot = this.slot();
    let res: unknown;
    try {
      res = await handler.handle(body, ctx, this.broker);
    } catch (e) {
      // A handler throws only on bugs or I/O failures; the client sees a closed connection, like Kafka does
      // for requests it cannot process, and the broker logs why.
      this.broker.log.error(`${handler.name} v${apiVersion} from ${this.peer} failed`, e);
      this.removeSlot(slot);
      this.close(`internal error in ${handler.name}`);
      return;
    }
    if (res === null) {
      this.removeSlot(slot);
      return;
    }
    const w = new Writer(1024);
    w.writeInt32(0); // size, patched below
    encodeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), { correlationId });
    handler.encode(w, apiVersion, res);
    w.patchInt32(0, w.length - 4);
    this.respond(slot, w.chunksOut());
  }

  private slot(): ResponseSlot {
    const s: ResponseSlot = { done: false, chunks: null };
    this.responses.push(s);
    return s;
  }

  private removeSlot(slot: ResponseSlot): void {
    slot.done = true;
    slot.chunks = null;
    this.flush();
  }

  private respond(slot: ResponseSlot, chunks: Buffer[]): void {
    slot.done = true;
    slot.chunks = chunks;
    this.flush();
  }

  private flush(): void {
    if (this.closed) return;
    while (this.responses.length > 0 && this.responses[0]!.done) {
      const s = this.responses.shift()!;
      if (!s.chunks) continue;
      if (!this.corked) {
        // Requests that complete together (pipelined commits answered by one coordinator batch, produce requests
        // acknowledged by one high-watermark move) each land here from their own promise continuation. The
        // uncork waits for nextTick, which runs once the whole chain of continuations has drained, so they leave
        // in one writev instead of one write syscall per response.
        this.corked = true;
        this.socket.cork();
        process.nextTick(() => {
          this.corked = false;
          this.socket.uncork();
        });
      }
      for (const c of s.chunks) this.socket.write(c);
    }
  }
}
