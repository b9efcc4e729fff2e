/**
 * The `service create` flags that only container runtimes honour: cgroup limits
 * (--limit-cpu, --limit-memory, --limit-pids), capabilities (--cap-add, --cap-drop), a
 * read-only root filesystem and mounts (--mount type=bind,source=/x,target=/y,readonly).
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../lib/errors.js';
import type { ContainerSpec, TaskSpec } from '../../proto/types.js';
import { registryAuthFor } from '../docker-credentials.js';
import { collect, parseCount } from '../format.js';
import { parseBytes, parseCpus } from './placement-flags.js';

export interface RuntimeOptions {
  limitCpu?: string;
  limitMemory?: string;
  limitPids?: string;
  capAdd?: string[];
  capDrop?: string[];
  readOnly?: boolean;
  mount?: string[];
  withRegistryAuth?: boolean;
  network?: string[];
}

export function addRuntimeFlags(cmd: Command): Command {
  return cmd
    .option('--limit-cpu <cores>', 'cpu a task may use at most, e.g. 0.5 (container runtimes)')
    .option('--limit-memory <size>', 'memory a task may use at most, e.g. 64M; beyond it, OOM-killed')
    .option('--limit-pids <n>', 'processes a task may run at most')
    .option(
      '--cap-add <cap>',
      'capability on top of the default set, e.g. NET_ADMIN (repeatable)',
      collect,
      [],
    )
    .option('--cap-drop <cap>', 'capability taken from the default set, or ALL (repeatable)', collect, [])
    .option('--read-only', 'mount the container root filesystem read-only')
    .option(
      '--network <name>',
      "an overlay network to join, by name or id (repeatable); or bridge: the container's own address on the node's container network alone (default); host: the node's network",
      collect,
      [],
    )
    .option('--with-registry-auth', 'send the registry credentials of `docker login` to the nodes that pull')
    .option(
      '--mount <spec>',
      'type=bind,source=/host/path,target=/path[,readonly] or type=tmpfs,target=/path (repeatable)',
      collect,
      [],
    );
}

export function runtimeFromFlags(
  o: RuntimeOptions,
  image: string,
): Pick<
  ContainerSpec,
  'mounts' | 'readOnly' | 'capAdd' | 'capDrop' | 'registryAuth' | 'registryAuthSecret' | 'hostNetwork'
> {
  const networks = o.network ?? [];
  const host = networks.includes('host');
  if (host && networks.length > 1)
    throw invalidArgument(
      '--network',
      "host alone: a container on the node's network joins no other",
      networks.join(', '),
    );
  return {
    mounts: (o.mount ?? []).map(parseMount),
    readOnly: o.readOnly ?? false,
    capAdd: o.capAdd ?? [],
    capDrop: o.capDrop ?? [],
    registryAuth: o.withRegistryAuth ? registryAuthFor(image) : '',
    registryAuthSecret: '',
    hostNetwork: host,
  };
}

/** The overlay networks of the --network flags (bridge and host are none). */
export function overlayNetworksFromFlags(o: RuntimeOptions): string[] {
  return (o.network ?? []).filter((n) => n !== 'bridge' && n !== 'host');
}

type Resourcing = Pick<TaskSpec, 'placement' | 'resources'>;

/** The task's resources with the --limit-* flags' limits added. */
export function withLimits(o: RuntimeOptions, task: Resourcing): Resourcing {
  const limits = {
    nanoCpus: o.limitCpu === undefined ? 0 : parseCpus('--limit-cpu', o.limitCpu),
    memoryBytes: o.limitMemory === undefined ? 0 : parseBytes('--limit-memory', o.limitMemory),
    pids: o.limitPids === undefined ? 0 : parseCount('--limit-pids', o.limitPids, 4_194_304),
  };
  if (limits.nanoCpus === 0 && limits.memoryBytes === 0 && limits.pids === 0) return task;
  return {
    ...task,
    resources: { reservations: null, generic: {}, ...task.resources, limits },
  };
}

/** Docker's --mount syntax: comma-separated key=value (source/src, target/dst/destination, readonly/ro). */
export function parseMount(value: string): {
  type: string;
  source: string;
  target: string;
  readOnly: boolean;
} {
  const mount = { type: 'volume', source: '', target: '', readOnly: false };
  for (const part of value.split(',')) {
    const [key = '', val] = part.split('=', 2) as [string, string | undefined];
    switch (key.trim()) {
      case 'type':
        mount.type = val ?? '';
        break;
      case 'source':
      case 'src':
        mount.source = val ?? '';
        break;
      case 'target':
      case 'dst':
      case 'destination':
        mount.target = val ?? '';
        break;
      case 'readonly':
      case 'ro':
        mount.readOnly = val === undefined || val === 'true' || val === '1';
        break;
      default:
        throw invalidArgument('--mount', 'type=, source=, target= and readonly keys', value);
    }
  }
  return mount;
}
