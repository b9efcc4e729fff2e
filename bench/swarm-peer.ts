/**
 * Docker Swarm as a benchmark peer, through the shared peer kit (../shared/peers/swarm): its
 * setup.sh starts a private dockerd and containerd in a swarm of one node with the images
 * local/bb:1, local/bb:2 and local/httpd:1; teardown.sh removes all of it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The kit, beside the project root (this file runs from dist/bench/). */
export const SWARM_KIT = fileURLToPath(new URL('../../../shared/peers/swarm', import.meta.url));

export interface SwarmPeer {
  /** Runs the docker CLI against the kit's daemon; its trimmed stdout. */
  docker(...args: string[]): string;
  /** Waits with the kit's poller (swbpoll.py: `tasks SERVICE N [IMAGE]`, `gone SERVICE_ID`). */
  poll(...args: string[]): void;
}

/** Runs `main` against a fresh kit daemon, torn down after; or says why the kit cannot run here. */
export function withSwarmPeer<T>(main: (swarm: SwarmPeer) => T): { figures: T } | { unavailable: string } {
  // The kit keeps one daemon's state in one file: another run's teardown would stop ours, ours theirs.
  if (existsSync(`${SWARM_KIT}/.state`)) {
    return {
      unavailable: `the peer kit is in use (${SWARM_KIT}/.state exists); run again once it is free, or run its teardown.sh if no run is under way`,
    };
  }
  const setup = spawnSync(`${SWARM_KIT}/setup.sh`, [], { cwd: SWARM_KIT, encoding: 'utf8' });
  try {
    if (setup.status !== 0) {
      return { unavailable: `setup.sh failed (exit ${setup.status}): ${setup.stderr.trim().slice(-300)}` };
    }
    const host = /DOCKER_HOST=(\S+)/.exec(readFileSync(`${SWARM_KIT}/.state`, 'utf8'))?.[1];
    if (!host) return { unavailable: 'setup.sh wrote no DOCKER_HOST' };
    const sock = host.replace(/^unix:\/\//, '');
    return {
      figures: main({
        docker: (...args) =>
          execFileSync('docker', args, {
            env: { ...process.env, DOCKER_HOST: host },
            encoding: 'utf8',
          }).trim(),
        poll: (...args) => execFileSync(`${SWARM_KIT}/swbpoll.py`, [sock, ...args], { stdio: 'ignore' }),
      }),
    };
  } finally {
    // Also after a setup that failed half-way: teardown removes whatever it left.
    spawnSync(`${SWARM_KIT}/teardown.sh`, [], { cwd: SWARM_KIT, stdio: 'ignore' });
  }
}

/**
 * `docker service create` of `replicas` busybox sleepers named `name` (busybox sleep as pid 1
 * ignores SIGTERM: stopped with KILL), with `extra` options; the service id.
 */
export function createSleepers(
  swarm: SwarmPeer,
  name: string,
  replicas: number,
  extra: string[] = [],
): string {
  return swarm.docker(
    ...['service', 'create', '--detach', '--no-resolve-image', '--stop-signal', 'KILL'],
    ...['--replicas', String(replicas), ...extra, '--name', name, 'local/bb:1', 'sleep', '100000'],
  );
}
