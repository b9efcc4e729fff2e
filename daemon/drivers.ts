/**
 * The runtime drivers of a node: the process driver always (image `host`), and the
 * containerd driver where containerd answers on the node's socket: the one given at
 * init/join (`--containerd-socket`, "" for none), else /run/containerd/containerd.sock if
 * it exists. A socket that does not answer is logged and left out, so the node reports
 * only runtimes that work and the scheduler places container tasks elsewhere. A node
 * without containerd whose Docker Engine answers at /var/run/docker.sock uses that instead.
 */
import { access } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { RuntimeDriver } from '../runtime/driver.js';
import { ContainerdDriver, DEFAULT_CONTAINERD_SOCKET } from '../runtime/containerd/index.js';
import { DEFAULT_DOCKER_SOCKET, DockerDriver } from '../runtime/docker/index.js';
import { ProcessDriver } from '../runtime/process/index.js';
import { paths, type NodeIdentity } from './data-dir.js';

export async function nodeDrivers(
  dataDir: string,
  identity: Pick<NodeIdentity, 'containerdSocket'> | undefined,
  log: Logger,
): Promise<RuntimeDriver[]> {
  const p = paths(dataDir);
  const logger = log.child({ room: 'runtime' });
  const drivers: RuntimeDriver[] = [new ProcessDriver({ root: p.processRuntime, logger })];
  const socket = identity?.containerdSocket ?? DEFAULT_CONTAINERD_SOCKET;
  const explicit = identity?.containerdSocket !== undefined;
  if (socket !== '' && (explicit || (await exists(socket)))) {
    const containerd = new ContainerdDriver({ socket, root: p.containerdRuntime, logger });
    if (await answers(containerd, socket, log)) return [...drivers, containerd];
  }
  if (!explicit && (await exists(DEFAULT_DOCKER_SOCKET))) {
    const docker = new DockerDriver({ socket: DEFAULT_DOCKER_SOCKET, logger });
    if (await answers(docker, DEFAULT_DOCKER_SOCKET, log)) return [...drivers, docker];
  }
  return drivers;
}

async function answers(
  driver: ContainerdDriver | DockerDriver,
  socket: string,
  log: Logger,
): Promise<boolean> {
  try {
    await driver.ping();
    log.info({ socket, runtime: driver.name }, 'container runtime available');
    return true;
  } catch (err) {
    await driver.close();
    log.warn({ socket, err }, `${driver.name} does not answer; this node leaves it out`);
    return false;
  }
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
