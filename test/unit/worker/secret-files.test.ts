/**
 * The files of tasks' secrets and configs: where each lands, with what owner and mode, the
 * refusals (no value, colliding paths, a base not on a tmpfs or not the daemon's), and the
 * pruning of a node's directories. Writes under /dev/shm, as the agent does.
 */
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, chown } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import type { FileReference } from '../../../proto/types.js';
import {
  fsTypeAt,
  hostLayout,
  hostPath,
  modeOf,
  ownerOf,
  SecretFiles,
  type Reference,
} from '../../../worker/secret-files.js';

const isRoot = process.getuid?.() === 0;

function ref(kind: Reference['kind'], name: string, fields: Partial<FileReference> = {}): Reference {
  const target = kind === 'secret' ? `/run/secrets/${name}` : `/${name}`;
  return { kind, ref: { id: `id-${name}`, name, target, uid: '', gid: '', mode: 0, env: '', ...fields } };
}

/** A base of its own under /dev/shm, removed after the test. */
function testBase(t: ExecutionContext): string {
  const base = `/dev/shm/flotilla-test-${randomBytes(6).toString('hex')}`;
  t.teardown(() => rm(base, { recursive: true, force: true }));
  return base;
}

const values = (...pairs: [string, string][]) =>
  new Map(pairs.map(([id, text]) => [id, Buffer.from(text)] as const));

async function ownerAndMode(path: string): Promise<[number, number, number]> {
  const s = await stat(path);
  return [s.uid, s.gid, s.mode & 0o7777];
}

test('a plain process task finds a secret at its name and a config at its target under its directory', (t) => {
  t.is(hostPath('/run/secrets/db_password'), 'db_password');
  t.is(hostPath('/run/secrets/app/key.pem'), 'app/key.pem');
  t.is(hostPath('/etc/nginx/nginx.conf'), 'etc/nginx/nginx.conf');
  t.is(hostPath('/run/secrets/../x'), 'run/x', 'normalized before anything is stripped');
  t.is(hostPath('/run/secretsx'), 'run/secretsx');
  for (const bad of ['/', '/run/secrets/', '/etc/', 'relative/path', ''])
    t.throws(() => hostPath(bad), { message: /is not the absolute path of a file/ }, bad);
});

test('two references whose files would land on one another are refused, naming both', (t) => {
  t.deepEqual(hostLayout([ref('secret', 'a'), ref('config', 'ab')]), ['a', 'ab']);
  t.throws(() => hostLayout([ref('secret', 'app.conf'), ref('config', 'app.conf')]), {
    message: /^secret "app.conf" and config "app.conf" cannot both be files .* app.conf and app.conf/,
  });
  t.throws(() => hostLayout([ref('secret', 'etc'), ref('config', 'x', { target: '/etc/x.conf' })]), {
    message: /secret "etc" and config "x"/,
  });
  t.throws(() => hostLayout([ref('config', 'x', { target: '/' })]), { message: /^config "x": target "\/"/ });
});

test('owner and mode: the reference, else the defaults', (t) => {
  const fallback = { uid: 7, gid: 8 };
  t.deepEqual(ownerOf(ref('secret', 's'), fallback), fallback);
  t.deepEqual(ownerOf(ref('secret', 's', { uid: '1000', gid: '0' }), fallback), { uid: 1000, gid: 0 });
  t.throws(() => ownerOf(ref('secret', 's', { uid: 'root' }), fallback), {
    message: 'secret "s": uid "root" is not a number',
  });
  t.is(modeOf(ref('secret', 's').ref), 0o444);
  t.is(modeOf(ref('secret', 's', { mode: 0o400 }).ref), 0o400);
});

test('the file system of a path is that of its deepest mount point, the last one mounted there', (t) => {
  const table = [
    'overlay / overlay rw 0 0',
    'devtmpfs /dev devtmpfs rw 0 0',
    'tmpfs /dev/shm tmpfs rw 0 0',
    'tmpfs /mnt/with\\040space tmpfs rw 0 0',
    'tmpfs /data tmpfs rw 0 0',
    '/dev/sda1 /data ext4 rw 0 0',
  ].join('\n');
  t.is(fsTypeAt('/dev/shm/flotilla', table), 'tmpfs');
  t.is(fsTypeAt('/dev/shm', table), 'tmpfs');
  t.is(fsTypeAt('/dev/shmx', table), 'devtmpfs');
  t.is(fsTypeAt('/mnt/with space/x', table), 'tmpfs');
  t.is(fsTypeAt('/data/x', table), 'ext4');
  t.is(fsTypeAt('/srv', table), 'overlay');
  t.is(fsTypeAt('/srv', ''), undefined);
});

test('a container task: its files in a directory of its own, with their owners and modes, to bind at their targets', async (t) => {
  if (!isRoot) return t.pass('needs root to give files to root');
  const base = testBase(t);
  const files = new SecretFiles('node-1', base);
  const refs = [
    ref('secret', 'db_password', { mode: 0o400, uid: '1000', gid: '1001', env: 'DB_PASSWORD' }),
    ref('config', 'app.conf', { target: '/etc/app/app.conf' }),
  ];
  const written = await files.write(
    'task-1',
    refs,
    values(['id-db_password', 'hunter2'], ['id-app.conf', 'x=1']),
  );
  const dir = join(base, 'node-1', 'task-1');
  t.is(files.dirOf('task-1'), dir);
  t.deepEqual(written, {
    mounts: [
      { type: 'bind', source: join(dir, 'secret-0'), target: '/run/secrets/db_password', readOnly: true },
      { type: 'bind', source: join(dir, 'config-1'), target: '/etc/app/app.conf', readOnly: true },
    ],
    env: { DB_PASSWORD: 'hunter2' },
  });
  t.is(await readFile(join(dir, 'secret-0'), 'utf8'), 'hunter2');
  t.is(await readFile(join(dir, 'config-1'), 'utf8'), 'x=1');
  t.deepEqual(await ownerAndMode(dir), [0, 0, 0o700]);
  t.deepEqual(await ownerAndMode(join(dir, 'secret-0')), [1000, 1001, 0o400]);
  t.deepEqual(await ownerAndMode(join(dir, 'config-1')), [0, 0, 0o444]);
  // Users may pass through the base and the node's directory, not list them.
  t.is((await stat(base)).mode & 0o777, 0o711);
  t.is((await stat(join(base, 'node-1'))).mode & 0o777, 0o711);
});

test("a plain process task: its directory and the ones in it are its user's, each file at its target path", async (t) => {
  if (!isRoot) return t.pass('needs root to give files away');
  const base = testBase(t);
  const files = new SecretFiles('node-1', base);
  const refs = [
    ref('secret', 'db_password'),
    ref('config', 'nginx', { target: '/etc/nginx/nginx.conf', uid: '0', mode: 0o440 }),
  ];
  const nobody = { uid: 65534, gid: 65534 };
  const written = await files.write(
    'task-1',
    refs,
    values(['id-db_password', 'pw'], ['id-nginx', 'conf']),
    nobody,
  );
  const dir = join(base, 'node-1', 'task-1');
  t.deepEqual(written, { mounts: [], dir, env: {} });
  t.deepEqual((await readdir(dir)).sort(), ['db_password', 'etc']);
  for (const sub of ['.', 'etc', 'etc/nginx'])
    t.deepEqual(await ownerAndMode(join(dir, sub)), [65534, 65534, 0o750], sub);
  t.deepEqual(await ownerAndMode(join(dir, 'db_password')), [65534, 65534, 0o444]);
  t.deepEqual(await ownerAndMode(join(dir, 'etc/nginx/nginx.conf')), [0, 65534, 0o440]);
  t.is(await readFile(join(dir, 'etc/nginx/nginx.conf'), 'utf8'), 'conf');
});

test('a reference without a value, or a NUL for an environment variable, fails before anything is written', async (t) => {
  const base = testBase(t);
  const files = new SecretFiles('node-1', base);
  await t.throwsAsync(files.write('task-1', [ref('secret', 'absent')], values()), {
    message: 'secret "absent" (id-absent) has no value on this node',
  });
  const nul = new Map([['id-s', Buffer.from('a\0b')]]);
  await t.throwsAsync(files.write('task-1', [ref('secret', 's', { env: 'S' })], nul), {
    message: 'secret "s" cannot be put in S: its value holds a NUL byte',
  });
  await t.throwsAsync(stat(files.dirOf('task-1')));
  t.deepEqual(await files.write('task-2', [], values()), { mounts: [], env: {} });
  await t.throwsAsync(stat(files.dirOf('task-2')), undefined, 'no directory for a task without files');
});

test('values are only written to a tmpfs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-not-shm-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  if (fsTypeAt(dir, await readFile('/proc/mounts', 'utf8')) === 'tmpfs')
    return t.pass(`${tmpdir()} is a tmpfs here`);
  const files = new SecretFiles('node-1', join(dir, 'flotilla'));
  await t.throwsAsync(files.write('task-1', [ref('secret', 's')], values(['id-s', 'v'])), {
    message: new RegExp(`^${join(dir, 'flotilla')} is not on a tmpfs \\(but \\w+\\)`),
  });
  t.deepEqual(await readdir(join(dir, 'flotilla')), [], 'nothing written');
});

test('a base someone else made first is refused', async (t) => {
  const files = (base: string) => new SecretFiles('node-1', base);
  const write = (base: string) => files(base).write('task-1', [ref('secret', 's')], values(['id-s', 'v']));
  const linked = testBase(t);
  const elsewhere = testBase(t);
  await mkdir(elsewhere);
  await symlink(elsewhere, linked);
  await t.throwsAsync(write(linked), { message: /is not a directory of the daemon's user/ });
  t.true((await lstat(linked)).isSymbolicLink());
  t.deepEqual(await readdir(elsewhere), []);
  if (!isRoot) return;
  const theirs = testBase(t);
  await mkdir(theirs);
  await chown(theirs, 65534, 65534);
  await t.throwsAsync(write(theirs), { message: /is not a directory of the daemon's user/ });
});

test("pruning removes the directories of the tasks not held, of this node's only; remove takes one", async (t) => {
  const base = testBase(t);
  const mine = new SecretFiles('node-1', base);
  const other = new SecretFiles('node-2', base);
  const one = [ref('secret', 's')];
  const v = values(['id-s', 'v']);
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  for (const task of ['t1', 't2', 't3']) await mine.write(task, one, v, self);
  await other.write('t1', one, v, self);
  t.deepEqual((await mine.prune((id) => id === 't2')).sort(), ['t1', 't3']);
  t.deepEqual(await readdir(join(base, 'node-1')), ['t2']);
  t.deepEqual(await readdir(join(base, 'node-2')), ['t1']);
  await mine.remove('t2');
  await mine.remove('t2');
  t.deepEqual(await readdir(join(base, 'node-1')), []);
  t.deepEqual(await new SecretFiles('node-3', base).prune(() => false), [], 'a node without a directory');
  t.throws(() => mine.dirOf('../node-2'), { message: 'task id "../node-2" cannot name a directory' });
});
