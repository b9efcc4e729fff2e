/**
 * Snapshot files in `<dir>/snap/`, one per snapshot, named `<term:16 hex>-<index:16 hex>.snap`.
 * Little-endian layout (u64 fields are below 2^53, low u32 first):
 *
 *   magic:8 bytes "FLTSNAP1"   crc:u32 (CRC-32 of everything after it)
 *   index:u64  term:u64  voterCount:u32  voters:u64[]  learnerCount:u32  learners:u64[]
 *   data:(rest of the file)
 *
 * A file is written under a temporary name, fsynced, renamed into place and the directory
 * fsynced, so a crash leaves either the whole file or a leftover `.tmp` that is ignored.
 * Files that fail their checksum are renamed to `.broken` and the next newest is used.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Snapshot, SnapshotMetadata } from '../types.js';
import { diskFull, isNoSpace } from '../../../lib/disk-full.js';
import { describeError, FlotillaError } from '../../../lib/errors.js';
import { ByteReader, ByteWriter } from './binary.js';
import { crc32, crc32InSlices } from './checksum.js';
import { ensureDir, syncDir, writeFileAtomic } from './durable-fs.js';
import { hex16 } from './segment-files.js';

const MAGIC = Buffer.from('FLTSNAP1', 'ascii');
const HEADER_BYTES = MAGIC.length + 4;
const SNAP_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;
const TEMP_SUFFIX = '.tmp';
const BROKEN_SUFFIX = '.broken';

export const DEFAULT_SNAPSHOTS_KEPT = 3;

export interface SnapshotterOptions {
  /** How many of the newest snapshot files to keep (at least 1). */
  keep?: number;
  /** Told about snapshot files that were skipped as corrupt. */
  warn?: (message: string) => void;
}

/** A snapshot file on disk, identified by its name. */
export interface SnapshotFile {
  index: number;
  term: number;
  path: string;
}

export class Snapshotter {
  private constructor(
    private readonly snapDir: string,
    private readonly keep: number,
    private readonly warn: (message: string) => void,
  ) {}

  /** Opens (creating if needed) `<dir>/snap`, removing temp files left by a crash. */
  static async open(dir: string, opts: SnapshotterOptions = {}): Promise<Snapshotter> {
    const keep = opts.keep ?? DEFAULT_SNAPSHOTS_KEPT;
    if (!Number.isInteger(keep) || keep < 1) {
      throw new FlotillaError('INVALID_ARGUMENT', `invalid keep: expected an integer >= 1, got ${keep}`);
    }
    const snapDir = path.join(dir, 'snap');
    await ensureDir(snapDir);
    for (const name of await fs.readdir(snapDir)) {
      if (name.endsWith(TEMP_SUFFIX)) await fs.rm(path.join(snapDir, name), { force: true });
    }
    const warn = opts.warn ?? ((message: string) => process.emitWarning(message, 'SnapshotWarning'));
    return new Snapshotter(snapDir, keep, warn);
  }

  /** Writes `snapshot` atomically and durably, then deletes all but the newest `keep` files. */
  async save(snapshot: Snapshot): Promise<void> {
    const { index, term } = snapshot.metadata;
    await writeFileAtomic(
      path.join(this.snapDir, snapshotFileName(term, index)),
      await encodeSnapshotFile(snapshot),
      TEMP_SUFFIX,
    ).catch((err: unknown) => {
      throw isNoSpace(err) ? diskFull(this.snapDir, 'this manager cannot save a Raft snapshot', err) : err;
    });
    const stale = (await this.list()).slice(this.keep);
    for (const f of stale) await fs.rm(f.path, { force: true });
    if (stale.length > 0) await syncDir(this.snapDir);
  }

  /** The newest snapshot that reads back intact; corrupt files are set aside with a warning. */
  async loadNewest(): Promise<Snapshot | undefined> {
    for (const f of await this.list()) {
      try {
        return decodeSnapshotFile(await fs.readFile(f.path), f);
      } catch (err) {
        await fs.rename(f.path, f.path + BROKEN_SUFFIX);
        await syncDir(this.snapDir);
        this.warn(`skipped snapshot ${f.path} (renamed to ${BROKEN_SUFFIX}): ${describeError(err)}`);
      }
    }
    return undefined;
  }

  /** Snapshot files present, newest (highest index) first. */
  async list(): Promise<SnapshotFile[]> {
    const files: SnapshotFile[] = [];
    for (const name of await fs.readdir(this.snapDir)) {
      const m = SNAP_NAME.exec(name);
      if (m) {
        files.push({
          term: parseInt(m[1] as string, 16),
          index: parseInt(m[2] as string, 16),
          path: path.join(this.snapDir, name),
        });
      }
    }
    return files.sort((a, b) => b.index - a.index || b.term - a.term);
  }
}

export function snapshotFileName(term: number, index: number): string {
  return `${hex16(term)}-${hex16(index)}.snap`;
}

/**
 * A snapshot file's bytes as two parts, its header and its data (which is not copied): the
 * checksum is taken a slice at a time, with turns of the event loop between slices.
 */
export async function encodeSnapshotFile(snapshot: Snapshot): Promise<[Buffer, Uint8Array]> {
  const { index, term, confState } = snapshot.metadata;
  const w = new ByteWriter(HEADER_BYTES + 64).bytes(MAGIC).u32(0);
  w.u64(index).u64(term).u32(confState.voters.length);
  for (const id of confState.voters) w.u64(id);
  w.u32(confState.learners.length);
  for (const id of confState.learners) w.u64(id);
  w.patchU32(MAGIC.length, await crc32InSlices([w.view(HEADER_BYTES), snapshot.data]));
  return [w.view(), snapshot.data];
}

/** Decodes and verifies a snapshot file; throws CORRUPT if anything is off. */
export function decodeSnapshotFile(buf: Buffer, file: SnapshotFile): Snapshot {
  if (buf.length < HEADER_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new FlotillaError('CORRUPT', 'not a snapshot file (bad magic or too short)');
  }
  const stored = buf.readUInt32LE(MAGIC.length);
  const actual = crc32(buf.subarray(HEADER_BYTES));
  if (stored !== actual) throw new FlotillaError('CORRUPT', 'checksum mismatch');
  const r = new ByteReader(buf.subarray(HEADER_BYTES), 'snapshot');
  const index = r.u64();
  const term = r.u64();
  const voters = readIds(r);
  const learners = readIds(r);
  const metadata: SnapshotMetadata = { index, term, confState: { voters, learners } };
  if (index !== file.index || term !== file.term) {
    throw new FlotillaError('CORRUPT', `holds index ${index} term ${term}, unlike its file name`);
  }
  return { metadata, data: r.rest() };
}

function readIds(r: ByteReader): number[] {
  const n = r.u32();
  if (n * 8 > r.remaining) throw new FlotillaError('CORRUPT', `cannot decode snapshot: ${n} ids do not fit`);
  return Array.from({ length: n }, () => r.u64());
}
