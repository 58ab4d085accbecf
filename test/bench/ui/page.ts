// In-page measurements for the UI benchmark: each runs inside the page (page.evaluate), so the times are the
// page's own clock and include no round trip to Playwright.
import type { BrowserContext, Page } from 'playwright';

/**
 * tsx compiles this file with esbuild's keepNames, which wraps named functions in a `__name(fn, "name")` helper
 * that does not exist in the page: give the page one before any of these functions runs there.
 */
export async function preparePages(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
}

export interface RenderTiming {
  /** Navigation → the new rows painted (ms). */
  ms: number;
  /** The first new row: partition, offset, and its timestamp cell. */
  first: { partition: number; offset: number };
  /** "Load more" clicks needed before a row showed (a filter whose scan hit the backend's time budget). */
  loadMoreClicks: number;
}

/**
 * Sets location.hash (the same route change the toolbar's Run makes) and times it until rows of the new view are
 * painted: a MutationObserver sees the first row that was not on the page before, then one frame later (rAF, then a
 * task after it) the rows are on screen. With `clickLoadMore`, an empty view whose scan stopped at the time budget
 * gets "Load more" clicked, as a user would, until a row shows.
 */
export function timeRowsAfterHash(page: Page, hash: string, opts: { clickLoadMore?: boolean; timeoutMs?: number } = {}): Promise<RenderTiming> {
  return page.evaluate(
    ({ hash, clickLoadMore, timeoutMs }) =>
      new Promise<RenderTiming>((resolve, reject) => {
        const ROW = '[data-testid="message-row"]';
        const DONE = '[data-testid="browse-done"]';
        for (const r of document.querySelectorAll(`${ROW}, ${DONE}`)) r.setAttribute('data-stale', '');
        let clicks = 0;
        let done = false;
        const t0 = performance.now();
        const finish = (row: Element) => {
          done = true;
          observer.disconnect();
          clearTimeout(timer);
          requestAnimationFrame(() =>
            setTimeout(() =>
              resolve({
                ms: performance.now() - t0,
                first: { partition: Number(row.getAttribute('data-partition')), offset: Number(row.getAttribute('data-offset')) },
                loadMoreClicks: clicks,
              }),
            ),
          );
        };
        const check = () => {
          if (done) return;
          const row = document.querySelector(`${ROW}:not([data-stale])`);
          if (row) return finish(row);
          if (document.querySelector(`${DONE}:not([data-stale])`)) {
            done = true;
            observer.disconnect();
            clearTimeout(timer);
            return reject(new Error(`${hash} read to the end and found no rows`));
          }
          if (clickLoadMore) {
            const more = document.querySelector<HTMLButtonElement>('[data-testid="load-more"]');
            if (more && !more.disabled) {
              clicks++;
              more.click();
            }
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`no rows ${timeoutMs} ms after ${hash} (${clicks} Load more clicks)`));
        }, timeoutMs);
        location.hash = hash;
      }),
    { hash, clickLoadMore: opts.clickLoadMore ?? false, timeoutMs: opts.timeoutMs ?? 60_000 },
  );
}

/** Starts recording requestAnimationFrame deltas and long tasks in the page. */
export async function startFrameRecorder(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __longTasks: number[]; __recording: boolean; __observer?: PerformanceObserver };
    w.__frames = [];
    w.__longTasks = [];
    w.__recording = true;
    let last = -1;
    const tick = (t: number) => {
      if (!w.__recording) return;
      if (last >= 0) w.__frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      w.__observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      });
      w.__observer.observe({ type: 'longtask', buffered: false });
    } catch {
      // no Long Tasks API: frames only
    }
  });
}

export async function stopFrameRecorder(page: Page): Promise<{ frames: number[]; longTasks: number[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __longTasks: number[]; __recording: boolean; __observer?: PerformanceObserver };
    w.__recording = false;
    w.__observer?.disconnect();
    return { frames: w.__frames, longTasks: w.__longTasks };
  });
}

/** first-paint / first-contentful-paint of the page's last navigation (ms from navigation start). */
export async function paintTimings(page: Page): Promise<{ firstPaint: number | null; firstContentfulPaint: number | null }> {
  // Paint entries appear once the frame is presented; wait for the FCP one.
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 30_000 });
  return page.evaluate(() => ({
    firstPaint: performance.getEntriesByName('first-paint')[0]?.startTime ?? null,
    firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
  }));
}
