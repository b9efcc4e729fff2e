import type { RaftId } from '../types.js';
import type { Storage } from './storage.js';

/**
 * Fields of a core log line. The same names everywhere: term, index, logTerm, commit, applied,
 * from, to, leader, vote, type (a message type's name), role.
 */
export type RaftLogFields = Record<string, unknown>;

/**
 * Where the core writes what it does: structured fields and a short message, the shape of a
 * pino logger's methods (a pino Logger is one). The default discards everything.
 */
export interface RaftLogger {
  debug(fields: RaftLogFields, msg: string): void;
  info(fields: RaftLogFields, msg: string): void;
  warn(fields: RaftLogFields, msg: string): void;
}

export const SILENT_LOGGER: RaftLogger = { debug() {}, info() {}, warn() {} };

export interface Config {
  /** This node's id; never NONE. */
  id: RaftId;
  /**
   * Ticks without hearing from a leader before a follower campaigns. The actual timeout is
   * drawn from [electionTick, 2 * electionTick) after every state change.
   */
  electionTick: number;
  /** Ticks between a leader's heartbeats; must be less than electionTick. */
  heartbeatTick: number;
  storage: Storage;
  /** Uniform in [0, 1): the only source of randomness, so that runs can be replayed. */
  random: () => number;
  /** Index the application has already applied (entries up to it are not handed out again). */
  applied?: number;
  /** Payload bytes per append message (at least one entry is always sent). Default 1 MiB. */
  maxSizePerMsg?: number;
  /** Append messages in flight per follower in replicate state. Default 256. */
  maxInflightMsgs?: number;
  /** Payload bytes in flight per follower; 0 (default) means unlimited. */
  maxInflightBytes?: number;
  /** Leader steps down without a quorum for an election timeout; followers honour a leader lease. */
  checkQuorum?: boolean;
  /** Run a pre-election that does not bump terms before a real one. */
  preVote?: boolean;
  /** Followers drop proposals instead of forwarding them to the leader. */
  disableProposalForwarding?: boolean;
  logger?: RaftLogger;
}
