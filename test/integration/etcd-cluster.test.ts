/**
 * A cluster whose state a real etcd keeps (`cluster init --store etcd`): two managers write
 * there, an etcd lease elects the one that runs the loops, and a manager killed and
 * restarted finds everything as it was.
 */
import test from 'ava';
import type { Node, Service } from '../../proto/types.js';
import { eventually, LocalCluster, runCli, sleeperService } from './cluster-harness.js';
import { EtcdCluster } from './etcd-harness.js';

let etcd: EtcdCluster;
let c: LocalCluster;

test.before(async () => {
  etcd = await EtcdCluster.start();
  c = await LocalCluster.create();
});

test.after.always(async () => {
  await c?.destroy();
  await etcd?.stop();
});

const names = async (via: string) =>
  (await c.json<{ service: Service }[]>(via, 'service', 'ls', '--format', 'raw'))
    .map((s) => s.service.spec?.name)
    .sort();
const leaderOf = async (via: string) =>
  (await c.json<Node[]>(via, 'node', 'ls', '--format', 'raw')).find((n) => n.managerStatus?.leader)
    ?.description?.hostname;

test.serial('init --store etcd, a second manager joins, and both serve the same state', async (t) => {
  const init = await c.init('m1', '--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(','));
  t.is(init.code, 0, init.stderr);
  t.is((await c.joinManager('m2', 'm1')).code, 0);
  const created = await c.cli(
    'm2',
    'service',
    'create',
    '--name',
    'web',
    '--replicas',
    '2',
    'host',
    'sleep',
    '100000',
  );
  t.is(created.code, 0, created.stderr);
  t.deepEqual(await names('m1'), ['web']);
  t.is(await leaderOf('m2'), 'm1');
});

test.serial('the loops move to the other manager when the leader dies, and nothing is lost', async (t) => {
  await c.stop('m1', 'SIGKILL');
  const written = await eventually('a write through m2', async () => {
    const res = await c.cli('m2', ...sleeperService('api'));
    return res.code === 0 ? res : undefined;
  });
  t.truthy(written);
  await eventually('m2 leads', async () => (await leaderOf('m2')) === 'm2');
  c.restart('m1');
  await eventually('m1 answers again', async () => (await c.cli('m1', 'service', 'ls')).code === 0);
  t.deepEqual(await names('m1'), ['api', 'web']);
});

test.serial('bad store flags are refused before anything is written', async (t) => {
  const missing = await runCli(['init', '--data-dir', c.dataDir('bad'), '--store', 'etcd']);
  t.not(missing.code, 0);
  t.regex(missing.stderr, /--etcd-endpoints/);
  const wrong = await runCli(['init', '--data-dir', c.dataDir('bad'), '--store', 'zookeeper']);
  t.regex(wrong.stderr, /invalid --store: expected raft or etcd/);
  const bad = await runCli([
    'init',
    '--data-dir',
    c.dataDir('bad'),
    '--store',
    'etcd',
    '--etcd-endpoints',
    'foo',
  ]);
  t.regex(bad.stderr, /http:\/\/HOST:PORT/);
  t.false((await runCli(['--data-dir', c.dataDir('bad'), 'node', 'ls'])).code === 0);
});
