// The GUI's connections: the local cluster (when the app runs one) and the remote clusters the user added. Remote
// connections are remembered in connections.json in the app-data folder without their passwords, which live in
// memory only: after a restart a SASL connection asks for its password again (it shows an error until re-added).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LOCAL_CONNECTION, type ConnectionInfo, type RemoteConnectionParams, type SaslMechanism } from '../contract/ui-api.js';
import { Connection, type ConnectionConfig } from './connection.js';
import { badRequest, uiError } from './errors.js';
import { readJsonFile, writeJsonFile } from './json-file.js';

interface StoredConnection {
  id: string;
  name: string;
  bootstrapServers: string;
  sasl?: { mechanism: SaslMechanism; username: string };
  tls?: RemoteConnectionParams['tls'];
}

const HOST_PORT = /^[^\s,:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

export function validateRemoteParams(p: RemoteConnectionParams): void {
  if (!p || typeof p.bootstrapServers !== 'string') throw badRequest('bootstrapServers is required', 'enter host:port[,host:port…]');
  const servers = p.bootstrapServers.split(',').map((s) => s.trim());
  for (const s of servers) {
    if (!HOST_PORT.test(s)) throw badRequest(`bootstrapServers: "${s}" is not host:port`, 'enter host:port[,host:port…]');
  }
  if (p.sasl) {
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(p.sasl.mechanism)) throw badRequest(`sasl.mechanism: unknown mechanism ${p.sasl.mechanism}`, 'use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512');
    if (!p.sasl.username) throw badRequest('sasl.username is required with SASL');
  }
}

export class Connections {
  private readonly all = new Map<string, Connection>();
  private readonly file: string;
  /** Called when a connection is added (after its first check) or removed. */
  onAdded: ((c: Connection) => void) | null = null;
  onRemoved: ((c: Connection) => void) | null = null;

  constructor(appDataDir: string) {
    this.file = join(appDataDir, 'connections.json');
  }

  /** The local cluster's connection, first in the list. */
  addLocal(bootstrapServers: string): Connection {
    const c = new Connection({ id: LOCAL_CONNECTION, name: 'Local cluster', kind: 'local', bootstrapServers });
    this.all.set(c.id, c);
    this.onAdded?.(c);
    return c;
  }

  /** Remote connections remembered from earlier runs; each checks its cluster in the background. */
  restore(): Connection[] {
    const stored = readJsonFile<StoredConnection[]>(this.file, []);
    const out: Connection[] = [];
    for (const s of Array.isArray(stored) ? stored : []) {
      if (!s || typeof s.id !== 'string' || typeof s.bootstrapServers !== 'string' || this.all.has(s.id)) continue;
      const config: ConnectionConfig = { id: s.id, name: s.name ?? s.bootstrapServers, kind: 'remote', bootstrapServers: s.bootstrapServers, ...(s.tls ? { tls: s.tls } : {}) };
      const c = new Connection(config);
      if (s.sasl) {
        // The password was not stored: keep the entry so the user sees it, and say what to do.
        c.config = { ...config, sasl: { mechanism: s.sasl.mechanism, username: s.sasl.username, password: '' } };
        c.state = 'error';
        c.error = { name: 'NOT_CONNECTED', message: 'the password is not stored — remove the connection and add it again with its password' };
      }
      this.all.set(c.id, c);
      out.push(c);
      if (!s.sasl) {
        this.onAdded?.(c);
        void c.check().catch(() => undefined);
      }
    }
    return out;
  }

  list(): ConnectionInfo[] {
    return [...this.all.values()].map((c) => c.info());
  }

  get(id: string): Connection {
    const c = this.all.get(id);
    if (!c) throw uiError('NOT_CONNECTED', `no connection "${id}"`, 'choose a cluster from the list, or add it again');
    c.ensureOpen();
    if (c.error?.name === 'NOT_CONNECTED') throw uiError('NOT_CONNECTED', `${c.config.name}: ${c.error.message}`);
    return c;
  }

  /** Adds a remote cluster after checking that it answers Metadata. */
  async add(params: RemoteConnectionParams): Promise<ConnectionInfo> {
    validateRemoteParams(params);
    const bootstrapServers = params.bootstrapServers.split(',').map((s) => s.trim()).join(',');
    const id = `r-${randomBytes(4).toString('hex')}`;
    const config: ConnectionConfig = {
      id,
      name: params.name?.trim() || bootstrapServers,
      kind: 'remote',
      bootstrapServers,
      ...(params.sasl ? { sasl: { ...params.sasl } } : {}),
      ...(params.tls ? { tls: { ...params.tls } } : {}),
    };
    const c = new Connection(config);
    try {
      await c.check();
    } catch (e) {
      await c.close();
      const err = e as Error;
      throw uiError(err.name === 'ERROR' ? 'CONNECTION_FAILED' : err.name, `could not connect to ${bootstrapServers}: ${err.message.replace(/^could not read the cluster metadata: /, '')}`);
    }
    this.all.set(id, c);
    this.save();
    this.onAdded?.(c);
    return c.info();
  }

  async remove(id: string): Promise<void> {
    if (id === LOCAL_CONNECTION) throw badRequest('the local cluster cannot be removed', 'reset it from Settings instead');
    const c = this.all.get(id);
    if (!c) throw uiError('NOT_CONNECTED', `no connection "${id}"`);
    this.all.delete(id);
    this.save();
    this.onRemoved?.(c);
    await c.close();
  }

  private save(): void {
    const remote: StoredConnection[] = [...this.all.values()]
      .filter((c) => c.kind === 'remote')
      .map((c) => ({
        id: c.id,
        name: c.config.name,
        bootstrapServers: c.config.bootstrapServers,
        ...(c.config.sasl ? { sasl: { mechanism: c.config.sasl.mechanism, username: c.config.sasl.username } } : {}),
        ...(c.config.tls ? { tls: c.config.tls } : {}),
      }));
    writeJsonFile(this.file, remote);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.all.values()].map((c) => c.close()));
    this.all.clear();
  }
}
