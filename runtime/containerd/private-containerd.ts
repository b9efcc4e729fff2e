/**
 * A containerd of its own: config, root, state, sockets and log under one dir, never the
 * system's. The tests start one per test file; `cluster lab` one per host, inside the host's
 * network namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FlotillaError } from '../../lib/errors.js';
import { runCaptured } from '../run-captured.js';

/** Where a private containerd in `dir` keeps its config, socket and log (short names: unix socket paths have a length limit). */
export const privateContainerdFiles = (dir: string) => ({
  config: join(dir, 'config.toml'),
  socket: join(dir, 'c.sock'),
  log: join(dir, 'containerd.log'),
});

/**
 * Writes the config and starts containerd, after `launcher` (e.g. nsenter into a network
 * namespace) if given; resolves once its socket is there.
 */
export async function startPrivateContainerd(
  dir: string,
  { launcher = [], detached = false }: { launcher?: string[]; detached?: boolean } = {},
): Promise<ChildProcess> {
  const { config, socket, log } = privateContainerdFiles(dir);
  await mkdir(dir, { recursive: true });
  const lines = [
    'version = 2',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${socket}"`,
    '[ttrpc]',
    `  address = "${socket}.ttrpc"`,
    '[debug]',
    `  address = "${dir}/debug.sock"`,
  ];
  await writeFile(config, `${lines.join('\n')}\n`);
  const out = openSync(log, 'a');
  const [program = 'containerd', ...args] = [...launcher, 'containerd', '--config', config];
  const daemon = spawn(program, args, { detached, stdio: ['ignore', out, out] });
  closeSync(out);
  let failed: Error | undefined;
  daemon.once('error', (err) => (failed = err));
  const deadline = Date.now() + 30_000;
  while (!existsSync(socket)) {
    if (failed || daemon.exitCode !== null || Date.now() > deadline) {
      const text = await readFile(log, 'utf8').catch(() => '');
      daemon.kill('SIGKILL');
      throw new FlotillaError(
        'UNAVAILABLE',
        `containerd (${config}) did not start: ${failed?.message ?? `see ${log}`}\n${text.slice(-2000)}`,
      );
    }
    await delay(50);
  }
  return daemon;
}

/**
 * Deletes the tasks of the containerd at `socket` (namespace flotilla): their runc state and
 * shim sockets, which containerd keeps in /run outside its dirs, go with them.
 */
export async function deleteContainerdTasks(socket: string): Promise<void> {
  const ctr = (...args: string[]) =>
    runCaptured(['ctr', '--address', socket, '--namespace', 'flotilla', ...args], {
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      timeoutMs: 10_000,
    });
  const { exitCode, stdout } = await ctr('tasks', 'ls', '-q');
  if (exitCode !== 0) return;
  for (const id of stdout.split('\n').filter(Boolean)) await ctr('tasks', 'rm', '--force', id);
}
