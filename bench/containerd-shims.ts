/**
 * What containerd's runc shims cost per container: N busybox containers (default 100) created
 * and started at once through the containerd driver, then stopped and removed, once with a
 * shim each and then all of one group (ContainerSpec.group, as a service's tasks on a node)
 * spread over K shims (the driver's `shimsPerGroup`) for each K of `--shims` (default
 * 1,2,4,16). A shim runs one runc create or start at a time, so K bounds how many of them
 * run at once. Containers that fail to start or to be removed are counted (`*_failures`,
 * with the first error on stderr).
 * Each mode runs on a fresh private containerd (test/integration/containerd-harness.ts) on
 * the node's network, so the figures are containerd's and runc's alone.
 *
 * CPU is read from a cpuacct cgroup of the run's own that containerd is moved into before
 * its first container: its shims and the runc they run start there and stay there (runc
 * moves only the container's processes to their own cgroups), and a cgroup keeps the CPU of
 * processes that have exited, which /proc does not. Figures: CPU seconds of containerd
 * alone and of containerd with its shims and runc, per step; the shims' count, resident and
 * proportional memory (PSS: shared pages split among the processes mapping them) with all
 * running; the steps' wall time; the load average. One JSON line per figure. The cgroups are
 * named `bshims-<pid>-<mode>` (`--prefix` to rename) and removed at the end.
 *
 *   node dist/bench/containerd-shims.js [--containers N] [--shims K,K...] [--prefix P]
 */
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ContainerdDriver } from '../runtime/containerd/index.js';
import type { ContainerSpec } from '../runtime/driver.js';
import { PrivateContainerd, testImages } from '../test/integration/containerd-harness.js';
import { cpuSeconds, progress, round } from './stats.js';

if (process.argv.includes('--help')) {
  console.log('node dist/bench/containerd-shims.js [--containers N] [--shims K,K...] [--prefix P]');
  console.log('  (root, containerd and runc)');
  process.exit(0);
}
const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const count = Number(option('--containers') ?? 100);
const prefix = option('--prefix') ?? 'bshims';
const shimCounts = (option('--shims') ?? '1,2,4,16').split(',').map(Number);
const CPUACCT = '/sys/fs/cgroup/cpuacct';

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'containerd-shims', containers: count, ...line }));
}

/** A cpuacct cgroup (cgroup v1) for the run, or cgroup v2's unified hierarchy. */
async function cpuCgroup(name: string): Promise<{ dir: string; usageS(): Promise<number> }> {
  const v1 = await readFile(join(CPUACCT, 'cpuacct.usage'), 'utf8').then(
    () => true,
    () => false,
  );
  const dir = v1 ? join(CPUACCT, name) : join('/sys/fs/cgroup', name);
  await mkdir(dir);
  return {
    dir,
    async usageS() {
      if (v1) return Number(await readFile(join(dir, 'cpuacct.usage'), 'utf8')) / 1e9;
      const stat = await readFile(join(dir, 'cpu.stat'), 'utf8');
      return Number(/usage_usec (\d+)/.exec(stat)?.[1]) / 1e6;
    },
  };
}

/** Resident and proportional memory of a process, in MiB (0 once it is gone). */
async function memoryMiB(pid: number): Promise<{ rss: number; pss: number }> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { rss: kib('Rss') / 1024, pss: kib('Pss') / 1024 };
}

/** `shims`: how many shared shims the containers are spread over; undefined: a shim each. */
async function run(shims?: number): Promise<void> {
  const mode = shims === undefined ? 'shim_each' : `group_over_${shims}_shims`;
  const containerd = await PrivateContainerd.start();
  const cgroup = await cpuCgroup(`${prefix}-${process.pid}-${mode}`);
  const root = join(containerd.dir, 'driver');
  const driver = new ContainerdDriver({ socket: containerd.socket, root, shimsPerGroup: shims });
  try {
    await writeFile(join(cgroup.dir, 'cgroup.procs'), String(containerd.pid));
    await driver.images.load((await testImages()).busybox);
    const spec: ContainerSpec = {
      image: 'flotilla/busybox',
      command: ['sleep', '100000'],
      env: {},
      labels: { bench: 'containerd-shims' },
      stopSignal: 'SIGKILL',
      ...(shims !== undefined && { group: 'bench-service' }),
    };
    const step = async (name: string, body: () => Promise<unknown>): Promise<void> => {
      progress(`${mode}: ${name} ${count}`);
      const [all0, own0, t0] = [await cgroup.usageS(), cpuSeconds(containerd.pid), performance.now()];
      await body();
      const [all, own, wall] = [await cgroup.usageS(), cpuSeconds(containerd.pid), performance.now()];
      const figure = (f: string, value: number, unit: string) =>
        print({ mode, figure: `${name}_${f}`, value: round(value), unit });
      figure('cpu_containerd_shims_runc_s', all - all0, 's');
      figure('cpu_containerd_alone_s', own - own0, 's');
      figure('wall_s', (wall - t0) / 1000, 's');
      print({ mode, figure: `${name}_load_average_1m`, value: round(loadavg()[0]!) });
    };
    const ids: string[] = [];
    const failures: unknown[] = [];
    await step('create_start', () =>
      Promise.all(
        Array.from({ length: count }, async () => {
          const id = await driver.create(spec);
          ids.push(id);
          await driver.start(id).catch((err: unknown) => failures.push(err));
        }),
      ),
    );
    print({ mode, figure: 'create_start_failures', value: failures.length });
    if (failures[0]) progress(`${mode}: ${failures.length} failed to start, e.g. ${String(failures[0])}`);
    const running = await containerd.shims();
    const memory = await Promise.all(running.map(memoryMiB));
    print({ mode, figure: 'shims_running', value: running.length });
    for (const kind of ['rss', 'pss'] as const) {
      const total = memory.reduce((sum, m) => sum + m[kind], 0);
      print({ mode, figure: `shims_${kind}_total_mib`, value: round(total), unit: 'MiB' });
    }
    print({
      mode,
      figure: 'containerd_rss_mib',
      value: round((await memoryMiB(containerd.pid)).rss),
      unit: 'MiB',
    });
    const left: unknown[] = [];
    await step('stop_rm', () =>
      Promise.all(
        ids.map(async (id) => {
          // One whose start timed out may have started since: the harness's stop() ends it.
          await driver.stop(id, 1000).catch(() => undefined);
          await driver.remove(id).catch((err: unknown) => left.push(err));
        }),
      ),
    );
    print({ mode, figure: 'stop_rm_failures', value: left.length });
    if (left[0]) {
      progress(`${mode}: ${left.length} not removed, e.g. ${String(left[0])}; containerd's log ends:`);
      const log = await readFile(join(containerd.dir, 'containerd.log'), 'utf8').catch(() => '');
      console.error(log.split('\n').slice(-30).join('\n'));
    }
    print({ mode, figure: 'shims_left_after_rm', value: (await containerd.shims()).length });
  } finally {
    await driver.close();
    await containerd.stop();
    // Empty once containerd and its shims are gone.
    await rmdir(cgroup.dir).catch((err: Error) => progress(`cgroup ${cgroup.dir} left: ${err.message}`));
  }
}

await run();
for (const shims of shimCounts) await run(shims);
