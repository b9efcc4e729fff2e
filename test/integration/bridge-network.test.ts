/**
 * Containers' networks on a node bridge as the node makes them (bridge-network.ts): real
 * containers on a private containerd, each test with a bridge and subnet of its own.
 * Skipped, saying why, where containerd, root, ip or iptables is missing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ContainerdDriver, type ContainerdDriverOptions } from '../../runtime/containerd/index.js';
import type { ContainerSpec } from '../../runtime/driver.js';
import { bridgesMissing, networkLeftovers, removeBridge, testBridge } from './bridge-tools.js';
import { containerdMissing, PrivateContainerd, testImages } from './containerd-harness.js';
import { skippedBecause, unmountAndRemove } from './host-tools.js';
import { systemTool, trySystemTool } from '../../runtime/run-captured.js';

const missing = (await containerdMissing()) ?? (await bridgesMissing());
let containerd: PrivateContainerd | undefined;

/** The httpd test image serves this page on port 8080. */
const PAGE = 'hello from flotilla/httpd';
/** On every test container, so that each test's teardown finds its own. */
const RUN_LABEL = 'flotilla.bridge-network.run';

/**
 * Driver options on a fresh bridge and root, and the spec of an httpd container; the
 * containers, bridge and root are removed after the test.
 */
async function setup(t: ExecutionContext): Promise<{
  options: ContainerdDriverOptions & { network: { bridge: string }; root: string };
  httpd: ContainerSpec;
}> {
  if (!containerd) throw new Error('the private containerd is not running');
  const root = await mkdtemp(join(tmpdir(), 'flotilla-bridge-net-'));
  const bridge = testBridge();
  const options = { socket: containerd.socket, root, network: bridge };
  const run = randomBytes(6).toString('hex');
  t.teardown(async () => {
    const driver = new ContainerdDriver(options);
    for (const c of await driver.list({ [RUN_LABEL]: run })) {
      await driver.stop(c.id, 0).catch(() => undefined);
      await driver.remove(c.id).catch(() => undefined);
    }
    await driver.close();
    await unmountAndRemove(root);
    await removeBridge(bridge);
  });
  const httpd = {
    image: 'flotilla/httpd',
    command: [],
    env: {},
    labels: { [RUN_LABEL]: run },
    ports: [8080],
  };
  return { options, httpd };
}

function newDriver(t: ExecutionContext, options: ContainerdDriverOptions): ContainerdDriver {
  const driver = new ContainerdDriver(options);
  t.teardown(() => driver.close());
  return driver;
}

/**
 * What the bridge's network still holds once the kernel has removed the veths of deleted
 * namespaces (it does so after the namespaces go): waits up to 30 s for nothing to be left.
 */
async function leftoversAfterRemoval(dir: string, bridge: string): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await networkLeftovers(dir, bridge);
    if (found.length === 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What `wget` in the container gets from the url (its output, or why not). */
async function fetchFrom(driver: ContainerdDriver, id: string, url: string): Promise<string> {
  const res = await driver.exec(id, ['wget', '-qO-', url], { timeoutMs: 20_000 });
  return res.exitCode === 0 ? res.stdout.trim() : `exit ${res.exitCode}: ${res.stderr.trim()}`;
}

/**
 * A host outside the node, as a network namespace (nl prefix) on a veth from the node's
 * network, serving a page with busybox httpd; it has no route to the containers' subnet, so
 * containers reach it only masqueraded as the node.
 */
async function outsideHost(t: ExecutionContext): Promise<string> {
  const name = `nlout${randomBytes(4).toString('hex')}`;
  const prefix = testBridge().subnet.replace(/0\/24$/, '');
  const www = await mkdtemp(join(tmpdir(), 'flotilla-outside-'));
  await writeFile(join(www, 'index.html'), 'outside\n');
  await systemTool(['ip', 'netns', 'add', name]);
  await systemTool(['ip', 'link', 'add', name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
  await systemTool(['ip', 'addr', 'add', `${prefix}1/24`, 'dev', name]);
  await systemTool(['ip', 'link', 'set', name, 'up']);
  await systemTool(['ip', '-n', name, 'addr', 'add', `${prefix}2/24`, 'dev', 'eth0']);
  await systemTool(['ip', '-n', name, 'link', 'set', 'eth0', 'up']);
  const server = spawn(
    'nsenter',
    [`--net=/run/netns/${name}`, 'busybox', 'httpd', '-f', '-p', `${prefix}2:8080`, '-h', www],
    { stdio: 'ignore' },
  );
  t.teardown(async () => {
    server.kill('SIGKILL');
    await trySystemTool(['ip', 'link', 'del', name]);
    await trySystemTool(['ip', 'netns', 'del', name]);
    await rm(www, { recursive: true, force: true });
  });
  return `${prefix}2`;
}

if (missing) {
  skippedBecause(test, 'bridge networks', missing);
} else {
  test.before(async () => {
    containerd = await PrivateContainerd.start();
    const { httpd: image } = await testImages();
    const driver = new ContainerdDriver({ socket: containerd.socket, root: tmpdir() });
    try {
      await driver.images.load(image);
    } finally {
      await driver.close();
    }
  });
  test.after.always(async () => {
    await containerd?.stop();
  });

  test('two containers on the bridge reach each other, and a host outside through masquerading', async (t) => {
    t.timeout(180_000);
    const { options, httpd } = await setup(t);
    const driver = newDriver(t, options);
    const outside = await outsideHost(t);
    const [a, b] = [await driver.create(httpd), await driver.create(httpd)] as [string, string];
    for (const id of [a, b]) await driver.start(id);
    const ipOf = async (id: string) => (await driver.inspect(id)).ip ?? '';
    t.is(await fetchFrom(driver, a, `http://${await ipOf(b)}:8080/`), PAGE);
    t.is(await fetchFrom(driver, b, `http://${await ipOf(a)}:8080/`), PAGE);
    t.is(await fetchFrom(driver, a, `http://${outside}:8080/`), 'outside');
    // The node reaches them on the bridge too.
    const page = await fetch(`http://${await ipOf(a)}:8080/`).then((r) => r.text());
    t.is(page.trim(), PAGE);
  });

  test('removal frees the address, the veth and the namespace', async (t) => {
    t.timeout(180_000);
    const { options, httpd } = await setup(t);
    const driver = newDriver(t, options);
    const dir = join(options.root, 'network');
    const id = await driver.create(httpd);
    await driver.start(id);
    const ip = (await driver.inspect(id)).ip ?? '';
    const left = async () =>
      (await networkLeftovers(dir, options.network.bridge)).filter((f) => f.includes(id) || f.includes(ip));
    t.true((await left()).some((f) => f.startsWith('ip lease')));
    t.true((await left()).some((f) => f.startsWith('netns')));
    await driver.stop(id, 0);
    await driver.remove(id);
    t.deepEqual(await leftoversAfterRemoval(dir, options.network.bridge), []);
    t.deepEqual(await readdir(join(dir, 'leases')), []);
  });

  test('20 containers created at once get distinct addresses and all answer', async (t) => {
    t.timeout(300_000);
    const { options, httpd } = await setup(t);
    const driver = newDriver(t, options);
    const ids = await Promise.all(Array.from({ length: 20 }, () => driver.create(httpd)));
    await Promise.all(ids.map((id) => driver.start(id)));
    const ips = await Promise.all(ids.map(async (id) => (await driver.inspect(id)).ip));
    t.is(new Set(ips).size, 20, ips.join(' '));
    for (const ip of ips) {
      const page = await fetch(`http://${ip}:8080/`).then((r) => r.text());
      t.is(page.trim(), PAGE, `${ip}`);
    }
    await Promise.all(ids.map((id) => driver.stop(id, 0)));
    await Promise.all(ids.map((id) => driver.remove(id)));
    t.deepEqual(await leftoversAfterRemoval(join(options.root, 'network'), options.network.bridge), []);
  });

  test('a restarted agent keeps the addresses of the containers that run, and hands out others', async (t) => {
    t.timeout(180_000);
    const { options, httpd } = await setup(t);
    const first = newDriver(t, options);
    const kept = await first.create(httpd);
    await first.start(kept);
    const ip = (await first.inspect(kept)).ip;
    await first.close();

    const second = newDriver(t, options);
    t.deepEqual(await second.pruneNetworks(), []);
    t.is((await second.inspect(kept)).ip, ip);
    const other = await second.create(httpd);
    await second.start(other);
    t.not((await second.inspect(other)).ip, ip);
    const page = await fetch(`http://${ip}:8080/`).then((r) => r.text());
    t.is(page.trim(), PAGE);
  });
}
