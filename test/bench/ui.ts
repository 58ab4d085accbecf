// npm run bench:ui [-- --json FILE] [--runs N] [--messages N] [--profile DIR]
//
// The GUI's responsiveness on a big topic: a headless Eddy (3 brokers) with a 6-partition RF=3 topic of 1,000,000
// records of 100 bytes (kcat), its web UI in Debian's Chromium (Playwright). Measured in the page (medians of
// --runs runs):
//   open latest   the message browser opened on the topic (latest, newest first) until its rows are painted
//   seek offset   a partition from an offset in its middle, until the rows are painted
//   seek time     all partitions from a timestamp inside the topic, until the rows are painted
//   filter        the whole topic from earliest by a substring only its last 60 records carry, until the first
//                 match is painted ("Load more" clicked whenever the backend's scan stops at its time budget)
//   live tail     frame times (requestAnimationFrame deltas, long tasks) while the browser tails the topic and a
//                 producer writes 10,000 msg/s for 10 s
//   first paint   first-contentful-paint of the overview page opened in a fresh tab
// Prints a markdown table (metric, value, target, met?) and writes the details as JSON with --json FILE.
// --profile DIR runs Eddy with --cpu-prof (main thread and broker workers) into DIR and records the page's CPU
// profile during the live tail (DIR/page-live-tail.cpuprofile); --only open,offset,timestamp,filter,live,paint runs
// some phases only. Summarise profiles with test/bench/cpuprofile-top.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../helpers/chromium.js';
import { runEddy, type EddyProcess } from '../helpers/eddy-process.js';
import { tool } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';
import { describeMachine } from './lib/machine.js';
import { kcatProduceFile, kcatProducePaced, recordTimestamp, NEEDLE, NEEDLES, VALUE_BYTES, writeValues } from './ui/produce.js';
import { paintTimings, preparePages, startFrameRecorder, stopFrameRecorder, timeRowsAfterHash, type RenderTiming } from './ui/page.js';

const require = createRequire(import.meta.url);
const kafkajs = require('kafkajs') as typeof import('kafkajs');
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const TOPIC = 'ui-bench';
const PARTITIONS = 6;
const LIVE_RATE = 10_000;
const LIVE_SECONDS = 10;
const PHASES = ['open', 'offset', 'timestamp', 'filter', 'live', 'paint'];

interface Metric {
  id: string;
  label: string;
  value: number;
  unit: 'ms' | '%';
  /** None: shown for information. */
  target?: number;
  /** 'max': value must be ≤ target; 'under': value must be < target. */
  rule?: 'max' | 'under';
  runs?: number[];
  detail?: Record<string, unknown>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};
const round = (x: number) => Math.round(x * 10) / 10;
const met = (m: Metric): boolean | null => (m.target === undefined ? null : m.rule === 'under' ? m.value < m.target : m.value <= m.target);
const fmt = (v: number, unit: Metric['unit']) => (unit === '%' ? `${Math.round(v)} %` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
const row = (m: Metric) => {
  const ok = met(m);
  return `| ${m.label} | ${fmt(m.value, m.unit)} | ${m.target === undefined ? '—' : `${m.rule === 'under' ? '<' : '≤'} ${fmt(m.target, m.unit)}`} | ${ok === null ? '—' : ok ? 'yes' : '**no**'} |`;
};

function log(msg: string): void {
  process.stderr.write(`[bench:ui] ${msg}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'string' },
      runs: { type: 'string', default: '5' },
      messages: { type: 'string', default: '1000000' },
      profile: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const phases = new Set((values.only ?? PHASES.join(',')).split(','));
  for (const p of phases) if (!PHASES.includes(p)) throw new Error(`--only: unknown phase ${p} (phases: ${PHASES.join(', ')})`);
  const runs = Number(values.runs);
  const count = Number(values.messages);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(count) || count < NEEDLES * 10) {
    console.error(`usage: node --import tsx test/bench/ui.ts [--json FILE] [--runs N ≥ 1] [--messages N ≥ 600] [--profile DIR] [--only ${PHASES.join(',')}]`);
    process.exit(2);
  }
  if (!chromiumAvailable().available || !tool('kcat', 'kcat', ['-V']).available) {
    console.error('bench:ui needs Chromium (EDDY_CHROMIUM or /usr/bin/chromium) and kcat');
    process.exit(1);
  }
  process.once('SIGINT', () => process.exit(130));
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(' ');
  const work = mkdtempSync(join(tmpdir(), 'eddy-bench-ui-'));
  const env: NodeJS.ProcessEnv = { EDDY_APP_DATA_DIR: join(work, 'app') };
  const nodeArgs: string[] = [];
  if (values.profile) {
    const dir = resolve(values.profile);
    mkdirSync(dir, { recursive: true });
    // Worker threads (brokers, the filter sandbox) inherit the flag: one profile per thread.
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  let eddy: EddyProcess | undefined;
  let browser: import('playwright').Browser | undefined;
  process.once('exit', () => {
    eddy?.proc.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });
  try {
    mkdirSync(join(work, 'app'));
    eddy = runEddy(['--brokers', '3', '--port', '0', '--ui-port', '0', '--data-dir', join(work, 'data')], { env, nodeArgs });
    const bootstrap = await eddy.bootstrap;
    const uiLine = await waitFor(() => /^ui: (\S+)$/m.exec(eddy!.stdout()), { what: 'the ui: line', timeoutMs: 60_000 });
    const uiUrl = new URL(uiLine[1]!);
    const kafka = new kafkajs.Kafka({ clientId: 'bench-ui', brokers: bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }] });

    // ---- fill
    const file = join(work, 'values.txt');
    await writeValues(file, count);
    log(`producing ${count.toLocaleString('en')} × ${VALUE_BYTES} B with kcat…`);
    const fillStart = Date.now();
    await kcatProduceFile(bootstrap, TOPIC, file, 30 * 60_000);
    const fillEnd = Date.now();
    rmSync(file);
    const ends = await admin.fetchTopicOffsets(TOPIC);
    const total = ends.reduce((s, p) => s + Number(p.high), 0);
    if (total !== count) throw new Error(`the topic holds ${total} records, not ${count}`);
    const fillRate = Math.round(count / ((fillEnd - fillStart) / 1000));
    log(`filled in ${((fillEnd - fillStart) / 1000).toFixed(1)} s (${fillRate.toLocaleString('en')} msg/s)`);

    // ---- browser
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await preparePages(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${uiUrl.href}#/c/local/topics`);
    await page.getByTestId(`topic-row-${TOPIC}`).waitFor();
    const base = `#/c/local/topics/${TOPIC}`;
    const metrics: Metric[] = [];
    const settle = () => page.waitForTimeout(500);

    // Warm-up: one of each, not counted (first connections, JIT, the filter worker).
    await timeRowsAfterHash(page, `${base}/messages`);
    await page.evaluate(() => (location.hash = '#/c/local/topics'));
    await settle();

    const endOf = (p: number) => Number(ends.find((x) => x.partition === p)!.high);
    const goTo = async (hash: string, testid: string) => {
      await page.evaluate((h) => (location.hash = h), hash);
      await page.getByTestId(testid).waitFor();
    };
    /** n timed navigations (`one(i)` prepares run i and names the hash and a check of the first row) → one metric, their median. */
    const renderMetric = async (
      m: { id: string; label: string; target: number },
      n: number,
      one: (i: number) => Promise<{ hash: string; check: (t: RenderTiming) => string | null; clickLoadMore?: boolean }>,
    ) => {
      const times: RenderTiming[] = [];
      for (let i = 0; i < n; i++) {
        const { hash, check, clickLoadMore } = await one(i);
        await settle();
        const t = await timeRowsAfterHash(page, hash, { clickLoadMore: !!clickLoadMore, timeoutMs: clickLoadMore ? 300_000 : 60_000 });
        const wrong = check(t);
        if (wrong) throw new Error(`${m.id}: first row ${t.first.partition}:${t.first.offset}, ${wrong}`);
        times.push(t);
      }
      const clicks = times.map((t) => t.loadMoreClicks);
      metrics.push({ ...m, value: round(median(times.map((t) => t.ms))), unit: 'ms', rule: 'max', runs: times.map((t) => round(t.ms)), ...(clicks.some(Boolean) ? { detail: { loadMoreClicks: clicks } } : {}) });
      log(`${m.id}: ${times.map((t) => `${Math.round(t.ms)} ms${t.loadMoreClicks ? ` (${t.loadMoreClicks} Load more)` : ''}`).join(', ')}`);
    };

    // open latest: from the topics list to the topic's messages (latest, newest first)
    if (phases.has('open'))
      await renderMetric({ id: 'open-latest', label: 'open the browser at the end (latest, newest first) → rows', target: 300 }, runs, async () => {
        await goTo('#/c/local/topics', `topic-row-${TOPIC}`);
        return { hash: `${base}/messages`, check: (t) => (t.first.offset === endOf(t.first.partition) - 1 ? null : "not the partition's last record") };
      });

    // seek offset: partition i % 6, an offset spread over the partition
    if (phases.has('offset'))
      await renderMetric({ id: 'seek-offset', label: 'seek to an offset (one partition) → rows', target: 300 }, runs, async (i) => {
        const p = i % PARTITIONS;
        const offset = Math.floor((endOf(p) * (i + 0.5)) / runs);
        return { hash: `${base}/messages?start=offset&offset=${offset}&p=${p}&dir=forward`, check: (t) => (t.first.partition === p && t.first.offset === offset ? null : `not ${p}:${offset}`) };
      });

    // seek timestamp: all partitions, from the time of a record spread over the topic
    if (phases.has('timestamp'))
      await renderMetric({ id: 'seek-timestamp', label: 'seek to a timestamp (all partitions) → rows', target: 300 }, runs, async (i) => {
        const p = (i + 3) % PARTITIONS;
        const ts = await recordTimestamp(bootstrap, TOPIC, p, Math.floor((endOf(p) * (i + 0.5)) / runs));
        const at = await admin.fetchTopicOffsetsByTimestamp(TOPIC, ts);
        return {
          hash: `${base}/messages?start=timestamp&ts=${ts}&dir=forward`,
          check: (t) => {
            const expected = Number(at.find((x) => x.partition === t.first.partition)?.offset);
            return t.first.offset === expected ? null : `but that partition's offset for ${ts} is ${expected}`;
          },
        };
      });

    // filter: from the topic's page each time (the same query again would not start a new browse)
    if (phases.has('filter'))
      await renderMetric(
        { id: 'filter-substring', label: `filter the whole topic from earliest by a substring in its last ${NEEDLES} records → first match`, target: 2000 },
        Math.min(runs, 3),
        async () => {
          await goTo(base, 'topic-page');
          return {
            hash: `${base}/messages?start=earliest&dir=forward&value=${encodeURIComponent(NEEDLE)}`,
            check: (t) => (t.first.offset >= endOf(t.first.partition) - NEEDLES ? null : 'not among the last records'),
            clickLoadMore: true,
          };
        },
      );

    // live tail
    if (phases.has('live')) {
      await settle();
      await timeRowsAfterHash(page, `${base}/messages`);
      await page.getByTestId('live-toggle').click();
      await waitFor(async () => (await page.getByTestId('live-toggle').getAttribute('aria-pressed')) === 'true', { what: 'live tail on' });
      await page.waitForTimeout(1_000);
      // The same page with nothing arriving, first: what frame times this machine gives anyway.
      await startFrameRecorder(page);
      await page.waitForTimeout(5_000);
      const idle = await stopFrameRecorder(page);
      const before = Number(await page.getByTestId('loaded-count').getAttribute('data-count'));
      const cdp = values.profile ? await context.newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      await startFrameRecorder(page);
      const produced = await kcatProducePaced(bootstrap, TOPIC, LIVE_RATE, LIVE_SECONDS);
      const { frames, longTasks } = await stopFrameRecorder(page);
      const afterProducer = Number(await page.getByTestId('loaded-count').getAttribute('data-count'));
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(join(resolve(values.profile!), 'page-live-tail.cpuprofile'), JSON.stringify(profile));
        await cdp.detach();
      }
      // How long the tail needs to show the last of them.
      const behind = Date.now();
      await waitFor(async () => Number(await page.getByTestId('loaded-count').getAttribute('data-count')) >= before + produced.sent, { what: 'the tailed records', timeoutMs: 60_000 }).catch(() => undefined);
      const catchUpMs = Date.now() - behind;
      const after = Number(await page.getByTestId('loaded-count').getAttribute('data-count'));
      await page.getByTestId('live-toggle').click();
      const detail = {
        produced: produced.sent,
        achievedRate: Math.round(produced.sent / produced.seconds),
        rowsShownWhenProducerStopped: afterProducer - before,
        rowsShownAfterCatchUp: after - before,
        catchUpMs,
        frames: frames.length,
        framesOver50ms: frames.filter((f) => f >= 50).length,
        medianFrame: round(median(frames)),
        longTasks: longTasks.length,
        longestTask: round(Math.max(0, ...longTasks)),
        idleMaxFrame: round(Math.max(...idle.frames)),
        idleP99Frame: round(percentile(idle.frames, 99)),
        idleLongTasks: idle.longTasks.length,
      };
      metrics.push({ id: 'live-max-frame', label: `live tail at ${LIVE_RATE.toLocaleString('en')} msg/s: longest frame`, value: round(Math.max(...frames)), unit: 'ms', target: 50, rule: 'under', detail });
      metrics.push({ id: 'live-p99-frame', label: `live tail at ${LIVE_RATE.toLocaleString('en')} msg/s: p99 frame`, value: round(percentile(frames, 99)), unit: 'ms', target: 50, rule: 'under' });
      // Frame times mean little if the rows do not arrive: how far the view kept up.
      metrics.push({ id: 'live-shown', label: 'live tail: share of those records on screen when the producer stopped', value: round((100 * (afterProducer - before)) / produced.sent), unit: '%' });
      log(`live tail: ${JSON.stringify(detail)}`);
    }

    // first paint
    if (phases.has('paint')) {
      const fcp: number[] = [];
      const ready: number[] = [];
      for (let i = 0; i < runs; i++) {
        const tab = await context.newPage();
        const t0 = Date.now();
        await tab.goto(`${uiUrl.origin}/#/c/local/overview`);
        const p = await paintTimings(tab);
        await tab.getByTestId('stat-brokers-value').waitFor();
        ready.push(Date.now() - t0);
        fcp.push(p.firstContentfulPaint!);
        await tab.close();
      }
      metrics.push({ id: 'first-paint', label: 'UI first contentful paint (overview, new tab)', value: round(median(fcp)), unit: 'ms', target: 1000, rule: 'max', runs: fcp.map(round), detail: { overviewFiguresShownMs: ready } });
      log(`first contentful paint: ${fcp.map(Math.round).join(', ')} ms; overview figures after ${ready.join(', ')} ms`);
    }

    if (pageErrors.length) log(`page errors: ${pageErrors.join(' | ')}`);
    await admin.disconnect();

    // ---- report
    const machine = describeMachine();
    const lines = [
      `## Eddy UI benchmark — ${count.toLocaleString('en')} records × ${VALUE_BYTES} B, ${PARTITIONS} partitions, RF 3; medians of ${runs} runs (filter: ${Math.min(runs, 3)})`,
      '',
      `${machine.summary}; load average at start ${loadAtStart}. Fill: kcat at ${fillRate.toLocaleString('en')} msg/s. Chromium ${browser.version()}.`,
      '',
      '| metric | value | target | met? |',
      '| --- | ---: | ---: | :---: |',
      ...metrics.map(row),
      '',
      ...metrics.filter((m) => m.runs || m.detail).map((m) => `- ${m.id}: ${m.runs ? `runs ${m.runs.join(', ')} ms` : ''}${m.runs && m.detail ? '; ' : ''}${m.detail ? JSON.stringify(m.detail) : ''}`),
    ];
    console.log(lines.join('\n'));
    if (values.json) {
      writeFileSync(
        values.json,
        JSON.stringify(
          {
            startedAt,
            command: `npm run bench:ui -- ${process.argv.slice(2).join(' ')}`.trim(),
            machine,
            loadAtStart,
            records: count,
            valueBytes: VALUE_BYTES,
            partitions: PARTITIONS,
            fillRate,
            chromium: browser.version(),
            metrics: metrics.map((m) => ({ ...m, met: met(m) })),
            pageErrors,
          },
          null,
          2,
        ),
      );
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await eddy?.stop('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
