import type { Config } from '../../manager/raft/core/config.js';
import { newMessage } from '../../manager/raft/core/message.js';
import { RawNode } from '../../manager/raft/core/rawnode.js';
import { MemoryStorage } from '../../manager/raft/core/storage.js';
import type { Entry, Message, RaftId, Ready } from '../../manager/raft/types.js';
import { EntryType, MessageType } from '../../manager/raft/types.js';
import { Cluster } from './cluster.js';
import type { NodeOptions } from './node.js';

/** Small builders for unit tests of the core. */

const DEFAULT_OPTIONS: NodeOptions = {
  electionTick: 10,
  heartbeatTick: 1,
  checkQuorum: false,
  preVote: false,
};

/** Nodes 1..n, all voters, over a perfect network; election timeouts are exactly electionTick. */
export function cluster(n: number, options: Partial<NodeOptions> = {}, learners: RaftId[] = []): Cluster {
  const c = new Cluster({ node: { ...DEFAULT_OPTIONS, ...options }, random: () => 0 });
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const voters = ids.filter((id) => !learners.includes(id));
  c.addBootstrapped(ids, { voters, learners });
  return c;
}

/** A cluster with node 1 elected leader and everything settled. */
export function electedCluster(n: number, options: Partial<NodeOptions> = {}): Cluster {
  const c = cluster(n, options);
  c.node(1).node().campaign();
  c.stabilize();
  return c;
}

/** A cluster where node 1 has just won its election with node 2's vote, before anything commits. */
export function justElectedCluster(n: number): Cluster {
  const c = cluster(n);
  c.node(1).node().campaign();
  c.processReady(1);
  c.deliver(2);
  c.processReady(2);
  c.deliver(1);
  return c;
}

export function entry(index: number, term: number, data = ''): Entry {
  return { index, term, type: EntryType.Normal, data: new TextEncoder().encode(data) };
}

/** A lone RawNode over a storage holding `entries` after the bootstrap snapshot, at `term`. */
export function lonelyNode(
  id: RaftId,
  voters: RaftId[],
  entries: Entry[] = [],
  term = 1,
  config: Partial<Config> = {},
): { rn: RawNode; storage: MemoryStorage } {
  const storage = MemoryStorage.bootstrap({ voters, learners: [] });
  storage.append(entries);
  storage.setHardState({ term, vote: 0, commit: 1 });
  const rn = new RawNode({ id, storage, random: () => 0, ...DEFAULT_OPTIONS, ...config });
  return { rn, storage };
}

/** Handles the node's Ready like a driver that persists to `storage`; returns it. */
export function drain(rn: RawNode, storage: MemoryStorage): Ready {
  const rd = rn.ready();
  if (rd.snapshot) storage.applySnapshot(rd.snapshot);
  storage.append(rd.entries);
  if (rd.hardState) storage.setHardState(rd.hardState);
  rn.advance(rd);
  return rd;
}

export function msg(m: Partial<Message> & Pick<Message, 'type' | 'from' | 'to'>): Message {
  return newMessage(m);
}

export function ofType(msgs: Message[], type: MessageType): Message[] {
  return msgs.filter((m) => m.type === type);
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
