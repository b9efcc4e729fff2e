/**
 * Secrets and configs on a node, with real runtimes: a task runner given the values writes
 * the files on the tmpfs and the driver puts them where the task looks. In a container (on
 * containerd and on docker, where present, each with a read-only root): a file at
 * /run/secrets/NAME and one at a target whose directory the image lacks, with their modes
 * and owners, read-only, bound from the tmpfs. A plain process: its FLOTILLA_SECRETS_DIR owned
 * by its user, the files at their paths there. Both: a value in an environment variable, no
 * file under the driver's root holding a value, and the files gone once the task is removed.
 * Only digests of the values are ever printed: the logs are the driver's files too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { silentLogger } from '../../lib/log.js';
import { isTerminal, type FileReference, type Task, type TaskStatus } from '../../proto/types.js';
import { ContainerdDriver } from '../../runtime/containerd/index.js';
import { DockerDriver } from '../../runtime/docker/index.js';
import type { RuntimeDriver } from '../../runtime/driver.js';
import { ProcessDriver } from '../../runtime/process/index.js';
import { fsTypeAt, SecretFiles } from '../../worker/secret-files.js';
import { TaskRunner, type NodeInfo } from '../../worker/task-runner.js';
import { VolumeStore } from '../../worker/volumes.js';
import { makeService, makeSpec, makeStatus, makeTask } from '../unit/helpers.js';
import { eventually } from './cluster-harness.js';
import { containerdMissing, PrivateContainerd, testImages } from './containerd-harness.js';
import { dockerMissing, PrivateDockerd } from './docker-harness.js';
import { skippedBecause, unmountAndRemove } from './host-tools.js';

const IMAGE = 'flotilla/busybox';
/** Why each container runtime cannot run here, if it cannot (known before any test is declared). */
const missing = { containerd: await containerdMissing(), docker: await dockerMissing() };
/** Runs until told to stop (a shell as a container's first process ignores SIGTERM without a trap). */
const IDLE = 'trap "exit 0" TERM; while :; do sleep 0.1; done';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

function fileRef(
  id: string,
  name: string,
  target: string,
  fields: Partial<FileReference> = {},
): FileReference {
  return { id, name, target, uid: '', gid: '', mode: 0, env: '', ...fields };
}

/** A task to run `script` in `image`, assigned to this node. */
function taskOf(
  image: string,
  script: string,
  container: { secrets: FileReference[]; configs: FileReference[]; user?: string; readOnly?: boolean },
): Task {
  const spec = makeSpec();
  Object.assign(spec.task!.container!, { image, args: ['sh', '-c', script], dir: '/tmp', ...container });
  return makeTask(makeService(spec), { status: makeStatus('ASSIGNED') });
}

/** A node of its own on the machine's tmpfs, its directory removed after the test. */
function testNode(t: ExecutionContext): NodeInfo {
  const id = `secrets-test-${randomBytes(6).toString('hex')}`;
  const files = new SecretFiles(id);
  t.teardown(() => rm(join(files.dirOf('x'), '..'), { recursive: true, force: true }));
  return {
    id,
    hostname: 'n1',
    host: '127.0.0.1',
    files,
    volumes: new VolumeStore('/nonexistent/volumes', () => Promise.resolve(new Map())),
  };
}

/** Starts `task` through a runner, removed after the test; resolves once it runs, with its container. */
async function runTask(
  t: ExecutionContext,
  node: NodeInfo,
  driver: RuntimeDriver,
  task: Task,
  values: Map<string, Buffer>,
): Promise<{ runner: TaskRunner; id: string }> {
  const statuses: TaskStatus[] = [];
  const runner = new TaskRunner(task, node, driver, (_, s) => statuses.push(s), silentLogger(), values);
  // The test may have removed it already.
  t.teardown(() => runner.remove().catch(() => undefined));
  runner.start();
  const status = await eventually('the task to run', async () =>
    statuses.find((s) => s.state === 'RUNNING' || isTerminal(s.state)),
  );
  if (status.state !== 'RUNNING') throw new Error(`the task ended ${status.state}: ${status.err}`);
  return { runner, id: status.container?.containerId ?? '' };
}

/** The files under `dir` whose content holds `text`. */
async function filesHolding(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesHolding(path, text)));
    // Unreadable files (a network namespace bound to a path) hold nothing of ours.
    else if (entry.isFile() && (await readFile(path).catch(() => '')).includes(text)) found.push(path);
  }
  return found;
}

async function processRoot(t: ExecutionContext): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'flotilla-secrets-proc-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  return root;
}

test('process: a plain process finds its files under FLOTILLA_SECRETS_DIR, its user their owner, and a value in its environment', async (t) => {
  const node = testNode(t);
  const root = await processRoot(t);
  const driver = new ProcessDriver({ root });
  t.teardown(() => driver.close());
  const secret = `pw-${randomBytes(8).toString('hex')}`;
  const conf = `worker_processes ${randomBytes(4).toString('hex')};`;
  const task = taskOf('host', IDLE, {
    user: 'nobody',
    secrets: [fileRef('s1', 'db_password', '/run/secrets/db_password', { env: 'DB_PASSWORD' })],
    configs: [fileRef('c1', 'nginx', '/etc/nginx/nginx.conf', { mode: 0o440 })],
  });
  const values = new Map([
    ['s1', Buffer.from(secret)],
    ['c1', Buffer.from(conf)],
  ]);
  const { runner, id } = await runTask(t, node, driver, task, values);

  const dir = node.files.dirOf(task.id);
  for (const path of [dir, join(dir, 'etc'), join(dir, 'etc/nginx')]) {
    const s = await stat(path);
    t.deepEqual([s.uid, s.gid, s.mode & 0o777], [65534, 65534, 0o750], path);
  }
  const file = await stat(join(dir, 'etc/nginx/nginx.conf'));
  t.deepEqual([file.uid, file.gid, file.mode & 0o777], [65534, 65534, 0o440]);
  t.is(fsTypeAt(dir, await readFile('/proc/mounts', 'utf8')), 'tmpfs');
  // As the task's user (exec runs as it), through the node's directories.
  const seen = await driver.exec(id, [
    'sh',
    '-c',
    'id -un; echo "$FLOTILLA_SECRETS_DIR"; cd "$FLOTILLA_SECRETS_DIR" && sha256sum db_password etc/nginx/nginx.conf | cut -d" " -f1; printf %s "$DB_PASSWORD" | sha256sum | cut -d" " -f1',
  ]);
  t.is(seen.stdout, `nobody\n${dir}\n${digest(secret)}\n${digest(conf)}\n${digest(secret)}\n`, seen.stderr);
  t.deepEqual(await filesHolding(root, secret), [], 'no file under the driver root holds the value');

  await runner.remove();
  t.false(existsSync(dir));
  t.deepEqual(await filesHolding(root, secret), []);
});

test('process: a container whose secret environment died with the driver that made it cannot start, saying why', async (t) => {
  const root = await processRoot(t);
  const first = new ProcessDriver({ root });
  const spec = { image: 'host', command: ['true'], env: {}, labels: {}, secretEnv: { TOKEN: 'x', KEY: 'y' } };
  const id = await first.create(spec);
  await first.close();
  const second = new ProcessDriver({ root });
  t.teardown(() => second.close());
  await t.throwsAsync(second.start(id), {
    message: `container ${id} cannot start: the values of TOKEN, KEY were held in memory by the daemon that created it; create it again`,
  });
  await second.remove(id);
});

test('a task whose values are missing fails, naming the secret, and leaves no files', async (t) => {
  const node = testNode(t);
  const driver = new ProcessDriver({ root: await processRoot(t) });
  t.teardown(() => driver.close());
  const task = taskOf('host', IDLE, {
    secrets: [fileRef('s1', 'db_password', '/run/secrets/db_password')],
    configs: [],
  });
  await t.throwsAsync(runTask(t, node, driver, task, new Map()), {
    message: 'the task ended FAILED: secret "db_password" (s1) has no value on this node',
  });
  t.false(existsSync(node.files.dirOf(task.id)));
});

/** The container runtimes present here, each with the test image loaded, and the root of its driver's files if it has one. */
const containerRuntimes: {
  name: string;
  missing: string | undefined;
  start(): Promise<{ driver: RuntimeDriver; root?: string; stop(): Promise<void> }>;
}[] = [
  {
    name: 'containerd',
    missing: missing.containerd,
    async start() {
      const containerd = await PrivateContainerd.start();
      const root = await mkdtemp(join(tmpdir(), 'flotilla-secrets-ctd-'));
      const driver = new ContainerdDriver({ socket: containerd.socket, root });
      await driver.images.load((await testImages()).busybox);
      return {
        driver,
        root,
        stop: async () => {
          await driver.close();
          await containerd.stop();
          await unmountAndRemove(root);
        },
      };
    },
  },
  {
    name: 'docker',
    missing: missing.docker,
    async start() {
      const dockerd = await PrivateDockerd.start();
      const driver = new DockerDriver({ socket: dockerd.socket });
      await driver.images.load((await testImages()).busybox);
      return {
        driver,
        stop: async () => {
          await driver.close();
          await dockerd.stop();
        },
      };
    },
  },
];

for (const runtime of containerRuntimes) {
  const title = `${runtime.name}: a secret at /run/secrets/NAME and a config at its target, on a read-only root, with their modes and owners, bound read-only from the tmpfs`;
  if (runtime.missing) {
    skippedBecause(test, title, runtime.missing);
    continue;
  }
  let started: Awaited<ReturnType<typeof runtime.start>> | undefined;
  test.before(async () => {
    started = await runtime.start();
  });
  test.after.always(() => started?.stop());

  test(title, async (t) => {
    const { driver, root } = started!;
    const node = testNode(t);
    const secret = `pw-${randomBytes(8).toString('hex')}`;
    const conf = `key=${randomBytes(4).toString('hex')}`;
    const task = taskOf(IMAGE, IDLE, {
      readOnly: true,
      secrets: [
        fileRef('s1', 'db_password', '/run/secrets/db_password', {
          uid: '1000',
          gid: '1001',
          mode: 0o400,
          env: 'DB_PASSWORD',
        }),
      ],
      // The image has no /srv/app.
      configs: [fileRef('c1', 'app', '/srv/app/app.conf')],
    });
    const values = new Map([
      ['s1', Buffer.from(secret)],
      ['c1', Buffer.from(conf)],
    ]);
    const { runner, id } = await runTask(t, node, driver, task, values);
    const sh = async (script: string): Promise<string> => {
      const { exitCode, stdout, stderr } = await driver.exec(id, ['sh', '-c', script]);
      return exitCode === 0 ? stdout : `exit ${exitCode}: ${stderr}`;
    };
    const paths = '/run/secrets/db_password /srv/app/app.conf';
    t.is(await sh(`stat -c '%a %u %g' ${paths}`), '400 1000 1001\n444 0 0\n');
    t.is(await sh(`sha256sum ${paths} | cut -d' ' -f1`), `${digest(secret)}\n${digest(conf)}\n`);
    t.is(await sh(`printf %s "$DB_PASSWORD" | sha256sum | cut -d' ' -f1`), `${digest(secret)}\n`);
    t.regex(await sh('echo x >> /run/secrets/db_password'), /^exit [1-9]/, 'read-only');
    // Bound from the tmpfs: so says the container's mount table, and the host's of the source.
    t.regex(
      await sh('grep " /run/secrets/db_password " /proc/mounts'),
      /^\S+ \/run\/secrets\/db_password tmpfs ro[ ,]/,
    );
    const dir = node.files.dirOf(task.id);
    t.is(fsTypeAt(dir, await readFile('/proc/mounts', 'utf8')), 'tmpfs');
    t.is((await stat(dir)).mode & 0o777, 0o700);
    if (root)
      t.deepEqual(await filesHolding(root, secret), [], 'no file under the driver root holds the value');

    await runner.remove();
    t.false(existsSync(dir));
    if (root) t.deepEqual(await filesHolding(root, secret), []);
  });
}
