/**
 * `cluster ca --rotate` on a running cluster (a manager and two workers, real processes):
 * every node moves to the new root without losing a task, the old root is refused once all
 * have, and the join tokens name the new root.
 */
import test from 'ava';
import { join } from 'node:path';
import { paths } from '../../daemon/data-dir.js';
import { readTlsDir } from '../../daemon/tls-dir.js';
import { certDigest, splitPem } from '../../lib/pki.js';
import type { Node, Task } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

const running = (tasks: Task[]) =>
  tasks
    .filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING')
    .map((t) => t.id)
    .sort();

test('a CA rotation under a running service moves every node and loses no task', async (t) => {
  const c = await LocalCluster.create();
  t.teardown(() => c.destroy());
  t.is((await c.init('m1', '--dispatcher-heartbeat', '1s')).code, 0);
  const local = (...args: string[]) => runCli(['--data-dir', c.dataDir('m1'), ...args]);
  const oldToken = (await local('join-token', 'worker', '-q')).stdout.trim();
  for (const w of ['w1', 'w2']) t.is((await c.join(w, 'm1', oldToken)).code, 0);
  const created = await local(
    'service',
    'create',
    '--name',
    'web',
    '--replicas',
    '3',
    'host',
    'sleep',
    '100000',
  );
  t.is(created.code, 0, created.stderr);
  const tasks = async () =>
    running(JSON.parse((await local('service', 'ps', 'web', '--format', 'raw')).stdout));
  const before = await tasks();
  t.is(before.length, 3);
  const oldClient = join(c.root, 'client-before');
  t.is((await local('ca', 'issue-client', '--out', oldClient)).code, 0);

  const rotated = await local('ca', '--rotate');
  t.is(rotated.code, 0, rotated.stderr);
  t.regex(rotated.stdout, /3\/3 nodes hold a certificate of the new root/);
  t.regex(rotated.stdout, /The rotation is complete/);

  const newToken = (await local('join-token', 'worker', '-q')).stdout.trim();
  t.not(newToken, oldToken);
  t.is(newToken.split('-')[3], oldToken.split('-')[3], 'the secret stays; the digest changes');
  const newDigest = newToken.split('-')[2]!;
  // Every node comes to trust only the new root, and holds a certificate it signed.
  for (const name of ['m1', 'w1', 'w2']) {
    await eventually(`${name} trusts only the new root`, async () => {
      const roots = splitPem(readTlsDir(paths(c.dataDir(name)).certs).ca);
      return roots.length === 1 && certDigest(roots[0]!) === newDigest;
    });
  }
  t.deepEqual(await tasks(), before);
  const nodes = JSON.parse((await local('node', 'ls', '--format', 'raw')).stdout) as Node[];
  t.true(nodes.every((n) => n.status?.state === 'READY' && n.certificate?.caDigest === newDigest));

  // The old root's certificates are refused; a client certificate of the new root works.
  await eventually('the old client certificate refused', async () => {
    const res = await runCli(['--host', c.addr('m1'), '--cert-path', oldClient, 'service', 'ls']);
    return res.code !== 0;
  });
  t.is((await local('ca', 'issue-client', '--out', c.certPath)).code, 0);
  t.is((await c.cli('m1', 'service', 'ls')).code, 0);

  const stale = await c.join('w3', 'm1', oldToken);
  t.not(stale.code, 0);
  const joined = await c.join('w4', 'm1', newToken);
  t.is(joined.code, 0, joined.stderr);
});
