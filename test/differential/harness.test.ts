// The comparison itself, without any broker: paths, normalizers, known gaps (exact values only), and the report.
import { describe, expect, test } from 'vitest';
import { compare, formatDifferences, keyBy, parsePattern, uuidShape, type Allow } from './harness.js';

describe('differential harness', () => {
  test('patterns: fields, indexes, wildcards, quoted keys', () => {
    expect(parsePattern('topics[*].partitions[0].leaderId')).toEqual(['topics', '*', 'partitions', '0', 'leaderId']);
    expect(parsePattern('**.configs["min.insync.replicas"].value')).toEqual(['**', 'configs', 'min.insync.replicas', 'value']);
    expect(parsePattern('')).toEqual([]);
  });

  test('equal answers have no differences; different leaves are reported with their paths', () => {
    expect(compare({ a: [1, { b: 2n }] }, { a: [1, { b: 2n }] }).failures).toEqual([]);
    const { failures } = compare({ a: [1, { b: 2n }], c: 'x' }, { a: [1, { b: 3n }, 4] });
    expect(failures.map((d) => d.path)).toEqual(['a[1].b', 'a[2]', 'c']);
    expect(formatDifferences('t', failures)).toContain('a[1].b: eddy 2n vs kafka 3n');
    expect(formatDifferences('t', failures)).toContain('a[2]: eddy (absent) vs kafka 4');
  });

  test('normalizers apply to both sides, and comparison continues inside their result', () => {
    const allow: Allow[] = [
      { path: 'ts', reason: 'r', normalize: uuidShape },
      { path: 'items', reason: 'r', normalize: keyBy('name') },
    ];
    const eddy = { ts: 'AAAAAAAAAAAAAAAAAAAAAQ', items: [{ name: 'x', v: 1 }, { name: 'y', v: 2 }] };
    const kafka = { ts: 'BBBBBBBBBBBBBBBBBBBBBQ', items: [{ name: 'y', v: 3 }, { name: 'x', v: 1 }] };
    expect(compare(eddy, kafka, allow).failures.map((d) => d.path)).toEqual(['items.y.v']);
  });

  test('a known gap tolerates exactly its values; any other value is still a failure', () => {
    const gap: Allow[] = [{ path: 'code', reason: 'known', eddy: 2, kafka: 87 }];
    expect(compare({ code: 2 }, { code: 87 }, gap)).toMatchObject({ failures: [], tolerated: [{ path: 'code' }] });
    expect(compare({ code: 3 }, { code: 87 }, gap).failures).toHaveLength(1);
    expect(compare({ code: 87 }, { code: 87 }, gap)).toEqual({ failures: [], tolerated: [] });
    const cases: Allow[] = [{ path: 'v', reason: 'known', cases: [{ eddy: [5], kafka: [3, 5] }, { eddy: [1, 5], kafka: [1, 3, 5] }] }];
    expect(compare({ v: [1, 5] }, { v: [1, 3, 5] }, cases).failures).toEqual([]);
    expect(compare({ v: [5] }, { v: [1, 3, 5] }, cases).failures).not.toEqual([]);
  });

  test('an ignore entry (no normalizer, no values) skips the subtree', () => {
    expect(compare({ t: 1, x: 1 }, { t: 9, x: 1 }, [{ path: '**.t', reason: 'timing' }]).failures).toEqual([]);
  });
});
