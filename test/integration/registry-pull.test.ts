/**
 * Pulling images from a registry: Debian's docker-registry on loopback with basic auth, a
 * private containerd, and a cluster whose service uses --with-registry-auth (the docker login
 * credentials of the CLI's user, passed to the node that pulls). Skipped, saying why, where
 * containerd or docker-registry is missing.
 */
import test from 'ava';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFlotillaError } from '../../lib/errors.js';
import type { Task } from '../../proto/types.js';
import { ContainerdDriver } from '../../runtime/containerd/index.js';
import { DockerDriver } from '../../runtime/docker/index.js';
import { eventually, LocalCluster, runCli } from './cluster-harness.js';
import { dockerMissing, PrivateDockerd } from './docker-harness.js';
import { containerdMissing, PrivateContainerd, testImages } from './containerd-harness.js';
import { collectLogs, within } from './runtime-conformance.js';
import { LocalRegistry, REGISTRY_PASSWORD, REGISTRY_USER, registryMissing } from './registry-harness.js';
import { skippedBecause } from './host-tools.js';

const missing = (await containerdMissing()) ?? (await registryMissing());
let containerd: PrivateContainerd | undefined;
let registry: LocalRegistry | undefined;
let cluster: LocalCluster | undefined;

if (missing) {
  skippedBecause(test, 'registry pull', missing);
} else {
  test.before(async () => {
    containerd = await PrivateContainerd.start();
    registry = await LocalRegistry.start();
    await registry.push((await testImages()).busybox, 'team/bb', '1');
  });
  test.after.always(async () => {
    await cluster?.destroy();
    await containerd?.stop();
    await registry?.stop();
  });

  test.serial('the containerd driver pulls an image it lacks, with credentials, and runs it', async (t) => {
    const driver = new ContainerdDriver({
      socket: containerd!.socket,
      root: await mkdtemp(join(tmpdir(), 'fl-')),
    });
    t.teardown(() => driver.close());
    const ref = `${registry!.host}/team/bb:1`;
    const refused = await t.throwsAsync(driver.ensureImage(ref, AbortSignal.timeout(60_000)));
    t.true(isFlotillaError(refused, 'PERMISSION_DENIED'), String(refused));
    t.regex(refused.message, /--with-registry-auth/);
    await driver.ensureImage(ref, AbortSignal.timeout(60_000), {
      username: REGISTRY_USER,
      password: REGISTRY_PASSWORD,
    });
    const id = await driver.create({ image: ref, command: ['echo', 'pulled'], env: {}, labels: {} });
    await driver.start(id);
    t.is((await within('exit', driver.wait(id))).exitCode, 0);
    t.deepEqual((await collectLogs(driver, id)).stdout, ['pulled']);
    await driver.remove(id);
    const missingTag = await t.throwsAsync(
      driver.ensureImage(`${registry!.host}/team/bb:nope`, AbortSignal.timeout(60_000), {
        username: REGISTRY_USER,
        password: REGISTRY_PASSWORD,
      }),
    );
    t.true(isFlotillaError(missingTag, 'NOT_FOUND'), String(missingTag));
    await driver.images.remove(ref);
  });

  test.serial(
    'service create --with-registry-auth: the node pulls with the CLI user’s docker login',
    async (t) => {
      cluster = await LocalCluster.create();
      const dockerConfig = join(cluster.root, 'docker-config');
      await mkdir(dockerConfig);
      const auth = Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64');
      await writeFile(
        join(dockerConfig, 'config.json'),
        JSON.stringify({ auths: { [registry!.host]: { auth } } }),
      );
      const init = await cluster.init('m1', ...containerd!.nodeArgs());
      t.is(init.code, 0, init.stderr);
      const create = await runCli(
        [
          '--host',
          cluster.addr('m1'),
          '--cert-path',
          cluster.certPath,
          'service',
          'create',
          '-d',
          '--with-registry-auth',
          '--name',
          'pulled',
          `${registry!.host}/team/bb:1`,
          'sleep',
          '100000',
        ],
        { DOCKER_CONFIG: dockerConfig },
      );
      t.is(create.code, 0, create.stderr);
      const inspect = await cluster.cli('m1', 'service', 'inspect', 'pulled');
      t.regex(inspect.stdout, /"registryAuthSecret": "\w+"/, 'the credentials are a secret of the cluster');
      t.regex((await cluster.cli('m1', 'secret', 'ls')).stdout, /pulled-registry-auth-\w+ .* pulled\n/);
      t.false(inspect.stdout.includes(auth));
      await eventually('the pulled task running', async () => {
        const tasks = await cluster!.json<Task[]>('m1', 'service', 'ps', 'pulled', '--format', 'raw');
        return tasks.some((x) => x.status?.state === 'RUNNING');
      });
      t.is((await cluster.cli('m1', 'service', 'rm', 'pulled')).code, 0);
      t.notRegex((await cluster.cli('m1', 'secret', 'ls')).stdout, /registry-auth/, 'gone with the service');
    },
  );

  test.serial(
    'the docker driver has the engine pull it, with credentials (when dockerd is here)',
    async (t) => {
      const noDocker = await dockerMissing();
      if (noDocker) {
        t.log(`skipped: ${noDocker}`);
        return t.pass();
      }
      const dockerd = await PrivateDockerd.start();
      t.teardown(() => dockerd.stop());
      const driver = new DockerDriver({ socket: dockerd.socket });
      t.teardown(() => driver.close());
      const ref = `${registry!.host}/team/bb:1`;
      await t.throwsAsync(driver.ensureImage(ref, AbortSignal.timeout(60_000)), {
        message: /could not be pulled/,
      });
      await driver.ensureImage(ref, AbortSignal.timeout(60_000), {
        username: REGISTRY_USER,
        password: REGISTRY_PASSWORD,
      });
      const id = await driver.create({
        image: ref,
        command: ['echo', 'pulled by docker'],
        env: {},
        labels: {},
      });
      await driver.start(id);
      t.is((await within('exit', driver.wait(id))).exitCode, 0);
      t.deepEqual((await collectLogs(driver, id)).stdout, ['pulled by docker']);
      await driver.remove(id);
    },
  );
}
