/**
 * What `cluster lab` knows of a lab: its hosts, their namespaces, links, addresses and dirs,
 * in /run/flotilla-lab/<name>.json (gone at reboot, as the namespaces are).
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FlotillaError, invalidArgument } from '../../lib/errors.js';

const STATE_DIR = '/run/flotilla-lab';
const LAB_ROOT = '/var/lib/flotilla-lab';

export type LabRuntime = 'process' | 'containerd';

export interface LabHost {
  /** m1, m2, ... for managers; w1, w2, ... for workers. */
  name: string;
  role: 'manager' | 'worker';
  /** The network namespace (`ip netns`), bound at /var/run/netns/<netns>. */
  netns: string;
  /** The root namespace's end of the host's veth, on the lab's bridge (eth0 inside). */
  veth: string;
  address: string;
  /** The host's dir: its node's data dir and, with the containerd runtime, its containerd. */
  dir: string;
  dataDir: string;
  /** With the containerd runtime: the dir of the host's own containerd. */
  containerdDir?: string;
}

export interface Lab {
  name: string;
  /** The lab's subnet is 10.77.<index>.0/24. */
  index: number;
  subnet: string;
  bridge: string;
  /** The bridge's address, the hosts' default route. */
  gateway: string;
  dir: string;
  runtime: LabRuntime;
  hosts: LabHost[];
  /** Per host, the addresses a partition cuts it off from. */
  cut: Record<string, string[]>;
}

const NAME = /^[a-z][a-z0-9-]{0,19}$/;

export function checkLabName(name: string): string {
  if (!NAME.test(name)) {
    throw invalidArgument('--name', 'a lowercase letter, then up to 19 lowercase letters, digits or -', name);
  }
  return name;
}

const stateFile = (name: string) => join(STATE_DIR, `${name}.json`);

/** The layout of a new lab: its names, addresses and dirs (nothing is made here). */
export function planLab(
  name: string,
  index: number,
  opts: { managers: number; workers: number; runtime: LabRuntime; dir?: string },
): Lab {
  const prefix = `10.77.${index}`;
  const dir = resolve(opts.dir ?? join(LAB_ROOT, name));
  const host = (role: LabHost['role'], n: number, i: number): LabHost => {
    const hostName = `${role === 'manager' ? 'm' : 'w'}${n}`;
    const hostDir = join(dir, hostName);
    return {
      name: hostName,
      role,
      netns: `flab-${name}-${hostName}`,
      // Interface names are at most 15 characters; the index keeps them apart from other labs'.
      veth: `flab${index}_${hostName}`,
      address: `${prefix}.${i}`,
      dir: hostDir,
      dataDir: join(hostDir, 'node'),
      ...(opts.runtime === 'containerd' && { containerdDir: join(hostDir, 'containerd') }),
    };
  };
  const managers = Array.from({ length: opts.managers }, (_, i) => host('manager', i + 1, i + 1));
  const workers = Array.from({ length: opts.workers }, (_, i) =>
    host('worker', i + 1, opts.managers + i + 1),
  );
  return {
    name,
    index,
    subnet: `${prefix}.0/24`,
    bridge: `flab${index}-${name}`.slice(0, 15),
    gateway: `${prefix}.254`,
    dir,
    runtime: opts.runtime,
    hosts: [...managers, ...workers],
    cut: {},
  };
}

const PLANNING = join(STATE_DIR, '.planning');
// A lock older than this was left by a `lab up` that died while planning.
const STALE_LOCK_MS = 60_000;

/**
 * Runs `fn` (choose a lab's subnet and record the lab) while no other `lab up` does, so two
 * started at once never take the same subnet. The lock is a directory: mkdir is atomic.
 */
export async function whilePlanning<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(STATE_DIR, { recursive: true, mode: 0o700 });
  for (const deadline = Date.now() + 2 * STALE_LOCK_MS; ;) {
    const taken = await mkdir(PLANNING).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        return false;
      },
    );
    if (taken) break;
    const age = Date.now() - ((await stat(PLANNING).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > STALE_LOCK_MS) await rm(PLANNING, { recursive: true, force: true });
    if (Date.now() > deadline)
      throw new FlotillaError('TIMEOUT', `another \`cluster lab up\` holds ${PLANNING}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await fn();
  } finally {
    await rm(PLANNING, { recursive: true, force: true });
  }
}

/** Records a new lab; refuses if one of that name exists. */
export async function createLabState(lab: Lab): Promise<void> {
  await mkdir(STATE_DIR, { recursive: true, mode: 0o700 });
  await writeFile(stateFile(lab.name), JSON.stringify(lab, null, 2) + '\n', { flag: 'wx' }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') throw labExists(lab.name);
      throw err;
    },
  );
}

export const labExists = (name: string) =>
  new FlotillaError('ALREADY_EXISTS', `${name} exists: \`cluster lab down --name ${name}\` first`);

export async function saveLab(lab: Lab): Promise<void> {
  await writeFile(stateFile(lab.name), JSON.stringify(lab, null, 2) + '\n');
}

export async function readLab(name: string): Promise<Lab> {
  const text = await readFile(stateFile(checkLabName(name)), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    throw new FlotillaError(
      'NOT_FOUND',
      `there is no lab ${name}: \`cluster lab ls\` lists the labs, \`cluster lab up --name ${name}\` makes it`,
    );
  });
  return JSON.parse(text) as Lab;
}

export async function listLabs(): Promise<Lab[]> {
  const files = await readdir(STATE_DIR).catch(() => [] as string[]);
  const labs = await Promise.all(
    files
      .filter((f) => f.endsWith('.json'))
      .map((f) => readFile(join(STATE_DIR, f), 'utf8').then((text) => JSON.parse(text) as Lab)),
  );
  return labs.sort((a, b) => a.name.localeCompare(b.name));
}

export async function removeLabState(name: string): Promise<void> {
  await rm(stateFile(name), { force: true });
}

/** A host of the lab by name, or an error that lists them. */
export function labHost(lab: Lab, name: string): LabHost {
  const host = lab.hosts.find((h) => h.name === name);
  if (!host) {
    throw new FlotillaError(
      'NOT_FOUND',
      `lab ${lab.name} has no host ${JSON.stringify(name)}; its hosts: ${lab.hosts.map((h) => h.name).join(', ')}`,
    );
  }
  return host;
}
