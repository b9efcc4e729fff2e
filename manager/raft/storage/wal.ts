/**
 * The write-ahead log: Raft entries, hard state and snapshot markers appended to segment
 * files in `<dir>/wal/` (format in wal-format.ts, replay rules in replay.ts).
 *
 * Writes are serialized through one queue. A save that must sync queues an fsync behind its
 * write, so with concurrent saves one fdatasync covers every write queued before it and the
 * syncs queued behind it find nothing left to do (group commit). After any failed write or
 * sync the log refuses further use: the file's tail is unknown, and only a reopen (which
 * truncates a torn tail) makes it sound again. Except a write refused for want of space: its
 * partly written record is cut off at once, so the log stays sound; it fails with
 * RESOURCE_EXHAUSTED, as do the writes queued behind it, and the caller may save again.
 *
 * The segment being written is kept ahead of its data in length (PREALLOCATE_BYTES of zeros,
 * a sparse extension): an fdatasync that need not record a new file length takes less
 * time, and every commit waits for one. A segment is cut back to its data when it is closed
 * or rolled over; after a crash its zero tail is read as the clean end of the log. The
 * extension reserves no blocks, so a full disk shows only when the data is written into it.
 */
import { ftruncateSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Entry, HardState } from '../types.js';
import { diskFull, isNoSpace } from '../../../lib/disk-full.js';
import { FlotillaError, isFlotillaError } from '../../../lib/errors.js';
import { datasync, ensureDir, syncDir, writeFully, writeFullySync } from './durable-fs.js';
import { LogReplay } from './replay.js';
import type { ReplayedLog } from './replay.js';
import { listSegments, segmentFileName } from './segment-files.js';
import type { SegmentFile } from './segment-files.js';
import {
  decodeRecord,
  findIntactRecordAfter,
  readRecordAt,
  RecordBatch,
  WalRecordType,
} from './wal-format.js';
import type { SnapshotMarker } from './wal-format.js';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** How far the segment being written is extended past its data at a time. */
const PREALLOCATE_BYTES = 4 * 1024 * 1024;

export interface WalOptions {
  /** The snapshot being recovered from (the newest readable snapshot file), if any. */
  snapshot?: SnapshotMarker;
  /** Roll over to a new segment once the current one would grow past this. */
  segmentBytes?: number;
  /** Told about recoverable damage, such as a torn tail that was truncated. */
  warn?: (message: string) => void;
}

export interface WalState {
  hardState: HardState;
  /** The WAL's marker of the snapshot recovered from, if the log still holds it. */
  snapshot?: SnapshotMarker;
  /** Entries after the snapshot's index, contiguous. */
  entries: Entry[];
}

/** The writable tail of the log: the newest segment, open for appending. */
interface OpenSegment {
  file: SegmentFile;
  fh: FileHandle;
  size: number;
  /** Length of the file: its data and the zeros ahead of it. */
  length: number;
  /** Size right after the header and carried-over hard state: nothing of its own yet. */
  headerEnd: number;
}

export class Wal {
  private queue: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;
  private dirty = false;
  /** Last index of the log as accepted by save() (checked synchronously, before queuing). */
  private acceptedLastIndex: number;
  /** Last index and hard state as written to the file, in queue order. */
  private writtenLastIndex: number;
  private writtenHardState: HardState | undefined;
  /** Counts writes refused for want of space: a write accepted before the last one is dropped. */
  private refusals = 0;
  private lastRefusal: FlotillaError | undefined;

  private constructor(
    private readonly walDir: string,
    private readonly segments: SegmentFile[],
    private tail: OpenSegment,
    private readonly segmentBytes: number,
    recovered: ReplayedLog,
  ) {
    this.acceptedLastIndex = recovered.lastIndex;
    this.writtenLastIndex = recovered.lastIndex;
    this.writtenHardState = recovered.hardState;
  }

  static async open(dir: string, opts: WalOptions = {}): Promise<{ wal: Wal; state: WalState }> {
    const walDir = path.join(dir, 'wal');
    const warn = opts.warn ?? ((message: string) => process.emitWarning(message, 'WalWarning'));
    const hadDir = await isDirectory(walDir);
    if (!hadDir) await ensureDir(walDir);
    const segments = hadDir ? await listSegments(walDir) : [];
    if (segments.length === 0 && opts.snapshot) {
      throw new FlotillaError(
        'CORRUPT',
        `no WAL segments in ${walDir} but a snapshot at index ${opts.snapshot.index} exists: the hard state ` +
          '(term and vote) is lost, so this manager must not rejoin as is. Restore the directory from a backup ' +
          'or remove this manager and re-add it with an empty data directory',
      );
    }

    const replay = new LogReplay(opts.snapshot);
    let tailSize = 0;
    let tailLength = 0;
    for (const [i, seg] of segments.entries()) {
      ({ size: tailSize, length: tailLength } = await replaySegment(
        seg,
        i === segments.length - 1,
        replay,
        warn,
      ));
    }
    const recovered = replay.finish(warn);

    const lastSeg = segments.at(-1);
    let tail: OpenSegment;
    if (lastSeg && tailSize > 0) {
      const fh = await fs.open(lastSeg.path, 'r+');
      tail = { file: lastSeg, fh, size: tailSize, length: tailLength, headerEnd: 0 };
    } else {
      // No segment yet, or the newest lost even its header to a crash while being created.
      if (lastSeg) {
        await fs.unlink(lastSeg.path);
        segments.pop();
      }
      const seq = lastSeg?.seq ?? 1;
      tail = await createSegment(walDir, seq, recovered.lastIndex + 1, recovered.hardState);
      segments.push(tail.file);
    }

    const wal = new Wal(walDir, segments, tail, opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES, recovered);
    const state: WalState = { hardState: recovered.hardState, entries: recovered.entries };
    if (recovered.snapshotMarker) state.snapshot = recovered.snapshotMarker;
    return { wal, state };
  }

  /** Index of the last entry accepted so far (including saves still in progress). */
  get lastIndex(): number {
    return this.acceptedLastIndex;
  }

  /**
   * Appends entries, then the hard state. An entry at an index the log already holds
   * replaces it and everything after it. Resolves once written, and fsynced if `mustSync`.
   */
  async save(hardState: HardState | undefined, entries: readonly Entry[], mustSync: boolean): Promise<void> {
    this.checkOpen();
    this.checkContiguous(entries);
    const records = new RecordBatch();
    for (const e of entries) records.entry(e);
    if (hardState) records.hardState(hardState);
    const last = entries.at(-1);
    if (last) this.acceptedLastIndex = last.index;
    if (records.byteLength > 0) await this.write(records.bytes(), hardState);
    // Not sync(): a close() that began meanwhile has synced this write and must not fail it.
    if (mustSync) await this.enqueue(() => this.syncIfDirty());
  }

  /** Records, durably, that the snapshot file at (index, term) is on disk. */
  async saveSnapshotMarker(marker: SnapshotMarker): Promise<void> {
    this.checkOpen();
    this.acceptedLastIndex = Math.max(this.acceptedLastIndex, marker.index);
    await this.write(new RecordBatch().snapshotMarker(marker).bytes(), undefined);
    await this.enqueue(() => this.syncIfDirty());
  }

  /** Resolves once everything saved so far is on disk. */
  async sync(): Promise<void> {
    this.checkOpen();
    await this.enqueue(() => this.syncIfDirty());
  }

  /**
   * Deletes the oldest segments whose entries are all at or below `index` (which a durable
   * snapshot must cover). The segment being written is never deleted.
   */
  async releaseTo(index: number): Promise<void> {
    this.checkOpen();
    await this.enqueue(async () => {
      let n = 0;
      // Live entries of a segment end where the next segment's first index begins.
      while (n < this.segments.length - 1 && (this.segments[n + 1] as SegmentFile).firstIndex - 1 <= index)
        n++;
      if (n === 0) return;
      // Oldest first, so that a crash part-way leaves a contiguous run of segments.
      for (const seg of this.segments.slice(0, n)) await fs.unlink(seg.path);
      this.segments.splice(0, n);
      await syncDir(this.walDir);
    });
  }

  /** Syncs and closes the current segment. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const syncError: unknown = this.failure
      ? undefined
      : await this.enqueue(() => this.syncIfDirty()).then(
          () => undefined,
          (err: unknown) => err,
        );
    await this.queue;
    if (!syncError && !this.failure) trimToData(this.tail);
    await this.tail.fh.close();
    if (syncError) throw syncError;
  }

  /** The segment files currently making up the log, oldest first. */
  segmentPaths(): string[] {
    return this.segments.map((s) => s.path);
  }

  private checkOpen(): void {
    if (this.closed) throw new FlotillaError('INTERNAL', `WAL in ${this.walDir} is closed`);
    if (this.failure) throw this.failure;
  }

  private checkContiguous(entries: readonly Entry[]): void {
    let next = this.acceptedLastIndex + 1;
    for (const [i, e] of entries.entries()) {
      const ok = i === 0 ? e.index >= 1 && e.index <= next : e.index === next;
      if (!ok) {
        throw new FlotillaError(
          'INTERNAL',
          `WAL save: entry index ${e.index} does not continue the log: expected ${i === 0 ? 'at most ' : ''}${next}`,
        );
      }
      next = e.index + 1;
    }
  }

  /** Runs `op` after everything queued before it; a failure poisons the log. */
  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await op();
      } catch (err) {
        if (isRefusal(err)) throw err;
        this.failure = new FlotillaError('INTERNAL', `WAL in ${this.walDir} failed and must be reopened`, {
          cause: err,
        });
        throw this.failure;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Queues framed records for writing; once they are written, the log's last index as
   * accepted now and `hardState` are the file's.
   */
  private write(bytes: Uint8Array, hardState: HardState | undefined): Promise<void> {
    const lastIndex = this.acceptedLastIndex;
    const refusals = this.refusals;
    return this.enqueue(async () => {
      // Its entries may continue those of a write refused since: the file would have a hole.
      if (refusals !== this.refusals) throw this.lastRefusal;
      try {
        await this.append(bytes);
      } catch (err) {
        if (isRefusal(err)) {
          this.refusals++;
          this.lastRefusal = err;
          this.acceptedLastIndex = this.writtenLastIndex;
        }
        throw err;
      }
      this.writtenLastIndex = lastIndex;
      if (hardState) this.writtenHardState = hardState;
    });
  }

  /** Writes `bytes` at the end of the log; on a full disk, cuts off what got written and refuses. */
  private async append(bytes: Uint8Array): Promise<void> {
    const t = this.tail;
    if (t.size > t.headerEnd && t.size + bytes.length > this.segmentBytes) await this.rollover();
    // Into the page cache from this thread: far quicker than a trip through the thread pool,
    // and the fsync that follows is the part worth waiting for off-thread.
    const tail = this.tail;
    const end = tail.size + bytes.length;
    try {
      if (end > tail.length) {
        const length = Math.max(end, Math.min(tail.size + PREALLOCATE_BYTES, this.segmentBytes));
        ftruncateSync(tail.fh.fd, length);
        tail.length = length;
      }
      writeFullySync(tail.fh.fd, bytes, tail.size);
    } catch (err) {
      if (!isNoSpace(err)) throw err;
      // Shrinking takes no space. A torn record left in place could be followed by a shorter
      // one written over its start once there is room, and its rest read as more records.
      trimToData(tail);
      throw this.noSpace(err);
    }
    tail.size = end;
    this.dirty = true;
  }

  private noSpace(cause: unknown): FlotillaError {
    return diskFull(this.walDir, 'this manager cannot save writes to its Raft log', cause);
  }

  private async syncIfDirty(): Promise<void> {
    if (!this.dirty) return;
    await datasync(this.tail.fh.fd);
    this.dirty = false;
  }

  private async rollover(): Promise<void> {
    await this.syncIfDirty();
    const next = await createSegment(
      this.walDir,
      this.tail.file.seq + 1,
      this.writtenLastIndex + 1,
      this.writtenHardState,
    ).catch((err: unknown) => {
      // The current segment stays the tail; the next write tries again.
      throw isNoSpace(err) ? this.noSpace(err) : err;
    });
    trimToData(this.tail);
    await this.tail.fh.close();
    this.tail = next;
    this.segments.push(next.file);
  }
}

/**
 * Replays one segment into `replay`; returns the length of its intact prefix (its data) and
 * of the file. Zeros after the data are where the segment was extended ahead of it: the clean
 * end of the log. Damage is tolerated only at the very end of the newest segment (a write torn
 * by a crash): that tail is cut off. Anywhere else it throws CORRUPT.
 */
async function replaySegment(
  seg: SegmentFile,
  isNewest: boolean,
  replay: LogReplay,
  warn: (message: string) => void,
): Promise<{ size: number; length: number }> {
  const buf = await fs.readFile(seg.path);
  let offset = 0;
  while (offset < buf.length) {
    const rec = readRecordAt(buf, offset);
    if (!rec.ok) {
      if (allZero(buf.subarray(offset))) return { size: offset, length: buf.length };
      if (isNewest && findIntactRecordAfter(buf, offset) === undefined) {
        await truncateFile(seg.path, offset);
        warn(
          `WAL ${seg.path}: dropped ${buf.length - offset} bytes from offset ${offset} (${rec.reason}): ` +
            'an incomplete write cut short by a crash',
        );
        return { size: offset, length: offset };
      }
      throw corruptRecord(seg.path, offset, rec.reason, isNewest);
    }
    const where = `${seg.path} offset ${offset}`;
    let record;
    try {
      record = decodeRecord(rec.type, rec.payload);
    } catch (err) {
      throw corruptRecord(seg.path, offset, (err as Error).message, isNewest);
    }
    const isHeader = record.type === WalRecordType.SegmentHeader;
    if (isHeader !== (offset === 0)) {
      throw corruptRecord(
        seg.path,
        offset,
        isHeader ? 'a second segment header' : 'no segment header',
        isNewest,
      );
    }
    switch (record.type) {
      case WalRecordType.SegmentHeader:
        if (record.header.seq !== seg.seq || record.header.firstIndex !== seg.firstIndex) {
          throw corruptRecord(
            seg.path,
            offset,
            `header says seq ${record.header.seq} first index ${record.header.firstIndex}, unlike its file name`,
            isNewest,
          );
        }
        break;
      case WalRecordType.Entry:
        replay.entry(record.entry, where);
        break;
      case WalRecordType.HardState:
        replay.hardStateRecord(record.hardState);
        break;
      case WalRecordType.SnapshotMarker:
        replay.snapshotMarker(record.marker, where);
        break;
    }
    offset = rec.next;
  }
  return { size: offset, length: buf.length };
}

const ZEROS = Buffer.alloc(64 * 1024);

function allZero(bytes: Buffer): boolean {
  for (let at = 0; at < bytes.length; at += ZEROS.length) {
    const chunk = bytes.subarray(at, at + ZEROS.length);
    if (!chunk.equals(ZEROS.subarray(0, chunk.length))) return false;
  }
  return true;
}

/** A write refused for want of space, after which the log is still sound. */
function isRefusal(err: unknown): err is FlotillaError {
  return isFlotillaError(err, 'RESOURCE_EXHAUSTED');
}

/** Cuts a segment's zeros ahead of its data off (not synced: a zero tail reads as the end anyway). */
function trimToData(seg: OpenSegment): void {
  if (seg.length === seg.size) return;
  ftruncateSync(seg.fh.fd, seg.size);
  seg.length = seg.size;
}

function corruptRecord(file: string, offset: number, reason: string, isNewest: boolean): FlotillaError {
  const why = isNewest
    ? 'intact records follow it, so it is not an incomplete write from a crash'
    : 'it is not in the newest segment, so it is not an incomplete write from a crash';
  return new FlotillaError(
    'CORRUPT',
    `corrupt WAL record in ${file} at offset ${offset}: ${reason}; ${why}. The log cannot be trusted: ` +
      'restore the data directory from a backup, or remove this manager from the cluster and re-add it ' +
      'with an empty data directory',
  );
}

async function createSegment(
  walDir: string,
  seq: number,
  firstIndex: number,
  hardState: HardState | undefined,
): Promise<OpenSegment> {
  const file: SegmentFile = { seq, firstIndex, path: path.join(walDir, segmentFileName(seq, firstIndex)) };
  const batch = new RecordBatch().header({ seq, firstIndex });
  // Carry the hard state over so older segments can be deleted without losing it.
  if (hardState) batch.hardState(hardState);
  const fh = await fs.open(file.path, 'wx', 0o600);
  try {
    await writeFully(fh, batch.bytes(), 0);
    await fh.datasync();
    await syncDir(walDir);
  } catch (err) {
    await fh.close();
    // A segment without its whole header would end the log at the next start.
    await fs.unlink(file.path).catch(() => undefined);
    throw err;
  }
  return { file, fh, size: batch.byteLength, length: batch.byteLength, headerEnd: batch.byteLength };
}

async function truncateFile(file: string, length: number): Promise<void> {
  const fh = await fs.open(file, 'r+');
  try {
    await fh.truncate(length);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
