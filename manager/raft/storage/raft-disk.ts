/**
 * Everything a Raft node persists, in one place: the WAL (entries, hard state, snapshot
 * markers) in `<dir>/wal/` and snapshot files in `<dir>/snap/`.
 *
 * Operations run one after another in call order, so a snapshot is always durable before
 * the WAL marker that names it, and that marker before the entries that follow it.
 */
import type { Entry, HardState, Snapshot } from '../types.js';
import { ensureDir } from './durable-fs.js';
import { DEFAULT_SNAPSHOTS_KEPT, Snapshotter } from './snapshotter.js';
import { Wal } from './wal.js';

export interface RaftDiskOptions {
  /** WAL segment size before rolling over (default 64 MiB). */
  segmentBytes?: number;
  /** Snapshot files kept (default 3). */
  snapshotsKept?: number;
  /** Told about recoverable damage found while opening (torn WAL tail, corrupt snapshot). */
  warn?: (message: string) => void;
}

/** What a restarted node rebuilds its in-memory log from. */
export interface RecoveredRaftState {
  hardState: HardState;
  snapshot?: Snapshot;
  /** Entries after the snapshot (or from index 1 without one), contiguous. */
  entries: Entry[];
}

/** The part of a Ready that must be on disk before its messages are sent. */
export interface PersistRequest {
  hardState?: HardState;
  entries: Entry[];
  /**
   * A snapshot received from the leader. Entries this node held after its index survive a
   * restart only if the log agreed with the snapshot's term at that index (see replay.ts).
   */
  snapshot?: Snapshot;
  mustSync: boolean;
}

export class RaftDisk {
  private last: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly wal: Wal,
    private readonly snapshotter: Snapshotter,
    private readonly snapshotsKept: number,
  ) {}

  static async open(
    dir: string,
    opts: RaftDiskOptions = {},
  ): Promise<{ disk: RaftDisk; state: RecoveredRaftState }> {
    await ensureDir(dir);
    const snapshotter = await Snapshotter.open(dir, { keep: opts.snapshotsKept, warn: opts.warn });
    const snapshot = await snapshotter.loadNewest();
    const { wal, state: walState } = await Wal.open(dir, {
      snapshot: snapshot && { index: snapshot.metadata.index, term: snapshot.metadata.term },
      segmentBytes: opts.segmentBytes,
      warn: opts.warn,
    });
    const hardState = { ...walState.hardState };
    // A snapshot holds only committed entries, whether or not the crash let the hard state
    // that said so reach the WAL.
    if (snapshot) hardState.commit = Math.max(hardState.commit, snapshot.metadata.index);
    const state: RecoveredRaftState = { hardState, entries: walState.entries };
    if (snapshot) state.snapshot = snapshot;
    const disk = new RaftDisk(wal, snapshotter, opts.snapshotsKept ?? DEFAULT_SNAPSHOTS_KEPT);
    return { disk, state };
  }

  /** Makes a Ready's state durable: snapshot file, its WAL marker, then entries and hard state. */
  persist(rd: PersistRequest): Promise<void> {
    return this.serially(async () => {
      if (rd.snapshot) await this.saveSnapshot(rd.snapshot);
      await this.wal.save(rd.hardState, rd.entries, rd.mustSync);
    });
  }

  /**
   * Saves a snapshot taken of the applied state and deletes WAL segments it makes
   * unnecessary. The log is kept back to the second newest snapshot, so that a newest
   * snapshot file found corrupt at the next start can be replaced by the one before it.
   */
  compact(snapshot: Snapshot): Promise<void> {
    return this.serially(async () => {
      await this.saveSnapshot(snapshot);
      const files = await this.snapshotter.list();
      const oldestNeeded = this.snapshotsKept > 1 ? files[1] : files[0];
      if (oldestNeeded) await this.wal.releaseTo(oldestNeeded.index);
    });
  }

  async close(): Promise<void> {
    await this.last.catch(() => undefined);
    await this.wal.close();
  }

  private async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.snapshotter.save(snapshot);
    await this.wal.saveSnapshotMarker({ index: snapshot.metadata.index, term: snapshot.metadata.term });
  }

  private serially(op: () => Promise<void>): Promise<void> {
    const run = this.last.then(op, op);
    this.last = run.catch(() => undefined);
    return run;
  }
}
