/**
 * A manager's first writes run through code that V8 still interprets: the core, the WAL's
 * record framing and the transport's codec are compiled only after a few thousand writes
 * have gone through them, and until then each write costs several times the CPU. So before
 * a node joins its group, a throwaway group of three cores in memory commits a run of
 * entries through those same paths: each Ready's entries and hard state are framed as WAL
 * records (in memory: nothing reaches the disk), each message is encoded and decoded by the
 * transport's codec and stepped into its receiver, as real ones are. Nothing of it is kept;
 * the node's own log, state machine, transport and metrics are never touched.
 */
import { MemoryStorage, RawNode, SILENT_LOGGER } from '../core/index.js';
import { RecordBatch } from '../storage/wal-format.js';
import type { Message, RaftId } from '../types.js';
import { coalesceAppends } from './coalesce.js';

/** Entries committed by the throwaway group: about as many as the cold stretch lasts. */
export const WARM_UP_WRITES = 1_000;

const IDS: readonly RaftId[] = [1, 2, 3];

/** Sizes of the entries proposed, in turn: from a small write to a large one. */
const SIZES = [64, 256, 1024, 4096];

/**
 * Commits `writes` entries in a group of three cores in memory, one to four proposals per
 * round; `wire` is what a message goes through between two members. Returns the throwaway
 * group's commit index.
 */
export function warmUp(writes: number, wire: (messages: readonly Message[]) => Message[]): number {
  const voters = { voters: [...IDS], learners: [] };
  const nodes = new Map(
    IDS.map((id) => {
      const storage = MemoryStorage.bootstrap(voters);
      const node = new RawNode({
        id,
        electionTick: 10,
        heartbeatTick: 1,
        storage,
        random: () => 0,
        checkQuorum: true,
        preVote: true,
        disableProposalForwarding: true,
        logger: SILENT_LOGGER,
      });
      return [id, { node, storage }] as const;
    }),
  );
  const leader = nodes.get(1)!.node;
  const inbox = new Map<RaftId, Message[]>(IDS.map((id) => [id, []]));
  const settle = (): void => {
    for (let moved = true; moved;) {
      moved = false;
      for (const [id, { node, storage }] of nodes) {
        if (node.hasReady()) {
          moved = true;
          const rd = node.ready();
          RecordBatch.forSave(rd.hardState, rd.entries).bytes();
          if (rd.hardState) storage.setHardState(rd.hardState);
          storage.append(rd.entries);
          for (const m of wire(coalesceAppends(rd.messages))) inbox.get(m.to)?.push(m);
          node.advance(rd);
        }
        const mail = inbox.get(id)!;
        if (mail.length > 0) {
          moved = true;
          inbox.set(id, []);
          for (const m of mail) node.step(m);
        }
      }
    }
  };
  leader.campaign();
  settle();
  const data = SIZES.map((n) => new Uint8Array(n).fill(0x61));
  for (let done = 0, round = 0; done < writes; round++) {
    const batch = 1 + (round % 4);
    for (let i = 0; i < batch; i++) leader.propose(data[(done + i) % data.length]!);
    done += batch;
    // Heartbeats and read barriers go through the same paths now and then.
    if (round % 16 === 0) leader.tick();
    if (round % 32 === 0) leader.readIndex(new Uint8Array(16).fill(round % 256));
    settle();
  }
  return leader.basicStatus().hardState.commit;
}
