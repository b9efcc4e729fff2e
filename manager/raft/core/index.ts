/** The Raft consensus core: a pure state machine driven through RawNode. */
export { RawNode, type BasicStatus, type Status, type ProgressStatus, type LogPosition } from './rawnode.js';
export { type Config, type RaftLogFields, type RaftLogger, SILENT_LOGGER } from './config.js';
export { type Storage, MemoryStorage, EMPTY_HARD_STATE } from './storage.js';
export { encodeConfChange, decodeConfChange } from './confchange.js';
export {
  CompactedError,
  UnavailableError,
  SnapshotUnavailableError,
  SnapshotOutOfDateError,
  isProposalDropped,
} from './errors.js';
export * from './describe.js';
export { EMPTY, newMessage } from './message.js';
