/** The conformance suite on the Raft store: the leader of three members on an in-process network. */
import test from 'ava';
import { join } from 'node:path';
import { RaftStore } from '../../../manager/store/raft-store.js';
import { eventually, tempDir } from '../helpers.js';
import { LocalNetwork } from '../raft/node/local-network.js';
import { storeConformance } from './conformance.js';

const members = [1, 2, 3].map((id) => ({ id, address: `m${id}` }));

storeConformance(test, {
  name: 'raft',
  open: async (t) => {
    const dir = await tempDir(t);
    const net = new LocalNetwork();
    const stores = await Promise.all(
      members.map((m) =>
        RaftStore.open({
          id: m.id,
          dir: join(dir, String(m.id)),
          transport: net.transport(m.id),
          bootstrap: members,
          // Quick ticks, but an election timeout (200-400 ms) that a loaded machine's pauses do
          // not reach: the suite tests the store, not leader changes.
          tickMs: 5,
          electionTick: 40,
          heartbeatTick: 1,
        }),
      ),
    );
    const leader = await eventually(() => stores.find((s) => s.raft.isLeader));
    return {
      store: leader,
      close: async () => {
        await Promise.all(stores.filter((s) => s !== leader).map((s) => s.close()));
      },
    };
  },
});
