import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { ControlApi } from '../../../manager/api/control.js';
import { createNetwork, networkInfo, removeNetwork, resolveNetwork } from '../../../manager/api/networks.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { NetworkSpec } from '../../../proto/types.js';
import { makeSpec, makeTask } from '../helpers.js';

const spec = (name: string, subnet = '', driver = ''): NetworkSpec => ({ name, labels: {}, driver, subnet });

test('networks get a VXLAN id and a /24 of the pool each; names are unique', async (t) => {
  const store = await MemoryStore.open();
  const a = await createNetwork(store, spec('backend'));
  const b = await createNetwork(store, spec('front'));
  t.is(a.spec?.driver, 'overlay');
  t.is(a.spec?.subnet, '10.214.0.0/24');
  t.is(b.spec?.subnet, '10.214.1.0/24');
  t.not(a.vni, b.vni);
  const mine = await createNetwork(store, spec('own', '10.214.2.0/23'));
  t.is(mine.spec?.subnet, '10.214.2.0/23');
  t.is((await createNetwork(store, spec('next'))).spec?.subnet, '10.214.4.0/24');
  const dup = await t.throwsAsync(createNetwork(store, spec('backend')));
  t.true(isFlotillaError(dup, 'ALREADY_EXISTS'));
  t.regex(dup?.message ?? '', /a network named "backend" already exists/);
  t.is(
    store.view((tx) => resolveNetwork(tx, 'front').id),
    b.id,
  );
  t.is(
    store.view((tx) => resolveNetwork(tx, b.id.slice(0, 8)).id),
    b.id,
  );
});

test('bad network specs name the field and write nothing', async (t) => {
  const store = await MemoryStore.open();
  await createNetwork(store, spec('backend', '10.30.0.0/24'));
  const bad: [NetworkSpec, RegExp][] = [
    [spec('a b'), /invalid name/],
    [spec('x', '', 'bridge'), /invalid driver \(--driver\): expected overlay/],
    [spec('x', '10.30.0.1/24'), /invalid subnet \(--subnet\)/],
    [spec('x', '10.30.0.0/30'), /invalid subnet \(--subnet\)/],
    [spec('x', 'backend'), /invalid subnet \(--subnet\)/],
    [spec('x', '10.30.0.128/25'), /clear of network backend's 10\.30\.0\.0\/24/],
    [spec('x', '10.0.0.0/8'), /clear of the cluster's container pool 10\.64\.0\.0\/10/],
    [spec('x', '10.64.7.0/24'), /clear of the cluster's container pool/],
  ];
  for (const [s, message] of bad) {
    const err = await t.throwsAsync(createNetwork(store, s), { message }, s.name + s.subnet + s.driver);
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
  }
  t.is(
    store.view((tx) => tx.all('networks').length),
    1,
  );
});

test('services join networks by name or id, stored as ids; unknown networks and tasks that cannot join are refused', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const backend = await createNetwork(store, spec('backend'));
  const s = makeSpec({ name: 'api' });
  s.task!.container!.image = 'flotilla/httpd';
  s.task!.networks = ['backend', backend.id];
  const service = await api.createService(s);
  t.deepEqual(service.spec?.task?.networks, [backend.id]);

  const unknown = structuredClone(s);
  unknown.name = 'other';
  unknown.task!.networks = ['nowhere'];
  await t.throwsAsync(api.createService(unknown), { message: /network "nowhere" not found/ });
  const host = makeSpec({ name: 'proc' });
  host.task!.networks = ['backend'];
  await t.throwsAsync(api.createService(host), { message: /invalid network \(--network\).*"host"/ });
  const hostNetwork = structuredClone(s);
  hostNetwork.name = 'hn';
  hostNetwork.task!.container!.hostNetwork = true;
  await t.throwsAsync(api.createService(hostNetwork), { message: /invalid network \(--network\)/ });
  t.is(
    store.view((tx) => tx.all('services').length),
    1,
  );
});

test('a network in use cannot be removed: the error names the services, then the tasks that remain', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const backend = await createNetwork(store, spec('backend'));
  const s = makeSpec({ name: 'api' });
  s.task!.container!.image = 'flotilla/httpd';
  s.task!.networks = ['backend'];
  const service = await api.createService(s);
  const err = await t.throwsAsync(removeNetwork(store, 'backend'));
  t.true(isFlotillaError(err, 'CONFLICT'));
  t.regex(err?.message ?? '', /network backend is in use by service api: remove it first/);

  const task = makeTask(service, {
    networks: [{ networkId: backend.id, networkName: 'backend', vni: backend.vni, address: '10.214.0.1/24' }],
  });
  await store.update((tx) => tx.create('tasks', task));
  t.deepEqual(store.view((tx) => networkInfo(tx, backend)).attachedTasks, 1);
  await api.removeService('api');
  await t.throwsAsync(removeNetwork(store, 'backend'), { message: /still has 1 task of removed services/ });
  await store.update((tx) => tx.delete('tasks', task.id));
  await removeNetwork(store, 'backend');
  t.is(
    store.view((tx) => tx.all('networks').length),
    0,
  );
  await t.throwsAsync(removeNetwork(store, 'backend'), { message: /network "backend" not found/ });
});
