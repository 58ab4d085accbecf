// Splits a TCP byte stream into Kafka frames (int32 size + payload). Frames that sit inside one received
// chunk are returned as views; a frame spanning chunks is copied once into its own buffer.

export class FrameTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`frame of ${size} bytes exceeds socket.request.max.bytes (${limit})`);
  }
}

export class InvalidFrameSizeError extends Error {
  constructor(readonly size: number) {
    super(`invalid frame size ${size}`);
  }
}

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private nextSize = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds received bytes; returns complete frames (payload without the size prefix). Throws on a bad size. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.nextSize < 0) {
        if (this.buffered < 4) break;
        const size = this.peekInt32();
        if (size < 0) throw new InvalidFrameSizeError(size);
        if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
        this.consume(4);
        this.nextSize = size;
      }
      if (this.buffered < this.nextSize) break;
      frames.push(this.take(this.nextSize));
      this.nextSize = -1;
    }
    return frames;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.alloc(4);
    let n = 0;
    for (const c of this.chunks) {
      const k = Math.min(4 - n, c.length);
      c.copy(head, n, 0, k);
      n += k;
      if (n === 4) break;
    }
    return head.readInt32BE(0);
  }

  private consume(n: number): void {
    this.take(n);
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - filled, c.length);
      c.copy(out, filled, 0, k);
      filled += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}
