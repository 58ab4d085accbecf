// The cleaner's key → latest offset map against a Map keyed by strings.
import { describe, expect, test } from 'vitest';
import { KeyOffsetMap } from '../../worker/broker/log/key-offset-map.js';

describe('KeyOffsetMap', () => {
  test('agrees with a Map on random keys read from inside larger buffers, through many growths', () => {
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
    const map = new KeyOffsetMap();
    const model = new Map<string, number>();
    // Few distinct byte values and short lengths: many keys share prefixes, lengths and hash slots.
    const keyOf = () => Buffer.from(Array.from({ length: Math.floor(rnd() * 6) }, () => Math.floor(rnd() * 4)));
    for (let i = 0; i < 200_000; i++) {
      const key = rnd() < 0.5 ? keyOf() : Buffer.from(`key-${Math.floor(rnd() * 30_000)}`);
      // The key sits somewhere inside a record body, not at the start of its own buffer.
      const pad = Math.floor(rnd() * 8);
      const buf = Buffer.concat([Buffer.alloc(pad, 0xee), key, Buffer.alloc(3, 0xee)]);
      const name = key.toString('latin1');
      if (rnd() < 0.6) {
        map.set(buf, pad, key.length, i);
        model.set(name, i);
      } else {
        expect(map.get(buf, pad, key.length)).toBe(model.get(name) ?? -1);
      }
    }
    expect(map.size).toBe(model.size);
    for (const [name, offset] of model) {
      const key = Buffer.from(name, 'latin1');
      expect(map.get(key, 0, key.length)).toBe(offset);
    }
  });
});
