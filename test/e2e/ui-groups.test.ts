// The consumer-group pages in Chromium against a real headless Eddy and a real kafkajs consumer group: the list
// and the detail show its state, member, assignment, per-partition lag and lag history; resetting offsets shows
// the plan first and is refused while the group has members; once it stops, resets (earliest, one partition to an
// offset, a timestamp, a shift) apply and kafkajs admin fetchOffsets sees them; delete offsets, delete group.
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumOk, createTopic, produce, startUi, type UiHarness } from './ui-harness.js';

let ui: UiHarness;
const TOPIC = 'orders-g';
const GROUP = 'ui-group';
const BASE = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;

beforeAll(async () => {
  if (!chromiumOk) return;
  ui = await startUi('ui-groups');
  await createTopic(ui.admin, TOPIC, 2);
  // 20 records a partition; record i at BASE + i s.
  await produce(
    ui.kafka,
    TOPIC,
    Array.from({ length: 40 }, (_, j) => ({ key: `k${j}`, value: `v${j}`, partition: j % 2, timestamp: BASE + Math.floor(j / 2) * 1000 })),
  );
}, 180_000);

afterAll(async () => {
  await ui?.stop();
});

async function committed(): Promise<Record<number, string>> {
  const r = await ui.admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  return Object.fromEntries(r[0]!.partitions.map((p) => [p.partition, p.offset]));
}

/** The reset plan's rows as partition → new offset. */
async function plan(page: Page): Promise<Record<number, number>> {
  const rows = await page.getByTestId('reset-row').evaluateAll((els) => els.map((el) => [Number(el.getAttribute('data-partition')), Number(el.getAttribute('data-new'))] as [number, number]));
  return Object.fromEntries(rows);
}

describe.skipIf(!chromiumOk)('consumer group pages', () => {
  test('a running kafkajs group: state, member, lag per partition and history; reset refused while it runs; resets apply once it stops', async () => {
    const { page } = ui;
    const consumer = ui.kafka.consumer({ groupId: GROUP, sessionTimeout: 30_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let read = 0;
    await consumer.run({ eachMessage: async () => void read++ });
    await expect.poll(() => read, { timeout: 60_000 }).toBe(40);
    await expect.poll(committed, { timeout: 30_000 }).toEqual({ 0: '20', 1: '20' });
    // Stop fetching (the member stays in the group) and add 15 records a partition: lag 30.
    consumer.pause([{ topic: TOPIC }]);
    await produce(
      ui.kafka,
      TOPIC,
      Array.from({ length: 30 }, (_, j) => ({ key: `late${j}`, value: `late${j}`, partition: j % 2, timestamp: BASE + (20 + Math.floor(j / 2)) * 1000 })),
    );

    await ui.go('/groups');
    const row = page.getByTestId(`group-row-${GROUP}`);
    await expect.poll(() => row.getByTestId('group-lag').textContent(), { timeout: 30_000 }).toBe('30');
    expect(await row.getByTestId('group-state').textContent()).toBe('Stable');
    await ui.shot('ui-groups-list');

    await row.getByTestId('group-link').click();
    await expect.poll(() => page.getByTestId('group-total-lag-value').textContent()).toBe('30');
    expect(await page.getByTestId('member-row').count()).toBe(1);
    expect(await page.getByTestId('members-table').textContent()).toContain(`${TOPIC}: 0, 1`);
    for (const p of [0, 1]) {
      const o = page.locator(`[data-testid="offset-row"][data-partition="${p}"]`);
      expect(await o.getAttribute('data-committed')).toBe('20');
      expect(await o.getAttribute('data-lag')).toBe('15');
    }
    // The sampler's lag history (every 2 s) draws the sparkline.
    await expect.poll(async () => Number(await page.getByTestId('lag-sparkline').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await ui.shot('ui-group-detail');

    // Reset while the member is there: the plan shows, applying is refused.
    await page.getByTestId('open-reset').click();
    await expect.poll(() => page.getByTestId('reset-not-allowed').count()).toBe(1);
    await expect.poll(() => plan(page)).toEqual({ 0: 0, 1: 0 });
    expect(await page.getByTestId('reset-apply').isDisabled()).toBe(true);
    await ui.shot('ui-group-reset-refused');
    await page.keyboard.press('Escape');

    await consumer.disconnect();
    await expect.poll(() => page.getByTestId('group-state').textContent(), { timeout: 30_000 }).toBe('Empty');

    // Earliest, all topics.
    await page.getByTestId('open-reset').click();
    await expect.poll(() => plan(page)).toEqual({ 0: 0, 1: 0 });
    await expect.poll(() => page.getByTestId('reset-apply').isDisabled()).toBe(false);
    await ui.shot('ui-group-reset');
    await page.getByTestId('reset-apply').click();
    await expect.poll(() => page.getByTestId('reset-applied').count()).toBe(1);
    expect(await committed()).toEqual({ 0: '0', 1: '0' });

    // Partition 1 only, to offset 12.
    await page.getByTestId('reset-scope-partitions').check();
    await page.getByTestId('reset-partition-1').check();
    await page.getByTestId('reset-kind-offset').check();
    await page.getByTestId('reset-offset').fill('12');
    await expect.poll(() => plan(page)).toEqual({ 1: 12 });
    await expect.poll(() => page.getByTestId('reset-apply').isDisabled()).toBe(false);
    await page.getByTestId('reset-apply').click();
    await expect.poll(committed).toEqual({ 0: '0', 1: '12' });

    // The whole topic to the records at BASE + 25 s (index 25 of each partition).
    await page.getByTestId('reset-scope-topic').check();
    await page.getByTestId('reset-kind-timestamp').check();
    const d = new Date(BASE + 25_000 - new Date(BASE).getTimezoneOffset() * 60_000);
    await page.getByTestId('reset-timestamp').fill(d.toISOString().slice(0, 23));
    await expect.poll(() => plan(page)).toEqual({ 0: 25, 1: 25 });
    await expect.poll(() => page.getByTestId('reset-apply').isDisabled()).toBe(false);
    await page.getByTestId('reset-apply').click();
    await expect.poll(committed).toEqual({ 0: '25', 1: '25' });

    // Shift back by 5.
    await page.getByTestId('reset-kind-shift').check();
    await page.getByTestId('reset-shift').fill('-5');
    await expect.poll(() => plan(page)).toEqual({ 0: 20, 1: 20 });
    await expect.poll(() => page.getByTestId('reset-apply').isDisabled()).toBe(false);
    await page.getByTestId('reset-apply').click();
    await expect.poll(committed).toEqual({ 0: '20', 1: '20' });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('group-total-lag-value').textContent(), { timeout: 20_000 }).toBe('30');
  });

  test('delete offsets of a topic, then delete the group (typed confirmation)', async () => {
    const { page } = ui;
    await ui.go(`/groups/${GROUP}`);
    await page.locator(`[data-testid="offsets-topic"][data-topic="${TOPIC}"]`).getByTestId('delete-offsets').click();
    await page.getByTestId('confirm').click();
    await expect.poll(committed, { timeout: 20_000 }).toEqual({ 0: '-1', 1: '-1' });

    await page.getByTestId('open-delete-group').click();
    expect(await page.getByTestId('confirm').isDisabled()).toBe(true);
    await page.getByTestId('confirm-input').fill(GROUP);
    await ui.shot('ui-group-delete');
    await page.getByTestId('confirm').click();
    await expect.poll(() => page.url()).toMatch(/#\/c\/local\/groups$/);
    await expect.poll(async () => (await ui.admin.listGroups()).groups.some((g) => g.groupId === GROUP), { timeout: 20_000 }).toBe(false);
    await expect.poll(() => page.getByTestId(`group-row-${GROUP}`).count(), { timeout: 20_000 }).toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });
});
