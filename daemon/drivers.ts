/**
 * The runtime drivers of a node: the process driver always (image `host`), and the
 * containerd driver where containerd answers on the node's socket: the one given at
 * init/join (`--containerd-socket`, "" for none), else /run/containerd/containerd.sock if
 * it exists. A socket that does not answer is logged and left out, so the node reports
 * only runtimes that work and the scheduler places container tasks elsewhere.
 */
import type { Logger } from 'pino';
import type { RuntimeDriver } from '../runtime/driver.js';
import { ContainerdDriver, DEFAULT_CONTAINERD_SOCKET } from '../runtime/containerd/index.js';
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
  if (socket === '' || (!explicit && !(await ContainerdDriver.available(socket)))) return drivers;
  const containerd = new ContainerdDriver({ socket, root: p.containerdRuntime, logger });
  try {
    await containerd.ping();
    drivers.push(containerd);
    logger.info({ socket }, 'containerd runtime available');
  } catch (err) {
    await containerd.close();
    log.warn({ socket, err }, 'containerd does not answer; this node runs only host (process) tasks');
  }
  return drivers;
}
