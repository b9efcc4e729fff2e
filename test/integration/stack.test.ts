/**
 * `cluster stack` against a real manager on the process runtime: a deploy of a compose file
 * and an override converges; deploying again changes nothing; a changed service alone is
 * rolled; --prune removes a dropped service; a changed secret file is refused; `stack rm`
 * leaves nothing of the stack. Deploy waits for the services it writes, showing their
 * progress, unless --detach; one that cannot converge makes it fail.
 */
import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Service } from '../../proto/types.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';

const app = fileURLToPath(new URL('../../../test/fixtures/stack/app/', import.meta.url));
const files = (...names: string[]) => names.flatMap((n) => ['-c', join(app, n)]);

interface Summary {
  service: Service;
  runningTasks: number;
  desiredTasks: number;
}

let c: LocalCluster;
test.before(async (t) => {
  c = await LocalCluster.create();
  const res = await c.init('m1');
  t.is(res.code, 0, res.stderr);
});
test.after.always(() => c?.destroy());

const deploy = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli([...c.admin('m1'), 'stack', 'deploy', ...args, 'shop'], env);

const services = () => c.json<Summary[]>('m1', 'stack', 'services', 'shop', '--format', 'raw');

/** The stack's services by name once every one runs all its replicas, healthy. */
const converged = (count: number) =>
  eventually(
    'the stack to converge',
    async () => {
      const all = await services();
      const done =
        all.length === count && all.every((s) => Number(s.runningTasks) === Number(s.desiredTasks));
      return done && new Map(all.map((s) => [s.service.spec!.name, s.service]));
    },
    120_000,
  );

test.serial('deploy, redeploy, update one service, prune, rm', async (t) => {
  const first = await deploy(files('compose.yml', 'override.yml', 'cron.yml'));
  t.is(first.code, 0, first.stderr);
  // It waited: each service it created is followed until it converged.
  for (const name of ['shop_web', 'shop_worker', 'shop_cron', 'shop_gateway'])
    t.regex(first.stdout, new RegExp(`^${name}: converged \\(v1\\)$`, 'm'));
  t.regex(first.stdout, /Creating network shop_default/);
  t.regex(first.stdout, /Creating secret shop_db_password/);
  t.regex(first.stdout, /Creating config shop_app_conf/);
  const before = await converged(4);
  t.deepEqual([...before.keys()].sort(), ['shop_cron', 'shop_gateway', 'shop_web', 'shop_worker']);
  const web = before.get('shop_web')!.spec!;
  const worker = before.get('shop_worker')!.spec!;
  t.is(worker.replicated?.replicas, 2);
  t.true(worker.task!.container!.env.includes('ROLE=worker'));
  t.is(web.labels['com.docker.stack.namespace'], 'shop');
  t.like(web.task!.container!.healthcheck, { intervalMs: 1000 });
  t.like(web.update, { parallelism: 2, order: 'START_FIRST' });
  t.like(web.task!.container!.secrets[0], { name: 'shop_db_password', target: '/run/secrets/db_password' });

  const ls = await c.cli('m1', 'stack', 'ls');
  t.regex(ls.stdout, /^NAME\s+SERVICES\nshop\s+4$/m);
  const ps = await c.cli('m1', 'stack', 'ps', 'shop');
  t.is(ps.code, 0, ps.stderr);
  t.is(ps.stdout.match(/shop_\w+\.\d+/g)?.length, 5);

  // The same files again: nothing changes.
  const same = await deploy(files('compose.yml', 'override.yml', 'cron.yml'));
  t.is(same.code, 0, same.stderr);
  t.is(same.stdout.match(/unchanged/g)?.length, 4, same.stdout);
  const untouched = new Map((await services()).map((s) => [s.service.spec!.name, s.service]));
  for (const [name, s] of before) t.is(untouched.get(name)?.meta?.version, s.meta?.version, name);

  // A new value for web's environment (by interpolation): web alone rolls.
  const changed = await deploy(files('compose.yml', 'override.yml', 'cron.yml'), { GREETING: 'bonjour' });
  t.is(changed.code, 0, changed.stderr);
  t.regex(changed.stdout, /Updating service shop_web/);
  t.regex(changed.stdout, /^shop_web: converged \(v2\)$/m);
  const after = await eventually('web to roll', async () => {
    const all = await converged(4);
    const w = all.get('shop_web')!;
    return w.updateStatus?.state === 'UPDATE_COMPLETED' && all;
  });
  t.is(after.get('shop_web')!.specVersion, before.get('shop_web')!.specVersion + 1);
  t.true(after.get('shop_web')!.spec!.task!.container!.env.includes('GREETING=bonjour'));
  for (const name of ['shop_worker', 'shop_cron', 'shop_gateway']) {
    t.is(after.get(name)!.meta?.version, before.get(name)!.meta?.version, name);
    t.is(after.get(name)!.specVersion, before.get(name)!.specVersion, name);
  }

  // Without cron.yml and with --prune: cron goes, the rest stays.
  const pruned = await deploy(['--prune', ...files('compose.yml', 'override.yml')], { GREETING: 'bonjour' });
  t.is(pruned.code, 0, pruned.stderr);
  t.regex(pruned.stdout, /Removing service shop_cron/);
  t.is(pruned.stdout.match(/unchanged/g)?.length, 3, pruned.stdout);
  await converged(3);

  // The secret's file changed under the same name: refused, nothing written.
  const secret = await deploy(files('compose.yml', 'override.yml'), {
    DB_PASSWORD_FILE: './db_password_2.txt',
  });
  t.is(secret.code, 1);
  t.regex(secret.stderr, /secret shop_db_password has changed.*new name/);

  const left = async (what: string) => {
    const res = await c.cli('m1', what, 'ls', '--format', '{{.Name}}');
    t.is(res.code, 0, res.stderr);
    return res.stdout.split('\n').filter((n) => n.startsWith('shop'));
  };
  t.deepEqual(await left('service'), ['shop_gateway', 'shop_web', 'shop_worker']);
  t.deepEqual(await left('network'), ['shop_default']);
  t.deepEqual(await left('secret'), ['shop_db_password']);
  t.deepEqual(await left('config'), ['shop_app_conf']);
  const rm = await c.cli('m1', 'stack', 'rm', 'shop');
  t.is(rm.code, 0, rm.stderr);
  t.regex(rm.stdout, /Removing network shop_default/);
  for (const what of ['service', 'network', 'secret', 'config']) t.deepEqual(await left(what), [], what);
  const none = await c.cli('m1', 'stack', 'ls');
  t.is(none.stdout.trim(), 'NAME   SERVICES');
  const gone = await c.cli('m1', 'stack', 'ps', 'shop');
  t.regex(gone.stderr, /nothing found in stack: shop/);
});

test.serial('--detach returns at once; a waiting deploy fails when a service cannot converge', async (t) => {
  t.timeout(240_000);
  const dir = await mkdtemp(join(tmpdir(), 'st-stack-wait-'));
  const file = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return ['-c', join(dir, name)];
  };
  const wait = (args: string[]) => runCli([...c.admin('m1'), 'stack', 'deploy', ...args, 'wait']);
  const sleeper = (replicas: number) =>
    file(
      'ok.yml',
      `services:\n  sleeper:\n    image: host\n    command: sleep 100000\n    deploy: {replicas: ${replicas}}\n`,
    );

  const detached = await wait(['-d', ...(await sleeper(2))]);
  t.is(detached.code, 0, detached.stderr);
  t.regex(detached.stdout, /^Creating service wait_sleeper$/m);
  t.notRegex(detached.stdout, /converg/);

  // Waiting: the progress of `service update`, to the end (a scale makes no new version).
  const scaled = await wait(await sleeper(3));
  t.is(scaled.code, 0, scaled.stderr);
  t.regex(scaled.stdout, /^Updating service wait_sleeper$/m);
  t.regex(scaled.stdout, /^ {2}wait_sleeper\.3 /m);
  t.regex(scaled.stdout, /^wait_sleeper: converged \(v1\)$/m);

  // Tasks no node can run: the reason, and a failure.
  const stuck = await wait(
    await file(
      'stuck.yml',
      'services:\n  stuck:\n    image: host\n    command: sleep 100000\n    deploy:\n      placement:\n        constraints: [node.labels.zone==nowhere]\n',
    ),
  );
  t.is(stuck.code, 1, stuck.stdout);
  t.regex(stuck.stdout, /^wait_stuck: 1 task cannot be placed: .*zone==nowhere/m);

  // A task that never turns healthy never converges: the time limit ends the wait.
  const broken = await wait([
    '--timeout',
    '3s',
    ...(await file(
      'broken.yml',
      'services:\n  broken:\n    image: host\n    command: sleep 100000\n    healthcheck:\n      test: [CMD-SHELL, "false"]\n      interval: 1s\n',
    )),
  ]);
  t.is(broken.code, 1, broken.stdout);
  t.regex(
    broken.stdout,
    /^wait_broken: not converged after 3s \(its tasks' states are above; see `cluster service ps wait_broken`\)$/m,
  );

  const bad = await wait(['--timeout', 'soon', ...(await sleeper(3))]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /invalid --timeout: expected a duration/);

  const rm = await c.cli('m1', 'stack', 'rm', 'wait');
  t.is(rm.code, 0, rm.stderr);
});
