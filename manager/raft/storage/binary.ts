import { FlotillaError } from '../../../lib/errors.js';

/** 2^32: the split point of the two little-endian u32 halves of a u64. */
const TWO_32 = 0x1_0000_0000;

/** Appends little-endian fixed-width fields to a growing buffer. */
export class ByteWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialCapacity = 64) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  u8(value: number): this {
    this.reserve(1);
    this.buf.writeUInt8(value, this.len);
    this.len += 1;
    return this;
  }

  u32(value: number): this {
    this.reserve(4);
    this.buf.writeUInt32LE(value, this.len);
    this.len += 4;
    return this;
  }

  /** A non-negative safe integer as a u64 (low half first). */
  u64(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new FlotillaError('INTERNAL', `cannot encode ${value} as u64: not a non-negative safe integer`);
    }
    this.reserve(8);
    this.buf.writeUInt32LE(value % TWO_32, this.len);
    this.buf.writeUInt32LE(Math.floor(value / TWO_32), this.len + 4);
    this.len += 8;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** Overwrites a u32 written earlier (e.g. a length or checksum known only later). */
  patchU32(offset: number, value: number): void {
    this.buf.writeUInt32LE(value, offset);
  }

  /** A view of the bytes written so far (valid until the next write). */
  view(start = 0, end = this.len): Buffer {
    return this.buf.subarray(start, end);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }
}

/**
 * Reads little-endian fixed-width fields. Running past the end, or a u64 beyond 2^53,
 * throws CORRUPT naming `what` (the thing being decoded).
 */
export class ByteReader {
  private pos = 0;
  private readonly view: Buffer;

  constructor(
    data: Uint8Array,
    private readonly what: string,
  ) {
    this.view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  get remaining(): number {
    return this.view.length - this.pos;
  }

  u8(): number {
    this.need(1);
    const v = this.view.readUInt8(this.pos);
    this.pos += 1;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const lo = this.view.readUInt32LE(this.pos);
    const hi = this.view.readUInt32LE(this.pos + 4);
    this.pos += 8;
    const v = hi * TWO_32 + lo;
    if (!Number.isSafeInteger(v)) throw this.corrupt(`u64 ${hi}:${lo} exceeds 2^53`);
    return v;
  }

  /** A copy of the next `n` bytes, so the result does not pin the (possibly large) source buffer. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = new Uint8Array(this.view.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** Asserts that every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) throw this.corrupt(`${this.remaining} unexpected trailing bytes`);
  }

  private need(n: number): void {
    if (this.remaining < n) throw this.corrupt(`truncated: needs ${n} more bytes, has ${this.remaining}`);
  }

  private corrupt(detail: string): FlotillaError {
    return new FlotillaError('CORRUPT', `cannot decode ${this.what}: ${detail}`);
  }
}
