/**
 * Random access to the regular files of an uncompressed tar archive (ustar, GNU long names,
 * pax paths): one pass over the headers, then each file read by offset. Enough for image
 * archives (OCI layouts and `docker save` output); nothing is extracted to disk.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { FlotillaError } from '../lib/errors.js';

const BLOCK = 512;

export interface TarEntry {
  offset: number;
  size: number;
}

export class TarIndex {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly entries: Map<string, TarEntry>,
  ) {}

  static async open(path: string): Promise<TarIndex> {
    const handle = await open(path, 'r');
    try {
      return new TarIndex(path, handle, await readHeaders(handle, path));
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  has(name: string): boolean {
    return this.entries.has(clean(name));
  }

  entry(name: string): TarEntry {
    const entry = this.entries.get(clean(name));
    if (!entry) throw new FlotillaError('INVALID_ARGUMENT', `${this.path} has no file ${name}`);
    return entry;
  }

  async read(name: string): Promise<Buffer> {
    const { offset, size } = this.entry(name);
    const buf = Buffer.alloc(size);
    await this.handle.read(buf, 0, size, offset);
    return buf;
  }

  /** The file in chunks of at most `chunk` bytes. */
  async *chunks(name: string, chunk = 1 << 20): AsyncIterable<Buffer> {
    const { offset, size } = this.entry(name);
    for (let at = 0; at < size; at += chunk) {
      const buf = Buffer.alloc(Math.min(chunk, size - at));
      await this.handle.read(buf, 0, buf.length, offset + at);
      yield buf;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

function clean(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

async function readHeaders(handle: FileHandle, path: string): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const { size: total } = await handle.stat();
  const header = Buffer.alloc(BLOCK);
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= total) {
    await handle.read(header, 0, BLOCK, at);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12) || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const data = at + BLOCK;
    if (Number.isNaN(size) || data + size > total) {
      throw new FlotillaError('INVALID_ARGUMENT', `${path} is not a tar archive (or is truncated)`);
    }
    if (type === 'L' || type === 'x') {
      const body = Buffer.alloc(size);
      await handle.read(body, 0, size, data);
      longName = type === 'L' ? field(body, 0, size) : paxPath(body.toString('utf8'));
    } else {
      const prefix = field(header, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
      longName = undefined;
      if (type === '0' || type === '\0') entries.set(clean(name), { offset: data, size });
    }
    at = data + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

function field(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw
    .subarray(0, end === -1 ? raw.length : end)
    .toString('utf8')
    .trim();
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records). */
function paxPath(records: string): string | undefined {
  for (const record of records.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}
