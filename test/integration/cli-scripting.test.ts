/**
 * The CLI as scripts use it, end to end on one manager: ids from -q fed back to inspect,
 * filters, JSON rows, templates, inspect's times and its --pretty view, and --host given
 * as docker's tcp://HOST:PORT (and as $CLUSTER_HOST).
 */
import test from 'ava';
import type { Service } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

let c: LocalCluster;

test.before(async () => {
  c = await LocalCluster.create();
  const init = await c.init('m1', '--dispatcher-heartbeat', '1s');
  if (init.code !== 0) throw new Error(init.stderr);
  const sleeper = ['host', 'sleep', '100000'];
  for (const args of [
    ['--name', 'web', '--label', 'tier=front', '--replicas', '2', ...sleeper],
    ['--name', 'api', '--label', 'tier=back', ...sleeper],
    ['--name', 'agent', '--mode', 'global', ...sleeper],
  ]) {
    const res = await c.cli('m1', 'service', 'create', '-d', ...args);
    if (res.code !== 0) throw new Error(res.stderr);
  }
  await eventually('the tasks run', async () => {
    const rows = await c.json<{ Replicas: string }[]>('m1', 'service', 'ls', '--format', 'json');
    return rows.length === 3 && rows.every((r) => /^(\d+)\/\1$/.test(r.Replicas) && r.Replicas !== '0/0');
  });
});

test.after.always(async () => {
  await c?.destroy();
});

const out = async (...args: string[]) => {
  const res = await c.cli('m1', ...args);
  if (res.code !== 0) throw new Error(`cluster ${args.join(' ')}: ${res.stderr}`);
  return res.stdout.trim();
};

test.serial('service ls -q gives ids that inspect takes', async (t) => {
  const ids = (await out('service', 'ls', '-q')).split('\n');
  t.is(ids.length, 3);
  const inspected = JSON.parse(await out('service', 'inspect', ...ids)) as Service[];
  t.deepEqual(
    inspected.map((s) => s.spec?.name),
    ['agent', 'api', 'web'],
  );
  t.is(await out('service', 'ls', '-q', '--filter', 'name=web'), ids[2]!);
});

test.serial('filters: label, mode, and keys that AND', async (t) => {
  const names = (...filters: string[]) =>
    out('service', 'ls', '--format', '{{.Name}}', ...filters.flatMap((f) => ['--filter', f]));
  t.is(await names('label=tier'), 'api\nweb');
  t.is(await names('label=tier=front'), 'web');
  t.is(await names('mode=global'), 'agent');
  t.is(await names('mode=replicated', 'label=tier=back'), 'api');
  const bad = await c.cli('m1', 'service', 'ls', '--filter', 'colour=red');
  t.is(bad.code, 1);
  t.regex(bad.stderr, /^error: invalid --filter: expected a key among id, name, label, mode, got "colour"/);
});

test.serial('--format json gives rows with the table`s fields; templates; service ps', async (t) => {
  const rows = JSON.parse(await out('service', 'ls', '--format', 'json', '-f', 'name=web')) as object[];
  t.is(rows.length, 1);
  t.deepEqual(Object.keys(rows[0]!), ['ID', 'Name', 'Mode', 'Replicas', 'Image', 'Ports']);
  t.like(rows[0], { Name: 'web', Mode: 'replicated', Replicas: '2/2', Image: 'host' });
  t.is(
    await out(
      'service',
      'ps',
      'web',
      '--format',
      '{{.Name}} {{.DesiredState}}',
      '-f',
      'desired-state=running',
    ),
    'web.1 Running\nweb.2 Running',
  );
  t.regex(
    await out('node', 'ls', '--format', 'table {{.Hostname}}\\t{{.ManagerStatus}}'),
    /^HOSTNAME\s+MANAGER STATUS\nm1\s+Leader$/,
  );
  const unknown = await c.cli('m1', 'node', 'ps', 'm1', '--format', '{{.Slot}}');
  t.regex(unknown.stderr, /expected a field among \.ID, \.Name, \.Image, \.Node, .*got "\.Slot"/);
});

test.serial('inspect: times in ISO 8601, no protobuf markers; --pretty as text', async (t) => {
  const text = await out('service', 'inspect', 'web');
  t.false(/"_\w+":/.test(text), 'no optional-field markers');
  const [web] = JSON.parse(text) as { meta: { createdAt: string } }[];
  t.regex(web!.meta.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const pretty = await out('service', 'inspect', '--pretty', 'web');
  t.regex(pretty, /^Name:\s+web$/m);
  t.regex(pretty, /^Service Mode:\s+Replicated\n Replicas:\s+2$/m);
  t.regex(pretty, /^ContainerSpec:\n Image:\s+host\n Args:\s+sleep 100000$/m);
});

test.serial('--host and $CLUSTER_HOST take tcp://HOST:PORT', async (t) => {
  const byFlag = await runCli([
    '--host',
    `tcp://${c.addr('m1')}`,
    '--cert-path',
    c.certPath,
    'service',
    'ls',
    '-q',
  ]);
  t.is(byFlag.code, 0, byFlag.stderr);
  t.is(byFlag.stdout.trim().split('\n').length, 3);
  const byEnv = await runCli(['node', 'ls', '--format', '{{.Hostname}}'], {
    CLUSTER_HOST: `tcp://${c.addr('m1')}`,
    CLUSTER_CERT_PATH: c.certPath,
  });
  t.is(byEnv.code, 0, byEnv.stderr);
  t.is(byEnv.stdout.trim(), 'm1');
});
