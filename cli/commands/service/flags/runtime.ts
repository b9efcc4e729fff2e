/**
 * The `service create` flags that only container runtimes honour: cgroup limits
 * (--limit-cpu, --limit-memory, --limit-pids), capabilities (--cap-add, --cap-drop), a
 * read-only root filesystem and mounts (--mount type=bind,source=/x,target=/y,readonly); the
 * networks a task joins; and the `service update` flags that change all of these.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../../../lib/errors.js';
import { mountWith, type ContainerSpec, type Mount, type TaskSpec } from '../../../../proto/types.js';
import { registryAuthFor } from '../../../docker-credentials.js';
import { collect, parseCount } from '../../../format.js';
import { editList, parseBytes, parseCpus } from './placement.js';

/** The runtime flags that `service create` and `service update` both take. */
interface RuntimeSettings {
  limitCpu?: string;
  limitMemory?: string;
  limitPids?: string;
  capAdd?: string[];
  capDrop?: string[];
  readOnly?: boolean;
  withRegistryAuth?: boolean;
}

export interface RuntimeOptions extends RuntimeSettings {
  mount?: string[];
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
    mounts: (o.mount ?? []).map((m) => parseMount(m)),
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

/**
 * The task's resources with the --limit-* flags given set over the limits it has (none on
 * create); 0 lifts a limit. Unchanged without the flags.
 */
export function withLimits(o: RuntimeSettings, task: Resourcing): Resourcing {
  if (o.limitCpu === undefined && o.limitMemory === undefined && o.limitPids === undefined) return task;
  const was = task.resources?.limits ?? { nanoCpus: 0, memoryBytes: 0, pids: 0 };
  const limits = {
    nanoCpus: o.limitCpu === undefined ? was.nanoCpus : parseCpus('--limit-cpu', o.limitCpu),
    memoryBytes: o.limitMemory === undefined ? was.memoryBytes : parseBytes('--limit-memory', o.limitMemory),
    pids: o.limitPids === undefined ? was.pids : parseCount('--limit-pids', o.limitPids, 4_194_304),
  };
  const limited = limits.nanoCpus > 0 || limits.memoryBytes > 0 || limits.pids > 0;
  if (!limited && !task.resources?.limits) return task;
  const resources = { reservations: null, generic: {}, ...task.resources, limits: limited ? limits : null };
  const empty = !resources.limits && !resources.reservations && Object.keys(resources.generic).length === 0;
  return { ...task, resources: empty ? null : resources };
}

/**
 * Docker's --mount syntax: comma-separated key=value (source/src, target/dst/destination,
 * readonly/ro; for volumes volume-driver and volume-opt=KEY=VALUE, repeatable).
 */
export function parseMount(value: string, flag = '--mount'): Mount {
  const mount = mountWith();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const val = eq < 0 ? undefined : part.slice(eq + 1);
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
      case 'volume-driver':
        mount.volumeDriver = val ?? '';
        break;
      case 'volume-opt': {
        const at = (val ?? '').indexOf('=');
        if (at <= 0) throw invalidArgument(`${flag} volume-opt`, 'KEY=VALUE', val);
        mount.volumeOptions[(val ?? '').slice(0, at)] = (val ?? '').slice(at + 1);
        break;
      }
      default:
        throw invalidArgument(
          flag,
          'type=, source=, target=, readonly, volume-driver= and volume-opt= keys',
          value,
        );
    }
  }
  return mount;
}

/** All optional: an update changes only what its flags name. */
export interface RuntimeUpdateOptions extends RuntimeSettings {
  mountAdd?: string[];
  mountRm?: string[];
  /** Overlay networks by name or id, or host or bridge. */
  networkAdd?: string[];
  /** Overlay networks by id (the command resolves names first), or host. */
  networkRm?: string[];
}

/** Adds the runtime flags of `service update` (no defaults: unset is unchanged). */
export function addRuntimeUpdateFlags(cmd: Command): Command {
  return cmd
    .option('--limit-cpu <cores>', 'cpu a task may use at most, e.g. 0.5 (0: no limit)')
    .option('--limit-memory <size>', 'memory a task may use at most, e.g. 64M (0: no limit)')
    .option('--limit-pids <n>', 'processes a task may run at most (0: no limit)')
    .option('--cap-add <cap>', 'add a capability (taken off --cap-drop) (repeatable)', collect, [])
    .option('--cap-drop <cap>', 'drop a capability (taken off --cap-add) (repeatable)', collect, [])
    .option('--read-only', 'mount the container root filesystem read-only')
    .option('--no-read-only', 'mount the container root filesystem read-write')
    .option('--mount-add <spec>', 'add a mount, as --mount of create (repeatable)', collect, [])
    .option('--mount-rm <target>', 'remove the mount at this target path (repeatable)', collect, [])
    .option(
      '--network-add <name>',
      "join an overlay network, by name or id; host: the node's network; bridge: back from host (repeatable)",
      collect,
      [],
    )
    .option(
      '--network-rm <name>',
      'leave an overlay network, by name or id, or host (repeatable)',
      collect,
      [],
    )
    .option('--with-registry-auth', 'send the registry credentials of `docker login` to the nodes that pull');
}

/** As in Docker, --cap-add X undoes a --cap-drop X, and the other way round. */
function capabilities(o: RuntimeUpdateOptions, c: ContainerSpec): Pick<ContainerSpec, 'capAdd' | 'capDrop'> {
  const add = o.capAdd ?? [];
  const drop = o.capDrop ?? [];
  if (add.length === 0 && drop.length === 0) return { capAdd: c.capAdd, capDrop: c.capDrop };
  const same = (a: string) => (b: string) => a.toUpperCase() === b.toUpperCase();
  const without = (list: string[], gone: string[]) => list.filter((x) => !gone.some(same(x)));
  return {
    capAdd: [...without(c.capAdd, [...add, ...drop]), ...add],
    capDrop: [...without(c.capDrop, [...add, ...drop]), ...drop],
  };
}

/**
 * Whether the task is on the node's network after --network-add host (it is) or bridge, or
 * --network-rm host (back on the node bridge); bridge cannot be left but for host.
 */
function hostNetworkAfter(o: RuntimeUpdateOptions, current: boolean): boolean {
  const add = o.networkAdd ?? [];
  const rm = o.networkRm ?? [];
  if (rm.includes('bridge'))
    throw invalidArgument(
      '--network-rm',
      'an overlay network or host (bridge is where a task is without them)',
      'bridge',
    );
  if (rm.includes('host') && !current)
    throw invalidArgument('--network-rm', "host only when the service is on the node's network", 'host');
  if (add.includes('host')) return true;
  return rm.includes('host') || add.includes('bridge') ? false : current;
}

/** The container's runtime settings with the update flags applied; the others as they are. */
export function withRuntimeChanges(
  container: ContainerSpec,
  o: RuntimeUpdateOptions,
): Pick<ContainerSpec, 'mounts' | 'readOnly' | 'capAdd' | 'capDrop' | 'hostNetwork' | 'registryAuth'> {
  const rm = o.mountRm ?? [];
  const add = (o.mountAdd ?? []).map((m) => parseMount(m, '--mount-add'));
  return {
    mounts:
      rm.length || add.length
        ? editList('--mount-rm', container.mounts, rm, add, (m) => m.target)
        : container.mounts,
    readOnly: o.readOnly ?? container.readOnly,
    ...capabilities(o, container),
    hostNetwork: hostNetworkAfter(o, container.hostNetwork),
    registryAuth: o.withRegistryAuth ? registryAuthFor(container.image) : container.registryAuth,
  };
}

/** The overlay networks after --network-add and --network-rm (by id; host and bridge are none). */
export function withNetworkChanges(networks: string[], o: RuntimeUpdateOptions): string[] {
  const overlay = (n: string) => n !== 'host' && n !== 'bridge';
  const rm = (o.networkRm ?? []).filter(overlay);
  const add = (o.networkAdd ?? []).filter(overlay);
  return rm.length || add.length ? editList('--network-rm', networks, rm, add, (n) => n) : networks;
}
