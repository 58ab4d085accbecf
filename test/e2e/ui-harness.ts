// Shared set-up of the UI tests (ui-topics, ui-messages, ui-groups): a headless Eddy with its web UI, Debian's
// Chromium driven by Playwright on that UI, and a kafkajs client of the same cluster to make real data and to check
// what the UI did from the outside.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../helpers/chromium.js';
import { runEddy, type EddyProcess } from '../helpers/eddy-process.js';
import { waitFor } from '../helpers/wait.js';

const require = createRequire(import.meta.url);
// kafkajs is CommonJS; loaded the way an application would.
export const kafkajs = require('kafkajs') as typeof import('kafkajs');
export type Kafka = import('kafkajs').Kafka;
export type Admin = import('kafkajs').Admin;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export const chromiumOk = chromiumAvailable().available;
export const SHOTS = join(process.cwd(), 'test-results');

export interface UiHarness {
  eddy: EddyProcess;
  bootstrap: string;
  /** The printed UI URL (with its token). */
  uiUrl: URL;
  browser: Browser;
  page: Page;
  kafka: Kafka;
  admin: Admin;
  /** Errors the page logged (uncaught exceptions and console.error), to assert none happened. */
  pageErrors: string[];
  /** Opens #/c/local<path> (path like '/topics'). */
  go(path: string): Promise<void>;
  shot(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startUi(name: string): Promise<UiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), `eddy-${name}-`));
  // Settings and saved connections go to a folder of the test's own, not the user's ~/.config/eddy.
  const appData = mkdtempSync(join(tmpdir(), `eddy-${name}-app-`));
  const eddy = runEddy(['--port', '0', '--ui-port', '0', '--data-dir', dataDir], { env: { EDDY_APP_DATA_DIR: appData } });
  const bootstrap = await eddy.bootstrap;
  const line = await waitFor(() => /^ui: (\S+)$/m.exec(eddy.stdout()), { what: 'the ui: line', timeoutMs: 30_000 }).catch((e: Error) => {
    throw new Error(`${e.message}\nstderr of eddy:\n${eddy.stderr()}`);
  });
  const uiUrl = new URL(line[1]!);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: uiUrl.origin });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  // The printed URL carries the token; the page keeps it as a cookie for later navigation. Straight to the topics
  // list: the errors collected are those of the pages under test.
  await page.goto(`${uiUrl.href}#/c/local/topics`);
  const kafka = new kafkajs.Kafka({ clientId: `eddy-${name}`, brokers: bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
  const admin = kafka.admin();
  await admin.connect();
  mkdirSync(SHOTS, { recursive: true });
  return {
    eddy,
    bootstrap,
    uiUrl,
    browser,
    page,
    kafka,
    admin,
    pageErrors,
    async go(path: string) {
      await page.goto(`${uiUrl.origin}/#/c/local${path}`);
    },
    async shot(shotName: string) {
      await page.screenshot({ path: join(SHOTS, `${shotName}.png`) });
    },
    async stop() {
      await admin.disconnect().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await eddy.stop('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(appData, { recursive: true, force: true });
    },
  };
}

/** Produces records with kafkajs (acks=all) and returns when the cluster has them. */
export async function produce(
  kafka: Kafka,
  topic: string,
  messages: { key?: string | null; value: string | Buffer | null; partition?: number; timestamp?: number; headers?: Record<string, string> }[],
): Promise<void> {
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 5000) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 5000).map((m) => ({
          key: m.key ?? null,
          value: m.value,
          ...(m.partition !== undefined ? { partition: m.partition } : {}),
          ...(m.timestamp !== undefined ? { timestamp: String(m.timestamp) } : {}),
          ...(m.headers ? { headers: m.headers } : {}),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the beginning with a throw-away kafkajs group until `count` records arrived. */
export async function consumeAll(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000): Promise<{ partition: number; offset: number; key: string | null; value: string | null; headers: Record<string, string> }[]> {
  const consumer = kafka.consumer({ groupId: `check-${topic}-${Date.now()}`, sessionTimeout: 10_000, maxWaitTimeInMs: 500 });
  const got: { partition: number; offset: number; key: string | null; value: string | null; headers: Record<string, string> }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        got.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
      },
    });
    await waitFor(() => got.length >= count, { timeoutMs, what: `${count} records of ${topic} (have ${got.length})` });
    // A moment more to catch records beyond the expected count.
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await consumer.disconnect();
  }
  return got;
}

export async function createTopic(admin: Admin, topic: string, numPartitions: number, configs: Record<string, string> = {}): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions, replicationFactor: 3, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
  });
}
