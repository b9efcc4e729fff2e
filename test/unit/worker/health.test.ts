import test from 'ava';
import type { HealthState } from '../../../proto/types.js';
import type { ExecOptions, ExecResult, RuntimeDriver } from '../../../runtime/driver.js';
import { HealthMonitor } from '../../../worker/health.js';
import { eventually } from '../helpers.js';

/** A driver whose exec answers from a script of exit codes (the last one repeats). */
function driver(codes: number[], calls: string[][] = []): RuntimeDriver {
  let i = 0;
  return {
    exec: async (_id: string, cmd: string[]): Promise<ExecResult> => {
      calls.push(cmd);
      const exitCode = codes[Math.min(i++, codes.length - 1)]!;
      return { exitCode, stdout: exitCode ? `not ready ${i}` : 'ok', stderr: '' };
    },
  } as unknown as RuntimeDriver;
}

const check = { cmd: 'test -f /tmp/ready', intervalMs: 5, timeoutMs: 1000, retries: 3, startPeriodMs: 0 };

function watch(d: RuntimeDriver, c = check) {
  const seen: [HealthState, string][] = [];
  const monitor = new HealthMonitor(d, 'c1', c, (h, out) => seen.push([h, out]));
  monitor.start();
  return { seen, monitor };
}

test('healthy at the first passing check, run with /bin/sh -c', async (t) => {
  const calls: string[][] = [];
  const { seen, monitor } = watch(driver([1, 0], calls));
  await eventually(() => seen.length > 0);
  monitor.close();
  t.deepEqual(seen, [['HEALTHY', '']]);
  t.deepEqual(calls[0], ['/bin/sh', '-c', 'test -f /tmp/ready']);
});

test('unhealthy after `retries` failures in a row, with the output of the last', async (t) => {
  const { seen } = watch(driver([0, 1, 0, 1, 1, 1]));
  await eventually(() => seen.length === 2);
  t.deepEqual(seen, [
    ['HEALTHY', ''],
    ['UNHEALTHY', 'not ready 6'],
  ]);
});

test('failures within the start period do not count', async (t) => {
  const calls: string[][] = [];
  const { seen, monitor } = watch(driver([1], calls), { ...check, retries: 1, startPeriodMs: 150 });
  await eventually(() => calls.length >= 5);
  t.deepEqual(seen, []);
  await eventually(() => seen.length === 1);
  monitor.close();
  t.is(seen[0]?.[0], 'UNHEALTHY');
});

test('a check that runs out of its timeout fails; the driver is asked to kill it then', async (t) => {
  const asked: (number | undefined)[] = [];
  const slow = {
    exec: async (_id: string, _cmd: string[], opts?: ExecOptions): Promise<ExecResult> => {
      asked.push(opts?.timeoutMs);
      return { exitCode: 137, stdout: '', stderr: '', timedOut: true };
    },
  } as unknown as RuntimeDriver;
  const { seen } = watch(slow, { ...check, retries: 1, timeoutMs: 20 });
  await eventually(() => seen.length === 1);
  t.deepEqual(seen, [['UNHEALTHY', 'health check timed out after 20ms']]);
  t.deepEqual(asked, [20]);
});
