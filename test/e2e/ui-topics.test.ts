// The topics pages in Chromium against a real headless Eddy: create a topic through the UI (defaults shown,
// validated as typed by the cluster), the list with search, the topic page (partitions, configs edited with an
// inline error, consumers with their lag, add partitions), purge and delete — each checked from the outside with
// the kafkajs admin client. Screenshots go to test-results/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumOk, createTopic, produce, startUi, type UiHarness } from './ui-harness.js';

let ui: UiHarness;

beforeAll(async () => {
  if (chromiumOk) ui = await startUi('ui-topics');
}, 120_000);

afterAll(async () => {
  await ui?.stop();
});

async function topicConfig(topic: string, name: string): Promise<string | undefined> {
  const d = await ui.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name: topic, configNames: [name] }] });
  return d.resources[0]?.configEntries.find((c) => c.configName === name)?.configValue;
}

describe.skipIf(!chromiumOk)('topics pages', () => {
  test('create a topic through the UI: defaults shown, validated as typed, created as asked', async () => {
    const { page } = ui;
    await createTopic(ui.admin, 'existing-topic', 1);
    await ui.go('/topics');
    await expect.poll(() => page.getByTestId('topic-row-existing-topic').count()).toBe(1);

    await page.getByTestId('create-topic').click();
    // A name that exists: the cluster's own answer (validate_only CreateTopics), next to the field.
    await page.getByTestId('create-name').fill('existing-topic');
    await expect.poll(() => page.getByTestId('create-name-error').textContent()).toContain('TOPIC_ALREADY_EXISTS');
    await page.getByTestId('create-name').fill('ui-created');
    await page.getByTestId('create-partitions').fill('4');
    await page.getByTestId('create-rf').fill('2');
    await expect.poll(() => page.getByTestId('create-validity').getAttribute('data-valid')).toBe('true');

    // The cluster's defaults for new topics are listed; an invalid override is refused while typing.
    await page.getByText(/^Configs/).click();
    await expect.poll(() => page.getByTestId('default-retention.ms').textContent()).toBe('604800000');
    await page.getByTestId('create-config-retention.ms').fill('abc');
    await expect.poll(() => page.getByTestId('create-configs-error').textContent()).toContain('INVALID_CONFIG');
    expect(await page.getByTestId('create-submit').isDisabled()).toBe(true);
    await page.getByTestId('create-config-retention.ms').fill('3600000');
    await expect.poll(() => page.getByTestId('create-validity').getAttribute('data-valid')).toBe('true');
    await ui.shot('ui-topics-create');
    // Validation created nothing.
    expect(await ui.admin.listTopics()).not.toContain('ui-created');

    await page.getByTestId('create-submit').click();
    await expect.poll(() => page.getByTestId('topic-row-ui-created').count()).toBe(1);
    const meta = await ui.admin.fetchTopicMetadata({ topics: ['ui-created'] });
    expect(meta.topics[0]!.partitions).toHaveLength(4);
    expect(meta.topics[0]!.partitions.every((p) => p.replicas.length === 2)).toBe(true);
    expect(await topicConfig('ui-created', 'retention.ms')).toBe('3600000');

    // Search narrows the list.
    await page.getByTestId('topic-search').fill('ui-cre');
    await expect.poll(() => page.locator('[data-testid^="topic-row-"]').count()).toBe(1);
    await page.getByTestId('topic-search').fill('');
    await ui.shot('ui-topics-list');
  });

  test('topic page: partitions with offsets, configs edited with errors inline, consumers and lag, add partitions', async () => {
    const { page } = ui;
    await createTopic(ui.admin, 'detail-topic', 3);
    await produce(
      ui.kafka,
      'detail-topic',
      Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 3 })),
    );
    await ui.go('/topics/detail-topic');
    await expect.poll(() => page.getByTestId('partition-row-2').locator('[data-testid="partition-hw"]').textContent()).toBe('10');
    await expect.poll(() => page.getByTestId('stat-messages-value').textContent()).toBe('30');
    expect(await page.locator('[data-testid^="partition-row-"]').count()).toBe(3);
    await ui.shot('ui-topic-partitions');

    // Configs: a bad value is refused by the cluster and the error stays on the entry; a good one is applied.
    await page.locator('[data-tab="configs"]').click();
    const row = page.locator('[data-testid="config-row"][data-config="retention.ms"]');
    await row.getByTestId('config-edit').click();
    await row.getByTestId('config-input').fill('not-a-number');
    await row.getByTestId('config-save').click();
    await expect.poll(() => page.getByTestId('config-error').textContent()).toContain('INVALID_CONFIG');
    await ui.shot('ui-topic-configs-error');
    await row.getByTestId('config-input').fill('7200000');
    await row.getByTestId('config-save').click();
    await expect.poll(() => row.getByTestId('config-value').textContent()).toBe('7200000');
    expect(await page.getByTestId('config-error').count()).toBe(0);
    expect(await topicConfig('detail-topic', 'retention.ms')).toBe('7200000');
    await ui.shot('ui-topic-configs');

    // Consumers: a group that read everything, then 5 more records: lag 5.
    const reader = ui.kafka.consumer({ groupId: 'detail-reader', sessionTimeout: 10_000, maxWaitTimeInMs: 500 });
    await reader.connect();
    await reader.subscribe({ topic: 'detail-topic', fromBeginning: true });
    let read = 0;
    await reader.run({ eachMessage: async () => void read++ });
    await expect.poll(() => read, { timeout: 60_000 }).toBe(30);
    await reader.disconnect(); // commits on the way out
    await produce(ui.kafka, 'detail-topic', [0, 1, 2, 3, 4].map((i) => ({ key: `late${i}`, value: 'late', partition: i % 3 })));
    await page.locator('[data-tab="consumers"]').click();
    const consumer = page.locator('[data-testid="consumer-row"][data-group="detail-reader"]');
    await expect.poll(() => consumer.getByTestId('consumer-lag').textContent(), { timeout: 20_000 }).toBe('5');
    await ui.shot('ui-topic-consumers');

    // Add partitions.
    await page.locator('[data-tab="partitions"]').click();
    await page.getByTestId('open-add-partitions').click();
    await page.getByTestId('add-partitions-count').fill('5');
    await page.getByTestId('add-partitions-submit').click();
    await expect.poll(() => page.locator('[data-testid^="partition-row-"]').count(), { timeout: 20_000 }).toBe(5);
    const meta = await ui.admin.fetchTopicMetadata({ topics: ['detail-topic'] });
    expect(meta.topics[0]!.partitions).toHaveLength(5);
  });

  test('purge empties every partition; delete needs the typed name and removes the topic', async () => {
    const { page } = ui;
    await createTopic(ui.admin, 'doomed', 2);
    await produce(ui.kafka, 'doomed', Array.from({ length: 20 }, (_, i) => ({ key: null, value: `x${i}`, partition: i % 2 })));
    await ui.go('/topics');
    await page.getByTestId('topic-row-doomed').getByTestId('topic-purge').click();
    await page.getByTestId('confirm').click();
    await expect
      .poll(async () => (await ui.admin.fetchTopicOffsets('doomed')).every((p) => p.low === p.high && p.high === '10'), { timeout: 20_000 })
      .toBe(true);
    await expect.poll(() => page.getByTestId('topic-row-doomed').locator('[data-testid="topic-messages"]').textContent()).toBe('0');

    await page.getByTestId('topic-row-doomed').getByTestId('topic-delete').click();
    expect(await page.getByTestId('confirm').isDisabled()).toBe(true);
    await page.getByTestId('confirm-input').fill('doome');
    expect(await page.getByTestId('confirm').isDisabled()).toBe(true);
    await page.getByTestId('confirm-input').fill('doomed');
    await ui.shot('ui-topics-delete');
    await page.getByTestId('confirm').click();
    await expect.poll(() => page.getByTestId('topic-row-doomed').count()).toBe(0);
    await expect.poll(async () => (await ui.admin.listTopics()).includes('doomed'), { timeout: 20_000 }).toBe(false);
    expect(ui.pageErrors).toEqual([]);
  });
});
