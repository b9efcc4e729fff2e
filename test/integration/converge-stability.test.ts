/**
 * `service create` waits until the tasks have stayed running for the monitor period before
 * it says converged, against a real manager running real processes: a command that keeps
 * running converges; one that exits at once (it runs for a moment each time) never does.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Task } from '../../proto/types.js';
import { eventually, LocalCluster } from './cluster-harness.js';

const cli = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

let c: LocalCluster;
test.before(async (t) => {
  c = await LocalCluster.create();
  const res = await c.init('m1');
  t.is(res.code, 0, res.stderr);
});
test.after.always(() => c?.destroy());

test('a task that keeps running converges once it has stayed running for the window', async (t) => {
  const created = await c.cli('m1', 'service', 'create', '--name', 'steady', 'host', 'sleep', '100000');
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /^steady: verifying: waiting 5s for tasks to stay running: 1\/1 running v1$/m);
  t.regex(created.stdout, /^steady: converged \(v1\)$/m);
});

test('a task that exits at once is never reported converged', async (t) => {
  t.timeout(180_000);
  const child = spawn(
    process.execPath,
    [
      cli,
      ...c.admin('m1'),
      ...['service', 'create', '--name', 'crash', '--restart-delay', '1s'],
      ...['host', 'sh', '-c', 'exit 3'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  t.teardown(() => child.kill());

  // Tasks that reached running (which was enough to say converged) and then exited with 3.
  await eventually(
    'three tasks of crash have run and failed',
    async () => {
      const ps = await c.json<Task[]>('m1', 'service', 'ps', 'crash', '--format', 'raw');
      return ps.filter((task) => task.status?.state === 'FAILED' && task.runningSince > 0).length >= 3;
    },
    120_000,
  );
  t.is(child.exitCode, null, `service create ended while its task crash-loops:\n${out}`);
  t.notRegex(out, /converged/);
  t.regex(out, /^crash: converging: 0\/1 running v1$/m);

  // Still waiting, as `docker service create` does: Ctrl-C ends the wait, not the service.
  child.kill('SIGINT');
  t.not(await closed, 0);
  t.notRegex(out, /converged/);
  const inspected = await c.cli('m1', 'service', 'inspect', 'crash');
  t.is(inspected.code, 0, inspected.stderr);
});
