/**
 * An in-process network for RaftNode tests: transports that hand messages to each other on
 * the next turn of the event loop, in order, with links that can be cut and healed.
 */
import type { RaftTransport, RaftTransportHandler } from '../../../../manager/raft/node/index.js';
import type { Message, RaftId } from '../../../../manager/raft/types.js';
import { MessageType } from '../../../../manager/raft/types.js';

export class LocalNetwork {
  private readonly handlers = new Map<RaftId, RaftTransportHandler>();
  private readonly isolated = new Set<RaftId>();

  transport(id: RaftId): RaftTransport {
    const peers = new Set<RaftId>();
    let open = true;
    return {
      start: (handler) => void this.handlers.set(id, handler),
      setPeer: (peer) => void peers.add(peer),
      removePeer: (peer) => void peers.delete(peer),
      close: async () => {
        open = false;
        this.handlers.delete(id);
      },
      send: (messages) => {
        if (!open) return;
        for (const m of messages) if (peers.has(m.to)) this.deliver(id, m);
      },
    };
  }

  /** Cuts every link of `id`, both ways. */
  isolate(id: RaftId): void {
    this.isolated.add(id);
  }

  heal(): void {
    this.isolated.clear();
  }

  private deliver(from: RaftId, m: Message): void {
    setImmediate(() => {
      const cut = this.isolated.has(from) || this.isolated.has(m.to);
      const to = this.handlers.get(m.to);
      if (m.type === MessageType.Snap) this.handlers.get(from)?.snapshotSent(m.to, !cut && to !== undefined);
      if (cut || !to) {
        this.handlers.get(from)?.unreachable(m.to);
        return;
      }
      to.receive(m);
    });
  }
}
