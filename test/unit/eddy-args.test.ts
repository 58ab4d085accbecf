// The Electron entry point keeps only Eddy's flags from a command line that also carries Chromium switches.
import { describe, expect, test } from 'vitest';
import { eddyArgsOnly, parseHeadlessArgs } from '../../main/cli/args.js';

describe('eddyArgsOnly', () => {
  test('drops the app path and Chromium switches, keeps Eddy flags in both forms', () => {
    const argv = ['.', '--no-sandbox', '--brokers', '2', '--remote-debugging-port=9222', '--port=0', '--data-dir', '/tmp/x', '--no-ui', '--enable-logging'];
    expect(eddyArgsOnly(argv)).toEqual(['--brokers', '2', '--port=0', '--data-dir', '/tmp/x', '--no-ui']);
    const parsed = parseHeadlessArgs(eddyArgsOnly(argv));
    expect(parsed.kind).toBe('run');
    if (parsed.kind === 'run') expect(parsed.options).toMatchObject({ brokers: 2, port: 0, dataDir: '/tmp/x', uiPort: null });
  });

  test('a packaged app passes only switches: the defaults apply', () => {
    expect(eddyArgsOnly(['--no-sandbox', '--disable-gpu'])).toEqual([]);
  });
});
