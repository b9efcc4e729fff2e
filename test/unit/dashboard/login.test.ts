import test from 'ava';
import { newKey } from '../../../lib/seal.js';
import { dashboardLogin, type LoginContext } from '../../../manager/dashboard/login.js';
import { tokenKey, verifyToken } from '../../../manager/dashboard/tokens.js';
import { Keyring, newDataKey } from '../../../manager/keys/keyring.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { makeCluster, makeNode } from '../helpers.js';

const now = 1_800_000_000_000;

async function setup(): Promise<LoginContext> {
  const kek = newKey();
  const store = await MemoryStore.open();
  const manager = (addr: string) =>
    makeNode({
      role: 'MANAGER',
      managerStatus: { raftId: 1, addr, leader: false, reachability: 'REACHABLE' },
    });
  await store.update((tx) => {
    tx.create('clusters', makeCluster({ dataKey: newDataKey(kek, false) }));
    tx.create('nodes', manager('10.0.0.1:4240'));
    tx.create('nodes', manager('10.0.0.2:4240'));
    tx.create('nodes', makeNode({ role: 'WORKER' }));
  });
  return { store, keys: new Keyring(kek), addr: '10.0.0.1:4240', configured: undefined, now };
}

test("a link to every manager's dashboard at the default place, this one first, with a token the cluster's key signs", async (t) => {
  const ctx = await setup();
  const login = dashboardLogin({ ttlSeconds: 0 }, ctx);
  t.deepEqual(
    login.urls.map((u) => u.replace(/token=.*/, 'token=')),
    ['https://10.0.0.1:4280/login?token=', 'https://10.0.0.2:4280/login?token='],
  );
  t.is(login.expiresAt, now + 5 * 60_000);
  const dataKey = ctx.store.view((tx) => ctx.keys.dataKey(tx));
  t.true(verifyToken(tokenKey(dataKey, 'login'), 'login', login.token, now).ok);
  t.true(login.urls[0]!.endsWith(encodeURIComponent(login.token)));
});

test('a dashboard moved or turned off: only this manager is known', async (t) => {
  const ctx = await setup();
  t.deepEqual(
    dashboardLogin({ ttlSeconds: 60 }, { ...ctx, configured: '0.0.0.0:8443' }).urls.map(
      (u) => u.split('/login')[0],
    ),
    ['https://10.0.0.1:8443'],
  );
  t.deepEqual(dashboardLogin({ ttlSeconds: 60 }, { ...ctx, configured: '' }).urls, []);
  t.throws(() => dashboardLogin({ ttlSeconds: 2 * 86_400 }, ctx), { message: /at most 24h/ });
});
