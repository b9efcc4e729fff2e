/** A group of RaftNodes on a LocalNetwork, each with a list state machine, for tests. */
import type { ExecutionContext } from 'ava';
import { join } from 'node:path';
import { RaftNode, type RaftNodeOptions, type StateMachine } from '../../../../manager/raft/node/index.js';
import type { Entry, RaftId } from '../../../../manager/raft/types.js';
import { eventually, tempDir } from '../../helpers.js';
import { LocalNetwork } from './local-network.js';

/** The applied log as strings; snapshots are its JSON. */
export class ListMachine implements StateMachine {
  items: string[] = [];
  apply(entry: Entry): void {
    this.items.push(Buffer.from(entry.data).toString());
  }
  snapshot(): Uint8Array {
    return Buffer.from(JSON.stringify(this.items));
  }
  restore(data: Uint8Array): void {
    this.items = JSON.parse(Buffer.from(data).toString()) as string[];
  }
}

type Tuning = Partial<Pick<RaftNodeOptions, 'snapshotEvery' | 'snapshotBytes' | 'keepEntries' | 'keepBytes'>>;

export class Group {
  readonly net = new LocalNetwork();
  readonly nodes = new Map<RaftId, RaftNode>();
  readonly machines = new Map<RaftId, ListMachine>();

  private constructor(
    /** Member `id` keeps its files in `<dir>/<id>`. */
    readonly dir: string,
    private readonly tuning: Tuning,
  ) {}

  static async create(t: ExecutionContext, size: number, tuning: Tuning = {}): Promise<Group> {
    const g = new Group(await tempDir(t), tuning);
    t.teardown(() => g.closeAll());
    const members = [...Array(size).keys()].map((i) => ({ id: i + 1, address: `node-${i + 1}` }));
    await Promise.all(members.map((m) => g.start(m.id, { bootstrap: members })));
    return g;
  }

  /** Starts (or restarts) member `id` from its directory. */
  async start(
    id: RaftId,
    extra: Partial<Pick<RaftNodeOptions, 'bootstrap' | 'peers' | 'forceNewCluster'>> = {},
  ): Promise<RaftNode> {
    const machine = new ListMachine();
    const node = await RaftNode.start({
      id,
      dir: join(this.dir, String(id)),
      transport: this.net.transport(id),
      stateMachine: machine,
      // Quick ticks, but an election timeout (200-400 ms) that a loaded machine's pauses do
      // not reach unless a test means it to.
      tickMs: 5,
      electionTick: 40,
      heartbeatTick: 1,
      ...this.tuning,
      ...extra,
    });
    this.nodes.set(id, node);
    this.machines.set(id, machine);
    return node;
  }

  async stop(id: RaftId): Promise<void> {
    await this.nodes.get(id)?.close();
    this.nodes.delete(id);
  }

  node(id: RaftId): RaftNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`member ${id} is not running`);
    return n;
  }

  /** Waits until the running members agree on one leader among `among` and returns it. */
  async leader(among: RaftId[] = [...this.nodes.keys()]): Promise<RaftNode> {
    return eventually(
      () => {
        const leaders = among.map((id) => this.nodes.get(id)).filter((n) => n?.isLeader);
        const leader = leaders.length === 1 ? leaders[0] : undefined;
        return leader && among.every((id) => this.nodes.get(id)?.leader === leader.id) ? leader : undefined;
      },
      { message: 'one leader' },
    );
  }

  followers(leader: RaftNode): RaftNode[] {
    return [...this.nodes.values()].filter((n) => n !== leader);
  }

  /** Waits until every running member has applied the same `count` items, and returns them. */
  async converged(count: number): Promise<string[]> {
    return eventually(
      () => {
        const lists = [...this.nodes.keys()].map((id) => this.machines.get(id)!.items);
        const first = lists[0]!;
        return first.length === count && lists.every((l) => JSON.stringify(l) === JSON.stringify(first))
          ? first
          : undefined;
      },
      { message: `all members apply ${count} items` },
    );
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.close()));
    this.nodes.clear();
  }
}

export const text = (s: string): Uint8Array => Buffer.from(s);
