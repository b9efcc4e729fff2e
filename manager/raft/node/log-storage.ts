/**
 * The member's log in memory (the core's MemoryStorage) without the bytes of its newest
 * snapshot: those are in the snapshot's file, durable before the log hears of the snapshot,
 * and read back from it on the rare occasion a follower needs them. Held in memory, they
 * were as large as the state encoded (about 230 bytes a task) for as long as the snapshot
 * was the newest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryStorage, SnapshotUnavailableError } from '../core/index.js';
import { decodeSnapshotFile, snapshotFileName } from '../storage/index.js';
import type { ConfState, Snapshot, SnapshotMetadata } from '../types.js';

const NO_BYTES = new Uint8Array();

export class LogStorage extends MemoryStorage {
  /** Bytes of the newest snapshot's data. */
  private bytes = 0;

  /** `dir` holds the member's files: its snapshots are in `<dir>/snap`. */
  constructor(private readonly dir: string) {
    super();
  }

  /** The newest snapshot, its bytes read from its file (SnapshotUnavailableError if that fails). */
  override snapshot(): Snapshot {
    const held = super.snapshot();
    if (held.metadata.index === 0 || held.data.byteLength > 0) return held;
    const { index, term } = held.metadata;
    const path = join(this.dir, 'snap', snapshotFileName(term, index));
    try {
      return decodeSnapshotFile(readFileSync(path), { index, term, path });
    } catch {
      // Replaced by a newer snapshot meanwhile, or damaged: the core asks again later.
      throw new SnapshotUnavailableError();
    }
  }

  /** The newest snapshot's index, term and membership, without reading its bytes. */
  snapshotMetadata(): SnapshotMetadata {
    return super.snapshot().metadata;
  }

  /** The size of the newest snapshot's data. */
  get snapshotBytes(): number {
    return this.bytes;
  }

  /** A snapshot whose file is on disk: only its metadata is kept. */
  override applySnapshot(snap: Snapshot): void {
    super.applySnapshot({ metadata: snap.metadata, data: NO_BYTES });
    this.bytes = snap.data.byteLength;
  }

  /**
   * Records a snapshot of the applied state, to be written to its file next (see
   * RaftDisk.compact); only its metadata is kept. Until the file is written, a follower that
   * needs it waits.
   */
  override createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    const { metadata } = super.createSnapshot(i, confState, NO_BYTES);
    this.bytes = data.byteLength;
    return { metadata, data };
  }
}
