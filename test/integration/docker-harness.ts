/**
 * A private Docker Engine for tests: its own data root, exec root (with the containerd it
 * manages), pid file and socket under a temp dir, never the system's; no bridge, no iptables.
 * stop() removes what runs there, stops the engine, unmounts what is left and removes the dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { access, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Docker from 'dockerode';
import { onPath, unmountAndRemove } from './host-tools.js';

/** Why docker tests cannot run here, or undefined if they can. */
export async function dockerMissing(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'docker tests need root';
  return (await onPath('dockerd'))
    ? undefined
    : 'dockerd is not installed (Debian: apt-get install docker.io)';
}

export class PrivateDockerd {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    private readonly daemon: ChildProcess,
  ) {}

  static async start(): Promise<PrivateDockerd> {
    const dir = await mkdtemp(join(tmpdir(), 'fdk-'));
    const socket = join(dir, 'd.sock');
    const log = openSync(join(dir, 'dockerd.log'), 'a');
    const daemon = spawn(
      'dockerd',
      [
        '--data-root',
        join(dir, 'data'),
        '--exec-root',
        join(dir, 'exec'),
        '--pidfile',
        join(dir, 'dockerd.pid'),
        '-H',
        `unix://${socket}`,
        '--iptables=false',
        '--ip6tables=false',
        '--bridge=none',
      ],
      { stdio: ['ignore', log, log] },
    );
    const docker = new Docker({ socketPath: socket });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const up = await access(socket)
        .then(() => docker.ping())
        .then(
          () => true,
          () => false,
        );
      if (up) break;
      if (daemon.exitCode !== null || Date.now() > deadline) {
        const text = await readFile(join(dir, 'dockerd.log'), 'utf8').catch(() => '');
        daemon.kill('SIGKILL');
        throw new Error(`private dockerd did not start:\n${text.slice(-2000)}`);
      }
      await delay(100);
    }
    return new PrivateDockerd(dir, socket, daemon);
  }

  async stop(): Promise<void> {
    const docker = new Docker({ socketPath: this.socket });
    for (const c of await docker.listContainers({ all: true }).catch(() => [])) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    }
    this.daemon.kill('SIGTERM');
    if (this.daemon.exitCode === null) await once(this.daemon, 'exit');
    await unmountAndRemove(this.dir);
  }
}
