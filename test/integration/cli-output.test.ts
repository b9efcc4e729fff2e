/**
 * The `cluster` CLI as scripts use it, against a real manager: its output read through a
 * pipe, and commands that must return without waiting.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CREATE_DEFAULTS, specFromFlags } from '../../cli/commands/service/spec.js';
import { wire } from '../../proto/load.js';
import { call, connect } from '../../proto/rpc.js';
import type { Service } from '../../proto/types.js';
import { eventually, LocalCluster } from './cluster-harness.js';

const cli = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

let c: LocalCluster;
test.before(async (t) => {
  c = await LocalCluster.create();
  const res = await c.init('m1');
  t.is(res.code, 0, res.stderr);
});
test.after.always(() => c?.destroy());

/**
 * Runs the CLI against m1 with its stdout a pipe read here; resolves with what it wrote
 * (killed after 30 s). `closeAfter`: bytes after which the pipe is closed, as `| head` does.
 */
function piped(args: string[], closeAfter = Infinity) {
  const child = spawn(process.execPath, [cli, '--host', c.addr('m1'), '--cert-path', c.certPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  const out: Buffer[] = [];
  let read = 0;
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    out.push(b);
    if ((read += b.length) >= closeAfter) child.stdout.destroy();
  });
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

test('a listing of megabytes reaches a pipe whole', async (t) => {
  // Services of about 400 KiB each (a spec may have 512 KiB), made straight over gRPC: fast.
  const control = connect(wire.flotilla.Control, c.addr('m1'), c.adminTls());
  t.teardown(() => control.close());
  const names = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8'];
  const big = (name: string) =>
    specFromFlags('host', ['true'], {
      ...CREATE_DEFAULTS,
      name,
      replicas: '0',
      label: [`big=${'x'.repeat(400 * 1024)}`],
    });
  await Promise.all(names.map((name) => call(control, control.CreateService, { spec: big(name) })));
  const ls = await piped(['service', 'ls', '--format', 'raw']);
  t.is(ls.code, 0, ls.stderr);
  t.true(ls.stdout.length > 3 * 1024 * 1024, `${ls.stdout.length} bytes`);
  const listed = JSON.parse(ls.stdout.toString()) as { service: Service }[];
  const listedNames = listed.map((s) => s.service.spec?.name);
  t.true(
    names.every((name) => listedNames.includes(name)),
    listedNames.join(' '),
  );
});

test('logs of megabytes reach a pipe whole, and a reader that stops early is no error', async (t) => {
  // Unlike console.log, the logs' process.stdout.write leaves a closed pipe's error to the CLI.
  const lines = 30_000;
  const numbered = (n: number) => String(n).padStart(70, '0');
  const created = await c.cli(
    'm1',
    ...['service', 'create', '-d', '--name', 'counter', 'host'],
    'sh',
    '-c',
    `seq -f %070.0f ${lines}; sleep 100000`,
  );
  t.is(created.code, 0, created.stderr);
  await eventually('the task has written every line', async () => {
    const last = await c.cli('m1', 'service', 'logs', 'counter', '--tail', '1');
    return last.stdout.trim() === numbered(lines);
  });
  const logs = await piped(['service', 'logs', 'counter']);
  t.is(logs.code, 0, logs.stderr);
  const printed = logs.stdout.toString();
  t.is(printed.length, lines * 71, `${printed.length} bytes`);
  t.true(printed.endsWith(`${numbered(lines)}\n`));

  const head = await piped(['service', 'logs', 'counter'], 1);
  t.is(head.code, 0, head.stderr);
  t.is(head.stderr, '');
});

test('service create of 0 replicas returns at once, converged', async (t) => {
  const created = await piped(['service', 'create', '--name', 'idle', '--replicas', '0', 'host', 'true']);
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout.toString(), /idle: converged \(v1\)/);
});

test('--limit N: service ls and service ps print N rows; a limit of 0 is refused', async (t) => {
  const created = await piped([
    'service',
    'create',
    '-d',
    '--name',
    'paged',
    '--replicas',
    '3',
    'host',
    'sleep',
    '1000',
  ]);
  t.is(created.code, 0, created.stderr);
  await eventually('the service has its 3 tasks', async () => {
    const ps = await piped(['service', 'ps', 'paged', '-q']);
    return ps.stdout.toString().trim().split('\n').length === 3;
  });
  const ps = await piped(['service', 'ps', 'paged', '-q', '--limit', '2']);
  t.is(ps.code, 0, ps.stderr);
  t.is(ps.stdout.toString().trim().split('\n').length, 2);
  const ls = await piped(['service', 'ls', '-q', '--limit', '1', '--filter', 'name=paged']);
  t.is(ls.code, 0, ls.stderr);
  t.is(ls.stdout.toString().trim().split('\n').length, 1);
  const zero = await piped(['service', 'ps', 'paged', '--limit', '0']);
  t.not(zero.code, 0);
  t.regex(zero.stderr, /--limit/);
});
