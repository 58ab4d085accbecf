// Periodic refresh for live pages: runs `tick` now and then every `ms`, never two at once (a slow backend does not
// pile up calls), and not while the page is hidden (a background tab costs nothing). Returns the stop function, so a
// component can hand it straight to $effect: `$effect(() => every(2000, () => feed.tick()))`.
export function every(ms: number, tick: () => Promise<unknown> | unknown): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    if (stopped) return;
    if (typeof document === 'undefined' || !document.hidden) {
      try {
        await tick();
      } catch {
        // The tick records its own errors (a Resource keeps them for the page).
      }
    }
    if (!stopped) timer = setTimeout(run, ms);
  };
  const onVisible = () => {
    if (!document.hidden && !stopped) {
      clearTimeout(timer);
      void run();
    }
  };
  document.addEventListener('visibilitychange', onVisible);
  // Not synchronously: called from an $effect, the first tick's reads of state would become the effect's
  // dependencies, and every change they see would restart the poller.
  queueMicrotask(() => void run());
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
