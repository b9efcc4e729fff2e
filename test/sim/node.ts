import { decodeConfChange } from '../../manager/raft/core/confchange.js';
import type { Config, RaftLogger } from '../../manager/raft/core/config.js';
import { RawNode } from '../../manager/raft/core/rawnode.js';
import { MemoryStorage } from '../../manager/raft/core/storage.js';
import type { ConfState, Entry, RaftId, Ready, ReadState } from '../../manager/raft/types.js';
import { EntryType } from '../../manager/raft/types.js';

/** Raft settings shared by every node of a test cluster. */
export type NodeOptions = Required<
  Pick<Config, 'electionTick' | 'heartbeatTick' | 'checkQuorum' | 'preVote'>
> &
  Pick<Config, 'maxSizePerMsg' | 'maxInflightMsgs' | 'maxInflightBytes' | 'disableProposalForwarding'>;

/** Observes what a node applies, for invariant checks. */
export interface ApplyObserver {
  applied(node: RaftId, e: Entry, hashAfter: string): void;
  restoredSnapshot(node: RaftId, index: number, hash: string): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The application state: a hash chain over every applied normal entry. */
function chainHash(prev: string, e: Entry): string {
  let h = 0x811c9dc5;
  const mix = (b: number): void => {
    h = Math.imul(h ^ b, 0x01000193) >>> 0;
  };
  for (const c of encoder.encode(prev)) mix(c);
  mix(e.term & 0xff);
  for (const b of e.data) mix(b);
  return h.toString(16).padStart(8, '0');
}

/**
 * A member of a test cluster: its "disk" (a MemoryStorage that only ever holds what a Ready
 * persisted), its RawNode while running, and a tiny state machine.
 */
export class SimNode {
  rn: RawNode | undefined;
  /** State machine: index and hash of the last applied entry, membership as applied. */
  applied = 0;
  hash = '';
  confState: ConfState = { voters: [], learners: [] };
  readStates: ReadState[] = [];

  constructor(
    readonly id: RaftId,
    readonly disk: MemoryStorage,
    private readonly options: NodeOptions,
    private readonly random: () => number,
    private readonly observer: ApplyObserver,
    private readonly logger?: RaftLogger,
  ) {
    this.start();
  }

  get running(): boolean {
    return this.rn !== undefined;
  }

  /** Starts (or restarts) from the disk alone, like a process reading its WAL. */
  start(): void {
    const snap = this.disk.snapshot();
    this.restoreStateMachine(snap.metadata.index, decoder.decode(snap.data), snap.metadata.confState);
    this.readStates = [];
    this.rn = new RawNode({
      id: this.id,
      storage: this.disk,
      applied: snap.metadata.index,
      random: this.random,
      logger: this.logger,
      ...this.options,
    });
  }

  /** Loses everything not on disk. */
  crash(): void {
    this.rn = undefined;
  }

  node(): RawNode {
    if (!this.rn) throw new Error(`node ${this.id} is down`);
    return this.rn;
  }

  /** Persists what the Ready asks to persist. */
  persist(rd: Ready): void {
    if (rd.snapshot) this.disk.applySnapshot(rd.snapshot);
    this.disk.append(rd.entries);
    if (rd.hardState) this.disk.setHardState(rd.hardState);
  }

  /**
   * A crash in the middle of persisting rd: the hard state write and a suffix of the entries
   * never reached the disk. Only legal because none of rd's messages went out.
   */
  persistTorn(rd: Ready, keepEntries: number): void {
    if (rd.snapshot) this.disk.applySnapshot(rd.snapshot);
    this.disk.append(rd.entries.slice(0, keepEntries));
    this.crash();
  }

  /** Applies rd's snapshot and committed entries to the state machine, then advances. */
  applyAndAdvance(rd: Ready): void {
    const rn = this.node();
    if (rd.snapshot) {
      const m = rd.snapshot.metadata;
      this.restoreStateMachine(m.index, decoder.decode(rd.snapshot.data), m.confState);
      this.observer.restoredSnapshot(this.id, m.index, this.hash);
    }
    for (const e of rd.committedEntries) {
      if (e.index !== this.applied + 1)
        throw new Error(`node ${this.id} applies ${e.index} after ${this.applied}`);
      if (e.type === EntryType.ConfChange) {
        this.confState = rn.applyConfChange(decodeConfChange(e.data));
      } else if (e.data.byteLength > 0) {
        this.hash = chainHash(this.hash, e);
      }
      this.applied = e.index;
      this.observer.applied(this.id, e, this.hash);
    }
    this.readStates.push(...rd.readStates);
    rn.advance(rd);
  }

  /** Takes a snapshot of the state machine at its applied index and drops the log before `keep`. */
  compact(keep: number): boolean {
    if (this.applied <= this.disk.snapshot().metadata.index) return false;
    this.disk.createSnapshot(this.applied, this.confState, encoder.encode(this.hash));
    const upTo = Math.max(this.applied - keep, this.disk.firstIndex());
    if (upTo > this.disk.firstIndex() - 1 && upTo <= this.applied) this.disk.compact(upTo);
    return true;
  }

  private restoreStateMachine(index: number, hash: string, cs: ConfState): void {
    this.applied = index;
    this.hash = hash;
    this.confState = { voters: [...cs.voters], learners: [...cs.learners] };
  }
}
