import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { VolumeStore } from '../../../worker/volumes.js';

const mount = (source: string, target = '/data') => ({
  type: 'volume',
  source,
  target,
  readOnly: false,
  volumeDriver: '',
  volumeOptions: {},
});

test('a volume is made on first use, the same data after, and refused removal while in use', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-volumes-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const users = new Map<string, string[]>();
  const store = new VolumeStore(dir, () => Promise.resolve(users));

  const [first] = await store.mounts([mount('data'), { ...mount(''), type: 'tmpfs', target: '/tmp' }]);
  t.deepEqual(first, { type: 'bind', source: join(dir, 'data', '_data'), target: '/data', readOnly: false });
  t.is((await stat(first!.source!)).mode & 0o777, 0o755);
  await writeFile(join(first!.source!, 'kept'), 'hello');

  const [again] = await store.mounts([{ ...mount('data', '/elsewhere'), readOnly: true }]);
  t.is(again?.source, first?.source);
  t.is(await readFile(join(again!.source!, 'kept'), 'utf8'), 'hello');

  users.set('data', ['task-1']);
  const [listed] = await store.list();
  t.like(listed, { name: 'data', driver: 'local', usedBy: ['task-1'] });
  t.true((listed?.size ?? 0) >= 5);
  const refused = await t.throwsAsync(store.remove('data'));
  t.true(isFlotillaError(refused, 'CONFLICT'));
  t.regex(refused?.message ?? '', /in use .*task-1/);
  t.true(existsSync(join(first!.source!, 'kept')));

  users.clear();
  await store.remove('data');
  t.false(existsSync(join(dir, 'data')));
  t.deepEqual(await store.list(), []);
  t.true(isFlotillaError(await t.throwsAsync(store.remove('data')), 'NOT_FOUND'));
  t.true(isFlotillaError(await t.throwsAsync(store.inspect('data')), 'NOT_FOUND'));
});

test('names and local driver options are checked before anything is made', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-volumes-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = new VolumeStore(dir, () => Promise.resolve(new Map()));
  for (const bad of [
    store.ensure('../escape'),
    store.ensure('v', 'nfs'),
    store.ensure('v', 'local', { type: 'nfs' }),
    store.ensure('v', 'local', { type: 'none', device: '/srv' }),
    store.ensure('v', 'local', { size: '1g' }),
    store.ensure('v', 'local', { type: 'none', o: 'bind', device: join(dir, 'missing') }),
  ]) {
    t.true(isFlotillaError(await t.throwsAsync(bad), 'INVALID_ARGUMENT'));
  }
  t.deepEqual(await store.list(), []);
  t.false(existsSync(join(dir, 'v')));
});
