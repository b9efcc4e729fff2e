/**
 * The runtime conformance suite against the containerd driver, on a private containerd
 * (containerd-harness.ts) with the busybox test image loaded, plus what only container
 * runtimes promise: images, read-only root filesystems, mounts, users, hostnames and
 * capabilities. Skipped, saying why, where containerd or root is missing.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { isFlotillaError } from '../../lib/errors.js';
import { ContainerdDriver, type ContainerdDriverOptions } from '../../runtime/containerd/index.js';
import type { ContainerSpec } from '../../runtime/driver.js';
import { freePort } from './cluster-harness.js';
import { containerdMissing, PrivateContainerd, testImages } from './containerd-harness.js';
import {
  collectLogs,
  harness,
  runtimeConformance,
  within,
  type ConformanceTarget,
} from './runtime-conformance.js';
import { skippedBecause, unmountAndRemove } from './host-tools.js';
import { bridgesMissing, networkLeftovers, removeBridge, testBridge } from './bridge-tools.js';

const IMAGE = 'flotilla/busybox';
const missing = await containerdMissing();
/** Without ip or iptables the driver's containers share the node network, and bridge tests are skipped. */
const noBridges = await bridgesMissing();
let containerd: PrivateContainerd | undefined;
/** The network dir and bridge of every driver setup (tests run at once, each with its own). */
const networks: { dir: string; bridge: string }[] = [];

const target: ConformanceTarget = {
  name: 'containerd',
  image: IMAGE,
  factoryModule: new URL('./containerd-driver-factory.js', import.meta.url).href,
  limits: true,
  async setup() {
    if (!containerd) throw new Error('the private containerd is not running');
    const root = await mkdtemp(join(tmpdir(), 'flotilla-ctd-logs-'));
    // Containers on a bridge of their own, as on a node (see bridge-network.ts).
    const bridge = noBridges ? undefined : testBridge();
    if (bridge) networks.push({ dir: join(root, 'network'), bridge: bridge.bridge });
    return {
      options: { socket: containerd.socket, root, network: bridge },
      cleanup: async () => {
        await unmountAndRemove(root);
        if (bridge) await removeBridge(bridge);
      },
    };
  },
  async leftovers(id) {
    const ctd = containerd as PrivateContainerd;
    const found: string[] = [];
    for (const { dir, bridge } of networks)
      found.push(...(await networkLeftovers(dir, bridge)).filter((f) => f.includes(id)));
    found.push(...(await ctd.mounts()).filter((m) => m.includes(id)).map((m) => `mount ${m}`));
    for (const pid of await ctd.shims()) {
      const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (argv.split('\0').includes(id)) found.push(`shim ${pid}`);
    }
    const driver = new ContainerdDriver({ socket: ctd.socket, root: tmpdir() });
    try {
      if (await driver.snapshotExists(id)) found.push(`snapshot ${id}`);
      if ((await driver.list({})).some((c) => c.id === id)) found.push(`container ${id}`);
    } finally {
      await driver.close();
    }
    return found;
  },
};

/** The body of the first successful answer at `url`, tried until the conformance time limit. */
function pageAt(url: string): Promise<string> {
  return within(
    `the page at ${url}`,
    (async () => {
      for (;;) {
        const res = await fetch(url).catch(() => undefined);
        if (res?.ok) return res.text();
        await new Promise((r) => setTimeout(r, 100));
      }
    })(),
  );
}

if (missing) {
  skippedBecause(test, 'containerd: conformance suite', missing);
} else {
  test.before(async () => {
    containerd = await PrivateContainerd.start();
    const { busybox, httpd } = await testImages();
    const driver = new ContainerdDriver({ socket: containerd.socket, root: tmpdir() });
    try {
      await driver.images.load(busybox);
      await driver.images.load(httpd);
    } finally {
      await driver.close();
    }
  });
  test.after.always(async () => {
    await containerd?.stop();
  });

  runtimeConformance(test, target);

  const run = async (
    t: ExecutionContext,
    script: string,
    extra: Partial<ContainerSpec> = {},
  ): Promise<{ exitCode: number; stdout: string[]; stderr: string[] }> => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(h.shSpec(script, extra));
    await driver.start(id);
    const { exitCode } = await within('exit', driver.wait(id));
    return { exitCode, ...(await collectLogs(driver, id)) };
  };

  test('containerd: the image command runs when the spec has none', async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    // The busybox image's command is `sh`, which exits at once without a stdin.
    const id = await driver.create({ ...h.shSpec(''), command: [] });
    await driver.start(id);
    t.is((await within('exit', driver.wait(id))).exitCode, 0);
  });

  test('containerd: an image the node does not have is NOT_FOUND, saying how to load it', async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const err = await t.throwsAsync(driver.create({ ...h.shSpec('true'), image: 'flotilla/absent' }));
    t.true(isFlotillaError(err, 'NOT_FOUND'));
    t.regex(err.message, /cluster image load/);
    t.false(driver.canRun('host'));
  });

  test('containerd: read-only root filesystem, with a tmpfs and a bind mount', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-bind-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'hello'), 'from the host\n');
    const script =
      'touch /x 2>/dev/null && echo rw || echo ro; touch /scratch/y && echo tmpfs-ok; cat /host/hello';
    const { stdout } = await run(t, script, {
      readOnly: true,
      mounts: [
        { type: 'tmpfs', target: '/scratch' },
        { type: 'bind', source: dir, target: '/host', readOnly: true },
      ],
    });
    t.deepEqual(stdout, ['ro', 'tmpfs-ok', 'from the host']);
  });

  test('containerd: user, hostname and environment', async (t) => {
    const { stdout } = await run(t, 'id -u; id -g; hostname; echo "$HOME"', {
      user: 'nobody',
      hostname: 'web-1',
    });
    t.deepEqual(stdout, ['65534', '65534', 'web-1', '/']);
    const numeric = await run(t, 'id -u; id -g', { user: '1000:1001' });
    t.deepEqual(numeric.stdout, ['1000', '1001']);
  });

  test('containerd: capabilities are the default set, with add and drop', async (t) => {
    const capEff = async (extra: Partial<ContainerSpec>): Promise<bigint> => {
      const { stdout } = await run(t, 'grep CapEff /proc/self/status', extra);
      return BigInt(`0x${(stdout[0] ?? '').split(/\s+/)[1]}`);
    };
    const NET_ADMIN = 1n << 12n;
    const CHOWN = 1n << 0n;
    const base = await capEff({});
    t.is(base & NET_ADMIN, 0n);
    t.not(base & CHOWN, 0n);
    t.not((await capEff({ capAdd: ['NET_ADMIN'] })) & NET_ADMIN, 0n);
    t.is((await capEff({ capDrop: ['chown'] })) & CHOWN, 0n);
    t.is(await capEff({ capDrop: ['ALL'] }), 0n);
  });

  test('containerd: stats report the cgroup memory and cpu of a running container', async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const id = await driver.create(
      h.shSpec('i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo ready; sleep 600'),
    );
    await driver.start(id);
    await within(
      'ready',
      (async () => {
        while (!(await collectLogs(driver, id)).stdout.includes('ready'))
          await new Promise((r) => setTimeout(r, 50));
      })(),
    );
    const stats = await driver.stats(id);
    t.true(stats.memoryBytes > 0);
    t.true(stats.cpuSeconds > 0);
  });

  if (noBridges) skippedBecause(test, 'containerd: container networks', noBridges);
  else {
    test('containerd: two httpd containers serve port 8080 each on its own address on the bridge', async (t) => {
      const h = await harness(t, target);
      const driver = await h.newDriver();
      const spec = { ...h.shSpec(''), image: 'flotilla/httpd', command: [], ports: [8080] };
      const ids = [await driver.create(spec), await driver.create(spec)];
      for (const id of ids) await driver.start(id);
      const addrs = await Promise.all(ids.map(async (id) => (await driver.inspect(id)).addresses?.[8080]));
      t.is(new Set(addrs).size, 2, `distinct addresses: ${addrs.join(', ')}`);
      for (const addr of addrs) {
        t.regex(addr ?? '', /^10\.\d+\.\d+\.\d+:8080$/);
        const page = await pageAt(`http://${addr}/`);
        t.is(page, 'hello from flotilla/httpd\n');
      }
      // The container's resolver is the node's, on the bridge's gateway.
      const resolv = await driver.exec(ids[0]!, ['cat', '/etc/resolv.conf']);
      t.regex(resolv.stdout, /^nameserver 10\.\d+\.\d+\.1$/m);
      for (const id of ids) await driver.stop(id, 1000);
    });

    test('containerd: a port of the node forwarded to a container on the bridge (DNAT)', async (t) => {
      const h = await harness(t, target);
      const driver = await h.newDriver();
      const options = h.options as ContainerdDriverOptions;
      const hostPort = await freePort();
      const id = await driver.create({
        ...h.shSpec(''),
        image: 'flotilla/httpd',
        command: [],
        ports: [8080],
        publish: [{ hostIp: '127.0.0.1', hostPort, containerPort: 8080, protocol: 'tcp' }],
      });
      await driver.start(id);
      const page = await pageAt(`http://127.0.0.1:${hostPort}/`);
      t.is(page, 'hello from flotilla/httpd\n');
      const rules = async () =>
        (await networkLeftovers(join(options.root, 'network'), options.network!.bridge)).filter(
          (f) => f.includes(id) && f.startsWith('nat'),
        );
      t.not((await rules()).length, 0, 'forwarding rules while it exists');
      await driver.stop(id, 1000);
      await driver.remove(id);
      t.deepEqual(await rules(), []);
    });

    test('containerd: the network of a container that vanished from containerd is released', async (t) => {
      const h = await harness(t, target);
      const options = h.options as ContainerdDriverOptions;
      const driver = new ContainerdDriver(options);
      t.teardown(() => driver.close());
      const id = 'f'.repeat(32);
      await driver.bridge!.attach(id);
      const left = () => networkLeftovers(join(options.root, 'network'), options.network!.bridge);
      t.true((await left()).some((f) => f.includes(id)));
      t.deepEqual(await driver.pruneNetworks(), [id]);
      t.deepEqual(
        (await left()).filter((f) => f.includes(id)),
        [],
      );
    });
  }

  test('containerd: without a bridge, a container shares the node network', async (t) => {
    const h = await harness(t, target);
    const options = { ...(h.options as ContainerdDriverOptions), network: undefined };
    const driver = new ContainerdDriver(options);
    t.teardown(() => driver.close());
    t.is(driver.network, 'host');
    const port = await freePort();
    // The image's own command listens on 8080; another port keeps tests from colliding.
    const id = await driver.create({
      ...h.shSpec(''),
      image: 'flotilla/httpd',
      command: ['httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www'],
    });
    await driver.start(id);
    t.is((await driver.inspect(id)).addresses, undefined);
    const page = await pageAt(`http://127.0.0.1:${port}/`);
    t.is(page, 'hello from flotilla/httpd\n');
    await driver.stop(id, 1000);
  });

  test('containerd: cpu, memory and pids limits are the container cgroup settings', async (t) => {
    const h = await harness(t, target);
    const driver = await h.newDriver();
    const limits = { nanoCpus: 5e8, memoryBytes: 64 * 2 ** 20, pids: 50 };
    const id = await driver.create(h.shSpec('echo ready; sleep 600', { limits }));
    await driver.start(id);
    // cgroup v1 (one hierarchy per controller) or v2 (one hierarchy).
    const cgroup = async (controller: string, v1: string, v2: string): Promise<string> =>
      (
        await readFile(`/sys/fs/cgroup/${controller}/flotilla/${id}/${v1}`, 'utf8').catch(() =>
          readFile(`/sys/fs/cgroup/flotilla/${id}/${v2}`, 'utf8'),
        )
      ).trim();
    t.regex(await cgroup('cpu', 'cpu.cfs_quota_us', 'cpu.max'), /^50000( 100000)?$/);
    t.is(await cgroup('memory', 'memory.limit_in_bytes', 'memory.max'), String(64 * 2 ** 20));
    t.is(await cgroup('pids', 'pids.max', 'pids.max'), '50');
  });
}
