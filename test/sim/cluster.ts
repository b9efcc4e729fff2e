import { describeMessage, describeReady } from '../../manager/raft/core/describe.js';
import type { RaftLogger } from '../../manager/raft/core/config.js';
import { MemoryStorage } from '../../manager/raft/core/storage.js';
import type { ConfState, Entry, Message, RaftId } from '../../manager/raft/types.js';
import { EntryType, MessageType } from '../../manager/raft/types.js';
import { SimNode, type ApplyObserver, type NodeOptions } from './node.js';

export interface ClusterOptions {
  node: NodeOptions;
  random: () => number;
  /** Receives a readable account of every Ready and delivery (transcript tests). */
  trace?: (line: string) => void;
  /** Builds the core's logger for a node (transcript tests print its lines). */
  logger?: (id: RaftId) => RaftLogger;
  observer?: ApplyObserver;
}

const NO_OBSERVER: ApplyObserver = { applied() {}, restoredSnapshot() {} };

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/**
 * A cluster driven step by step over a perfect, ordered network with per-recipient mailboxes,
 * optional cuts between nodes, and crashes. Unit and transcript tests use it directly.
 */
export class Cluster {
  readonly nodes = new Map<RaftId, SimNode>();
  readonly mailbox = new Map<RaftId, Message[]>();
  private readonly cuts = new Set<string>();

  constructor(private readonly opts: ClusterOptions) {}

  private trace(line: string): void {
    this.opts.trace?.(line);
  }

  /** Creates nodes on freshly bootstrapped disks holding `confState`. */
  addBootstrapped(ids: RaftId[], confState: ConfState): void {
    for (const id of ids) this.addNode(id, MemoryStorage.bootstrap(confState));
  }

  /** A node joining later: an empty disk, it learns everything from the leader. */
  addNode(id: RaftId, disk: MemoryStorage = new MemoryStorage()): SimNode {
    const n = new SimNode(
      id,
      disk,
      this.opts.node,
      this.opts.random,
      this.opts.observer ?? NO_OBSERVER,
      this.opts.logger?.(id),
    );
    this.nodes.set(id, n);
    this.mailbox.set(id, []);
    return n;
  }

  node(id: RaftId): SimNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  ids(): RaftId[] {
    return [...this.nodes.keys()].sort((a, b) => a - b);
  }

  /** Handles one Ready of node id, if it has one: persist, send, apply, advance. */
  processReady(id: RaftId): boolean {
    const n = this.node(id);
    if (!n.rn?.hasReady()) return false;
    const rd = n.rn.ready();
    this.trace(`> ${id} takes its Ready`);
    this.trace(indent(describeReady(rd)));
    n.persist(rd);
    for (const m of rd.messages) this.send(m);
    n.applyAndAdvance(rd);
    return true;
  }

  send(m: Message): void {
    if (this.cuts.has(`${m.from}-${m.to}`) || !this.nodes.get(m.to)?.running) {
      this.trace(`  dropped: ${describeMessage(m)}`);
      return;
    }
    this.mailbox.get(m.to)?.push(m);
  }

  /** Delivers node id's mailbox (optionally only messages from `from`). */
  deliver(id: RaftId, from?: RaftId): number {
    const n = this.node(id);
    const box = this.mailbox.get(id)!;
    const now = box.filter((m) => from === undefined || m.from === from);
    this.mailbox.set(
      id,
      box.filter((m) => !now.includes(m)),
    );
    if (now.length === 0 || !n.rn) return 0;
    this.trace(`> ${id} takes its mail`);
    for (const m of now) {
      this.trace(`  ${describeMessage(m)}`);
      n.rn.step(m);
      // The transport reports a delivered snapshot back to its sender.
      if (m.type === MessageType.Snap) this.nodes.get(m.from)?.rn?.reportSnapshot(id, true);
    }
    return now.length;
  }

  /** Processes readies and delivers messages among `ids` until nothing moves. */
  stabilize(ids: RaftId[] = this.ids()): void {
    for (let moved = true; moved;) {
      moved = false;
      for (const id of ids) if (this.processReady(id)) moved = true;
      for (const id of ids) if (this.deliver(id) > 0) moved = true;
    }
  }

  tick(id: RaftId, times: number): void {
    for (let i = 0; i < times; i++) this.node(id).node().tick();
  }

  /** Drops all traffic between each group and everyone outside it. */
  partition(groups: RaftId[][]): void {
    this.cuts.clear();
    const groupOf = new Map<RaftId, number>();
    groups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i)));
    for (const a of this.ids()) {
      for (const b of this.ids()) {
        if (a !== b && groupOf.get(a) !== groupOf.get(b)) this.cuts.add(`${a}-${b}`);
      }
    }
  }

  heal(): void {
    this.cuts.clear();
  }

  crash(id: RaftId): void {
    this.node(id).crash();
    this.mailbox.set(id, []);
  }

  restart(id: RaftId): void {
    this.node(id).start();
  }

  /** Applied normal entries of a node, as their payload strings (from its disk). */
  appliedData(id: RaftId): string[] {
    const n = this.node(id);
    const first = n.disk.firstIndex();
    if (n.applied < first) return [];
    return n.disk
      .entries(first, n.applied + 1, Infinity)
      .filter((e: Entry) => e.type === EntryType.Normal && e.data.byteLength > 0)
      .map((e) => new TextDecoder().decode(e.data));
  }
}
