// A throwaway certificate authority and a broker certificate it signed, for TLS tests against the reference Kafka.
// Made with the JDK's keytool (the reference broker needs Java anyway, so no new tool): the broker gets a PKCS12
// keystore, a client gets the CA as a PEM file, the way a user is handed their cluster's CA.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TestCerts {
  dir: string;
  /** PEM file of the CA that signed the broker's certificate. */
  caFile: string;
  /** PKCS12 keystore with the broker's key and its chain (CA-signed, SAN 127.0.0.1 and localhost). */
  keystore: string;
  /** Password of the keystore and of the key in it. */
  password: string;
}

/** keytool of the JDK that runs the reference Kafka: JAVA_HOME's, else the one next to `java` on the PATH. */
function keytoolPath(): string {
  if (process.env.JAVA_HOME) return join(process.env.JAVA_HOME, 'bin', 'keytool');
  try {
    const java = realpathSync(execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim());
    const beside = join(dirname(java), 'keytool');
    if (existsSync(beside)) return beside;
  } catch {
    // no java on the PATH: the reference Kafka is skipped anyway
  }
  return 'keytool';
}

function keytool(args: string[]): Promise<void> {
  const bin = keytoolPath();
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`keytool ${args[0]} failed: ${stderr || stdout || err.message}`));
      else resolve();
    });
  });
}

/** Creates the CA and the broker certificate in a fresh temp dir (about 3 s: seven short JVMs). */
export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'eddy-certs-'));
  const password = 'eddy-test-pass';
  const caStore = join(dir, 'ca.p12');
  const keystore = join(dir, 'broker.p12');
  const caFile = join(dir, 'ca.pem');
  const csr = join(dir, 'broker.csr');
  const brokerPem = join(dir, 'broker.pem');
  const store = (path: string) => ['-keystore', path, '-storetype', 'PKCS12', '-storepass', password];
  const newKey = (alias: string, dname: string, path: string, ext: string[]) =>
    keytool(['-genkeypair', '-alias', alias, '-keyalg', 'RSA', '-keysize', '2048', '-dname', dname, '-validity', '3', ...ext, ...store(path), '-keypass', password]);

  await Promise.all([newKey('ca', 'CN=Eddy test CA', caStore, ['-ext', 'bc:c']), newKey('broker', 'CN=localhost', keystore, [])]);
  await keytool(['-exportcert', '-alias', 'ca', '-rfc', '-file', caFile, ...store(caStore)]);
  await keytool(['-certreq', '-alias', 'broker', '-file', csr, ...store(keystore)]);
  await keytool(['-gencert', '-alias', 'ca', '-infile', csr, '-outfile', brokerPem, '-rfc', '-validity', '3', '-ext', 'SAN=ip:127.0.0.1,dns:localhost', ...store(caStore)]);
  // The chain must start from the CA: import it first, then the signed reply onto the broker's key.
  await keytool(['-importcert', '-alias', 'ca', '-file', caFile, '-noprompt', ...store(keystore)]);
  await keytool(['-importcert', '-alias', 'broker', '-file', brokerPem, '-noprompt', ...store(keystore)]);
  if (!(await readFile(caFile, 'utf8')).includes('BEGIN CERTIFICATE')) throw new Error(`keytool wrote no PEM certificate to ${caFile}`);
  return { dir, caFile, keystore, password };
}
