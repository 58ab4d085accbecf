// Remote clusters behind TLS and SASL: the reference Apache Kafka with SSL, SASL_PLAINTEXT and SASL_SSL listeners
// (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; a CA made for the run), reached through the GUI's "Connect to cluster"
// contract exactly as a user fills it in. Wrong passwords and an unknown CA must fail with a useful error.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RemoteConnectionParams, UiApi } from '../../main/contract/ui-api.js';
import { assertOk, runKafkaTool } from '../helpers/java-tools.js';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { PLAIN_USER, SCRAM_USER, startSecureReferenceKafka, type SecureReferenceKafka } from '../helpers/secure-reference-kafka.js';
import { waitFor } from '../helpers/wait.js';
import { startGuiHarness, text, type GuiHarness } from './gui/harness.js';

const kafka = kafkaAvailable();

describe.skipIf(!kafka.available)('remote connection to Apache Kafka over TLS and SASL', () => {
  let secure: SecureReferenceKafka;
  let h: GuiHarness;
  let api: UiApi;
  const server = (protocol: 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL') => secure.server(protocol);

  beforeAll(async () => {
    secure = await startSecureReferenceKafka();
    h = await startGuiHarness({ local: false });
    api = h.remote as unknown as UiApi;
  }, 240_000);

  afterAll(async () => {
    await h?.close();
    await secure?.stop();
  });

  /** Adds the connection, then does what a user does first: overview, a topic, messages in and out. */
  async function roundTrip(params: RemoteConnectionParams, topic: string) {
    const info = await api.addConnection(params);
    expect(info).toMatchObject({ kind: 'remote', state: 'connected' });
    const o = await api.overview(info.id);
    expect(o.brokers).toHaveLength(1);
    // The broker list is what the cluster advertises on the listener the client came in through.
    expect(o.brokers[0]!.port).toBe(Number(params.bootstrapServers.split(':')[1]));
    await api.createTopic(info.id, { name: topic, partitions: 2, replicationFactor: 1 });
    await api.produce(info.id, { topic, key: 'k{{i}}', value: `${topic}-{{i}}`, count: 20, compression: 'zstd' });
    let seen: number | undefined;
    await waitFor(async () => ((seen = (await api.topics(info.id)).find((t) => t.name === topic)?.messages) === 20 ? true : null), {
      what: `${topic} to have 20 messages`,
      timeoutMs: 30_000,
    }).catch((e: Error) => {
      throw new Error(`${e.message} (the last count seen: ${seen})`);
    });
    const page = await api.browse(info.id, { topic, start: { kind: 'earliest' }, limit: 100 });
    expect(page.messages.map((m) => text(m.value)).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `${topic}-${i}`).sort());
    return info;
  }

  test('SASL/PLAIN', async () => {
    const info = await roundTrip({ name: 'plain', bootstrapServers: server('SASL_PLAINTEXT'), sasl: { mechanism: 'PLAIN', ...PLAIN_USER } }, 'sasl-plain-t');
    expect(info.security).toEqual({ sasl: 'PLAIN', tls: false });
    // Stored without the password (connections.json), listed with its security.
    expect((await api.listConnections()).find((c) => c.id === info.id)?.security).toEqual({ sasl: 'PLAIN', tls: false });
  });

  test('SASL/SCRAM-SHA-256 and SCRAM-SHA-512', async () => {
    const s256 = await roundTrip({ bootstrapServers: server('SASL_PLAINTEXT'), sasl: { mechanism: 'SCRAM-SHA-256', ...SCRAM_USER } }, 'scram-256-t');
    expect(s256.security).toEqual({ sasl: 'SCRAM-SHA-256', tls: false });
    const s512 = await roundTrip({ bootstrapServers: server('SASL_PLAINTEXT'), sasl: { mechanism: 'SCRAM-SHA-512', ...SCRAM_USER } }, 'scram-512-t');
    // Both see the same cluster, topics made through the other one included.
    expect((await api.topics(s512.id)).map((t) => t.name)).toContain('scram-256-t');
  });

  test('wrong credentials are refused with the SASL error and a hint, and nothing is added', async () => {
    const before = (await api.listConnections()).length;
    for (const sasl of [
      { mechanism: 'PLAIN' as const, username: PLAIN_USER.username, password: 'wrong' },
      { mechanism: 'SCRAM-SHA-512' as const, username: SCRAM_USER.username, password: 'wrong' },
      { mechanism: 'SCRAM-SHA-256' as const, username: 'nobody', password: 'x' },
    ]) {
      const err = await api.addConnection({ bootstrapServers: server('SASL_PLAINTEXT'), sasl }).then(
        () => null,
        (e: { name: string; message: string }) => e,
      );
      expect(err, `${sasl.mechanism} ${sasl.username}`).toMatchObject({ name: 'SASL_AUTHENTICATION_FAILED' });
      // The hint follows the message.
      expect(err!.message).toMatch(/check the user name, password and mechanism/);
    }
    expect((await api.listConnections()).length).toBe(before);
  });

  test('TLS with the cluster CA file', async () => {
    const info = await roundTrip({ bootstrapServers: server('SSL'), tls: { caFile: secure.certs.caFile } }, 'tls-t');
    expect(info.security).toEqual({ tls: true });
  });

  test('TLS without the CA is refused (self-signed chain), and accepted only when verification is turned off', async () => {
    const err = await api.addConnection({ bootstrapServers: server('SSL'), tls: {} }).then(
      () => null,
      (e: { name: string; message: string }) => e,
    );
    expect(err).toMatchObject({ name: 'CONNECTION_FAILED' });
    expect(err!.message).toMatch(/certificate/i);
    const insecure = await api.addConnection({ bootstrapServers: server('SSL'), tls: { rejectUnauthorized: false } });
    expect(insecure.state).toBe('connected');
    // A missing CA file is the user's typo: say which file.
    await expect(api.addConnection({ bootstrapServers: server('SSL'), tls: { caFile: `${secure.certs.dir}/missing.pem` } })).rejects.toMatchObject({
      message: expect.stringContaining('missing.pem'),
    });
  });

  test('SASL_SSL with SCRAM-SHA-512 and the CA file: a consumer group seen with its lag', async () => {
    const info = await roundTrip(
      { name: 'secure', bootstrapServers: server('SASL_SSL'), sasl: { mechanism: 'SCRAM-SHA-512', ...SCRAM_USER }, tls: { caFile: secure.certs.caFile } },
      'sasl-ssl-t',
    );
    expect(info.security).toEqual({ sasl: 'SCRAM-SHA-512', tls: true });
    const group = 'secure-g';
    const commit = await runKafkaTool('kafka-consumer-groups', [
      '--bootstrap-server', secure.ref.bootstrapServers, '--group', group, '--topic', 'sasl-ssl-t', '--reset-offsets', '--to-offset', '3', '--execute',
    ]);
    assertOk(commit, 'kafka-consumer-groups --reset-offsets');
    const g = await api.group(info.id, group);
    expect(g.offsets.map((o) => o.committedOffset)).toEqual([3, 3]);
    expect(g.totalLag).toBe(20 - 6);
  });
});
