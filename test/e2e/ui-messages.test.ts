// The message browser in Chromium against a real headless Eddy with records produced by kafkajs: browse from
// earliest / an offset / a timestamp, JSON decoding, filters (substring and a JavaScript expression, a runaway one
// giving FILTER_ERROR without freezing the page), a 10 MB value truncated with a working "show all", live tail with
// pause/resume, JSON-lines export, the produce form (bulk with {{i}}) and replay checked with a kafkajs consumer,
// and 100,000 loaded rows kept virtual. Screenshots go to test-results/.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumOk, consumeAll, createTopic, produce, startUi, type UiHarness } from './ui-harness.js';

let ui: UiHarness;
// Record i of partition p of 'msgs' has this timestamp: whole seconds apart, so a timestamp picks one index.
const BASE = Math.floor((Date.now() - 86_400_000) / 1000) * 1000;
const msgValue = (p: number, i: number) => JSON.stringify({ p, i, n: p * 100 + i, kind: i % 2 ? 'odd' : 'even' });

beforeAll(async () => {
  if (!chromiumOk) return;
  ui = await startUi('ui-messages');
  await createTopic(ui.admin, 'msgs', 3);
  const records = [];
  for (let p = 0; p < 3; p++)
    for (let i = 0; i < 100; i++)
      records.push({ key: `k-${p}-${i}`, value: msgValue(p, i), partition: p, timestamp: BASE + i * 1000 + p, ...(i % 10 === 0 ? { headers: { src: 'test' } } : {}) });
  await produce(ui.kafka, 'msgs', records);
}, 180_000);

afterAll(async () => {
  await ui?.stop();
});

function rows(page: Page) {
  return page.getByTestId('message-row');
}

async function loaded(page: Page): Promise<number> {
  return Number(await page.getByTestId('loaded-count').getAttribute('data-count'));
}

async function run(page: Page, opts: { start: string; partition?: string; offset?: string; timestamp?: string; direction?: string; limit?: string }) {
  await page.getByTestId('browse-start').selectOption(opts.start);
  if (opts.offset !== undefined) await page.getByTestId('browse-offset').fill(opts.offset);
  if (opts.timestamp !== undefined) await page.getByTestId('browse-timestamp').fill(opts.timestamp);
  await page.getByTestId('browse-partition').selectOption(opts.partition ?? '');
  if (opts.direction) await page.getByTestId('browse-direction').selectOption(opts.direction);
  if (opts.limit) await page.getByTestId('browse-limit').fill(opts.limit);
  await page.getByTestId('browse-run').click();
}

/** The rows in view, as [partition, offset, value preview]. */
async function visibleRows(page: Page): Promise<[number, number, string][]> {
  return rows(page).evaluateAll((els) =>
    els.map((el) => [Number(el.getAttribute('data-partition')), Number(el.getAttribute('data-offset')), el.querySelector('[data-testid="message-value-preview"]')?.textContent ?? ''] as [number, number, string]),
  );
}

function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 23);
}

describe.skipIf(!chromiumOk)('message browser', () => {
  test('browse from earliest, from an offset and from a timestamp returns the right records', async () => {
    const { page } = ui;
    await ui.go('/topics/msgs/messages');
    // Default view: the newest records first.
    await expect.poll(() => loaded(page)).toBe(100);
    const newest = await visibleRows(page);
    expect(newest[0]![1]).toBe(99);

    await run(page, { start: 'earliest', partition: '1' });
    await expect.poll(async () => (await visibleRows(page))[0]?.[1]).toBe(0);
    await expect.poll(() => loaded(page)).toBe(100);
    const early = await visibleRows(page);
    expect(early.slice(0, 10).map((r) => r[1])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(early.every((r) => r[0] === 1)).toBe(true);
    expect(early[3]![2]).toBe(msgValue(1, 3));
    expect(page.url()).toContain('start=earliest');

    await run(page, { start: 'offset', offset: '42', partition: '2' });
    await expect.poll(async () => (await visibleRows(page))[0]?.[1]).toBe(42);
    await expect.poll(() => loaded(page)).toBe(58);
    expect((await visibleRows(page))[0]![2]).toBe(msgValue(2, 42));
    await ui.shot('ui-messages-offset');

    // From the timestamp of index 60: every partition starts at its record 60.
    await run(page, { start: 'timestamp', timestamp: localInput(BASE + 60_000), partition: '' });
    await expect.poll(() => loaded(page)).toBe(100);
    const fromTs = await visibleRows(page);
    // Each partition read from the timestamp starts at its record 60 (whatever order the partitions interleave).
    const byPartition = new Map<number, number[]>();
    for (const [p, o, v] of fromTs) {
      expect(v).toBe(msgValue(p, o));
      byPartition.set(p, [...(byPartition.get(p) ?? []), o]);
    }
    expect(byPartition.size).toBeGreaterThanOrEqual(1);
    for (const offsets of byPartition.values()) expect(Math.min(...offsets)).toBe(60);
  });

  test('a record opens (Enter) decoded as JSON, hex and base64; copy key; Esc closes', async () => {
    const { page } = ui;
    await ui.go('/topics/msgs/messages?start=offset&offset=10&p=0&dir=forward');
    await expect.poll(async () => (await visibleRows(page))[0]?.[1]).toBe(10);
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    const value = page.getByTestId('detail-value');
    await expect.poll(() => value.getAttribute('data-kind')).toBe('json');
    await expect.poll(() => page.getByTestId('detail-value-json').textContent()).toContain('"kind": "even"');
    expect(await page.getByTestId('detail-headers').textContent()).toContain('src');
    await ui.shot('ui-messages-json');
    await page.getByTestId('decode-hex').click();
    await expect.poll(() => page.getByTestId('detail-value-text').textContent()).toContain('7b 22 70 22');
    await page.getByTestId('decode-base64').click();
    await expect.poll(() => page.getByTestId('detail-value-text').textContent()).toBe(Buffer.from(msgValue(0, 10)).toString('base64'));
    await page.getByTestId('copy-key').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('k-0-10');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('message-detail').count()).toBe(0);
  });

  test('a binary value in the Schema Registry wire format shows its schema id, and hex', async () => {
    const { page } = ui;
    await createTopic(ui.admin, 'framed', 1);
    // magic 0, schema id 7, then an Avro-ish payload with bytes that are not UTF-8.
    await produce(ui.kafka, 'framed', [{ key: 'f', value: Buffer.from([0, 0, 0, 0, 7, 0x02, 0xff, 0xfe, 0x10, 0x80]) }]);
    await ui.go('/topics/framed/messages');
    await expect.poll(async () => (await visibleRows(page))[0]?.[2]).toBe('[schema 7] 0x02fffe1080');
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('detail-value-schema').textContent()).toContain('schema id 7');
    expect(await page.getByTestId('detail-value').getAttribute('data-kind')).toBe('hex');
    expect(await page.getByTestId('detail-value-text').textContent()).toContain('00 00 00 00 07 02 ff fe');
  });

  test('filters: substring on the key, a JavaScript expression, and a runaway expression gives FILTER_ERROR', async () => {
    const { page } = ui;
    await ui.go('/topics/msgs/messages?start=earliest&dir=forward');
    await expect.poll(() => loaded(page)).toBe(100);
    await page.getByTestId('toggle-filters').click();
    await page.getByTestId('filter-key').fill('k-2-1');
    await page.getByTestId('browse-run').click();
    await expect.poll(() => loaded(page)).toBe(11); // k-2-1, k-2-10 … k-2-19
    expect((await visibleRows(page)).every((r) => r[0] === 2)).toBe(true);

    await page.getByTestId('filter-key').fill('');
    await page.getByTestId('filter-expression').fill('record.json.n % 25 === 0');
    await page.getByTestId('browse-run').click();
    await expect.poll(() => loaded(page)).toBe(12);
    const ns = (await visibleRows(page)).map((r) => (JSON.parse(r[2]) as { n: number }).n).sort((a, b) => a - b);
    expect(ns).toEqual([0, 25, 50, 75, 100, 125, 150, 175, 200, 225, 250, 275]);

    // A statement where an expression belongs: refused as it is.
    await page.getByTestId('filter-expression').fill('while(true){}');
    await page.getByTestId('browse-run').click();
    await expect.poll(() => page.getByTestId('filter-error').textContent(), { timeout: 30_000 }).toContain('FILTER_ERROR');
    // An expression that never ends: stopped by the backend's time budget; the page never froze meanwhile.
    await page.getByTestId('filter-expression').fill('(() => { while (true) {} })()');
    const started = Date.now();
    await page.getByTestId('browse-run').click();
    let maxPause = 0;
    const stopped = async () => {
      const err = (await page.getByTestId('filter-error').count()) ? await page.getByTestId('filter-error').textContent() : '';
      return !!err && err.includes('FILTER_ERROR') && !err.includes('compile');
    };
    while (!(await stopped())) {
      const t = Date.now();
      await page.evaluate(() => 1);
      maxPause = Math.max(maxPause, Date.now() - t);
      expect(Date.now() - started).toBeLessThan(30_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(maxPause).toBeLessThan(2_000);
    await ui.shot('ui-messages-filter-error');
    await page.getByTestId('filter-expression').fill('record.json.kind === "odd" && record.partition === 0');
    await page.getByTestId('browse-run').click();
    await expect.poll(() => loaded(page)).toBe(50);
    expect(await page.getByTestId('filter-error').count()).toBe(0);
  });

  test('a 10 MB value is truncated in the list and "show all" loads it without hanging the page', async () => {
    const { page } = ui;
    await createTopic(ui.admin, 'big', 1, { 'max.message.bytes': String(16 * 1024 * 1024) });
    const huge = `{"blob":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    await produce(ui.kafka, 'big', [{ key: 'small', value: 'hello' }, { key: 'huge', value: huge }]);
    await ui.go('/topics/big/messages?start=earliest&dir=forward');
    await expect.poll(() => loaded(page)).toBe(2);
    await page.locator('[data-testid="message-row"][data-offset="1"]').dblclick();
    await expect.poll(() => page.getByTestId('detail-value-truncated').textContent()).toContain('10 MiB');
    await ui.shot('ui-messages-big-truncated');
    await page.getByTestId('detail-value-show-all').click();
    await expect.poll(() => page.getByTestId('detail-value-truncated').count(), { timeout: 60_000 }).toBe(0);
    // Shown as capped text (too big for an automatic tree), a few hundred KB at most in the DOM.
    await expect.poll(() => page.getByTestId('detail-value-capped').count()).toBe(1);
    const domChars = await page.getByTestId('detail-value-text').evaluate((el) => el.textContent!.length);
    expect(domChars).toBeGreaterThan(10_000);
    expect(domChars).toBeLessThan(300_000);
    const t = Date.now();
    await page.evaluate(() => 1);
    expect(Date.now() - t).toBeLessThan(2_000);
    // The tree on request: parsed once, the long string shown capped.
    await page.getByTestId('detail-value-as-tree').click();
    await expect.poll(() => page.getByTestId('detail-value-json').textContent(), { timeout: 20_000 }).toContain('"blob"');
    expect(await page.getByTestId('detail-value-json').evaluate((el) => el.textContent!.length)).toBeLessThan(20_000);
    await ui.shot('ui-messages-big-shown');
  });

  test('live tail shows a record produced after opening; pause holds it back and resume brings it', async () => {
    const { page } = ui;
    await createTopic(ui.admin, 'live', 2);
    await produce(ui.kafka, 'live', [{ key: 'old', value: 'old-record' }]);
    await ui.go('/topics/live/messages');
    await expect.poll(() => loaded(page)).toBe(1);
    await page.getByTestId('live-toggle').click();
    await expect.poll(() => page.getByTestId('live-toggle').getAttribute('aria-pressed')).toBe('true');
    await produce(ui.kafka, 'live', [{ key: 'new', value: 'tail-one' }]);
    await expect.poll(async () => (await visibleRows(page)).map((r) => r[2]), { timeout: 20_000 }).toContain('tail-one');
    expect((await visibleRows(page))[0]![2]).toBe('tail-one'); // newest first: on top
    await ui.shot('ui-messages-live');

    await page.getByTestId('live-toggle').click();
    await expect.poll(() => page.getByTestId('live-toggle').getAttribute('aria-pressed')).toBe('false');
    await produce(ui.kafka, 'live', [{ key: 'new', value: 'while-paused' }]);
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await visibleRows(page)).map((r) => r[2])).not.toContain('while-paused');
    await page.getByTestId('live-toggle').click();
    await expect.poll(async () => (await visibleRows(page)).map((r) => r[2]), { timeout: 20_000 }).toContain('while-paused');
    await page.getByTestId('live-toggle').click();
    expect(await loaded(page)).toBe(3);
  });

  test('export: all filtered records to JSON lines, and ticked rows to CSV, exactly those records', async () => {
    const { page } = ui;
    await ui.go(`/topics/msgs/messages?start=earliest&dir=forward&p=0&limit=20&value=${encodeURIComponent('"kind":"even"')}`);
    await expect.poll(() => loaded(page)).toBe(20);
    await page.getByTestId('export-open').click();
    await page.getByTestId('export-scope-all').check();
    await page.getByTestId('export-format-jsonl').check();
    const download = page.waitForEvent('download');
    await page.getByTestId('export-start').click();
    const file = await (await download).path();
    await expect.poll(() => page.getByTestId('export-done').textContent()).toContain('50');
    await ui.shot('ui-messages-export');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: number; key: string; value: string; timestamp: number; headers: { key: string; value: string }[] });
    expect(lines).toHaveLength(50);
    expect(lines.map((l) => l.offset)).toEqual(Array.from({ length: 50 }, (_, j) => j * 2));
    for (const l of lines) {
      expect(l.partition).toBe(0);
      expect(l.key).toBe(`k-0-${l.offset}`);
      expect(l.value).toBe(msgValue(0, l.offset));
      expect(l.timestamp).toBe(BASE + l.offset * 1000);
      expect(l.headers).toEqual(l.offset % 10 === 0 ? [{ key: 'src', value: 'test' }] : []);
    }
    await page.keyboard.press('Escape');

    // Rows ticked with Space (the 1st and 3rd loaded), exported as CSV.
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('j');
    await page.keyboard.press(' ');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press(' ');
    await page.getByTestId('export-open').click();
    await page.getByTestId('export-scope-selected').check();
    await page.getByTestId('export-format-csv').check();
    const csvDownload = page.waitForEvent('download');
    await page.getByTestId('export-start').click();
    const csv = readFileSync(await (await csvDownload).path(), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('topic,partition,offset,timestamp,timestampType,key,value,headers');
    expect(csv.slice(1)).toEqual([
      `msgs,0,0,${new Date(BASE).toISOString()},CreateTime,k-0-0,"${msgValue(0, 0).replace(/"/g, '""')}","[{""key"":""src"",""value"":""test""}]"`,
      `msgs,0,4,${new Date(BASE + 4000).toISOString()},CreateTime,k-0-4,"${msgValue(0, 4).replace(/"/g, '""')}",`,
    ]);
    await page.keyboard.press('Escape');
  });

  test('the produce form lands N records with {{i}} (verified by a kafkajs consumer), and replay copies one', async () => {
    const { page } = ui;
    await createTopic(ui.admin, 'bulk', 2);
    await ui.go('/topics/bulk/messages');
    await page.getByTestId('produce-open').click();
    await page.getByTestId('produce-key').fill('key-{{i}}');
    await page.getByTestId('produce-value').fill('{"n":{{i}}}');
    await page.getByTestId('produce-add-header').click();
    await page.getByTestId('produce-header-key').fill('origin');
    await page.getByTestId('produce-header-value').fill('ui');
    await page.getByTestId('produce-compression').selectOption('gzip');
    await page.getByTestId('produce-count').fill('500');
    await page.getByTestId('produce-send').click();
    await expect.poll(() => page.getByTestId('produce-result').textContent(), { timeout: 60_000 }).toContain('Produced 500 records');
    await ui.shot('ui-messages-produce');
    await page.keyboard.press('Escape');
    const got = await consumeAll(ui.kafka, 'bulk', 500);
    expect(got).toHaveLength(500);
    expect(new Set(got.map((m) => m.value))).toEqual(new Set(Array.from({ length: 500 }, (_, i) => `{"n":${i}}`)));
    for (const m of got) {
      expect(m.key).toBe(`key-${(JSON.parse(m.value!) as { n: number }).n}`);
      expect(m.headers).toEqual({ origin: 'ui' });
    }

    // Replay one record of msgs into another topic.
    await createTopic(ui.admin, 'replayed', 1);
    await ui.go('/topics/msgs/messages?start=offset&offset=7&p=1&dir=forward');
    await expect.poll(async () => (await visibleRows(page))[0]?.[1]).toBe(7);
    await page.locator('[data-testid="message-row"][data-offset="7"]').dblclick();
    await page.getByTestId('replay').click();
    await page.getByTestId('replay-topic').fill('replayed');
    await page.getByTestId('replay-send').click();
    await expect.poll(() => page.getByTestId('replay-result').count(), { timeout: 20_000 }).toBe(1);
    const copy = await consumeAll(ui.kafka, 'replayed', 1);
    expect(copy.map((m) => [m.key, m.value])).toEqual([['k-1-7', msgValue(1, 7)]]);
  });

  test('100,000 loaded rows stay virtual: a few dozen rows in the DOM, fast scrolling and keyboard', async () => {
    const { page } = ui;
    await createTopic(ui.admin, 'many', 1);
    await produce(ui.kafka, 'many', Array.from({ length: 100_000 }, (_, i) => ({ key: `m${i}`, value: `row-${i}`, partition: 0 })));
    await ui.go('/topics/many/messages?start=earliest&dir=forward&limit=10000');
    await expect.poll(() => loaded(page), { timeout: 60_000 }).toBe(10_000);
    for (let n = 2; n <= 10; n++) {
      await page.getByTestId('load-more').click();
      await expect.poll(() => loaded(page), { timeout: 60_000 }).toBe(n * 10_000);
    }
    expect(await rows(page).count()).toBeLessThan(200);
    // Scroll through the whole list, a frame per step: each step must render promptly.
    const perFrame = await page.getByTestId('message-list').evaluate(async (el) => {
      const steps = 100;
      const t0 = performance.now();
      for (let s = 1; s <= steps; s++) {
        el.scrollTop = (el.scrollHeight * s) / steps;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      }
      return (performance.now() - t0) / steps;
    });
    expect(perFrame).toBeLessThan(100);
    expect(await rows(page).count()).toBeLessThan(200);
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('[data-testid="message-row"][data-offset="99999"]').count()).toBe(1);
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('detail-value-text').textContent()).toBe('row-99998');
    await ui.shot('ui-messages-100k');
    expect(ui.pageErrors).toEqual([]);
  });
});
