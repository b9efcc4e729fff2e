/**
 * Container bridges for tests: each node of a test run gets a bridge name and subnet of
 * its own (so runs on one machine never share one), and removeBridge() takes away the
 * bridge and the iptables rules and chain the node made for it (bridge-rules.ts).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { portsChain } from '../../runtime/containerd/bridge-rules.js';
import { onPath } from './host-tools.js';

const run = promisify(execFile);

export interface TestBridge {
  bridge: string;
  subnet: string;
}

/** Why containers cannot have bridges of their own here (no ip or iptables), if so. */
export async function bridgesMissing(): Promise<string | undefined> {
  for (const tool of ['ip', 'iptables', 'iptables-restore'])
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

/** Removes the bridge, the iptables rules that name its network (flotilla-NAME) and its ports chain. */
export async function removeBridge({ bridge }: TestBridge): Promise<void> {
  await run('ip', ['link', 'del', bridge]).catch(() => undefined);
  for (const table of ['nat', 'filter']) {
    const rules = (await run('iptables', ['-t', table, '-S']).catch(() => ({ stdout: '' }))).stdout;
    const mine = rules.split('\n').filter((r) => r.startsWith('-A ') && namesNetwork(r, bridge));
    for (const rule of mine) {
      const [, chain = '', ...rest] = splitRule(rule);
      await run('iptables', ['-t', table, '-D', chain, ...rest]).catch(() => undefined);
    }
  }
  await run('iptables', ['-t', 'nat', '-F', portsChain(bridge)]).catch(() => undefined);
  await run('iptables', ['-t', 'nat', '-X', portsChain(bridge)]).catch(() => undefined);
}

/** What a node's network left for its containers: namespaces, leases, veths on the bridge, nat rules. */
export async function networkLeftovers(dir: string, bridge: string): Promise<string[]> {
  const found: string[] = [];
  for (const ns of await readdir(join(dir, 'netns')).catch(() => [])) found.push(`netns ${ns}`);
  const leases = join(dir, 'leases');
  for (const file of await readdir(leases).catch(() => [])) {
    // Released meanwhile by a test running at the same time: not left over.
    const holder = await readFile(join(leases, file), 'utf8').catch(() => undefined);
    if (holder !== undefined) found.push(`ip lease ${file} (${holder.trim()})`);
  }
  const links = (await run('ip', ['-o', 'link', 'show', 'master', bridge]).catch(() => ({ stdout: '' })))
    .stdout;
  for (const line of links.split('\n').filter(Boolean)) found.push(`link ${line.split(':')[1]?.trim()}`);
  // A container's rules (its port forwards) name it by id; the node's rules for the bridge stay.
  const rules = (await run('iptables', ['-t', 'nat', '-S']).catch(() => ({ stdout: '' }))).stdout;
  for (const rule of rules.split('\n'))
    if (namesNetwork(rule, bridge) && rule.includes('id: ')) found.push(`nat ${rule}`);
  return found;
}

/** Whether an `iptables -S` rule's comment names the bridge's network. */
function namesNetwork(rule: string, bridge: string): boolean {
  return rule.includes(`flotilla-${bridge} `);
}

/** `iptables -S` output back into arguments (a quoted comment, with \" inside, stays one). */
function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\"/g, '"') : (m[2] ?? ''),
  );
}
