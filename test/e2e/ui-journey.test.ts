// One user's journey through the GUI (issue 7), in Chromium against a headless Eddy with a real 3-broker cluster and
// real clients: create a topic in the UI → produce to it with kcat → browse it, seek by offset and by timestamp →
// filter with a JavaScript expression → produce from the UI's form and read that record back with kafkajs → a
// kafkajs consumer group shows on the Groups page with its lag → stop it, reset its offsets in the UI (preview,
// apply; checked with kafkajs fetchOffsets) → kill a broker from the Brokers page and watch leadership move on the
// topic's partitions → connect to a reference Apache Kafka from the "Connect to cluster" dialog over SASL_SSL
// (SCRAM-SHA-512, the cluster's CA file; a wrong password first) and browse a topic there. Every step is
// screenshotted to test-results/ui-journey-*.png.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { SCRAM_USER, startSecureReferenceKafka, type SecureReferenceKafka } from '../helpers/secure-reference-kafka.js';
import { tool } from '../helpers/tools.js';
import { run } from '../integration/clients/run.js';
import { chromiumOk, consumeAll, kafkajs, produce, SHOTS, startUi, type Kafka, type UiHarness } from './ui-harness.js';

const kcat = tool('kcat', 'kcat', ['-V']);
const java = kafkaAvailable();
const ready = chromiumOk && kcat.available && java.available;

const TOPIC = 'journey';
const GROUP = 'journey-readers';
const REMOTE_TOPIC = 'apache-side';
const LONG = 60_000;

let ui: UiHarness;
let secure: SecureReferenceKafka;
let step = 0;

/** test-results/ui-journey-NN-<name>.png, numbered in journey order. */
async function shot(name: string): Promise<void> {
  step++;
  await ui.shot(`ui-journey-${String(step).padStart(2, '0')}-${name}`);
}

const value = (n: number, batch: string) => JSON.stringify({ n, batch });

/** kcat -P: one record per line, "key<TAB>value", acks=all. */
async function kcatProduce(bootstrap: string, topic: string, records: { key: string; value: string }[]): Promise<void> {
  const r = await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-K', '\t', '-X', 'acks=all', '-q'], {
    input: records.map((m) => `${m.key}\t${m.value}\n`).join(''),
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`kcat -P ${topic} exited ${r.code}: ${r.stderr}`);
}

function rows(page: Page) {
  return page.getByTestId('message-row');
}

async function loaded(page: Page): Promise<number> {
  return Number(await page.getByTestId('loaded-count').getAttribute('data-count'));
}

/** The rows in view as [partition, offset, value preview]. */
async function visibleRows(page: Page): Promise<[number, number, string][]> {
  return rows(page).evaluateAll((els) =>
    els.map((el) => [Number(el.getAttribute('data-partition')), Number(el.getAttribute('data-offset')), el.querySelector('[data-testid="message-value-preview"]')?.textContent ?? ''] as [number, number, string]),
  );
}

/** A datetime-local input's value for a time, in the browser's (and this process's) local zone. */
function localInput(ms: number): string {
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 23);
}

async function committed(): Promise<number[]> {
  const r = await ui.admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  return r[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

async function produceToReference(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: REMOTE_TOPIC, numPartitions: 2, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
  await produce(
    kafka,
    REMOTE_TOPIC,
    Array.from({ length: 5 }, (_, i) => ({ key: `apache-${i}`, value: `hello from Apache Kafka ${i}` })),
  );
}

beforeAll(async () => {
  if (!ready) return;
  // This run's screenshots only (the step numbers move when steps are added).
  if (existsSync(SHOTS)) for (const f of readdirSync(SHOTS)) if (/^ui-journey-.*\.png$/.test(f)) rmSync(join(SHOTS, f));
  // The reference Kafka's JVM starts while Eddy does.
  const refStarted = startSecureReferenceKafka();
  refStarted.catch(() => undefined);
  ui = await startUi('ui-journey');
  secure = await refStarted;
}, 300_000);

afterAll(async () => {
  await ui?.stop();
  await secure?.stop();
});

describe.skipIf(!ready)('a user journey through the GUI', () => {
  test('create → kcat → browse and seek → filter → UI produce → group lag → reset → kill a broker → remote Kafka', async () => {
    const { page } = ui;
    onTestFailed(() => ui.shot('ui-journey-failed'));

    // 1. Create a topic in the UI: 3 partitions, replication factor 3.
    await ui.go('/topics');
    await page.getByTestId('create-topic').click();
    await page.getByTestId('create-name').fill(TOPIC);
    await page.getByTestId('create-partitions').fill('3');
    await page.getByTestId('create-rf').fill('3');
    await expect.poll(() => page.getByTestId('create-validity').getAttribute('data-valid'), { timeout: LONG }).toBe('true');
    await shot('create-topic');
    await page.getByTestId('create-submit').click();
    await expect.poll(() => page.getByTestId(`topic-row-${TOPIC}`).count(), { timeout: LONG }).toBe(1);
    const meta = await ui.admin.fetchTopicMetadata({ topics: [TOPIC] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);
    expect(meta.topics[0]!.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    await shot('topic-created');

    // 2. kcat produces two batches with a pause between them: the timestamp seek below picks the second.
    await kcatProduce(ui.bootstrap, TOPIC, Array.from({ length: 30 }, (_, n) => ({ key: `k-${n}`, value: value(n, 'a') })));
    await new Promise((r) => setTimeout(r, 1_500));
    const between = Date.now();
    await new Promise((r) => setTimeout(r, 1_500));
    await kcatProduce(ui.bootstrap, TOPIC, Array.from({ length: 30 }, (_, i) => ({ key: `k-${30 + i}`, value: value(30 + i, 'b') })));
    const offsets = await ui.admin.fetchTopicOffsets(TOPIC);
    expect(offsets.reduce((s, p) => s + Number(p.high), 0)).toBe(60);

    // 3. The message browser: newest first by default, all 60.
    await page.getByTestId(`topic-row-${TOPIC}`).getByTestId('topic-messages-link').click();
    await expect.poll(() => loaded(page), { timeout: LONG }).toBe(60);
    // The rows in view (the list is virtual) start with the newest: the second batch's 30.
    const newest = await visibleRows(page);
    expect(newest.length).toBeGreaterThan(5);
    const batches = newest.map((r) => (JSON.parse(r[2]) as { batch: string }).batch);
    expect(batches.slice(0, 30)).toEqual(Array(Math.min(30, batches.length)).fill('b'));
    await shot('messages-latest');

    // Seek by offset: partition p from offset 2 on, oldest first.
    const fullest = offsets.reduce((a, b) => (Number(b.high) > Number(a.high) ? b : a));
    const p = fullest.partition;
    const end = Number(fullest.high);
    expect(end).toBeGreaterThan(2);
    await page.getByTestId('browse-start').selectOption('offset');
    await page.getByTestId('browse-offset').fill('2');
    await page.getByTestId('browse-partition').selectOption(String(p));
    await page.getByTestId('browse-run').click();
    await expect.poll(async () => (await visibleRows(page))[0]?.slice(0, 2), { timeout: LONG }).toEqual([p, 2]);
    await expect.poll(() => loaded(page)).toBe(end - 2);
    const fromOffset = await visibleRows(page);
    expect(fromOffset.length).toBeGreaterThan(5);
    expect(fromOffset.map((r) => r[1])).toEqual(Array.from({ length: fromOffset.length }, (_, i) => 2 + i));
    expect(fromOffset.every((r) => r[0] === p)).toBe(true);
    expect(page.url()).toContain('start=offset');
    await shot('seek-offset');

    // Seek by timestamp: from the moment between the batches, every partition starts at its first "b" record.
    await page.getByTestId('browse-start').selectOption('timestamp');
    await page.getByTestId('browse-timestamp').fill(localInput(between));
    await page.getByTestId('browse-partition').selectOption('');
    await page.getByTestId('browse-run').click();
    await expect.poll(() => page.url(), { timeout: LONG }).toContain('start=timestamp');
    await expect.poll(() => loaded(page), { timeout: LONG }).toBe(30);
    const fromTs = await visibleRows(page);
    expect(fromTs.length).toBeGreaterThan(5);
    expect(fromTs.every((r) => (JSON.parse(r[2]) as { batch: string }).batch === 'b')).toBe(true);
    await shot('seek-timestamp');

    // 4. Filter by a JavaScript expression over the whole topic.
    await page.getByTestId('browse-start').selectOption('earliest');
    await page.getByTestId('toggle-filters').click();
    await page.getByTestId('filter-expression').fill('record.json.n % 10 === 0');
    await page.getByTestId('browse-run').click();
    await expect.poll(() => loaded(page), { timeout: LONG }).toBe(6);
    const filtered = (await visibleRows(page)).map((r) => (JSON.parse(r[2]) as { n: number }).n).sort((a, b) => a - b);
    expect(filtered).toEqual([0, 10, 20, 30, 40, 50]);
    expect(page.url()).toContain('expr=');
    await shot('filter-expression');

    // 5. Produce one record from the UI's form; a kafkajs consumer reads it with its key and value.
    await page.getByTestId('produce-open').click();
    await page.getByTestId('produce-key').fill('from-ui');
    await page.getByTestId('produce-value').fill(value(1000, 'ui'));
    await page.getByTestId('produce-send').click();
    await expect.poll(() => page.getByTestId('produce-result').textContent(), { timeout: LONG }).toContain('Produced 1 record');
    await shot('produce-form');
    await page.keyboard.press('Escape');
    const all = await consumeAll(ui.kafka, TOPIC, 61);
    expect(all).toHaveLength(61);
    const fromUi = all.filter((m) => m.key === 'from-ui');
    expect(fromUi.map((m) => m.value)).toEqual([value(1000, 'ui')]);

    // 6. A kafkajs consumer group reads everything and stops fetching; 9 more records make a lag of 9.
    const consumer = ui.kafka.consumer({ groupId: GROUP, sessionTimeout: 30_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let read = 0;
    await consumer.run({ eachMessage: async () => void read++ });
    await expect.poll(() => read, { timeout: LONG }).toBe(61);
    await expect.poll(async () => (await committed()).reduce((s, o) => s + o, 0), { timeout: LONG }).toBe(61);
    consumer.pause([{ topic: TOPIC }]);
    await kcatProduce(ui.bootstrap, TOPIC, Array.from({ length: 9 }, (_, i) => ({ key: `late-${i}`, value: value(100 + i, 'late') })));

    await page.getByTestId('nav-groups').click();
    const groupRow = page.getByTestId(`group-row-${GROUP}`);
    await expect.poll(() => groupRow.getByTestId('group-lag').textContent(), { timeout: LONG }).toBe('9');
    expect(await groupRow.getByTestId('group-state').textContent()).toBe('Stable');
    await shot('groups-lag');
    await groupRow.getByTestId('group-link').click();
    await expect.poll(() => page.getByTestId('group-total-lag-value').textContent(), { timeout: LONG }).toBe('9');
    expect(await page.getByTestId('member-row').count()).toBe(1);
    await shot('group-detail');

    // 7. Stop the consumer; reset its offsets to the earliest: the plan first, then apply.
    await consumer.disconnect();
    await expect.poll(() => page.getByTestId('group-state').textContent(), { timeout: LONG }).toBe('Empty');
    await page.getByTestId('open-reset').click();
    await page.getByTestId('reset-scope-all').check();
    await page.getByTestId('reset-kind-earliest').check();
    const plan = () => page.getByTestId('reset-row').evaluateAll((els) => els.map((el) => [Number(el.getAttribute('data-partition')), Number(el.getAttribute('data-new'))]));
    await expect.poll(plan, { timeout: LONG }).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    await expect.poll(() => page.getByTestId('reset-apply').isDisabled(), { timeout: LONG }).toBe(false);
    expect(await committed()).not.toEqual([0, 0, 0]); // a preview changes nothing
    await shot('reset-preview');
    await page.getByTestId('reset-apply').click();
    await expect.poll(() => page.getByTestId('reset-applied').count(), { timeout: LONG }).toBe(1);
    expect(await committed()).toEqual([0, 0, 0]);
    await shot('reset-applied');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('group-total-lag-value').textContent(), { timeout: LONG }).toBe('70');

    // 8. Kill the broker leading partition 0 from the Brokers page; its partitions get new leaders, ISRs shrink.
    const before = (await ui.admin.fetchTopicMetadata({ topics: [TOPIC] })).topics[0]!.partitions;
    const victim = before.find((x) => x.partitionId === 0)!.leader;
    const led = before.filter((x) => x.leader === victim).map((x) => x.partitionId);
    await page.getByTestId('nav-brokers').click();
    const brokerRow = page.getByTestId(`broker-row-${victim}`);
    await expect.poll(() => brokerRow.getByTestId('broker-state').textContent(), { timeout: LONG }).toBe('up');
    await page.getByTestId(`kill-${victim}`).click();
    await shot('kill-confirm');
    await page.getByTestId('confirm').click();
    await expect.poll(() => brokerRow.getByTestId('broker-state').textContent(), { timeout: LONG }).toBe('down');
    await shot('broker-killed');

    await ui.go(`/topics/${TOPIC}`);
    for (const id of led) {
      const row = page.getByTestId(`partition-row-${id}`);
      await expect
        .poll(async () => (await row.getByTestId('partition-leader').textContent())?.trim(), { timeout: 90_000 })
        .toMatch(new RegExp(`^(?!${victim}$)\\d+$`));
    }
    // Every partition has a replica on every broker (RF 3): the dead one leaves each ISR.
    for (const id of [0, 1, 2]) {
      const row = page.getByTestId(`partition-row-${id}`);
      await expect.poll(() => row.getByTestId('replica-out-of-sync').allTextContents(), { timeout: 90_000 }).toEqual([String(victim)]);
    }
    await expect.poll(() => page.getByTestId('stat-urp-value').textContent(), { timeout: LONG }).toBe('3');
    const after = (await ui.admin.fetchTopicMetadata({ topics: [TOPIC] })).topics[0]!.partitions;
    for (const x of after) {
      expect(x.leader).not.toBe(victim);
      expect(x.isr).not.toContain(victim);
    }
    await shot('leadership-moved');
    // The Brokers page agrees: every partition has a leader (RF 3 everywhere), the dead broker's replicas lag.
    await page.getByTestId('nav-brokers').click();
    await expect.poll(async () => (await page.getByTestId('brokers-offline-value').textContent())?.trim(), { timeout: LONG }).toBe('0');
    await expect.poll(async () => Number(await page.getByTestId('brokers-urp-value').textContent()), { timeout: 90_000 }).toBeGreaterThan(0);
    expect(await brokerRow.getByTestId('broker-state').textContent()).toBe('down');
    await shot('brokers-after-kill');

    // 9. The reference Apache Kafka, with 5 records produced by kafkajs (over its plaintext listener), added from
    // "Connect to cluster" through its SASL_SSL listener: SCRAM-SHA-512 and the CA file, a mistyped password first.
    const apache = new kafkajs.Kafka({ clientId: 'ui-journey-apache', brokers: secure.ref.bootstrapServers.split(','), logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 200 } });
    await produceToReference(apache);
    await page.getByTestId('connection-switcher').click();
    await page.getByTestId('open-connect').click();
    await page.locator('#connect-bootstrapServers').fill(secure.server('SASL_SSL'));
    await page.locator('#connect-name').fill('apache-kafka');
    await page.locator('#connect-security').selectOption('SCRAM-SHA-512');
    await page.locator('#connect-username').fill(SCRAM_USER.username);
    await page.locator('#connect-password').fill('not-the-password');
    await page.locator('#connect-tls').check();
    await page.locator('#connect-caFile').fill(secure.certs.caFile);
    await shot('connect-dialog');
    await page.getByTestId('connect-submit').click();
    const refused = page.locator('#connect-form').getByTestId('error');
    await expect.poll(async () => (await refused.count()) && (await refused.textContent()), { timeout: LONG }).toMatch(/SASL_AUTHENTICATION_FAILED/);
    await shot('connect-wrong-password');
    await page.locator('#connect-password').fill(SCRAM_USER.password);
    await page.getByTestId('connect-submit').click();
    await expect.poll(() => page.evaluate(() => location.hash), { timeout: LONG }).toMatch(/^#\/c\/(?!local\/)[^/]+\/overview$/);
    await expect.poll(() => page.getByTestId('connection-name').textContent(), { timeout: LONG }).toBe('apache-kafka');
    await expect.poll(async () => (await page.getByTestId('stat-brokers-value').textContent())?.trim(), { timeout: LONG }).toBe('1 / 1');
    expect((await page.locator('.page-head .meta').textContent())?.replace(/\s+/g, ' ')).toMatch(/remote SASL SCRAM-SHA-512 TLS cluster/);
    await shot('remote-overview');
    await page.getByTestId('nav-topics').click();
    const remoteRow = page.getByTestId(`topic-row-${REMOTE_TOPIC}`);
    await expect.poll(() => remoteRow.count(), { timeout: LONG }).toBe(1);
    await remoteRow.getByTestId('topic-messages-link').click();
    await expect.poll(() => loaded(page), { timeout: LONG }).toBe(5);
    expect((await visibleRows(page)).map((r) => r[2]).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `hello from Apache Kafka ${i}`));
    expect(await page.evaluate(() => location.hash)).toMatch(new RegExp(`^#/c/(?!local/)[^/]+/topics/${REMOTE_TOPIC}/messages`));
    await shot('remote-messages');

    expect(ui.pageErrors).toEqual([]);
  }, 600_000);
});
