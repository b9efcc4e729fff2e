import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { newKey } from '../../../lib/seal.js';
import { ControlApi } from '../../../manager/api/control.js';
import {
  configInfo,
  createFile,
  MAX_VALUE_BYTES,
  removeFile,
  resolveFile,
  secretInfo,
  valuesFor,
} from '../../../manager/api/secrets.js';
import { Keyring, newDataKey } from '../../../manager/keys/keyring.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { codec } from '../../../proto/load.js';
import type { FileReference, ServiceSpec, StoreSnapshot } from '../../../proto/types.js';
import { makeCluster, makeSpec } from '../helpers.js';

async function setup() {
  const kek = newKey();
  const store = await MemoryStore.open();
  await store.update((tx) => tx.create('clusters', makeCluster({ dataKey: newDataKey(kek, false) })));
  return { store, keys: new Keyring(kek), api: new ControlApi(store) };
}

const spec = (name: string, value = 's3cret') => ({ name, labels: {}, data: Buffer.from(value) });
const ref = (name: string, more: Partial<FileReference> = {}): FileReference => ({
  id: '',
  name,
  target: '',
  uid: '',
  gid: '',
  mode: 0,
  env: '',
  ...more,
});
function using(name: string, secrets: FileReference[], configs: FileReference[] = []): ServiceSpec {
  const s = makeSpec({ name });
  s.task!.container = { ...s.task!.container!, secrets, configs };
  return s;
}

test('a secret is stored sealed: no value in the store or its snapshot, none in an answer', async (t) => {
  const { store, keys } = await setup();
  const secret = await createFile(store, keys, 'secrets', spec('db_password'));
  t.is(secret.size, 6);
  t.is(secret.spec?.data.length, 0);
  const snapshot = codec<StoreSnapshot>('flotilla.StoreSnapshot').encode(store.snapshot());
  t.false(Buffer.from(snapshot).includes('s3cret'));
  t.true(Buffer.from(snapshot).includes(Buffer.from(secret.sealed)), 'the sealed value is what is kept');
  const info = store.view((tx) => secretInfo(tx, resolveFile(tx, 'secrets', 'db_password')));
  t.is(info.secret?.spec?.data.length, 0);
  t.deepEqual(info.services, []);
});

test('a config reads back with its value; its listing does not carry it', async (t) => {
  const { store, keys } = await setup();
  const config = await createFile(store, keys, 'configs', spec('nginx_conf', 'worker_processes 1;'));
  const shown = store.view((tx) => configInfo(tx, resolveFile(tx, 'configs', config.id.slice(0, 6)), keys));
  t.is(Buffer.from(shown.config!.spec!.data).toString(), 'worker_processes 1;');
  t.is(store.view((tx) => configInfo(tx, config)).config?.spec?.data.length, 0);
});

test('bad input is refused naming what was expected, and nothing is written', async (t) => {
  const { store, keys } = await setup();
  const refused = async (s: ReturnType<typeof spec>, pattern: RegExp) => {
    const err = await t.throwsAsync(createFile(store, keys, 'secrets', s));
    t.regex(err?.message ?? '', pattern);
  };
  await refused(spec('-bad'), /invalid name/);
  await refused(spec('empty', ''), /invalid value: expected a secret value of at least one byte/);
  await refused(
    { ...spec('big'), data: Buffer.alloc(MAX_VALUE_BYTES + 1) },
    /invalid value: expected at most 500 KiB/,
  );
  await refused({ ...spec('lab'), labels: { '': 'x' } }, /invalid label/);
  t.is(
    store.view((tx) => tx.all('secrets').length),
    0,
  );
  await createFile(store, keys, 'secrets', spec('once'));
  await refused(spec('once'), /a secret named "once" already exists/);
});

test('a service names secrets and configs; the API completes each reference', async (t) => {
  const { store, keys, api } = await setup();
  const secret = await createFile(store, keys, 'secrets', spec('db_password'));
  const tls = await createFile(store, keys, 'secrets', spec('tls_key'));
  const config = await createFile(store, keys, 'configs', spec('nginx_conf'));
  const service = await api.createService(
    using(
      'db',
      [ref('db_password'), ref('tls_key', { target: '/etc/ssl/key.pem', uid: '0', mode: 0o400, env: 'TLS' })],
      [ref('nginx_conf'), ref('nginx_conf', { target: 'etc/other.conf' })],
    ),
  );
  const c = service.spec!.task!.container!;
  t.deepEqual(
    c.secrets.map((r) => [r.id, r.name, r.target, r.mode, r.env]),
    [
      [secret.id, 'db_password', '/run/secrets/db_password', 0o444, ''],
      [tls.id, 'tls_key', '/etc/ssl/key.pem', 0o400, 'TLS'],
    ],
  );
  t.deepEqual(
    c.configs.map((r) => [r.id, r.target]),
    [
      [config.id, '/nginx_conf'],
      [config.id, '/etc/other.conf'],
    ],
  );
  t.deepEqual(store.view((tx) => secretInfo(tx, secret)).services, ['db']);
});

test('references that cannot be are refused naming the flag', async (t) => {
  const { store, keys, api } = await setup();
  await createFile(store, keys, 'secrets', spec('a'));
  await createFile(store, keys, 'secrets', spec('b'));
  const refused = async (secrets: FileReference[], pattern: RegExp) => {
    const err = await t.throwsAsync(api.createService(using('svc', secrets)));
    t.regex(err?.message ?? '', pattern);
  };
  await refused([ref('missing')], /secret "missing" not found: create it first/);
  await refused(
    [ref('a'), ref('b', { target: 'a' })],
    /invalid secret \(--secret\): expected each file at a path of its own/,
  );
  const config = await createFile(store, keys, 'configs', spec('c'));
  const err = await t.throwsAsync(
    api.createService(using('svc', [ref('a', { target: 'x' })], [ref('c', { id: config.id, target: '/x' })])),
  );
  t.regex(err?.message ?? '', /each file at a path of its own/);
  await refused([ref('a', { target: '../etc/passwd' })], /without empty, "\." or "\.\." parts/);
  await refused([ref('a', { mode: 0o1777 })], /a mode from 0000 to 0777, got "01777"/);
  await refused([ref('a', { uid: 'root' })], /a numeric uid/);
  await refused([ref('a', { env: 'X' }), ref('b', { env: 'X' })], /each environment variable set once/);
  await refused([ref('a', { env: '1X' })], /env=NAME/);
  t.is(
    store.view((tx) => tx.all('services').length),
    0,
  );
});

test('a secret in use is not removed: the error names the services', async (t) => {
  const { store, keys, api } = await setup();
  await createFile(store, keys, 'secrets', spec('db_password'));
  const db = await api.createService(using('db', [ref('db_password')]));
  await api.createService(using('backup', [ref('db_password')]));
  const err = await t.throwsAsync(removeFile(store, 'secrets', 'db_password'));
  t.true(isFlotillaError(err, 'CONFLICT'));
  t.regex(
    err?.message ?? '',
    /in use by services backup, db: take it out first \(`cluster service update --secret-rm db_password SERVICE`\)/,
  );
  await api.removeService('backup');
  await api.updateService(db.id, 0, using('db', []));
  await removeFile(store, 'secrets', 'db_password');
  t.is(
    store.view((tx) => tx.all('secrets').length),
    0,
  );
});

test('the values a node gets are those of its running tasks, opened, once each', async (t) => {
  const { store, keys } = await setup();
  const a = await createFile(store, keys, 'secrets', spec('a', 'va'));
  const c = await createFile(store, keys, 'configs', spec('c', 'vc'));
  const task = (
    desiredState: 'RUNNING' | 'SHUTDOWN',
    secrets: FileReference[],
    configs: FileReference[] = [],
  ) => {
    const s = using('x', secrets, configs);
    return { id: '', spec: s.task!, desiredState } as Parameters<typeof valuesFor>[2][number];
  };
  const values = store.view((tx) =>
    valuesFor(tx, keys, [
      task('RUNNING', [ref('a', { id: a.id })], [ref('c', { id: c.id })]),
      task('RUNNING', [ref('a', { id: a.id })]),
      task('SHUTDOWN', [ref('gone', { id: 'nope' })]),
    ]),
  );
  t.deepEqual(
    values.map((v) => [v.id, Buffer.from(v.data).toString()]),
    [
      [a.id, 'va'],
      [c.id, 'vc'],
    ],
  );
});

test('existOk answers the stored one for the same value and refuses another; validateOnly writes nothing', async (t) => {
  const { store, keys } = await setup();
  const first = await createFile(store, keys, 'secrets', spec('pw', 'one'));
  const again = await createFile(store, keys, 'secrets', spec('pw', 'one'), { existOk: true });
  t.is(again.id, first.id);
  t.is(again.meta?.version, first.meta?.version, 'nothing written');
  const changed = await t.throwsAsync(
    createFile(store, keys, 'secrets', spec('pw', 'two'), { existOk: true }),
  );
  t.regex(changed?.message ?? '', /exists with another value, and values never change/);
  const taken = await t.throwsAsync(createFile(store, keys, 'secrets', spec('pw', 'one')));
  t.regex(taken?.message ?? '', /a secret named "pw" already exists/);
  const checked = await createFile(store, keys, 'secrets', spec('new', 'v'), { validateOnly: true });
  t.is(checked.id, '');
  t.is(
    store.view((tx) => tx.all('secrets').length),
    1,
  );
});
