import type { Reporter, TestModule } from 'vitest/node';

/** Prints one line CI logs can be grepped for: the overall verdict and the counts behind it. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file whose setup failed (beforeAll, import) leaves its tests unrun: count the file as a failure.
      if (m.state() === 'failed' && ![...m.children.allTests()].some((t) => t.result().state === 'failed')) failed++;
    }
    const verdict = failed === 0 ? 'PASS' : 'FAIL';
    console.log(`\nEDDY TESTS ${verdict}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
