// The local cluster's controls and the backend's own sampler through the GUI contract: broker faults visible in
// brokers() and events(), links, metrics, settings persisted in the app-data folder, remote connections, and a reset.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UiApi } from '../../main/contract/ui-api.js';
import { waitFor } from '../helpers/wait.js';
import { startGuiHarness, type GuiHarness } from './gui/harness.js';

let h: GuiHarness;
let api: UiApi;

beforeAll(async () => {
  h = await startGuiHarness();
  api = h.remote as unknown as UiApi;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('transport', () => {
  test('the contract socket refuses a missing cookie, a foreign Origin and a foreign Host', async () => {
    const url = new URL(h.server.url);
    const token = url.searchParams.get('token')!;
    expect(await h.open({ host: url.host })).toEqual({ status: 401 });
    expect(await h.open({ host: url.host, cookie: `eddy_token=${token}`, origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await h.open({ host: `evil.example:${url.port}`, cookie: `eddy_token=${token}` })).toEqual({ status: 421 });
    expect(await api.appInfo()).toMatchObject({ runtime: 'headless' });
  });
});

describe('local controls', () => {
  test('kill and restart a broker: brokers() and events() show it', async () => {
    await api.createTopic('local', { name: 'ctl', partitions: 3, replicationFactor: 3 });
    await api.killBroker(2);
    expect((await api.brokers('local')).find((b) => b.id === 2)?.state).toBe('down');
    expect((await api.localState()).brokers.find((b) => b.id === 2)?.state).toBe('down');
    await expect(api.killBroker(2)).rejects.toMatchObject({ name: 'BAD_REQUEST', message: expect.stringContaining('not running') });
    await waitFor(async () => ((await api.events('local')).some((e) => e.kind === 'broker-killed' && e.brokerId === 2) ? true : null), { what: 'broker-killed event' });
    // Partitions it led move away (the controller fences it after its session).
    await waitFor(async () => ((await api.topic('local', 'ctl')).partitions.every((p) => p.leader !== 2) ? true : null), { what: 'leaders off broker 2', timeoutMs: 30_000 });
    await api.restartBroker(2);
    await waitFor(async () => ((await api.brokers('local')).find((b) => b.id === 2)?.state === 'up' ? true : null), { what: 'broker 2 up' });
    const events = await api.events('local');
    expect(events.some((e) => e.kind === 'broker-restarted' && e.brokerId === 2)).toBe(true);
    expect(events.some((e) => e.kind === 'leader-changed')).toBe(true);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Only newer ones (the cluster may still be settling: ISR expansions).
    expect((await api.events('local', seqs.at(-1))).every((e) => e.seq > seqs.at(-1)!)).toBe(true);
  });

  test('pause and resume, link faults, storage faults', async () => {
    await api.pauseBroker(1);
    expect((await api.localState()).brokers.find((b) => b.id === 1)?.state).toBe('paused');
    await api.resumeBroker(1);
    expect((await api.localState()).brokers.find((b) => b.id === 1)?.state).toBe('up');
    await api.setLink(0, 1, { delayMs: 5, lossRate: 0.1 });
    await api.setLink('controller', 2, { cut: true });
    expect((await api.localState()).links).toEqual([
      { a: 0, b: 1, cut: false, delayMs: 5, lossRate: 0.1 },
      { a: 'controller', b: 2, cut: true, delayMs: 0, lossRate: 0 },
    ]);
    await api.healAllLinks();
    expect((await api.localState()).links).toEqual([]);
    await api.failWrites(0, 0);
    await expect(api.setLink(0, 0, { cut: true })).rejects.toMatchObject({ name: 'BAD_REQUEST' });
    const kinds = new Set((await api.events('local')).map((e) => e.kind));
    for (const k of ['broker-paused', 'broker-resumed', 'link-changed', 'storage-fault']) expect(kinds).toContain(k);
  });

  test('the sampler: message rates and topic events', async () => {
    await api.createTopic('local', { name: 'rates', partitions: 1, replicationFactor: 1 });
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) {
      await api.produce('local', { topic: 'rates', value: 'r{{i}}', count: 200 });
      await new Promise((r) => setTimeout(r, 300));
    }
    const samples = await waitFor(async () => {
      const s = await api.metrics('local', t0);
      return s.some((x) => x.messagesInPerSec > 0) ? s : null;
    }, { what: 'a sample with messages in', timeoutMs: 20_000 });
    expect(samples.every((s) => s.t > t0)).toBe(true);
    expect((await api.topics('local')).find((t) => t.name === 'rates')).toBeDefined();
    await api.deleteTopic('local', 'rates');
    await waitFor(async () => ((await api.events('local')).some((e) => e.kind === 'topic-deleted' && e.topic === 'rates') ? true : null), { what: 'topic-deleted event' });
    expect((await api.events('local')).some((e) => e.kind === 'topic-created' && e.topic === 'rates')).toBe(true);
  });

  test('settings are kept in the app-data folder; more brokers are added now; a port change needs a restart', async () => {
    const before = await api.settings();
    expect(before).toMatchObject({ theme: 'system', brokerCount: 3, restartRequired: false });
    await api.updateSettings({ theme: 'dark' });
    expect(JSON.parse(readFileSync(join(h.appData, 'settings.json'), 'utf8'))).toMatchObject({ theme: 'dark' });
    const grown = await api.updateSettings({ brokerCount: 4 });
    expect(grown.brokerCount).toBe(4);
    await waitFor(async () => ((await api.brokers('local')).length === 4 ? true : null), { what: 'broker 3 in metadata' });
    expect((await api.events('local')).some((e) => e.kind === 'broker-added' && e.brokerId === 3)).toBe(true);
    expect((await api.updateSettings({ basePort: 19092 })).restartRequired).toBe(true);
    await expect(api.updateSettings({ brokerCount: 12 })).rejects.toMatchObject({ name: 'BAD_REQUEST' });
  });

  test('remote connections: checked first, listed, removed; the password is not stored', async () => {
    await expect(api.addConnection({ bootstrapServers: '127.0.0.1:1' })).rejects.toMatchObject({ name: 'CONNECTION_FAILED' });
    await expect(api.addConnection({ bootstrapServers: 'not a host' })).rejects.toMatchObject({ name: 'BAD_REQUEST' });
    // The local cluster reached as a remote one: every page works the same over Kafka.
    const remote = await api.addConnection({ name: 'again', bootstrapServers: h.local!.cluster.bootstrapServers });
    expect(remote).toMatchObject({ kind: 'remote', state: 'connected', name: 'again', security: { tls: false } });
    expect((await api.topics(remote.id)).map((t) => t.name)).toContain('ctl');
    expect((await api.brokers(remote.id)).every((b) => b.state === 'up')).toBe(true);
    expect(JSON.parse(readFileSync(join(h.appData, 'connections.json'), 'utf8'))).toEqual([{ id: remote.id, name: 'again', bootstrapServers: remote.bootstrapServers }]);
    expect((await api.listConnections()).map((c) => c.id)).toEqual(['local', remote.id]);
    await api.removeConnection(remote.id);
    await expect(api.topics(remote.id)).rejects.toMatchObject({ name: 'NOT_CONNECTED' });
    await expect(api.removeConnection('local')).rejects.toMatchObject({ name: 'BAD_REQUEST' });
  });

  test('reset: the local cluster starts again empty and the local connection follows it', async () => {
    await api.resetLocalCluster();
    await waitFor(async () => ((await api.listConnections())[0]?.state === 'connected' ? true : null), { what: 'local connection back' });
    const names = (await api.topics('local')).map((t) => t.name);
    expect(names).not.toContain('ctl');
    expect((await api.brokers('local')).length).toBe(4);
    await api.createTopic('local', { name: 'after-reset', partitions: 1, replicationFactor: 1 });
    expect((await api.topics('local')).map((t) => t.name)).toContain('after-reset');
  });
});
