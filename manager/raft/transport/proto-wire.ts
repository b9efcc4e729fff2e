/**
 * The protobuf wire format at its lowest: varints, tags and length-delimited fields, for the
 * Raft messages' hand-written codec (codec.ts). Integers are JavaScript numbers: unsigned
 * and safe (below 2^53), which covers every id, term and index Raft uses.
 */
import { FlotillaError } from '../../../lib/errors.js';

export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

const TWO_32 = 0x1_0000_0000;

/** Bytes a varint of `n` takes. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Bytes a field of `field` holding `n` takes; 0 for 0, which proto3 leaves out. Fields 1 to 15 have one-byte tags. */
export function uintFieldSize(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(n);
}

/** Bytes a length-delimited field of `length` bytes takes (fields 1 to 15). */
export function lenFieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Writes into a buffer of a size computed beforehand. */
export class ProtoWriter {
  private readonly buf: Buffer;
  private pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new FlotillaError('INTERNAL', `cannot encode ${n}: not a non-negative safe integer`);
    }
    const buf = this.buf;
    while (n >= TWO_32) {
      buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    while (n > 0x7f) {
      buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[this.pos++] = n;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** An unsigned integer field, left out when 0. */
  uint(field: number, n: number): void {
    if (n === 0) return;
    this.tag(field, VARINT);
    this.varint(n);
  }

  /** A length-delimited field's tag and length; the caller writes the content next. */
  lenPrefix(field: number, length: number): void {
    this.tag(field, LEN);
    this.varint(length);
  }

  /** A string field of `byteLength` UTF-8 bytes (the caller measured them for the size). */
  string(field: number, s: string, byteLength: number): void {
    this.lenPrefix(field, byteLength);
    this.pos += this.buf.write(s, this.pos, byteLength, 'utf8');
  }

  /** A bytes field, left out when empty. */
  bytes(field: number, data: Uint8Array): void {
    if (data.length === 0) return;
    this.lenPrefix(field, data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** The written buffer; throws if the size computed beforehand was not met exactly. */
  finish(): Buffer {
    if (this.pos !== this.buf.length) {
      throw new FlotillaError('INTERNAL', `protobuf encoder wrote ${this.pos} bytes of ${this.buf.length}`);
    }
    return this.buf;
  }
}

/**
 * Reads fields from `buf` between `start` and `end`. Malformed input (a truncated field, an
 * integer beyond 2^53, an unknown wire type) throws INVALID_ARGUMENT naming `what`.
 */
export class ProtoReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    private readonly what: string,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.malformed('a truncated varint');
      const b = buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result)) throw this.malformed('an integer beyond 2^53');
        return result;
      }
      scale *= 0x80;
    }
    throw this.malformed('a varint longer than 10 bytes');
  }

  /** The next tag as field number × 8 + wire type. */
  tag(): number {
    return this.varint();
  }

  /** The extent of the next length-delimited value; the reader moves past it. */
  lenRange(): [start: number, end: number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw this.malformed('a truncated field');
    this.pos = start + length;
    return [start, this.pos];
  }

  /** The next length-delimited value as a view of the buffer (no copy). */
  bytes(): Buffer {
    const [start, end] = this.lenRange();
    return this.buf.subarray(start, end);
  }

  /** Passes over a field this decoder does not know, as protobuf readers must. */
  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.varint();
        return;
      case FIXED64:
        this.advance(8);
        return;
      case LEN:
        this.lenRange();
        return;
      case FIXED32:
        this.advance(4);
        return;
      default:
        throw this.malformed(`wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw this.malformed('a truncated field');
    this.pos += n;
  }

  private malformed(what: string): FlotillaError {
    return new FlotillaError('INVALID_ARGUMENT', `malformed ${this.what}: ${what} at byte ${this.pos}`);
  }
}
