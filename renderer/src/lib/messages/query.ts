// The message browser's query lives in the URL (#/c/<conn>/topics/<t>/messages?start=…): a view can be bookmarked,
// shared and reached with Back. These functions map that query string to the contract's BrowseQuery and back.
import type { BrowseQuery, MessageFilter, StartPosition } from '../../../../main/contract/ui-api.js';
import type { DecodeMode } from './decode.js';
import { DECODE_MODES } from './decode.js';

export type StartKind = StartPosition['kind'];
export const START_KINDS: readonly StartKind[] = ['latest', 'earliest', 'offset', 'timestamp', 'group'];

/** Everything the browser's toolbar edits, as plain values (strings where the user types). */
export interface BrowseParams {
  start: StartKind;
  offset: number;
  /** ms since the epoch */
  timestamp: number;
  groupId: string;
  /** null: all partitions */
  partition: number | null;
  direction: 'forward' | 'backward';
  limit: number;
  key: string;
  value: string;
  header: string;
  expression: string;
  decode: DecodeMode;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

export function defaultParams(): BrowseParams {
  // The usual first look at a topic: its newest records, newest first.
  return { start: 'latest', offset: 0, timestamp: Date.now() - 3_600_000, groupId: '', partition: null, direction: 'backward', limit: DEFAULT_LIMIT, key: '', value: '', header: '', expression: '', decode: 'auto' };
}

function int(v: string | null, fallback: number): number {
  if (v === null || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

export function parseParams(q: URLSearchParams): BrowseParams {
  const d = defaultParams();
  const start = q.get('start') as StartKind | null;
  const decode = q.get('decode') as DecodeMode | null;
  const p = q.get('p');
  return {
    start: start && START_KINDS.includes(start) ? start : d.start,
    offset: int(q.get('offset'), d.offset),
    timestamp: int(q.get('ts'), d.timestamp),
    groupId: q.get('group') ?? '',
    partition: p === null || p === '' ? null : int(p, 0),
    direction: q.get('dir') === 'forward' ? 'forward' : q.get('dir') === 'backward' ? 'backward' : start && start !== 'latest' ? 'forward' : d.direction,
    limit: Math.min(MAX_LIMIT, Math.max(1, int(q.get('limit'), d.limit))),
    key: q.get('key') ?? '',
    value: q.get('value') ?? '',
    header: q.get('header') ?? '',
    expression: q.get('expr') ?? '',
    decode: decode && DECODE_MODES.includes(decode) ? decode : 'auto',
  };
}

export function paramsToSearch(p: BrowseParams): URLSearchParams {
  const q = new URLSearchParams();
  q.set('start', p.start);
  if (p.start === 'offset') q.set('offset', String(p.offset));
  if (p.start === 'timestamp') q.set('ts', String(p.timestamp));
  if (p.start === 'group') q.set('group', p.groupId);
  if (p.partition !== null) q.set('p', String(p.partition));
  q.set('dir', p.direction);
  if (p.limit !== DEFAULT_LIMIT) q.set('limit', String(p.limit));
  if (p.key) q.set('key', p.key);
  if (p.value) q.set('value', p.value);
  if (p.header) q.set('header', p.header);
  if (p.expression) q.set('expr', p.expression);
  if (p.decode !== 'auto') q.set('decode', p.decode);
  return q;
}

export function startPosition(p: BrowseParams): StartPosition {
  switch (p.start) {
    case 'earliest':
      return { kind: 'earliest' };
    case 'latest':
      return { kind: 'latest' };
    case 'offset':
      return { kind: 'offset', offset: p.offset };
    case 'timestamp':
      return { kind: 'timestamp', timestamp: p.timestamp };
    case 'group':
      return { kind: 'group', groupId: p.groupId };
  }
}

export function filterOf(p: BrowseParams): MessageFilter | undefined {
  const f: MessageFilter = {};
  if (p.key) f.key = p.key;
  if (p.value) f.value = p.value;
  if (p.header) f.header = p.header;
  if (p.expression.trim()) f.expression = p.expression;
  return Object.keys(f).length ? f : undefined;
}

export function toBrowseQuery(topic: string, p: BrowseParams, extra: Partial<BrowseQuery> = {}): BrowseQuery {
  const q: BrowseQuery = { topic, start: startPosition(p), direction: p.direction, limit: p.limit };
  if (p.partition !== null) q.partitions = [p.partition];
  const filter = filterOf(p);
  if (filter) q.filter = filter;
  return { ...q, ...extra };
}

/** `datetime-local` input value for a timestamp, in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 23);
}

export function fromLocalInput(s: string): number | null {
  const ms = new Date(s).getTime();
  return Number.isFinite(ms) ? ms : null;
}
