/**
 * The few DER (X.690) forms that certificates and certificate requests are made of, to write
 * them and to take them apart: what signing a node's certificate needs, done with node:crypto
 * alone (the certificate library's ASN.1 layer costs far more than the signature itself).
 */
import { FlotillaError } from '../../lib/errors.js';

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function header(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}

/** An element: its tag, its length, then its body. */
export function tlv(tag: number, ...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  return Buffer.concat([header(tag, content.length), content]);
}

export const sequence = (...body: Buffer[]) => tlv(TAG.sequence, ...body);
export const set = (...body: Buffer[]) => tlv(TAG.set, ...body);
/** A context-specific, constructed element ([n] EXPLICIT). */
export const explicit = (n: number, ...body: Buffer[]) => tlv(0xa0 + n, ...body);
export const utf8 = (text: string) => tlv(TAG.utf8, Buffer.from(text, 'utf8'));
/** A bit string of whole bytes (no unused bits). */
export const bitString = (bytes: Buffer) => tlv(TAG.bitString, Buffer.from([0]), bytes);

/** A non-negative integer from its big-endian bytes, in its shortest form. */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const digits = bytes.subarray(start);
  return tlv(TAG.integer, digits[0]! & 0x80 ? Buffer.from([0]) : Buffer.alloc(0), digits);
}

export function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes: number[] = [];
  for (const arc of [first! * 40 + second!, ...rest]) {
    const groups = [arc % 128];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) groups.unshift((n % 128) | 0x80);
    bytes.push(...groups);
  }
  return tlv(TAG.oid, Buffer.from(bytes));
}

/** A time as certificates write it: UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280). */
export function time(at: Date): Buffer {
  const iso = at.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = at.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? tlv(TAG.utcTime, Buffer.from(`${digits.slice(2)}Z`))
    : tlv(TAG.generalizedTime, Buffer.from(`${digits}Z`));
}

/** Where an element is in the bytes that hold it. */
export interface Element {
  tag: number;
  /** Where its header starts, where its body starts, and where it ends. */
  start: number;
  body: number;
  end: number;
}

const malformed = (what: string) => new FlotillaError('INVALID_ARGUMENT', `malformed DER: ${what}`);

/** The element that starts at `at` and ends at or before `limit`. */
export function readElement(der: Buffer, at = 0, limit = der.length): Element {
  if (at + 2 > limit) throw malformed('an element is cut short');
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw malformed('a tag of more than one byte');
  let length = der[at + 1]!;
  let body = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Indefinite lengths are not DER; four bytes of length are far more than a request holds.
    if (count === 0 || count > 4 || body + count > limit) throw malformed('a length that cannot be read');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[body + i]!;
    body += count;
  }
  if (body + length > limit) throw malformed('an element longer than what holds it');
  return { tag, start: at, body, end: body + length };
}

/** The elements in the body of `parent`, in order. */
export function childrenOf(der: Buffer, parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = parent.body; at < parent.end; at = out[out.length - 1]!.end) {
    out.push(readElement(der, at, parent.end));
  }
  return out;
}

/** The bytes of an element, header included. */
export const bytesOf = (der: Buffer, el: Element) => der.subarray(el.start, el.end);
/** The bytes of an element's body. */
export const bodyOf = (der: Buffer, el: Element) => der.subarray(el.body, el.end);
