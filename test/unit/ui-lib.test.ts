// Pure parts of the GUI shell: the command palette's fuzzy matcher, the connect form's checks and the table sort.
import { describe, expect, test } from 'vitest';
import { emptyConnectForm, toConnectionParams, validateConnectForm } from '../../renderer/src/lib/connect-form.js';
import { fuzzyMatch, fuzzyRank } from '../../renderer/src/lib/fuzzy.js';
import { sortRows, type Column } from '../../renderer/src/lib/table.js';

describe('fuzzyMatch', () => {
  test('characters in order, case-insensitive; none out of order', () => {
    expect(fuzzyMatch('ordrs', 'orders')?.positions).toEqual([0, 1, 2, 4, 5]);
    expect(fuzzyMatch('ORD', 'orders')).not.toBeNull();
    expect(fuzzyMatch('sro', 'orders')).toBeNull();
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, positions: [] });
  });

  test('prefers word starts without losing a match that exists', () => {
    expect(fuzzyMatch('pe', 'payments.events')?.positions).toEqual([0, 9]);
    // Jumping to the word start "a" of "-a" would leave no "c" after it: the earlier "a" is kept.
    expect(fuzzyMatch('ac', 'xabc-a')?.positions).toEqual([1, 3]);
  });

  test('ranks a substring above a scattered match, an earlier one above a later one, a shorter one on ties', () => {
    const ranked = fuzzyRank('orders', ['payments', 'o-r-d-e-r-s', 'old-orders', 'orders-dlq', 'orders'], { label: (s) => s }).map((r) => r.item);
    expect(ranked).toEqual(['orders', 'orders-dlq', 'old-orders', 'o-r-d-e-r-s']);
    expect(fuzzyRank('', ['b', 'a'], { label: (s) => s }).map((r) => r.item)).toEqual(['b', 'a']);
  });
});

describe('fuzzyRank (the command palette)', () => {
  const items = [
    { label: 'Broker 0', kind: 'broker', keywords: undefined },
    { label: 'Brokers', kind: 'page', keywords: 'g b nodes' },
    { label: 'Kill broker 2', kind: 'action', keywords: 'local fault' },
    { label: 'Settings', kind: 'page', keywords: 'g s preferences theme' },
  ];
  const rank = (q: string) => fuzzyRank(q, items, { label: (i) => i.label, keywords: (i) => i.keywords, bonus: (i) => (i.kind === 'page' ? 40 : 0) }).map((r) => r.item.label);
  test('a page beats a broker on the same prefix; keywords match only below label matches', () => {
    expect(rank('brok')).toEqual(['Brokers', 'Broker 0', 'Kill broker 2']);
    expect(rank('theme')).toEqual(['Settings']);
    expect(rank('kill 2')[0]).toBe('Kill broker 2');
    expect(rank('')).toEqual(items.map((i) => i.label));
  });
});

describe('connect form', () => {
  test('needs host:port servers, and a user and password with SASL', () => {
    const f = emptyConnectForm();
    expect(validateConnectForm(f).bootstrapServers).toMatch(/host:port/);
    f.bootstrapServers = 'a:9092, b';
    expect(validateConnectForm(f).bootstrapServers).toContain('“b”');
    f.bootstrapServers = 'kafka-1.example.com:9092,10.0.0.2:9093,[::1]:9094';
    expect(validateConnectForm(f)).toEqual({});
    f.bootstrapServers = 'a:70000';
    expect(validateConnectForm(f).bootstrapServers).toBeDefined();
    f.bootstrapServers = 'a:9092';
    f.security = 'SCRAM-SHA-512';
    expect(Object.keys(validateConnectForm(f)).sort()).toEqual(['password', 'username']);
    f.tls = true;
    f.caFile = '/etc/ca.key';
    expect(validateConnectForm(f).caFile).toBeDefined();
  });

  test('builds the contract parameters: trimmed servers, SASL and TLS only when chosen', () => {
    const f = { ...emptyConnectForm(), bootstrapServers: ' a:1 , b:2 ', name: ' prod ' };
    expect(toConnectionParams(f)).toEqual({ bootstrapServers: 'a:1,b:2', name: 'prod' });
    Object.assign(f, { security: 'PLAIN', username: 'u', password: 'p', tls: true, caFile: '', rejectUnauthorized: false });
    expect(toConnectionParams(f)).toEqual({ bootstrapServers: 'a:1,b:2', name: 'prod', sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' }, tls: { rejectUnauthorized: false } });
  });
});

describe('sortRows', () => {
  const rows = [
    { name: 'b10', size: 5 as number | null },
    { name: 'b9', size: null },
    { name: 'a', size: 7 },
  ];
  const columns: Column<(typeof rows)[number]>[] = [
    { id: 'name', label: 'Name', value: (r) => r.name },
    { id: 'size', label: 'Size', value: (r) => r.size, num: true },
  ];
  test('natural order for text, numeric for numbers, missing values last in both directions', () => {
    expect(sortRows(rows, columns, { column: 'name', dir: 'asc' }).map((r) => r.name)).toEqual(['a', 'b9', 'b10']);
    expect(sortRows(rows, columns, { column: 'size', dir: 'asc' }).map((r) => r.name)).toEqual(['b10', 'a', 'b9']);
    expect(sortRows(rows, columns, { column: 'size', dir: 'desc' }).map((r) => r.name)).toEqual(['a', 'b10', 'b9']);
    expect(sortRows(rows, columns, null)).toBe(rows);
  });
});
