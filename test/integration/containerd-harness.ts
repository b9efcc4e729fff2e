/**
 * A private containerd for tests: its own config, root, state and socket under a temp dir
 * (never the system's), started and stopped by the test. stop() kills only the shims of
 * this containerd (and what runs under them), unmounts what is left under its dirs, and
 * removes them. Also builds the test images once per machine (deploy/images/build.sh).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext, TestFn } from 'ava';
import type { Node } from '../../proto/types.js';
import {
  deleteContainerdTasks,
  privateContainerdFiles,
  startPrivateContainerd,
} from '../../runtime/containerd/private-containerd.js';
import { eventually, LocalCluster } from './cluster-harness.js';
import { mountsUnder, onPath, processesWhere, unmountAndRemove } from './host-tools.js';
import { bridgeArg, removeBridge, testBridge, type TestBridge } from './bridge-tools.js';

const run = promisify(execFile);
const buildScript = fileURLToPath(new URL('../../../deploy/images/build.sh', import.meta.url));

/** Why containerd tests cannot run here, or undefined if they can. */
export async function containerdMissing(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'containerd tests need root';
  for (const tool of ['containerd', 'containerd-shim-runc-v2', 'runc']) {
    if (!(await onPath(tool))) return `${tool} is not installed (Debian: apt-get install containerd runc)`;
  }
  return undefined;
}

/**
 * One private containerd and one local cluster, shared by a test file's serial tests: both
 * start before the file's tests and stop after them.
 */
export function sharedContainerdCluster(test: TestFn): {
  containerd(): PrivateContainerd;
  cluster(): LocalCluster;
  initNode(t: ExecutionContext): Promise<void>;
} {
  let containerd: PrivateContainerd | undefined;
  let cluster: LocalCluster | undefined;
  test.before(async () => {
    containerd = await PrivateContainerd.start();
    cluster = await LocalCluster.create();
  });
  test.after.always(async () => {
    await cluster?.destroy();
    await containerd?.stop();
  });
  const started = <T>(what: T | undefined): T => {
    if (!what) throw new Error('the shared containerd and cluster start in test.before');
    return what;
  };
  return {
    containerd: () => started(containerd),
    cluster: () => started(cluster),
    // `cluster init` of m1 on the shared containerd, once it reports containerd, with busybox loaded.
    async initNode(t) {
      const c = started(cluster);
      const init = await c.init('m1', ...started(containerd).nodeArgs());
      t.is(init.code, 0, init.stderr);
      await eventually('the node to report containerd', async () => {
        const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
        return nodes[0]?.description?.runtimes.includes('containerd') || undefined;
      });
      const load = await c.cli('m1', 'image', 'load', (await testImages()).busybox);
      t.is(load.code, 0, load.stderr);
    },
  };
}

export class PrivateContainerd {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    private readonly daemon: ChildProcess,
  ) {}

  static async start(): Promise<PrivateContainerd> {
    // Short: unix socket paths have a length limit.
    const dir = await mkdtemp(join(tmpdir(), 'fctd-'));
    const daemon = await startPrivateContainerd(dir);
    return new PrivateContainerd(dir, privateContainerdFiles(dir).socket, daemon);
  }

  get pid(): number {
    return this.daemon.pid ?? 0;
  }

  /** Mount points under this containerd's dirs (snapshots, task root filesystems). */
  mounts(): Promise<string[]> {
    return mountsUnder(this.dir);
  }

  /**
   * `cluster init | join` arguments for a node that uses this containerd, its containers on
   * a bridge of their own (removed by stop()); `host` shares the node's network instead.
   */
  nodeArgs(network?: 'host'): string[] {
    return ['--dispatcher-heartbeat', '1s', '--containerd-socket', this.socket, ...this.networkArgs(network)];
  }

  /** `--container-network` for a node: a bridge of its own (removed by stop()), or `host`. */
  networkArgs(network?: 'host'): string[] {
    if (network === 'host') return ['--container-network', 'host'];
    const bridge = testBridge();
    this.bridges.push(bridge);
    return ['--container-network', bridgeArg(bridge)];
  }

  /** The bridges handed out by nodeArgs(), in order. */
  readonly bridges: TestBridge[] = [];

  /** Pids of this containerd's shims. */
  shims(): Promise<number[]> {
    return processesWhere((argv) => !!argv[0]?.includes('containerd-shim') && argv.includes(this.socket));
  }

  async stop(): Promise<void> {
    // Tasks deleted through containerd take their runc state and shim sockets (kept in /run,
    // outside our dirs) with them; only what does not go that way is killed below.
    await deleteContainerdTasks(this.socket).catch(() => undefined);
    for (const shim of await this.shims()) {
      for (const pid of [...(await descendants(shim)), shim]) kill(pid);
    }
    this.daemon.kill('SIGTERM');
    if (this.daemon.exitCode === null) await once(this.daemon, 'exit');
    await unmountAndRemove(this.dir);
    for (const bridge of this.bridges) await removeBridge(bridge);
  }
}

/** The test images' archives (busybox2: flotilla/busybox:2), built once into a cache dir shared by the test files. */
export async function testImages(): Promise<{ busybox: string; busybox2: string; httpd: string }> {
  const dir = join(tmpdir(), 'flotilla-test-images');
  const files = { busybox: 'busybox.tar', busybox2: 'busybox-2.tar', httpd: 'httpd.tar' };
  const paths = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(dir, f)])) as typeof files;
  const built = async (): Promise<boolean> =>
    (await Promise.all(Object.values(paths).map((p) => exists(p)))).every(Boolean);
  if (!(await built())) {
    // Built aside and moved in, so that test files building at once do not see half an archive.
    await mkdir(dir, { recursive: true });
    const work = await mkdtemp(join(dir, 'build-'));
    await run(buildScript, [work]);
    for (const file of Object.values(files)) await rename(join(work, file), join(dir, file));
    await rm(work, { recursive: true, force: true });
  }
  return paths;
}

async function descendants(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
