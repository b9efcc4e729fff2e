/**
 * The runtime conformance suite against the docker driver, on a private dockerd
 * (docker-harness.ts) with the busybox test image loaded. Skipped, saying why, where dockerd
 * or root is missing (.ci/run installs docker.io).
 */
import test from 'ava';
import Docker from 'dockerode';
import { DockerDriver } from '../../runtime/docker/index.js';
import { testImages } from './containerd-harness.js';
import { dockerMissing, PrivateDockerd } from './docker-harness.js';
import { runtimeConformance, type ConformanceTarget } from './runtime-conformance.js';
import { skippedBecause } from './host-tools.js';

const missing = await dockerMissing();
let dockerd: PrivateDockerd | undefined;

const target: ConformanceTarget = {
  name: 'docker',
  image: 'flotilla/busybox',
  factoryModule: new URL('./docker-driver-factory.js', import.meta.url).href,
  limits: true,
  async setup() {
    if (!dockerd) throw new Error('the private dockerd is not running');
    return { options: { socket: dockerd.socket }, cleanup: async () => undefined };
  },
  async leftovers(id) {
    const docker = new Docker({ socketPath: dockerd!.socket });
    const all = await docker.listContainers({ all: true });
    return all.filter((c) => c.Id === id).map((c) => `container ${c.Id} (${c.State})`);
  },
};

if (missing) {
  skippedBecause(test, 'docker: conformance suite', missing);
} else {
  test.before(async () => {
    dockerd = await PrivateDockerd.start();
    const driver = new DockerDriver({ socket: dockerd.socket });
    try {
      await driver.images.load((await testImages()).busybox);
    } finally {
      await driver.close();
    }
  });
  test.after.always(async () => {
    await dockerd?.stop();
  });

  runtimeConformance(test, target);
}
