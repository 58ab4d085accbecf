import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { compressSync as snappyRaw } from 'snappy';
import { compressFrameSync } from 'lz4-napi';
import { compress as zstdOneShot } from 'zstd-napi';
import { describe, expect, it } from 'vitest';
import {
  Compression,
  CompressionError,
  DecompressionLimitError,
  UnsupportedCompressionError,
  XERIAL_MAGIC,
  compress,
  compressAsync,
  compressionName,
  decompress,
  decompressAsync,
  isXerialSnappy,
} from '../../worker/protocol/records/index.js';
import { ProtocolError } from '../../worker/protocol/primitives.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/records/frames/${name}`, import.meta.url));

function pseudoRandom(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const text = Buffer.from(Array.from({ length: 5000 }, (_, i) => `record ${i} some repeated text`).join('\n'));
const inputs: Record<string, Buffer> = {
  empty: Buffer.alloc(0),
  oneByte: Buffer.from([7]),
  text,
  random: pseudoRandom(300_000),
  zeros: Buffer.alloc(1_000_000),
};
const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

describe('compress/decompress round trips', () => {
  for (const name of codecs) {
    for (const [label, data] of Object.entries(inputs)) {
      it(`${name}: ${label} (${data.length} bytes)`, async () => {
        const codec = Compression[name];
        const packed = compress(codec, data);
        expect(decompress(codec, packed).equals(data)).toBe(true);
        expect((await decompressAsync(codec, packed)).equals(data)).toBe(true);
        expect((await compressAsync(codec, data)).length).toBeGreaterThanOrEqual(0);
        if (name !== 'none' && label === 'zeros') expect(packed.length).toBeLessThan(data.length / 10);
      });
    }
  }

  it('names codecs as Kafka does and rejects unknown ids', () => {
    expect(codecs.map((c) => compressionName(Compression[c]))).toEqual([...codecs]);
    expect(() => compressionName(5)).toThrow(UnsupportedCompressionError);
    expect(() => compress(6, Buffer.alloc(1))).toThrow(UnsupportedCompressionError);
    expect(() => decompress(7, Buffer.alloc(1))).toThrow(ProtocolError);
  });
});

describe('snappy framing', () => {
  it('writes xerial framing like snappy-java: magic, version 1, compat 1, 32 KiB chunks', () => {
    const data = pseudoRandom(100_000);
    const packed = compress(Compression.snappy, data);
    expect(isXerialSnappy(packed)).toBe(true);
    expect(packed.subarray(0, 8).equals(XERIAL_MAGIC)).toBe(true);
    expect(packed.readInt32BE(8)).toBe(1);
    expect(packed.readInt32BE(12)).toBe(1);
    // Walk the chunks: 100_000 bytes -> 4 chunks of <= 32 KiB input each.
    let at = 16;
    let chunks = 0;
    while (at < packed.length) {
      at += 4 + packed.readInt32BE(at);
      chunks++;
    }
    expect(at).toBe(packed.length);
    expect(chunks).toBe(4);
  });

  it('reads raw snappy (what librdkafka writes)', () => {
    for (const data of [text, pseudoRandom(70_000), Buffer.alloc(0)]) {
      const raw = snappyRaw(data);
      expect(isXerialSnappy(raw)).toBe(false);
      expect(decompress(Compression.snappy, raw).equals(data)).toBe(true);
    }
  });

  it('reads xerial framing with arbitrary chunk sizes and empty chunks', () => {
    const a = text.subarray(0, 100_000);
    const b = text.subarray(100_000);
    const chunk = (buf: Buffer) => {
      const c = snappyRaw(buf);
      const len = Buffer.alloc(4);
      len.writeInt32BE(c.length);
      return Buffer.concat([len, c]);
    };
    const header = Buffer.concat([XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
    const framed = Buffer.concat([header, chunk(a), Buffer.alloc(4), chunk(b)]);
    expect(decompress(Compression.snappy, framed).equals(text)).toBe(true);
    expect(decompress(Compression.snappy, header).length).toBe(0);
  });

  it('rejects truncated or inconsistent xerial chunks', () => {
    const packed = compress(Compression.snappy, text);
    expect(() => decompress(Compression.snappy, packed.subarray(0, packed.length - 3))).toThrow(CompressionError);
    expect(() => decompress(Compression.snappy, packed.subarray(0, 18))).toThrow(CompressionError);
    const bad = Buffer.from(packed);
    bad.writeInt32BE(-5, 16);
    expect(() => decompress(Compression.snappy, bad)).toThrow(CompressionError);
    expect(() => decompress(Compression.snappy, Buffer.from([0xff, 0xff, 0xff]))).toThrow(CompressionError);
  });
});

describe('lz4 frames', () => {
  const plain = fixture('plain.bin');

  it('writes a standard frame with the flags the Java client uses (v1, independent blocks, no checksums/size)', () => {
    const packed = compress(Compression.lz4, text);
    expect(packed.readUInt32LE(0)).toBe(0x184d2204);
    const flg = packed[4]!;
    expect(flg >> 6).toBe(1); // version
    expect(flg & 0x20).toBe(0x20); // block independence
    expect(flg & 0x1d).toBe(0); // no block checksum, content size, content checksum, dict id
  });

  it('reads frames from the lz4 CLI: linked blocks + block checksums + content size, and 4 MiB blocks', () => {
    expect(decompress(Compression.lz4, fixture('lz4-linked-checksums-size.lz4')).equals(plain)).toBe(true);
    expect(decompress(Compression.lz4, fixture('lz4-4m-blocks.lz4')).equals(plain)).toBe(true);
  });

  it('bounds output by content size, block size, or an exact sequence scan', () => {
    const linked = fixture('lz4-linked-checksums-size.lz4'); // declares its content size
    expect(() => decompress(Compression.lz4, linked, { maxBytes: plain.length - 1 })).toThrow(DecompressionLimitError);
    expect(decompress(Compression.lz4, linked, { maxBytes: plain.length }).length).toBe(plain.length);
    const big = fixture('lz4-4m-blocks.lz4'); // no content size, 4 MiB block bound: exact scan decides
    expect(() => decompress(Compression.lz4, big, { maxBytes: plain.length - 1 })).toThrow(DecompressionLimitError);
    expect(decompress(Compression.lz4, big, { maxBytes: plain.length }).length).toBe(plain.length);
  });

  it('rejects garbage and truncation', () => {
    const packed = compress(Compression.lz4, text);
    expect(() => decompress(Compression.lz4, packed.subarray(0, packed.length - 5))).toThrow(CompressionError);
    expect(() => decompress(Compression.lz4, Buffer.from('not lz4 at all'))).toThrow(CompressionError);
    expect(() => decompress(Compression.lz4, Buffer.alloc(0))).toThrow(CompressionError);
  });
});

describe('corrupted compressed data', () => {
  // Flipped bytes must give either some output (codecs without checksums cannot always tell; the batch CRC does)
  // or a ProtocolError - never another exception type, a crash or a hang.
  for (const name of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`${name}: 300 random corruptions`, () => {
      const codec = Compression[name];
      const packed = compress(codec, text.subarray(0, 20_000));
      const rnd = pseudoRandom(900, 7 + codec);
      for (let i = 0; i < 300; i++) {
        const bad = Buffer.from(packed);
        const at = (rnd[3 * i]! * 256 + rnd[3 * i + 1]!) % bad.length;
        bad[at] ^= rnd[3 * i + 2]! | 1;
        const cut = i % 3 === 0 ? bad.subarray(0, at) : bad;
        try {
          decompress(codec, cut, { maxBytes: 1_000_000 });
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }
    });
  }
});

describe('zstd frames', () => {
  const plain = fixture('plain.bin');

  it('reads streamed frames without a content size (zstd CLI from a pipe, the Java client)', () => {
    const streamed = fixture('zstd-streamed.zst');
    expect(decompress(Compression.zstd, streamed).equals(plain)).toBe(true);
    expect(() => decompress(Compression.zstd, streamed, { maxBytes: plain.length - 1 })).toThrow(DecompressionLimitError);
  });

  it('reads concatenated frames', () => {
    const both = Buffer.concat([zstdOneShot(text), fixture('zstd-streamed.zst')]);
    expect(decompress(Compression.zstd, both).equals(Buffer.concat([text, plain]))).toBe(true);
  });

  it('rejects garbage and truncation', () => {
    const packed = compress(Compression.zstd, pseudoRandom(10_000));
    expect(() => decompress(Compression.zstd, packed.subarray(0, packed.length - 10))).toThrow(CompressionError);
    expect(() => decompress(Compression.zstd, Buffer.from('definitely not zstd'))).toThrow(CompressionError);
    expect(() => decompress(Compression.zstd, Buffer.alloc(0))).toThrow(CompressionError);
    const streamed = fixture('zstd-streamed.zst');
    expect(() => decompress(Compression.zstd, streamed.subarray(0, streamed.length - 20))).toThrow(CompressionError);
    // The shared decoder context recovers after an error.
    expect(decompress(Compression.zstd, streamed).equals(plain)).toBe(true);
  });
});

describe('decompression bombs', () => {
  // 64 MiB of zeros packs into a few KiB with every codec; a 1 MiB bound must stop each one early.
  const bomb = Buffer.alloc(64 * 1024 * 1024);
  const limit = 1024 * 1024;
  for (const name of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`${name}: rejects output beyond maxBytes`, async () => {
      const codec = Compression[name];
      const packed = compress(codec, bomb);
      expect(packed.length).toBeLessThan(4 * 1024 * 1024);
      expect(() => decompress(codec, packed, { maxBytes: limit })).toThrow(DecompressionLimitError);
      await expect(decompressAsync(codec, packed, { maxBytes: limit })).rejects.toThrow(DecompressionLimitError);
    });
  }

  it('zstd: frames without a content size (streaming path) stop at the bound', () => {
    const streamed = fixture('zstd-streamed.zst');
    const plainLength = fixture('plain.bin').length;
    const many = Buffer.concat(Array.from({ length: 40 }, () => streamed));
    expect(() => decompress(Compression.zstd, many, { maxBytes: 100_000 })).toThrow(DecompressionLimitError);
    expect(decompress(Compression.zstd, many, { maxBytes: 40 * plainLength }).length).toBe(40 * plainLength);
  });

  it('gzip: the bound also applies to concatenated members; maxBytes 0 accepts only empty output', () => {
    const twoMembers = Buffer.concat([gzipSync(text), gzipSync(text)]);
    expect(decompress(Compression.gzip, twoMembers).length).toBe(2 * text.length);
    expect(() => decompress(Compression.gzip, twoMembers, { maxBytes: text.length })).toThrow(DecompressionLimitError);
    expect(decompress(Compression.gzip, gzipSync(Buffer.alloc(0)), { maxBytes: 0 }).length).toBe(0);
    expect(() => decompress(Compression.gzip, gzipSync(Buffer.alloc(1)), { maxBytes: 0 })).toThrow(DecompressionLimitError);
  });

  it('lz4: a frame that claims a huge content size is rejected before decoding', () => {
    const frame = compressFrameSync(text);
    // Rebuild the header with the content-size flag and a 1 TiB size (the header checksum is then wrong, but the
    // bound check runs first and must fire regardless).
    const header = Buffer.alloc(15);
    header.writeUInt32LE(0x184d2204, 0);
    header[4] = frame[4]! | 0x08;
    header[5] = frame[5]!;
    header.writeBigUInt64LE(1n << 40n, 6);
    const lying = Buffer.concat([header, frame.subarray(7)]);
    expect(() => decompress(Compression.lz4, lying, { maxBytes: limit })).toThrow(DecompressionLimitError);
  });
});
