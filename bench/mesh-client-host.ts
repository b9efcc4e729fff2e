/**
 * The load generator's host for bench:mesh: a network namespace with an address of its own,
 * joined to the machine's (root) namespace by a veth on a /30 of 198.18.0.0/15 (the range set
 * aside for benchmarks, RFC 2544). The node listens on the root end, so the client reaches
 * every path over a routed address from another host, as a user's client would: the server's
 * TIME_WAIT sockets, conntrack's entries and the client's port choices are then those of two
 * machines, not of one kernel seeing both ends on loopback.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SYSTEM_PATH, systemTool } from '../runtime/run-captured.js';

export interface ClientHost {
  netns: string;
  /** The root namespace's end of the veth (the client's end is eth0 inside). */
  veth: string;
  /** The root namespace's address on the link: where the node listens. */
  nodeHost: string;
  clientHost: string;
  /** What runs a command inside the client's namespace alone. */
  inside: [string, ...string[]];
}

const netnsPath = (netns: string) => `/var/run/netns/${netns}`;

/** The first 198.18.N.0/30 that no address or route of the machine uses. */
async function freeSubnet(): Promise<number> {
  const inUse =
    (await systemTool(['ip', '-4', 'route', 'show', 'table', 'all'])) +
    (await systemTool(['ip', '-4', 'addr']));
  for (let n = 0; n < 256; n++) if (!inUse.includes(`198.18.${n}.`)) return n;
  throw new Error('every /24 of 198.18.0.0/16 is in use on this machine: free one for the bench client');
}

/**
 * Makes the client host `PREFIX-client` (veth `PREFIX-c0`), removing a leftover of an earlier
 * run of that name first. Needs root.
 */
export async function makeClientHost(prefix: string): Promise<ClientHost> {
  const netns = `${prefix}-client`;
  const veth = `${prefix}-c0`;
  removeClientHost({ netns, veth });
  const n = await freeSubnet();
  const host: ClientHost = {
    netns,
    veth,
    nodeHost: `198.18.${n}.1`,
    clientHost: `198.18.${n}.2`,
    inside: ['nsenter', `--net=${netnsPath(netns)}`, '--'],
  };
  try {
    await systemTool(['ip', 'netns', 'add', netns]);
    await systemTool(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    await systemTool(['ip', 'addr', 'add', `${host.nodeHost}/30`, 'dev', veth]);
    await systemTool(['ip', 'link', 'set', veth, 'up']);
    const ip = (...args: string[]) => systemTool(['ip', '-n', netns, ...args]);
    await ip('addr', 'add', `${host.clientHost}/30`, 'dev', 'eth0');
    await ip('link', 'set', 'eth0', 'up');
    await ip('link', 'set', 'lo', 'up');
    await ip('route', 'add', 'default', 'via', host.nodeHost);
    // As on a load generator: thousands of new connections a second from one address would
    // otherwise run out of ports to the one destination while the client's side of closed
    // connections waits out TIME_WAIT (the default reuses those ports on loopback alone).
    await systemTool([...host.inside, 'sysctl', '-qw', 'net.ipv4.tcp_tw_reuse=1']);
  } catch (err) {
    removeClientHost(host);
    throw err;
  }
  return host;
}

/**
 * Removes the client's veth and namespace, those already gone skipped. Synchronous, so that
 * it also runs to its end in a signal handler before the process exits.
 */
export function removeClientHost(host: Pick<ClientHost, 'netns' | 'veth'>): void {
  const ip = (...args: string[]) => spawnSync('ip', args, { env: { PATH: SYSTEM_PATH }, stdio: 'ignore' });
  // Deleting one end of a veth deletes both.
  if (ip('link', 'show', host.veth).status === 0) ip('link', 'del', host.veth);
  if (existsSync(netnsPath(host.netns))) ip('netns', 'del', host.netns);
}
