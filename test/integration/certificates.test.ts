/**
 * Node certificates over time, with real processes: renewed before they expire (a short
 * expiry), the cluster working throughout; and reissued in the new role when a node is
 * promoted.
 */
import test from 'ava';
import { paths } from '../../daemon/data-dir.js';
import { readTlsDir } from '../../daemon/tls-dir.js';
import { describeCert } from '../../lib/pki.js';
import type { Node } from '../../proto/types.js';
import { eventually, LocalCluster, runCli, sleeperService } from './cluster-harness.js';

const certOnDisk = (c: LocalCluster, name: string) =>
  describeCert(readTlsDir(paths(c.dataDir(name)).certs).cert);
const nodeNamed = async (c: LocalCluster, name: string) =>
  (await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw')).find((n) => n.description?.hostname === name);

test('certificates renew before they expire, and a promoted node gets a manager certificate', async (t) => {
  const c = await LocalCluster.create();
  t.teardown(() => c.destroy());
  // Valid for a minute (and the minute before it was made): renewed within about 40 s.
  const init = await c.init('m1', '--dispatcher-heartbeat', '1s', '--cert-expiry', '1m');
  t.is(init.code, 0, init.stderr);
  const token = (await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
  t.is((await c.join('w1', 'm1', token)).code, 0);
  const first = { m1: certOnDisk(c, 'm1'), w1: certOnDisk(c, 'w1') };
  t.is(first.w1.role, 'worker');
  // What the managers recorded is the certificate on disk (a renewal may already have come).
  const inspected = await eventually('w1 as recorded', async () => {
    const node = await nodeNamed(c, 'w1');
    return node?.certificate?.serial === certOnDisk(c, 'w1').serial && node;
  });
  t.regex(inspected.certificate?.issuer ?? '', /flotilla-root-ca/);
  t.is((await c.cli('m1', ...sleeperService('steady'))).code, 0);

  for (const name of ['m1', 'w1'] as const) {
    const renewed = await eventually(
      `${name}'s certificate renewed`,
      async () => {
        const now = certOnDisk(c, name);
        return now.serial !== first[name].serial && now;
      },
      90_000,
    );
    t.is(renewed.id, first[name].id);
    t.true(renewed.expiresAtMs > first[name].expiresAtMs);
  }
  // The managers recorded the new certificate, and the worker still holds its session.
  await eventually('the renewal recorded', async () => {
    const w1 = await nodeNamed(c, 'w1');
    return w1?.certificate?.serial === certOnDisk(c, 'w1').serial && w1.status?.state === 'READY';
  });

  const promoted = await c.cli('m1', 'node', 'promote', 'w1');
  t.is(promoted.code, 0, promoted.stderr);
  await eventually('w1 holds a manager certificate', async () => certOnDisk(c, 'w1').role === 'manager');
  await eventually('w1 serves the control API as a manager', async () => {
    const res = await c.cli('w1', 'node', 'ls', '--format', 'raw');
    return res.code === 0 && (JSON.parse(res.stdout) as Node[]).length === 2;
  });
});
