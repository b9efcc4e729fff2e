export { RaftDisk } from './raft-disk.js';
export type { PersistRequest, RaftDiskOptions, RecoveredRaftState } from './raft-disk.js';
export { DEFAULT_SEGMENT_BYTES, Wal } from './wal.js';
export type { WalOptions, WalState } from './wal.js';
export { decodeSnapshotFile, DEFAULT_SNAPSHOTS_KEPT, Snapshotter, snapshotFileName } from './snapshotter.js';
export type { SnapshotFile, SnapshotterOptions } from './snapshotter.js';
export type { SnapshotMarker } from './wal-format.js';
export { syncDir } from './durable-fs.js';
