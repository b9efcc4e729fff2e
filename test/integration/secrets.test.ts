/**
 * Secrets and configs on a real cluster (three managers and two workers, process runtime):
 * their values reach only the node whose task uses them, on a tmpfs, and no disk of any
 * node; an autolocked manager restarted without its key serves nothing and takes no part in
 * the quorum, and with the key (also one rotated away while it was down) loses nothing.
 */
import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { paths, readIdentity } from '../../daemon/data-dir.js';
import { SECRETS_BASE } from '../../worker/secret-files.js';
import { eventually, LocalCluster, runCli, type CliResult } from './cluster-harness.js';

/** Every file under `dir` whose bytes hold `needle`. */
async function filesHolding(dir: string, needle: Buffer): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = await readFile(file).catch(() => Buffer.alloc(0));
    if (bytes.includes(needle)) found.push(file);
  }
  return found;
}

function ok(t: ExecutionContext, res: CliResult): string {
  t.is(res.code, 0, res.stderr);
  return res.stdout;
}

const local = (c: LocalCluster, name: string, ...args: string[]) =>
  runCli(['--data-dir', c.dataDir(name), ...args]);

test('a value reaches only the node whose task uses it, on a tmpfs, and no node writes it to disk', async (t) => {
  t.timeout(240_000);
  const c = await LocalCluster.create();
  t.teardown(() => c.destroy());
  ok(t, await c.init('m1'));
  ok(t, await c.joinManager('m2', 'm1'));
  const secret = `PLAINTEXT-secret-${randomBytes(8).toString('hex')}`;
  const config = `PLAINTEXT-config-${randomBytes(8).toString('hex')}`;
  // Values through stdin, as a user pipes them, to a follower (forwarded to the leader).
  ok(t, await runCli([...c.admin('m2'), 'secret', 'create', 'db', '-'], {}, secret));
  ok(t, await runCli([...c.admin('m1'), 'config', 'create', 'app_conf', '-'], {}, config));
  // A manager joining after them: the group's change makes every manager write a snapshot.
  ok(t, await c.joinManager('m3', 'm1'));
  const token = ok(t, await local(c, 'm1', 'join-token', 'worker', '-q')).trim();
  for (const w of ['w1', 'w2']) ok(t, await c.join(w, 'm1', token));
  ok(
    t,
    await c.cli(
      'm1',
      'service',
      'create',
      '--name',
      'app',
      '--replicas',
      '2',
      '--constraint',
      'node.hostname==w1',
      '--secret',
      'db',
      '--secret',
      'source=db,target=copy,mode=0400',
      '--config',
      'source=app_conf,target=/etc/app.conf',
      'host',
      'sh',
      '-c',
      'stat -c "%a %n" "$FLOTILLA_SECRETS_DIR/db" "$FLOTILLA_SECRETS_DIR/copy" "$FLOTILLA_SECRETS_DIR/etc/app.conf"; sleep 100000',
    ),
  );
  const w1 = (await readIdentity(c.dataDir('w1')))!.nodeId;
  const w2 = (await readIdentity(c.dataDir('w2')))!.nodeId;
  const dirs = await eventually('both tasks have their files', async () => {
    const names = await readdir(join(SECRETS_BASE, w1)).catch(() => [] as string[]);
    return names.length === 2 ? names.map((n) => join(SECRETS_BASE, w1, n)) : undefined;
  });
  for (const dir of dirs) {
    t.is(await readFile(join(dir, 'db'), 'utf8'), secret);
    t.is((await stat(join(dir, 'db'))).mode & 0o777, 0o444);
    t.is((await stat(join(dir, 'copy'))).mode & 0o777, 0o400);
    t.is(await readFile(join(dir, 'etc/app.conf'), 'utf8'), config);
  }
  const mounts = await readFile('/proc/mounts', 'utf8');
  t.true(
    mounts.split('\n').some((l) => l.split(' ')[1] === '/dev/shm' && l.split(' ')[2] === 'tmpfs'),
    'the files are on a tmpfs',
  );
  const logs = await eventually('the tasks saw their files', async () => {
    const out = ok(t, await c.cli('m1', 'service', 'logs', 'app'));
    return out.includes('/copy') ? out : undefined;
  });
  t.regex(logs, /444 \S+\/db\n/);
  t.regex(logs, /400 \S+\/copy\n/);
  t.false(existsSync(join(SECRETS_BASE, w2)) && (await readdir(join(SECRETS_BASE, w2))).length > 0);

  // A snapshot holds the values (sealed): the files searched below include it.
  const [inspected] = await c.json<{ secret: { meta: { version: number } } }[]>(
    'm1',
    'secret',
    'inspect',
    'db',
  );
  const snapshotIndexes = (await readdir(join(paths(c.dataDir('m1')).raft, 'snap'))).map((f) =>
    parseInt(f.slice(17, 33), 16),
  );
  t.true(Math.max(...snapshotIndexes) > inspected!.secret.meta.version, 'a snapshot taken after the values');
  // The join tokens and the CA's key are sealed in the store too.
  const managerToken = ok(t, await local(c, 'm1', 'join-token', 'manager', '-q')).trim();
  for (const name of c.nodes.keys()) {
    for (const value of [secret, config, managerToken, token]) {
      t.deepEqual(await filesHolding(c.dataDir(name), Buffer.from(value)), [], `${name}'s data dir`);
    }
  }
  for (const name of ['m1', 'm2', 'm3']) {
    const raft = paths(c.dataDir(name)).raft;
    t.deepEqual(await filesHolding(raft, Buffer.from('PRIVATE KEY')), [], `no key in ${name}'s Raft files`);
  }
  const removed = await c.cli('m1', 'secret', 'rm', 'db');
  t.regex(removed.stderr, /secret db is in use by service app/);
  ok(t, await c.cli('m1', 'service', 'rm', 'app'));
  await eventually("the tasks' files are gone", async () => {
    const names = await readdir(join(SECRETS_BASE, w1)).catch(() => [] as string[]);
    return names.length === 0;
  });
  await eventually(
    'the secret is free to remove',
    async () => (await c.cli('m1', 'secret', 'rm', 'db')).code === 0,
  );
});

/** Whether anything listens at `addr` (host:port). */
function listening(addr: string): Promise<boolean> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = netConnect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

test('an autolocked manager restarted without its key serves nothing and joins no quorum; with it (an old one too) it loses nothing', async (t) => {
  t.timeout(240_000);
  const c = await LocalCluster.create();
  t.teardown(() => c.destroy());
  const init = ok(t, await c.init('m1', '--autolock'));
  const firstKey = /FLKEY-1-\S+/.exec(init)?.[0] ?? '';
  t.truthy(firstKey, 'init prints the unlock key');
  for (const m of ['m2', 'm3']) ok(t, await c.joinManager(m, 'm1'));
  ok(t, await runCli([...c.admin('m1'), 'secret', 'create', 'kept', '-'], {}, 'kept-value'));
  for (const m of ['m1', 'm2', 'm3']) {
    const certs = paths(c.dataDir(m)).certs;
    t.deepEqual(
      (await readdir(certs)).sort(),
      ['ca.pem', 'cert.pem', 'key.sealed'],
      `${m} keeps no key in clear`,
    );
  }

  // Two managers down and back, locked: the one left has no quorum, and they serve nothing.
  for (const m of ['m2', 'm3']) await c.stop(m, 'SIGKILL');
  for (const m of ['m2', 'm3']) c.restart(m);
  for (const m of ['m2', 'm3']) {
    const res = await eventually(`${m} answers locked`, async () => {
      const r = await local(c, m, 'node', 'ls');
      return /locked/.test(r.stderr) ? r : undefined;
    });
    t.regex(res.stderr, /this manager is locked .*: run `cluster unlock` on this node/);
    t.false(await listening(c.addr(m)), `${m} serves nothing on the network`);
  }
  const write = await c.cli('m1', 'secret', 'create', 'during', '-');
  t.not(write.code, 0, 'no quorum while two of three are locked');
  const wrong = await runCli(['--data-dir', c.dataDir('m2'), 'unlock'], {}, `FLKEY-1-${'A'.repeat(43)}`);
  t.regex(wrong.stderr, /this unlock key does not open this manager/);

  ok(t, await runCli(['--data-dir', c.dataDir('m2'), 'unlock'], {}, firstKey));
  await eventually(
    'a quorum again',
    async () => (await runCli([...c.admin('m1'), 'secret', 'create', 'after', '-'], {}, 'v')).code === 0,
  );
  const names = ok(t, await c.cli('m2', 'secret', 'ls'));
  t.regex(names, /kept/);

  // A rotation while m3 is still locked: the old key still opens it, and it takes the new one.
  const rotated = /FLKEY-1-\S+/.exec(ok(t, await c.cli('m1', 'unlock-key', '--rotate')))?.[0] ?? '';
  t.not(rotated, firstKey);
  ok(t, await runCli(['--data-dir', c.dataDir('m3'), 'unlock'], {}, firstKey));
  await eventually(
    'm3 holds the new key',
    async () => (await local(c, 'm3', 'unlock-key', '-q')).stdout.trim() === rotated,
  );
  await c.stop('m3', 'SIGKILL');
  c.restart('m3');
  await eventually('m3 locked again', async () =>
    /locked/.test((await local(c, 'm3', 'secret', 'ls')).stderr),
  );
  const old = await runCli(['--data-dir', c.dataDir('m3'), 'unlock'], {}, firstKey);
  t.regex(
    old.stderr,
    /does not open this manager/,
    'once m3 has the new key, the old one no longer opens it',
  );
  ok(t, await runCli(['--data-dir', c.dataDir('m3'), 'unlock'], {}, rotated));
  await eventually('m3 serves again', async () => /kept/.test((await local(c, 'm3', 'secret', 'ls')).stdout));

  // Autolock off: every manager keeps its key on disk again, and restarts unlocked.
  ok(t, await c.cli('m2', 'update', '--autolock', 'false'));
  for (const m of ['m1', 'm2', 'm3']) {
    await eventually(`${m} keeps its key on disk`, async () => {
      const files = (await readdir(paths(c.dataDir(m)).certs)).sort().join(' ');
      return files === 'ca.pem cert.pem kek key.pem';
    });
  }
  await c.stop('m1', 'SIGKILL');
  c.restart('m1');
  await eventually('m1 restarts unlocked', async () =>
    /kept/.test((await local(c, 'm1', 'secret', 'ls')).stdout),
  );
});
