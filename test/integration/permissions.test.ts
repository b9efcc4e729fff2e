/**
 * A node's data dir is its own: the modes of what `init`, `join` and the daemon make there,
 * the local control socket and its --socket-group, and the flags the identity keeps.
 */
import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { paths, type NodeIdentity } from '../../daemon/data-dir.js';
import { eventually, freePort, LocalCluster, runCli } from './cluster-harness.js';

let c: LocalCluster;

// Group `daemon` (gid 1) exists on every Linux; a user who is not root can only pick its own.
const isRoot = process.getuid?.() === 0;
const group = isRoot
  ? { name: 'daemon', gid: 1 }
  : { name: String(process.getgid?.()), gid: process.getgid?.() ?? 0 };

test.before(async () => {
  c = await LocalCluster.create();
});

test.after.always(async () => {
  await c?.destroy();
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;
const identityOf = async (name: string) =>
  JSON.parse(await readFile(paths(c.dataDir(name)).identity, 'utf8')) as NodeIdentity;

/** The mode of everything under `dir`, by path relative to it. */
async function modesUnder(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of await readdir(dir, { recursive: true })) out[name] = await modeOf(join(dir, name));
  return out;
}

test.serial(
  'init --socket-group: data dir 0710 and socket 0660 of that group; its files 0600, raft dirs 0700',
  async (t) => {
    const res = await c.init('m1', '--socket-group', group.name, '--max-image-size', '512M');
    t.is(res.code, 0, res.stderr);
    const p = paths(c.dataDir('m1'));
    t.is(await modeOf(c.dataDir('m1')), 0o710);
    t.is((await stat(c.dataDir('m1'))).gid, group.gid);
    t.is(await modeOf(p.socket), 0o660);
    t.is((await stat(p.socket)).gid, group.gid);
    for (const file of [p.identity, p.log, p.pid]) t.is(await modeOf(file), 0o600, file);
    t.is(await modeOf(p.raft), 0o700);
    for (const [name, mode] of Object.entries(await modesUnder(p.raft))) {
      t.is(mode, (await stat(join(p.raft, name))).isDirectory() ? 0o700 : 0o600, name);
    }
    t.like(await identityOf('m1'), { socketGroup: group.name, maxImageSize: 512 * 2 ** 20 });
    const ls = await runCli(['--data-dir', c.dataDir('m1'), 'node', 'ls']);
    t.is(ls.code, 0, ls.stderr);
  },
);

test.serial(
  'join: data dir 0700, socket 0600; a data dir made before is tightened when the daemon starts',
  async (t) => {
    const token = (await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
    const res = await c.join('w1', 'm1', token, '--max-image-size', '1G');
    t.is(res.code, 0, res.stderr);
    const p = paths(c.dataDir('w1'));
    t.is(await modeOf(c.dataDir('w1')), 0o700);
    t.is(await modeOf(p.socket), 0o600);
    for (const file of [p.identity, p.log, p.pid]) t.is(await modeOf(file), 0o600, file);
    const identity = await identityOf('w1');
    t.is(identity.maxImageSize, 2 ** 30);
    t.false('socketGroup' in identity);

    const pid = await c.stop('w1');
    await chmod(c.dataDir('w1'), 0o755);
    c.restart('w1');
    await eventually('w1 restarted', async () => (await c.daemonPid('w1').catch(() => pid)) !== pid);
    t.is(await modeOf(c.dataDir('w1')), 0o700);
  },
);

test.serial(
  'an unknown --socket-group or a bad --max-image-size fails naming the flag; nothing is made',
  async (t) => {
    const dataDir = c.dataDir('bad');
    const listen = `127.0.0.1:${await freePort()}`;
    const init = await runCli([
      'init',
      '--data-dir',
      dataDir,
      '--listen',
      listen,
      '--socket-group',
      'no-such-group',
    ]);
    t.not(init.code, 0);
    t.regex(init.stderr, /invalid --socket-group: group "no-such-group" not found in \/etc\/group/);
    const size = await runCli([
      'init',
      '--data-dir',
      dataDir,
      '--listen',
      listen,
      '--max-image-size',
      'lots',
    ]);
    t.not(size.code, 0);
    t.regex(size.stderr, /invalid --max-image-size: expected a size such as 256M or 1G, got "lots"/);
    const token = (await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
    const join = await runCli([
      ...['join', '--data-dir', dataDir, '--listen', listen, '--token', token],
      ...['--socket-group', 'no-such-group', c.addr('m1')],
    ]);
    t.not(join.code, 0);
    t.regex(join.stderr, /invalid --socket-group/);
    await t.throwsAsync(stat(dataDir), { code: 'ENOENT' });
    const nodes = await c.json<unknown[]>('m1', 'node', 'ls', '--format', 'raw');
    t.is(nodes.length, 2);
  },
);
