import test from 'ava';
import { newKey } from '../../../lib/seal.js';
import { ControlApi } from '../../../manager/api/control.js';
import { REGISTRY_AUTH_LABEL } from '../../../manager/api/registry-auth.js';
import { removeFile, valuesFor } from '../../../manager/api/secrets.js';
import { Keyring, newDataKey } from '../../../manager/keys/keyring.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { codec } from '../../../proto/load.js';
import type { StoreSnapshot, Task } from '../../../proto/types.js';
import { makeCluster, makeSpec } from '../helpers.js';

const AUTH = Buffer.from(JSON.stringify({ username: 'u', password: 'hunter2' })).toString('base64');

async function setup() {
  const kek = newKey();
  const store = await MemoryStore.open();
  await store.update((tx) => tx.create('clusters', makeCluster({ dataKey: newDataKey(kek, false) })));
  const keys = new Keyring(kek);
  return { store, keys, api: new ControlApi(store, keys) };
}

function specWithAuth(auth: string, name = 'private') {
  const spec = makeSpec({ name });
  spec.task!.container = {
    ...spec.task!.container!,
    image: 'registry.local/app:1',
    command: [],
    registryAuth: auth,
  };
  return spec;
}

const registrySecrets = (store: MemoryStore, serviceId: string) =>
  store.view((tx) => tx.all('secrets').filter((s) => s.spec?.labels[REGISTRY_AUTH_LABEL] === serviceId));

test('credentials given with a spec become a sealed secret of the service; the spec keeps its id', async (t) => {
  const { store, keys, api } = await setup();
  const service = await api.createService(specWithAuth(AUTH));
  const container = service.spec!.task!.container!;
  t.is(container.registryAuth, '');
  const [secret] = registrySecrets(store, service.id);
  t.is(container.registryAuthSecret, secret!.id);
  t.regex(secret!.spec!.name, /^private-registry-auth-/);
  const snapshot = Buffer.from(codec<StoreSnapshot>('flotilla.StoreSnapshot').encode(store.snapshot()));
  t.false(snapshot.includes(AUTH), 'nowhere in the store in clear');
  const task = { spec: service.spec!.task!, desiredState: 'RUNNING' } as Task;
  const [value] = store.view((tx) => valuesFor(tx, keys, [task]));
  t.is(Buffer.from(value!.data).toString(), AUTH, 'sent with the tasks that pull');
});

test('a spec sent back keeps its secret; new credentials make a new one; old ones go with the versions that name them', async (t) => {
  const { store, api } = await setup();
  const created = await api.createService(specWithAuth(AUTH));
  const first = created.spec!.task!.container!.registryAuthSecret;
  const relabelled = await api.updateService(created.id, 0, { ...created.spec!, labels: { edited: '1' } });
  t.is(relabelled.spec?.task?.container?.registryAuthSecret, first);
  t.is(relabelled.specVersion, created.specVersion, 'no new version for a label');
  const renewed = await api.updateService(created.id, 0, specWithAuth(AUTH.replace('h', 'H')));
  const second = renewed.spec!.task!.container!.registryAuthSecret;
  t.not(second, first);
  t.deepEqual(
    registrySecrets(store, created.id)
      .map((s) => s.id)
      .sort(),
    [first, second].sort(),
    'the previous spec still names the first',
  );
  const err = await t.throwsAsync(removeFile(store, 'secrets', second));
  t.regex(err?.message ?? '', /in use by service private/);
  await api.removeService('private');
  t.deepEqual(registrySecrets(store, created.id), [], 'removed with the service');
});
