// Pure parts of the GUI backend and its Electron transport, without a cluster.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expose, wrap } from 'comlink';
import { describe, expect, test } from 'vitest';
import { contractOnly, isContractCall } from '../../main/contract/contract-endpoint.js';
import { splitUiError, UI_METHODS } from '../../main/contract/ui-api.js';
import { toUiError, uiError } from '../../main/gui/errors.js';
import { metadataChanges } from '../../main/gui/events.js';
import { parseAssignment, stateName } from '../../main/gui/groups.js';
import { LazyBackend } from '../../main/gui/lazy-backend.js';
import { partitionForKey } from '../../main/gui/messages/produce.js';
import { initialBounds } from '../../main/gui/window-state.js';
import { mainPortEndpoint, type MainPortLike } from '../../main/ipc/main-port-endpoint.js';

/** Two connected ports with MessagePortMain's Node-style API (delivery on a later tick, like the real one). */
function portPair(): [MainPortLike, MainPortLike] {
  const make = (): MainPortLike & { peer?: EventEmitter; emitter: EventEmitter } => {
    const emitter = new EventEmitter();
    const port = {
      emitter,
      postMessage(message: unknown) {
        setImmediate(() => port.peer!.emit('message', { data: structuredClone(message) }));
      },
      on: (e: 'message', l: (ev: { data: unknown }) => void) => emitter.on(e, l),
      off: (e: 'message', l: (ev: { data: unknown }) => void) => emitter.off(e, l),
      start() {},
    } as MainPortLike & { peer?: EventEmitter; emitter: EventEmitter };
    return port;
  };
  const a = make();
  const b = make();
  (a as { peer?: EventEmitter }).peer = (b as unknown as { emitter: EventEmitter }).emitter;
  (b as { peer?: EventEmitter }).peer = (a as unknown as { emitter: EventEmitter }).emitter;
  return [a, b];
}

describe('Electron port transport', () => {
  test('comlink calls cross a MessagePortMain-style port; errors keep their name', async () => {
    const [main, page] = portPair();
    const api = {
      async listConnections() {
        return [{ id: 'local' }];
      },
      async overview(): Promise<string> {
        throw uiError('NOT_CONNECTED', 'no connection "x"', 'choose a cluster');
      },
    };
    expose(api, contractOnly(mainPortEndpoint(main)));
    const remote = wrap<typeof api>(mainPortEndpoint(page));
    expect(await remote.listConnections()).toEqual([{ id: 'local' }]);
    const err = await remote.overview().catch((e: unknown) => e);
    expect(splitUiError(err)).toEqual({ name: 'NOT_CONNECTED', message: 'no connection "x"', hint: 'choose a cluster' });
  });

  test('only calls of contract methods pass', () => {
    expect(isContractCall({ type: 'APPLY', path: ['topics'], argumentList: [] })).toBe(true);
    expect(isContractCall({ type: 'GET', path: ['topics', 'constructor'] })).toBe(false);
    expect(isContractCall({ type: 'APPLY', path: ['topics', 'constructor'] })).toBe(false);
    expect(isContractCall({ type: 'APPLY', path: ['close'] })).toBe(false);
  });
});

describe('backend helpers', () => {
  test('partitions by key exactly as the Java client (Kafka Utils.murmur2 vectors)', () => {
    // murmur2("21") = -973932308 and murmur2("foobar") = -790332482 in Kafka's UtilsTest.
    expect(partitionForKey(Buffer.from('21'), 2 ** 31 - 1)).toBe((-973932308 & 0x7fffffff) % (2 ** 31 - 1));
    expect(partitionForKey(Buffer.from('foobar'), 1000)).toBe((-790332482 & 0x7fffffff) % 1000);
  });

  test('consumer assignments are parsed, junk is no assignment', () => {
    const b = Buffer.alloc(2 + 4 + 2 + 1 + 4 + 8 + 4);
    let o = b.writeInt16BE(0, 0);
    o = b.writeInt32BE(1, o);
    o = b.writeInt16BE(1, o);
    o += b.write('t', o);
    o = b.writeInt32BE(2, o);
    o = b.writeInt32BE(3, o);
    o = b.writeInt32BE(1, o);
    b.writeInt32BE(-1, o);
    expect(parseAssignment(b)).toEqual([{ topic: 't', partitions: [1, 3] }]);
    expect(parseAssignment(Buffer.from([1, 2, 3]))).toEqual([]);
    expect(stateName('PREPARINGREBALANCE')).toBe('PreparingRebalance');
    expect(stateName('Stable')).toBe('Stable');
  });

  test('metadata diffs become events (cluster-level ones only for remote clusters)', () => {
    const p = (leader: number, isr: number[]) => ({ partition: 0, leader, leaderEpoch: 0, replicas: [0, 1, 2], isr, offlineReplicas: [], errorCode: 0 });
    const t = (name: string, part: ReturnType<typeof p>) => ({ name, topicId: 'x', internal: false, errorCode: 0, partitions: [part] });
    const before = { brokers: [{ id: 0, host: 'h', port: 1, rack: null }, { id: 1, host: 'h', port: 2, rack: null }], topics: [t('a', p(0, [0, 1, 2])), t('gone', p(0, [0]))] };
    const after = { brokers: [{ id: 0, host: 'h', port: 1, rack: null }], topics: [t('a', p(1, [1, 2])), t('new', p(0, [0]))] };
    expect(metadataChanges(before, after, true).map((e) => e.kind).sort()).toEqual(['broker-down', 'isr-shrunk', 'leader-changed', 'topic-created', 'topic-deleted']);
    expect(metadataChanges(before, after, false).map((e) => e.kind).sort()).toEqual(['topic-created', 'topic-deleted']);
  });

  test('client errors become contract errors with Kafka names and hints', () => {
    const nested = Object.assign(new Error('Received response with error'), { code: 'PLT_KFK_MULTIPLE', errors: [{ code: 'PLT_KFK_PROTOCOL', apiId: 'TOPIC_ALREADY_EXISTS', serverErrorMessage: "Topic 'x' already exists." }] });
    const e = toUiError(nested, 'could not create topic x');
    expect(e.name).toBe('TOPIC_ALREADY_EXISTS');
    expect(splitUiError(e)).toMatchObject({ message: "could not create topic x: Topic 'x' already exists.", hint: expect.stringContaining('another name') });
    expect(toUiError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'PLT_KFK_NETWORK' }), 'c').name).toBe('CONNECTION_FAILED');
    const ui = uiError('BAD_REQUEST', 'x');
    expect(toUiError(ui, 'ctx')).toBe(ui);
  });

  test('window bounds: saved ones when on a display, else the default size', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(initialBounds({ bounds: { x: 100, y: 100, width: 1000, height: 700 }, maximized: true }, displays)).toEqual({ bounds: { x: 100, y: 100, width: 1000, height: 700 }, maximized: true });
    expect(initialBounds({ bounds: { x: 5000, y: 100, width: 1000, height: 700 } }, displays).bounds).toEqual({ width: 1280, height: 800 });
    expect(initialBounds({}, displays).bounds).toEqual({ width: 1280, height: 800 });
  });
});

describe('lazy backend', () => {
  test('serves every contract method; the backend starts on the first call, and close() before it is a no-op', async () => {
    const appData = mkdtempSync(join(tmpdir(), 'eddy-lazy-'));
    try {
      const lazy = new LazyBackend({ runtime: 'headless', appDataDir: appData, local: null });
      expect(Object.keys(lazy.api).sort()).toEqual([...UI_METHODS].sort());
      await lazy.close();
      expect(await lazy.api.listConnections()).toEqual([]);
      expect((await lazy.api.appInfo()).runtime).toBe('headless');
      expect(await lazy.backend()).toBe(await lazy.backend());
      await lazy.close();
    } finally {
      rmSync(appData, { recursive: true, force: true });
    }
  });
});
