// The reference Apache Kafka with secured client listeners next to its plaintext one: SSL, SASL_PLAINTEXT and
// SASL_SSL (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512), its certificate signed by a CA made for the run. Tests reach
// it the way a user reaches a company cluster; the plaintext listener stays for setting things up.
import { rm } from 'node:fs/promises';
import { assertOk, runKafkaTool } from './java-tools.js';
import { startReferenceKafka, type ReferenceKafka, type SecurityProtocol } from './reference-kafka.js';
import { makeTestCerts, type TestCerts } from './test-certs.js';

/** A PLAIN user (declared in the listener's JAAS config) and a SCRAM user (stored in the cluster metadata). */
export const PLAIN_USER = { username: 'alice', password: 'alice-secret' };
export const SCRAM_USER = { username: 'bob', password: 'bob-secret' };

export interface SecureReferenceKafka {
  ref: ReferenceKafka;
  certs: TestCerts;
  /** "127.0.0.1:port" of a secured listener. */
  server(protocol: SecurityProtocol): string;
  stop(): Promise<void>;
}

function saslProps(listener: string): Record<string, string> {
  return {
    [`listener.name.${listener}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required user_${PLAIN_USER.username}="${PLAIN_USER.password}";`,
    [`listener.name.${listener}.scram-sha-256.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    [`listener.name.${listener}.scram-sha-512.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  };
}

export async function startSecureReferenceKafka(): Promise<SecureReferenceKafka> {
  const certs = await makeTestCerts();
  let ref: ReferenceKafka | undefined;
  try {
    ref = await startReferenceKafka({
      nodes: 1,
      extraListeners: ['SSL', 'SASL_PLAINTEXT', 'SASL_SSL'],
      props: {
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
        ...saslProps('sasl_plaintext'),
        ...saslProps('sasl_ssl'),
        'ssl.keystore.type': 'PKCS12',
        'ssl.keystore.location': certs.keystore,
        'ssl.keystore.password': certs.password,
        'ssl.key.password': certs.password,
      },
    });
    const bootstrap = ref.bootstrapServers;
    // Created over the plaintext listener, as an operator would; one mechanism per call (the tool refuses two
    // credentials of one user in one request).
    await Promise.all(
      ['SCRAM-SHA-256', 'SCRAM-SHA-512'].map(async (mechanism) =>
        assertOk(
          await runKafkaTool('kafka-configs', [
            '--bootstrap-server', bootstrap,
            '--alter', '--entity-type', 'users', '--entity-name', SCRAM_USER.username,
            '--add-config', `${mechanism}=[password=${SCRAM_USER.password}]`,
          ]),
          `kafka-configs --add-config ${mechanism}`,
        ),
      ),
    );
  } catch (e) {
    await ref?.stop().catch(() => undefined);
    await rm(certs.dir, { recursive: true, force: true });
    throw e;
  }
  const started = ref;
  return {
    ref: started,
    certs,
    server: (protocol) => `127.0.0.1:${started.listenerPorts[protocol]}`,
    async stop() {
      await started.stop();
      await rm(certs.dir, { recursive: true, force: true });
    },
  };
}
