import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { createLogger } from '../../../lib/log.js';
import { paths, writeIdentity, type NodeIdentity } from '../../../daemon/data-dir.js';
import { restrictDataDir, restrictSocket, socketGroupId } from '../../../daemon/permissions.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

async function tempDir(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-perm-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

/** A real unix socket at `path`, closed when the test ends. */
async function unixSocket(t: { teardown: (fn: () => Promise<void>) => void }, path: string): Promise<Server> {
  const server = createServer((c) => c.end('hello\n'));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

/** A group of /etc/group other than the test's own, so that a chown to it is seen. */
async function someOtherGroup(): Promise<{ name: string; gid: number }> {
  const mine = process.getgid?.() ?? 0;
  for (const line of (await readFile('/etc/group', 'utf8')).split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && gid && Number(gid) !== mine) return { name, gid: Number(gid) };
  }
  throw new Error('no second group in /etc/group');
}

test('--socket-group: a name or id of /etc/group; none without the flag; an unknown one names the flag', async (t) => {
  t.is(await socketGroupId(undefined), undefined);
  t.is(await socketGroupId('root'), 0);
  t.is(await socketGroupId('4321'), 4321);
  const err = await t.throwsAsync(socketGroupId('no-such-group-here'));
  t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
  t.is(err?.message, 'invalid --socket-group: group "no-such-group-here" not found in /etc/group');
});

test('the data dir is tightened to 0700, or 0710 with the socket group', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'node');
  await mkdir(dir, { mode: 0o755 });
  await chmod(dir, 0o755);
  await restrictDataDir(dir, undefined);
  t.is(await modeOf(dir), 0o700);
  const gid = isRoot ? (await someOtherGroup()).gid : (process.getgid?.() ?? 0);
  await restrictDataDir(dir, gid);
  t.is(await modeOf(dir), 0o710);
  t.is((await stat(dir)).gid, gid);
});

test('the control socket is 0600, or 0660 with its group set to the socket group', async (t) => {
  const root = await tempDir(t);
  const plain = join(root, 'plain.sock');
  await unixSocket(t, plain);
  t.not(await modeOf(plain), 0o600);
  await restrictSocket(plain, undefined);
  t.is(await modeOf(plain), 0o600);

  const grouped = join(root, 'grouped.sock');
  await unixSocket(t, grouped);
  const gid = isRoot ? (await someOtherGroup()).gid : (process.getgid?.() ?? 0);
  await restrictSocket(grouped, gid);
  t.is(await modeOf(grouped), 0o660);
  t.is((await stat(grouped)).gid, gid);
});

/** Connects to `socket` as uid nobody with primary group `gid`; the error code, or "ok". */
function connectAs(gid: number, socket: string): Promise<string> {
  const script = `require('net').connect(${JSON.stringify(socket)})
    .on('data', () => { console.log('ok'); process.exit(0); })
    .on('error', (e) => { console.log(e.code); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script], {
    uid: NOBODY,
    gid,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve(out.trim())));
}

test('a member of the socket group reaches the socket through the data dir; anyone else does not', async (t) => {
  if (!isRoot) return t.pass('needs root, to run a client as another user');
  const root = await tempDir(t);
  await chmod(root, 0o755); // as /var/lib is
  const dataDir = join(root, 'node');
  await mkdir(dataDir);
  const socket = paths(dataDir).socket;
  await unixSocket(t, socket);
  const group = await someOtherGroup();

  await restrictDataDir(dataDir, group.gid);
  await restrictSocket(socket, group.gid);
  t.is(await connectAs(group.gid, socket), 'ok');
  t.is(await connectAs(NOBODY, socket), 'EACCES');

  await restrictDataDir(dataDir, undefined);
  await restrictSocket(socket, undefined);
  t.is(await connectAs(group.gid, socket), 'EACCES');
});

test('node.json is written 0600', async (t) => {
  const dir = await tempDir(t);
  const identity: NodeIdentity = {
    nodeId: 'n1',
    clusterId: 'c1',
    role: 'WORKER',
    listen: '127.0.0.1:4240',
    hostname: 'h',
    managers: [],
    socketGroup: 'root',
    maxImageSize: 512 * 2 ** 20,
  };
  await writeIdentity(dir, identity);
  t.is(await modeOf(paths(dir).identity), 0o600);
  t.deepEqual(JSON.parse(await readFile(paths(dir).identity, 'utf8')), identity);
});

test('the daemon log is created 0600', async (t) => {
  const dir = await tempDir(t);
  const file = paths(dir).log;
  createLogger({ file }).info('hello');
  // The log opens its file in the background.
  for (let tries = 0; !(await stat(file).catch(() => undefined)) && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.is(await modeOf(file), 0o600);
});
