/**
 * The OCI runtime spec of a container, from its image's config and the task's container
 * spec: process (argv, env, user, working directory, capabilities), root filesystem,
 * hostname, mounts and cgroup limits. Containers get their own pid, ipc, uts and mount
 * namespaces, and either a network namespace made for them (bridge-network.ts) or the node's.
 */
import { SYSTEM_PATH } from '../run-captured.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerSpec, MountSpec } from '../driver.js';
import { invalidArgument, notFound } from '../../lib/errors.js';
import type { ImageConfig } from './images.js';
import { ALL_CAPABILITIES, capabilityName, DEFAULT_CAPABILITIES } from '../../proto/capabilities.js';

export function capabilities(add: string[] = [], drop: string[] = []): string[] {
  const expand = (names: string[], field: string): string[] =>
    names.flatMap((n) => {
      if (n.toUpperCase() === 'ALL') return ALL_CAPABILITIES;
      const full = capabilityName(n);
      if (!full) throw invalidArgument(field, 'capability names such as NET_ADMIN or ALL', n);
      return [full];
    });
  const dropped = new Set(expand(drop, 'capDrop'));
  const added = expand(add, 'capAdd');
  return [...new Set([...DEFAULT_CAPABILITIES.filter((c) => !dropped.has(c)), ...added])];
}

export interface ProcessUser {
  uid: number;
  gid: number;
  home: string;
}

/**
 * USER[:GROUP] (names or numbers) against the image's /etc/passwd and /etc/group, read
 * from the directories of its layers, top first.
 */
export async function resolveImageUser(user: string | undefined, layerDirs: string[]): Promise<ProcessUser> {
  const [name = '', group] = (user ?? '').split(':');
  const passwd = await readFromLayers(layerDirs, 'etc/passwd');
  const groups = await readFromLayers(layerDirs, 'etc/group');
  let uid = 0;
  let gid = 0;
  let home = '/root';
  if (name !== '') {
    const entry = findEntry(passwd, name, 2);
    if (entry) {
      uid = Number(entry[2]);
      gid = Number(entry[3]);
      home = entry[5] || '/';
    } else if (/^\d+$/.test(name)) {
      uid = Number(name);
      gid = uid === 0 ? 0 : uid;
      home = '/';
    } else {
      throw notFound('user', `${name} in the image's /etc/passwd`);
    }
  }
  if (group !== undefined && group !== '') {
    const entry = findEntry(groups, group, 2);
    if (entry) gid = Number(entry[2]);
    else if (/^\d+$/.test(group)) gid = Number(group);
    else throw notFound('group', `${group} in the image's /etc/group`);
  }
  return { uid, gid, home };
}

function findEntry(file: string | undefined, key: string, idField: number): string[] | undefined {
  for (const line of (file ?? '').split('\n')) {
    const fields = line.split(':');
    if (fields[0] === key || fields[idField] === key) return fields;
  }
  return undefined;
}

async function readFromLayers(dirs: string[], path: string): Promise<string | undefined> {
  for (const dir of dirs) {
    const text = await readFile(join(dir, path), 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  return undefined;
}

/**
 * KEY=VALUE list: the image's, then the spec's on top, then its secretEnv. The secret values
 * thus sit in the OCI spec, which lives in containerd's own store (as runc needs them to
 * start the process and every exec), never in our files under the data dir.
 */
function processEnv(image: ImageConfig, spec: ContainerSpec, home: string): string[] {
  const env = new Map<string, string>([['PATH', SYSTEM_PATH]]);
  for (const kv of image.Env ?? []) {
    const at = kv.indexOf('=');
    if (at > 0) env.set(kv.slice(0, at), kv.slice(at + 1));
  }
  if (!env.has('HOME')) env.set('HOME', home);
  for (const [k, v] of Object.entries({ ...spec.env, ...spec.secretEnv })) env.set(k, v);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** The image's entrypoint, then the spec's command in place of the image's Cmd. */
function processArgs(image: ImageConfig, spec: ContainerSpec): string[] {
  const args = [...(image.Entrypoint ?? []), ...(spec.command.length > 0 ? spec.command : (image.Cmd ?? []))];
  if (args.length === 0) throw invalidArgument('command', 'a command (the image has none)', spec.command);
  return args;
}

export interface SpecInput {
  id: string;
  image: ImageConfig;
  spec: ContainerSpec;
  user: ProcessUser;
  /** Where the container's cgroups go, e.g. /flotilla/<id>. */
  cgroupsPath: string;
  /** Whether the kernel accounts swap (then swap is limited along with memory). */
  swapAccounting: boolean;
  /** The container's own network namespace and name-resolution files; unset: the node's network. */
  network?: { netns: string; resolvConf: string; hosts: string };
  /** The shim group it joins (containers of one group share a shim); unset: a shim of its own. */
  shimGroup?: string;
}

function ociProcess(input: SpecInput): Record<string, unknown> {
  const { image, spec, user } = input;
  const caps = capabilities(spec.capAdd, spec.capDrop);
  return {
    terminal: false,
    user: { uid: user.uid, gid: user.gid },
    args: processArgs(image, spec),
    env: processEnv(image, spec, user.home),
    cwd: spec.workdir ?? (image.WorkingDir || '/'),
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    noNewPrivileges: true,
  };
}

/**
 * The annotation by which the runc v2 shim groups containers: the shim started for the
 * group's first container serves every later one, until the group's last task is deleted.
 */
const SHIM_GROUP_ANNOTATION = 'io.containerd.runc.v2.group';

export function ociSpec(input: SpecInput): Record<string, unknown> {
  const { id, spec } = input;
  return {
    ociVersion: '1.0.2',
    ...(input.shimGroup && { annotations: { [SHIM_GROUP_ANNOTATION]: input.shimGroup } }),
    process: ociProcess(input),
    root: { path: 'rootfs', readonly: spec.readOnly ?? false },
    hostname: spec.hostname ?? id.slice(0, 12),
    mounts: [...BASE_MOUNTS, ...networkFiles(input.network), ...(spec.mounts ?? []).map(ociMount)],
    linux: {
      resources: resources(input),
      cgroupsPath: input.cgroupsPath,
      namespaces: [
        { type: 'pid' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'mount' },
        ...(input.network ? [{ type: 'network', path: input.network.netns }] : []),
      ],
      maskedPaths: [
        '/proc/acpi',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/proc/scsi',
        '/sys/firmware',
      ],
      readonlyPaths: [
        '/proc/asound',
        '/proc/bus',
        '/proc/fs',
        '/proc/irq',
        '/proc/sys',
        '/proc/sysrq-trigger',
      ],
    },
  };
}

function resources({ spec, swapAccounting }: SpecInput): Record<string, unknown> {
  const { nanoCpus, memoryBytes, pids } = spec.limits ?? {};
  const period = 100_000;
  return {
    devices: [{ allow: false, access: 'rwm' }],
    ...(memoryBytes && { memory: { limit: memoryBytes, ...(swapAccounting && { swap: memoryBytes }) } }),
    ...(nanoCpus && { cpu: { quota: Math.max(1000, Math.round((nanoCpus * period) / 1e9)), period } }),
    ...(pids && { pids: { limit: pids } }),
  };
}

function ociMount(m: MountSpec): Record<string, unknown> {
  if (m.type === 'tmpfs') {
    return {
      destination: m.target,
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'nodev', 'mode=1777', ...(m.readOnly ? ['ro'] : [])],
    };
  }
  return {
    destination: m.target,
    type: 'bind',
    source: m.source,
    options: ['rbind', 'rprivate', m.readOnly ? 'ro' : 'rw'],
  };
}

const BASE_MOUNTS = [
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  {
    destination: '/dev',
    type: 'tmpfs',
    source: 'tmpfs',
    options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
  },
  {
    destination: '/dev/pts',
    type: 'devpts',
    source: 'devpts',
    options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
  },
  {
    destination: '/dev/shm',
    type: 'tmpfs',
    source: 'shm',
    options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
  },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=755'] },
];

/**
 * In the node's network namespace, the node's name resolution applies; a container with its
 * own network gets its own hosts file and the resolv.conf that names the node's resolver.
 */
function networkFiles(network: SpecInput['network']): Record<string, unknown>[] {
  const files = network
    ? { '/etc/hosts': network.hosts, '/etc/resolv.conf': network.resolvConf }
    : { '/etc/hosts': '/etc/hosts', '/etc/resolv.conf': '/etc/resolv.conf' };
  return Object.entries(files).map(([destination, source]) => ({
    destination,
    type: 'bind',
    source,
    options: ['rbind', 'rprivate', 'ro'],
  }));
}
