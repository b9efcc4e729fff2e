/**
 * Container bridges for tests: each node of a test run gets a bridge name and subnet of
 * its own (so runs on one machine never share one), and removeBridge() takes away the
 * bridge and any masquerading rules the CNI plugins left for it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { DEFAULT_CNI_PATH } from '../../runtime/containerd/cni.js';
import { onPath } from './host-tools.js';

const run = promisify(execFile);

export interface TestBridge {
  bridge: string;
  subnet: string;
}

/** Why containers cannot have bridges of their own here (no CNI plugins, ip or iptables), if so. */
export async function bridgesMissing(): Promise<string | undefined> {
  if (!existsSync(join(DEFAULT_CNI_PATH, 'bridge')))
    return `no CNI plugins in ${DEFAULT_CNI_PATH} (Debian: apt-get install containernetworking-plugins)`;
  for (const tool of ['ip', 'iptables'])
    if (!(await onPath(tool))) return `${tool} is not installed (Debian: apt-get install iproute2 iptables)`;
  return undefined;
}

/** A fresh bridge name and a /24 in 10.214.0.0-10.250.255.0 that no route of the machine covers. */
export function testBridge(): TestBridge {
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  for (;;) {
    const prefix = `10.${randomInt(214, 251)}.${randomInt(0, 256)}.`;
    if (!routes.includes(prefix)) {
      return { bridge: `flt${randomBytes(4).toString('hex')}`, subnet: `${prefix}0/24` };
    }
  }
}

/** `--container-network` for a node on this bridge. */
export function bridgeArg({ bridge, subnet }: TestBridge): string {
  return `bridge:${bridge}:${subnet}`;
}

/**
 * Removes the bridge and the iptables rules that name its network (flotilla-NAME): the
 * node's rules for the bridge, and any a container's port forwards left, with their chains.
 */
export async function removeBridge({ bridge }: TestBridge): Promise<void> {
  await run('ip', ['link', 'del', bridge]).catch(() => undefined);
  for (const table of ['nat', 'filter']) {
    const rules = (await run('iptables', ['-t', table, '-S']).catch(() => ({ stdout: '' }))).stdout;
    const mine = rules.split('\n').filter((r) => r.startsWith('-A ') && namesNetwork(r, bridge));
    const chains = new Set<string>();
    for (const rule of mine) {
      const [, chain = '', ...rest] = splitRule(rule);
      // A container's own chains, not the plugins' shared ones.
      for (const name of [chain, /-j (\S+)/.exec(rule)?.[1] ?? ''])
        if (/^CNI-(DN-)?[0-9a-f]+$/.test(name)) chains.add(name);
      await run('iptables', ['-t', table, '-D', chain, ...rest]).catch(() => undefined);
    }
    for (const chain of chains) {
      await run('iptables', ['-t', table, '-F', chain]).catch(() => undefined);
      await run('iptables', ['-t', table, '-X', chain]).catch(() => undefined);
    }
  }
}

/**
 * Removes the chains the portmap plugin shares between all its users, once none forwards a
 * port any more (a run on the machine that still forwards keeps them).
 */
export async function removeIdleSharedChains(): Promise<void> {
  const nat = (args: string[]) => run('iptables', ['-t', 'nat', ...args]).catch(() => undefined);
  const rules = (await run('iptables', ['-t', 'nat', '-S']).catch(() => ({ stdout: '' }))).stdout;
  if (!rules.includes('-N CNI-HOSTPORT-DNAT') || rules.includes('-A CNI-HOSTPORT-DNAT ')) return;
  for (const chain of ['PREROUTING', 'OUTPUT'])
    await nat(['-D', chain, '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']);
  await nat([
    '-D',
    'POSTROUTING',
    '-m',
    'comment',
    '--comment',
    'CNI portfwd requiring masquerade',
    '-j',
    'CNI-HOSTPORT-MASQ',
  ]);
  for (const chain of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) {
    await nat(['-F', chain]);
    await nat(['-X', chain]);
  }
}

/** What a node's network left for its containers: namespaces, leases, veths on the bridge, nat rules. */
export async function networkLeftovers(dir: string, bridge: string): Promise<string[]> {
  const found: string[] = [];
  for (const ns of await readdir(join(dir, 'netns')).catch(() => [])) found.push(`netns ${ns}`);
  const ipam = join(dir, 'ipam', `flotilla-${bridge}`);
  for (const file of await readdir(ipam).catch(() => [])) {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(file)) continue;
    // Released meanwhile by a test running at the same time: not left over.
    const holder = await readFile(join(ipam, file), 'utf8').catch(() => undefined);
    if (holder !== undefined) found.push(`ip lease ${file} (${holder.trim()})`);
  }
  const links = (await run('ip', ['-o', 'link', 'show', 'master', bridge]).catch(() => ({ stdout: '' })))
    .stdout;
  for (const line of links.split('\n').filter(Boolean)) found.push(`link ${line.split(':')[1]?.trim()}`);
  // A container's rules (its port forwards) name it by id; the node's rules for the bridge stay.
  for (const table of ['nat', 'filter']) {
    const rules = (await run('iptables', ['-t', table, '-S']).catch(() => ({ stdout: '' }))).stdout;
    for (const rule of rules.split('\n'))
      if (namesNetwork(rule, bridge) && rule.includes('id: ')) found.push(`${table} ${rule}`);
  }
  return found;
}

/** Whether an `iptables -S` rule's comment names the bridge's CNI network (quotes come escaped). */
function namesNetwork(rule: string, bridge: string): boolean {
  return [`flotilla-${bridge}"`, `flotilla-${bridge}\\"`, `flotilla-${bridge} network`].some((n) =>
    rule.includes(n),
  );
}

/** `iptables -S` output back into arguments (a quoted comment, with \" inside, stays one). */
function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\"/g, '"') : (m[2] ?? ''),
  );
}
