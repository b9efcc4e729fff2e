/**
 * A lab's hosts as the kernel has them: network namespaces with a veth on the lab's bridge,
 * nf_tables rules for partitions, and the processes inside; made and taken down with
 * `ip`, `nft` and `nsenter`.
 */
import { access, constants } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FlotillaError } from '../../lib/errors.js';
import { runCaptured, SYSTEM_PATH } from '../../runtime/run-captured.js';
import { killDescendants } from '../../runtime/proc.js';
import type { Lab, LabHost } from './state.js';

/** The Debian package of each tool the lab uses. */
const PACKAGES: Record<string, string> = {
  ip: 'iproute2',
  nft: 'nftables',
  nsenter: 'util-linux',
  containerd: 'containerd runc',
  ctr: 'containerd',
};

/**
 * Where the lab finds its tools: the system's dirs alone (on npm's PATH, node_modules/.bin may
 * hold other programs of those names: @vercel/nft is an `nft`).
 */

/** The environment of the lab's children: ours, minus unset values. */
export function environment(extra: Record<string, string> = {}): Record<string, string> {
  const env = Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined);
  return { ...Object.fromEntries(env), ...extra };
}

/** Fails, saying what to install, if a tool is not on the PATH. */
export async function requireTools(tools: string[]): Promise<void> {
  const dirs = SYSTEM_PATH.split(':');
  for (const tool of tools) {
    const found = await Promise.any(dirs.map((d) => access(join(d, tool), constants.X_OK))).then(
      () => true,
      () => false,
    );
    if (!found) {
      throw new FlotillaError(
        'NOT_FOUND',
        `cluster lab needs ${tool}, which is not installed (Debian: apt-get install ${PACKAGES[tool] ?? tool})`,
      );
    }
  }
}

/** Runs a tool to completion; throws with what it said if it fails. */
async function tool(cmd: [string, ...string[]], input?: string): Promise<string> {
  const res = await runCaptured(cmd, {
    cwd: '/',
    env: environment({ PATH: SYSTEM_PATH }),
    input,
    timeoutMs: 60_000,
  });
  if (res.exitCode !== 0) {
    throw new FlotillaError(
      'INTERNAL',
      `\`${cmd.join(' ')}\` failed: ${res.stderr.trim() || res.stdout.trim()}`,
    );
  }
  return res.stdout;
}

const netnsPath = (netns: string) => `/var/run/netns/${netns}`;

/**
 * What runs a command inside the host's network namespace alone: `ip netns exec` would also
 * give it a mount namespace without the cgroup mounts that containers need.
 */
export const inHost = (host: LabHost): [string, ...string[]] => [
  'nsenter',
  `--net=${netnsPath(host.netns)}`,
  '--',
];

/** The lowest lab index whose 10.77.<index>.0/24 no other lab and no address or route of the machine uses. */
export async function freeIndex(taken: number[]): Promise<number> {
  const inUse =
    (await tool(['ip', '-4', 'route', 'show', 'table', 'all'])) + (await tool(['ip', '-4', 'addr']));
  for (let index = 1; index < 255; index++) {
    if (!taken.includes(index) && !inUse.includes(`10.77.${index}.`)) return index;
  }
  throw new FlotillaError(
    'RESOURCE_EXHAUSTED',
    'no /24 of 10.77.0.0/16 is free for another lab: remove one first',
  );
}

export async function makeBridge(lab: Lab): Promise<void> {
  await tool(['ip', 'link', 'add', lab.bridge, 'type', 'bridge']);
  await tool(['ip', 'addr', 'add', `${lab.gateway}/24`, 'dev', lab.bridge]);
  await tool(['ip', 'link', 'set', lab.bridge, 'up']);
}

/** The host's namespace, with eth0 on the lab's bridge holding its address, and its default route via the bridge. */
export async function makeHostNetwork(lab: Lab, host: LabHost): Promise<void> {
  await tool(['ip', 'netns', 'add', host.netns]);
  await tool(['ip', 'link', 'add', host.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.netns]);
  await tool(['ip', 'link', 'set', host.veth, 'master', lab.bridge, 'up']);
  const inside = (...args: string[]) => tool(['ip', '-n', host.netns, ...args]);
  await inside('addr', 'add', `${host.address}/24`, 'dev', 'eth0');
  await inside('link', 'set', 'eth0', 'up');
  await inside('link', 'set', 'lo', 'up');
  await inside('route', 'add', 'default', 'via', lab.gateway);
}

/** Removes the lab's veths, namespaces and bridge: those already gone are skipped. */
export async function removeNetwork(lab: Lab): Promise<void> {
  const linkExists = (name: string) =>
    tool(['ip', 'link', 'show', name]).then(
      () => true,
      () => false,
    );
  const removed = async (cmd: [string, ...string[]], present: () => Promise<boolean>): Promise<void> => {
    if (await present()) await tool(cmd);
  };
  for (const host of lab.hosts) {
    // Deleting one end of a veth deletes both.
    await removed(['ip', 'link', 'del', host.veth], () => linkExists(host.veth));
    await removed(['ip', 'netns', 'del', host.netns], async () => existsSync(netnsPath(host.netns)));
  }
  await removed(['ip', 'link', 'del', lab.bridge], () => linkExists(lab.bridge));
}

/** Namespaces of this machine whose names `ip netns list` shows. */
export async function netnsNames(): Promise<string[]> {
  return (await tool(['ip', 'netns', 'list']))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Pids of the processes in the host's network namespace. */
export async function hostPids(host: Pick<LabHost, 'netns'>): Promise<number[]> {
  if (!existsSync(netnsPath(host.netns))) return [];
  return (await tool(['ip', 'netns', 'pids', host.netns])).split('\n').filter(Boolean).map(Number);
}

/**
 * Kills every process of the host, as if it lost power: those in its namespace (the node,
 * its tasks, its containerd and shims) and whatever they started (containers, in namespaces
 * of their own, are only their shims' children).
 */
export async function killHost(host: Pick<LabHost, 'name' | 'netns'>): Promise<void> {
  const signal = (pids: number[], sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // Gone meanwhile.
      }
    }
  };
  for (let round = 0; round < 50; round++) {
    const pids = await hostPids(host);
    if (pids.length === 0) return;
    // Stopped first, so that none starts anything, nor loses children to init, while the trees are killed.
    signal(pids, 'SIGSTOP');
    for (const pid of pids) await killDescendants(pid);
    signal(pids, 'SIGKILL');
    await delay(100);
  }
  throw new FlotillaError(
    'INTERNAL',
    `processes of host ${host.name} outlive SIGKILL: ${(await hostPids(host)).join(' ')}`,
  );
}

const TABLE = 'inet flotilla_lab';

/**
 * Drops the host's traffic to and from `addresses` (all it had dropped before is replaced);
 * with `inboundOnly`, only what comes from them (a one-way partition: they still hear the host).
 */
export async function cutOff(host: LabHost, addresses: string[], inboundOnly = false): Promise<void> {
  const set = `{ ${addresses.join(', ')} }`;
  const output = inboundOnly
    ? ''
    : `
  chain output {
    type filter hook output priority filter; policy accept;
    ip daddr ${set} drop
  }`;
  // Made anew in one transaction: re-adding rules to an existing table would duplicate them.
  await tool(
    [...inHost(host), 'nft', '-f', '-'],
    `add table ${TABLE}
delete table ${TABLE}
table ${TABLE} {
  chain input {
    type filter hook input priority filter; policy accept;
    ip saddr ${set} drop
  }${output}
}
`,
  );
}

/** Removes the host's partition rules, if it has any. */
export async function reconnect(host: LabHost): Promise<void> {
  await tool([...inHost(host), 'nft', '-f', '-'], `add table ${TABLE}\ndelete table ${TABLE}\n`);
}
