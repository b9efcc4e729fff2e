/**
 * Containers of one group (ContainerSpec.group) share runc shims on a private containerd
 * (containerd-harness.ts): as many as the driver's `shimsPerGroup`, one here but where the
 * spread is tested. Each container still lives, exits and is removed on its own: exits are
 * reported per container, the shim outlives the container it was started for and goes with
 * the group's last, a restarted driver still sees exits, and a crashed shim's containers are
 * all reported gone. Skipped, saying why, where containerd or root is missing.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ContainerdDriver } from '../../runtime/containerd/index.js';
import type { ContainerSpec } from '../../runtime/driver.js';
import { containerdMissing, PrivateContainerd, testImages } from './containerd-harness.js';
import { skippedBecause, unmountAndRemove } from './host-tools.js';
import { waitFor, within } from './runtime-conformance.js';

const missing = await containerdMissing();
let containerd: PrivateContainerd | undefined;

/**
 * A driver on the shared containerd (one shim per group unless told) with a root of its own
 * unless given one; its containers and root are removed after the test.
 */
async function newDriver(
  t: ExecutionContext,
  { root, shimsPerGroup = 1 }: { root?: string; shimsPerGroup?: number } = {},
): Promise<ContainerdDriver> {
  if (!containerd) throw new Error('the private containerd is not running');
  const dir = root ?? (await mkdtemp(join(tmpdir(), 'flotilla-shim-groups-')));
  const driver = new ContainerdDriver({ socket: containerd.socket, root: dir, shimsPerGroup });
  t.teardown(async () => {
    for (const c of await driver.list({ test: t.title })) {
      await driver.stop(c.id, 0).catch(() => undefined);
      await driver.remove(c.id).catch(() => undefined);
    }
    await driver.close();
    if (!root) await unmountAndRemove(dir);
  });
  return driver;
}

/** A busybox container of `group` (per test, so that tests running at once never share a shim). */
function spec(t: ExecutionContext, group: string | undefined, script = 'sleep 600'): ContainerSpec {
  return {
    image: 'flotilla/busybox',
    command: ['sh', '-c', script],
    env: {},
    labels: { test: t.title },
    stopSignal: 'SIGKILL',
    ...(group && { group: `${t.title}/${group}` }),
  };
}

async function started(driver: ContainerdDriver, s: ContainerSpec): Promise<string> {
  const id = await driver.create(s);
  await driver.start(id);
  return id;
}

/** The shim that runs a container: its task's parent, checked to be a shim of our containerd. */
async function shimOf(driver: ContainerdDriver, id: string): Promise<number> {
  const { pid } = await driver.inspect(id);
  if (!pid) throw new Error(`container ${id} has no process`);
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  if (!(await containerd!.shims()).includes(ppid)) throw new Error(`${ppid}, parent of ${pid}, is no shim`);
  return ppid;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

if (missing) {
  skippedBecause(test, 'containerd shim groups', missing);
} else {
  test.before(async () => {
    containerd = await PrivateContainerd.start();
    const driver = new ContainerdDriver({ socket: containerd.socket, root: tmpdir() });
    try {
      await driver.images.load((await testImages()).busybox);
    } finally {
      await driver.close();
    }
  });
  test.after.always(async () => {
    await containerd?.stop();
  });

  test('containers of a group share one shim; each exits, is stopped and reported on its own', async (t) => {
    const driver = await newDriver(t);
    const [a, b, exits] = await Promise.all([
      started(driver, spec(t, 'web')),
      started(driver, spec(t, 'web')),
      started(driver, spec(t, 'web', 'sleep 1; exit 3')),
    ]);
    const alone = await started(driver, spec(t, undefined));
    const shim = await shimOf(driver, a);
    t.is(await shimOf(driver, b), shim);
    t.not(await shimOf(driver, alone), shim, 'a container without a group has a shim of its own');

    t.is((await within('the exit of the one that exits', driver.wait(exits))).exitCode, 3);
    // Killed from outside, as by the kernel's OOM killer.
    process.kill((await driver.inspect(b)).pid!, 'SIGKILL');
    t.is((await within('the exit of the killed one', driver.wait(b))).exitCode, 137);
    t.is((await driver.inspect(a)).state, 'running');
    t.true(alive(shim));

    await driver.stop(a, 1000);
    t.is((await driver.inspect(a)).exit?.exitCode, 137);
    t.is((await driver.inspect(alone)).state, 'running');
  });

  test("the shim outlives the container it was started for and goes with the group's last", async (t) => {
    const driver = await newDriver(t);
    const first = await started(driver, spec(t, 'web'));
    const second = await started(driver, spec(t, 'web'));
    const shim = await shimOf(driver, first);
    await driver.stop(first, 1000);
    await driver.remove(first);
    t.true(alive(shim));
    t.is((await driver.inspect(second)).state, 'running');

    // A container that joins the group now still finds its shim, and is reported as the others.
    const third = await started(driver, spec(t, 'web'));
    t.is(await shimOf(driver, third), shim);
    t.is((await driver.exec(third, ['echo', 'hi'])).stdout, 'hi\n');
    await driver.stop(second, 1000);
    await driver.remove(second);
    t.true(alive(shim));
    await driver.stop(third, 1000);
    await driver.remove(third);
    await waitFor('the shim to exit with its last container', () => !alive(shim));

    // And the group starts a new shim when it runs again.
    const again = await started(driver, spec(t, 'web'));
    t.not(await shimOf(driver, again), shim);
  });

  test('a driver started again (the agent restarting) sees the exits of a group it adopts', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'flotilla-shim-groups-'));
    t.teardown(() => unmountAndRemove(root));
    const before = new ContainerdDriver({ socket: containerd!.socket, root, shimsPerGroup: 1 });
    const [a, b] = [await started(before, spec(t, 'web')), await started(before, spec(t, 'web'))];
    await before.close();

    const after = await newDriver(t, { root });
    const waiting = after.wait(a);
    process.kill((await after.inspect(a)).pid!, 'SIGKILL');
    t.is((await within('the exit of the adopted one', waiting)).exitCode, 137);
    t.is((await after.inspect(b)).state, 'running');
  });

  test("a crashed shim takes its group's containers with it, each reported exited", async (t) => {
    const driver = await newDriver(t);
    const ids = [await started(driver, spec(t, 'web')), await started(driver, spec(t, 'web'))];
    const other = await started(driver, spec(t, 'other'));
    const shim = await shimOf(driver, ids[0]!);
    const waits = ids.map((id) => driver.wait(id));
    process.kill(shim, 'SIGKILL');
    for (const exit of await within('the exits of the shim crash', Promise.all(waits))) {
      t.is(exit.exitCode, 137);
    }
    t.is((await driver.inspect(other)).state, 'running', 'another group keeps its shim');
    // The group starts again on a new shim (the crashed one's socket left behind is replaced).
    const again = await started(driver, spec(t, 'web'));
    t.not(await shimOf(driver, again), shim);
  });

  test("a group's containers are spread over no more than the driver's shims per group", async (t) => {
    const driver = await newDriver(t, { shimsPerGroup: 2 });
    const ids = await Promise.all(Array.from({ length: 6 }, () => started(driver, spec(t, 'web'))));
    const shims = new Set(await Promise.all(ids.map((id) => shimOf(driver, id))));
    t.true(shims.size >= 1 && shims.size <= 2, `${shims.size} shims`);
  });
}
