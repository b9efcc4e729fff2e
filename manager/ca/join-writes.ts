/**
 * The writes that admit joining nodes. Joins arrive by the hundred when many nodes start at
 * once; each write of the store is a Raft entry that a quorum must persist, so the records of
 * the joins that arrived while one write was under way go together in the next: one write in
 * flight at a time, taking all that wait. A node's container subnet is taken in the write that
 * admits it, which this order also keeps from being given twice.
 */
import type { Node } from '../../proto/types.js';
import { freeSubnets, poolExhausted } from '../allocator/subnets.js';
import type { Store } from '../store/types.js';
import { clusterOf } from './certificates.js';

/** Records per write at most, so that one Raft entry stays a few hundred kilobytes. */
const MAX_PER_WRITE = 256;

interface Waiting {
  made: Omit<Node, 'containerSubnet'>;
  resolve: (node: Node) => void;
  reject: (err: unknown) => void;
}

class JoinWrites {
  private readonly waiting: Waiting[] = [];
  private writing = false;
  /** Where in the pool to look for free subnets first: after the last one given. */
  private nextSubnet = 0;

  constructor(private readonly store: Store) {}

  /** Writes the record of a joining node, with a container subnet of its own; resolves with it. */
  admit(made: Omit<Node, 'containerSubnet'>): Promise<Node> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ made, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_PER_WRITE);
      try {
        let refused: Error | undefined;
        const nodes = await this.store.update((tx) => {
          const cluster = clusterOf(tx);
          const { subnets, next } = freeSubnets(tx, cluster, batch.length, this.nextSubnet);
          this.nextSubnet = next;
          if (subnets.length < batch.length) refused = poolExhausted(cluster);
          return subnets.map((containerSubnet, i) => {
            const made = batch[i]!.made;
            // A join made again: the record is there, with its subnet; only its certificate is new.
            const known = tx.get('nodes', made.id);
            if (known) {
              const node: Node = { ...known, certificate: made.certificate };
              tx.update('nodes', node);
              return node;
            }
            const node: Node = { ...made, containerSubnet };
            tx.create('nodes', node);
            return node;
          });
        });
        batch.forEach((w, i) => (nodes[i] ? w.resolve(nodes[i]) : w.reject(refused)));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.writing = false;
  }
}

const writers = new WeakMap<Store, JoinWrites>();

/** The join writes of `store` (one queue per store, shared by every join it takes). */
export function joinWritesOf(store: Store): JoinWrites {
  let writes = writers.get(store);
  if (!writes) writers.set(store, (writes = new JoinWrites(store)));
  return writes;
}
