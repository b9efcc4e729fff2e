/**
 * The node's named volumes, under `runtime/volumes/<name>/`: `_data`, the directory bound
 * into containers (a plain directory; with the local driver's options a tmpfs, or a bind of
 * an existing host path, mounted there), and `volume.json`, how it was made. A volume is made
 * on the first task that names it and outlives its tasks: the same name on the same node is
 * the same data, until `cluster volume rm`, which is refused while a container uses it.
 */
import { lstat, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError, invalidArgument } from '../lib/errors.js';
import { checkVolumeDriver, localVolumeMount } from '../proto/local-volume.js';
import { VOLUME_NAME, type Mount } from '../proto/types.js';
import type { MountSpec, RuntimeDriver } from '../runtime/driver.js';
import { systemTool, trySystemTool } from '../runtime/run-captured.js';
import { LABEL_TASK, LABEL_VOLUMES } from './task-runner.js';

export interface Volume {
  name: string;
  driver: string;
  options: Record<string, string>;
  mountpoint: string;
  /** Bytes in it; 0 for a bind of a host path. */
  size: number;
  createdAt: number;
  /** The tasks whose containers on the node use it. */
  usedBy: string[];
}

interface Made {
  driver: string;
  options: Record<string, string>;
  createdAt: number;
}

/** The node's containers' volumes: volume name → the tasks whose containers name it. */
export type VolumeUsers = () => Promise<Map<string, string[]>>;

export class VolumeStore {
  /** One make or removal at a time per name. */
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(
    private readonly dir: string,
    private readonly users: VolumeUsers,
  ) {}

  /** The volume mounts of a container spec as binds of their directories, made where new. */
  async mounts(mounts: Mount[]): Promise<MountSpec[]> {
    const binds: MountSpec[] = [];
    for (const m of mounts.filter((m) => m.type === 'volume')) {
      const source = await this.ensure(m.source, m.volumeDriver, m.volumeOptions);
      binds.push({ type: 'bind', source, target: m.target, readOnly: m.readOnly });
    }
    return binds;
  }

  /** The volume's directory, made on first use with the driver and options given. */
  async ensure(name: string, driver = '', options: Record<string, string> = {}): Promise<string> {
    checkName(name);
    checkVolumeDriver(driver);
    return this.serial(name, async () => {
      const data = join(this.dir, name, '_data');
      const was = await this.made(name);
      if (was) {
        // A tmpfs or bind that a reboot took away is mounted again (a tmpfs's data is gone).
        if (localVolumeMount(was.options) && !(await mounted(data))) await mountFor(was.options, data);
        return data;
      }
      await mkdir(data, { recursive: true, mode: 0o755 });
      const made: Made = { driver: 'local', options, createdAt: Date.now() };
      try {
        await mountFor(options, data);
      } catch (err) {
        await rm(join(this.dir, name), { recursive: true, force: true });
        throw err;
      }
      await writeFile(join(this.dir, name, 'volume.json'), JSON.stringify(made), { mode: 0o600 });
      return data;
    });
  }

  async list(): Promise<Volume[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const users = await this.users();
    const volumes: Volume[] = [];
    for (const name of names.sort()) {
      const made = await this.made(name);
      if (made) volumes.push(await this.describe(name, made, users.get(name) ?? []));
    }
    return volumes;
  }

  async inspect(name: string): Promise<Volume> {
    checkName(name);
    const made = await this.made(name);
    if (!made) throw notFound(name);
    return this.describe(name, made, (await this.users()).get(name) ?? []);
  }

  /** Removes the volume and its data; refused while a container of the node uses it. */
  async remove(name: string): Promise<void> {
    checkName(name);
    return this.serial(name, async () => {
      const made = await this.made(name);
      if (!made) throw notFound(name);
      const usedBy = (await this.users()).get(name) ?? [];
      if (usedBy.length > 0) {
        throw new FlotillaError(
          'CONFLICT',
          `volume ${name} is in use by the container${usedBy.length === 1 ? '' : 's'} of task${usedBy.length === 1 ? '' : 's'} ${usedBy.join(', ')}: remove the service first`,
        );
      }
      const data = join(this.dir, name, '_data');
      if (await mounted(data)) await systemTool(['umount', data]);
      await rm(join(this.dir, name), { recursive: true, force: true });
    });
  }

  private async made(name: string): Promise<Made | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, name, 'volume.json'), 'utf8')) as Made;
    } catch {
      return undefined;
    }
  }

  private async describe(name: string, made: Made, usedBy: string[]): Promise<Volume> {
    const mountpoint = join(this.dir, name, '_data');
    const bound = localVolumeMount(made.options)?.type === 'none';
    return {
      name,
      driver: made.driver,
      options: made.options,
      mountpoint,
      size: bound ? 0 : await sizeOf(mountpoint),
      createdAt: made.createdAt,
      usedBy,
    };
  }

  private serial<T>(name: string, work: () => Promise<T>): Promise<T> {
    const next = (this.busy.get(name) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.busy.set(name, next);
    void next
      .finally(() => {
        if (this.busy.get(name) === next) this.busy.delete(name);
      })
      .catch(() => undefined);
    return next;
  }
}

function checkName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw invalidArgument(
      'volume name (--mount source)',
      'letters, digits, _ . - (first a letter or digit)',
      name,
    );
  }
}

const notFound = (name: string) => new FlotillaError('NOT_FOUND', `no volume ${name} on this node`);

async function mountFor(options: Record<string, string>, data: string): Promise<void> {
  const m = localVolumeMount(options);
  if (!m) return;
  if (m.type === 'tmpfs') {
    await systemTool(['mount', '-t', 'tmpfs', ...(m.o ? ['-o', m.o] : []), m.device, data]);
    return;
  }
  const found = await lstat(m.device).catch(() => undefined);
  if (!found?.isDirectory())
    throw invalidArgument('volume-opt device', 'an existing host directory', m.device);
  await systemTool(['mount', '--bind', m.device, data]);
}

async function mounted(dir: string): Promise<boolean> {
  return (await trySystemTool(['mountpoint', '-q', dir])).exitCode === 0;
}

/** The bytes under a directory, as du counts them (0 if it cannot). */
async function sizeOf(dir: string): Promise<number> {
  const res = await trySystemTool(['du', '-sb', dir]);
  return res.exitCode === 0 ? Number(res.stdout.split('\t')[0]) || 0 : 0;
}

/** Who uses which volume: the volume label of every container the drivers hold, by task. */
export function volumeUsers(drivers: RuntimeDriver[]): VolumeUsers {
  return async () => {
    const users = new Map<string, string[]>();
    for (const driver of drivers) {
      for (const c of await driver.list({})) {
        for (const name of (c.labels[LABEL_VOLUMES] ?? '').split(',').filter(Boolean)) {
          users.set(name, [...(users.get(name) ?? []), c.labels[LABEL_TASK] ?? c.id]);
        }
      }
    }
    return users;
  };
}
