/**
 * A real manager for fuzzing its Control API as a user meets it: the daemon's handlers and
 * access rules served on a local socket, over a memory store holding an initialised cluster.
 * Its control loops stay off, so every write in the store is one that a request made.
 */
import { Keyring, newDataKey } from '../../../manager/keys/keyring.js';
import { newKey } from '../../../lib/seal.js';
import type { ExecutionContext } from 'ava';
import { join } from 'node:path';
import { silentLogger } from '../../../lib/log.js';
import { DEFAULT_CONTAINER_POOL } from '../../../manager/allocator/subnets.js';
import type { Leadership } from '../../../manager/leadership.js';
import { initCluster, Manager } from '../../../manager/manager.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { wire } from '../../../proto/load.js';
import { connect, createServer, listen, shutdown } from '../../../proto/rpc.js';
import { testCa, testCredentials, TEST_CLUSTER_ID } from '../../fixtures/tls.js';
import { makeNode, tempDir } from '../helpers.js';

export interface ControlTarget {
  store: MemoryStore;
  client: ControlClient;
  /** The local socket's address, for clients of other shapes. */
  addr: string;
  /** The manager's own node, and two workers: one ready, one down. */
  nodes: { manager: string; ready: string; down: string };
}

/** Leads always, and never changes its mind: the loops it would start are never started. */
const leading: Leadership = {
  isLeader: true,
  leaderAddr: async () => undefined,
  subscribe: () => () => undefined,
  close: async () => undefined,
};

export async function startControlTarget(t: ExecutionContext): Promise<ControlTarget> {
  const store = await MemoryStore.open();
  const managerNode = makeNode({ role: 'MANAGER' });
  const kek = newKey();
  await initCluster(store, {
    clusterId: TEST_CLUSTER_ID,
    nodeId: managerNode.id,
    addr: '127.0.0.1:4242',
    description: managerNode.description!,
    rootCa: await testCa(),
    certificate: { expiresAtMs: 0, issuer: '', serial: '', caDigest: '' },
    containerPool: DEFAULT_CONTAINER_POOL,
    dataKey: newDataKey(kek, false),
    keys: new Keyring(kek),
  });
  const ready = makeNode();
  const down = makeNode({ status: { state: 'DOWN', message: '', addr: '' } });
  await store.update((tx) => [ready, down].forEach((n) => tx.create('nodes', n)));

  const tls = await testCredentials('manager', managerNode.id);
  const manager = new Manager({
    store,
    leadership: leading,
    tls,
    addr: '127.0.0.1:4242',
    keys: new Keyring(kek),
    onKey: async () => undefined,
    log: silentLogger(),
  });
  const local = createServer('local');
  const tcp = createServer(tls);
  manager.register(tcp, local);
  const addr = `unix:${join(await tempDir(t), 'cluster.sock')}`;
  await listen(local, addr);
  const client = connect(wire.flotilla.Control, addr);
  t.teardown(async () => {
    client.close();
    await shutdown(local, 100);
    tcp.forceShutdown();
    await manager.close();
    await store.close();
  });
  return { store, client, addr, nodes: { manager: managerNode.id, ready: ready.id, down: down.id } };
}
