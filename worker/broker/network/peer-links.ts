// The simulated network between broker threads: one MessagePort per peer broker, carrying request/response
// messages. Faults are applied by the sender — a cut link drops everything, a lossy one drops at random,
// a slow one delays — and the supervisor sets the same fault on both ends, so a cut is a cut both ways.
// Bulk data (record batches) crosses as transferred buffers.
import type { MessagePort } from 'node:worker_threads';
import { HEALTHY_LINK, type LinkFaults } from '../../rpc/broker-rpc.js';

export type { LinkFaults };

type Message =
  | { kind: 'req'; id: number; method: string; body: unknown }
  | { kind: 'res'; id: number; body?: unknown; error?: string };

export type PeerHandler = (from: number, method: string, body: unknown) => Promise<{ body: unknown; transfer?: ArrayBuffer[] }>;

export class LinkTimeoutError extends Error {
  override name = 'LinkTimeoutError';
}

class PeerLink {
  faults: LinkFaults = { ...HEALTHY_LINK };
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    readonly peer: number,
    private readonly port: MessagePort,
    private readonly handler: PeerHandler,
  ) {
    port.on('message', (m: Message) => void this.receive(m));
    port.unref();
  }

  private send(m: Message, transfer: ArrayBuffer[] = []): void {
    const f = this.faults;
    if (f.cut || (f.loss > 0 && Math.random() < f.loss)) return;
    if (f.delayMs > 0) setTimeout(() => this.port.postMessage(m, transfer), f.delayMs);
    else this.port.postMessage(m, transfer);
  }

  private async receive(m: Message): Promise<void> {
    if (m.kind === 'res') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.body);
      return;
    }
    try {
      const { body, transfer } = await this.handler(this.peer, m.method, m.body);
      this.send({ kind: 'res', id: m.id, body }, transfer);
    } catch (e) {
      this.send({ kind: 'res', id: m.id, error: (e as Error).message });
    }
  }

  request<T>(method: string, body: unknown, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LinkTimeoutError(`no answer from broker ${this.peer} to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.send({ kind: 'req', id, method, body });
    });
  }

  close(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`link to broker ${this.peer} closed`));
    }
    this.pending.clear();
    this.port.close();
  }
}

export class PeerLinks {
  private readonly links = new Map<number, PeerLink>();
  private readonly faults = new Map<number, LinkFaults>();

  constructor(private readonly handler: PeerHandler) {}

  /** Installs (or replaces, after the peer restarted) the port to `peer`. */
  connect(peer: number, port: MessagePort): void {
    this.links.get(peer)?.close();
    const link = new PeerLink(peer, port, this.handler);
    link.faults = this.faults.get(peer) ?? { ...HEALTHY_LINK };
    this.links.set(peer, link);
  }

  setFaults(peer: number, faults: LinkFaults): void {
    this.faults.set(peer, { ...faults });
    const link = this.links.get(peer);
    if (link) link.faults = { ...faults };
  }

  request<T>(peer: number, method: string, body: unknown, timeoutMs: number): Promise<T> {
    const link = this.links.get(peer);
    if (!link) return Promise.reject(new Error(`no link to broker ${peer}`));
    return link.request<T>(method, body, timeoutMs);
  }

  close(): void {
    for (const l of this.links.values()) l.close();
    this.links.clear();
  }
}
