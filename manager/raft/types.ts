/**
 * Plain data types shared by the Raft core, its storage and its transport. They mirror
 * the shapes of etcd's raftpb so that the algorithm reads the same; the wire encoding
 * lives in proto/ and the on-disk encoding in manager/raft/storage.
 *
 * Ids, terms and indexes are JS numbers: safe up to 2^53, which no cluster reaches.
 */
export type RaftId = number;

/** No node / no vote. */
export const NONE: RaftId = 0;

export enum EntryType {
  Normal = 0,
  ConfChange = 1,
}

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}

export interface HardState {
  term: number;
  vote: RaftId;
  commit: number;
}

export interface ConfState {
  voters: RaftId[];
  learners: RaftId[];
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

export interface Snapshot {
  metadata: SnapshotMetadata;
  data: Uint8Array;
}

export enum ConfChangeType {
  AddNode = 0,
  RemoveNode = 1,
  AddLearnerNode = 2,
}

/** Carried (encoded by the core) as the data of an EntryType.ConfChange entry. */
export interface ConfChange {
  type: ConfChangeType;
  nodeId: RaftId;
  /** Opaque to Raft: e.g. the new member's address. */
  context: Uint8Array;
}

export enum MessageType {
  Hup = 0, // local: start an election
  Beat = 1, // local: send heartbeats
  Prop = 2, // proposal (local, or forwarded by a follower)
  App = 3,
  AppResp = 4,
  Vote = 5,
  VoteResp = 6,
  Snap = 7,
  Heartbeat = 8,
  HeartbeatResp = 9,
  Unreachable = 10, // local: transport could not reach `from`
  SnapStatus = 11, // local: snapshot send finished (reject = failed)
  CheckQuorum = 12, // local
  TransferLeader = 13,
  TimeoutNow = 14,
  ReadIndex = 15,
  ReadIndexResp = 16,
  PreVote = 17,
  PreVoteResp = 18,
}

export interface Message {
  type: MessageType;
  to: RaftId;
  from: RaftId;
  term: number;
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  snapshot?: Snapshot;
  reject: boolean;
  rejectHint: number;
  context: Uint8Array;
}

export interface ReadState {
  index: number;
  requestCtx: Uint8Array;
}

export enum StateType {
  Follower = 'follower',
  Candidate = 'candidate',
  Leader = 'leader',
  PreCandidate = 'pre-candidate',
}

export interface SoftState {
  lead: RaftId;
  raftState: StateType;
}

/**
 * What the caller of the core must do now, in this order: persist hardState, entries and
 * snapshot (fsync); send messages; apply committedEntries; then call advance().
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  readStates: ReadState[];
  entries: Entry[];
  snapshot?: Snapshot;
  committedEntries: Entry[];
  messages: Message[];
  /** True when hardState/entries must be synced to disk before messages are sent. */
  mustSync: boolean;
}
