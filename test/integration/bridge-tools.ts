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

const run = promisify(execFile);

export interface TestBridge {
  bridge: string;
  subnet: string;
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
 * Removes the bridge, the nat rules and chains named after its network (flotilla-NAME) and
 * the firewall plugin's rules for addresses of its subnet.
 */
export async function removeBridge({ bridge, subnet }: TestBridge): Promise<void> {
  await run('ip', ['link', 'del', bridge]).catch(() => undefined);
  for (const rule of await forwardRules(subnet)) {
    await run('iptables', ['-D', ...splitRule(rule).slice(1)]).catch(() => undefined);
  }
  const rules = (await run('iptables', ['-t', 'nat', '-S']).catch(() => ({ stdout: '' }))).stdout;
  const mine = rules.split('\n').filter((r) => r.startsWith('-A ') && namesNetwork(r, bridge));
  const chains = new Set<string>();
  for (const rule of mine) {
    const [, chain = '', ...rest] = splitRule(rule);
    // The per-container chains (masquerading, port forwards), not the plugins' shared ones.
    for (const name of [chain, /-j (\S+)/.exec(rule)?.[1] ?? ''])
      if (/^CNI-(DN-)?[0-9a-f]+$/.test(name)) chains.add(name);
    await run('iptables', ['-t', 'nat', '-D', chain, ...rest]).catch(() => undefined);
  }
  for (const chain of chains) {
    await run('iptables', ['-t', 'nat', '-F', chain]).catch(() => undefined);
    await run('iptables', ['-t', 'nat', '-X', chain]).catch(() => undefined);
  }
}

/**
 * Removes the chains the firewall and portmap plugins share between all their users, once
 * none has rules in them any more (a run on the machine that still has some keeps them).
 */
export async function removeIdleSharedChains(): Promise<void> {
  const filter = (await run('iptables', ['-S']).catch(() => ({ stdout: '' }))).stdout;
  const own = filter.split('\n').filter((r) => r.startsWith('-A CNI-FORWARD ') && !r.includes('CNI-ADMIN'));
  if (filter.includes('-N CNI-FORWARD') && own.length === 0) {
    const comment = ['-m', 'comment', '--comment'];
    await run('iptables', [
      '-D',
      'FORWARD',
      ...comment,
      'CNI firewall plugin rules',
      '-j',
      'CNI-FORWARD',
    ]).catch(() => undefined);
    for (const chain of ['CNI-FORWARD', 'CNI-ADMIN']) {
      await run('iptables', ['-F', chain]).catch(() => undefined);
      await run('iptables', ['-X', chain]).catch(() => undefined);
    }
  }
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
export async function networkLeftovers(dir: string, bridge: string, subnet?: string): Promise<string[]> {
  const found: string[] = [];
  for (const ns of await readdir(join(dir, 'netns')).catch(() => [])) found.push(`netns ${ns}`);
  const ipam = join(dir, 'ipam', `flotilla-${bridge}`);
  for (const file of await readdir(ipam).catch(() => [])) {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(file))
      found.push(`ip lease ${file} (${(await readFile(join(ipam, file), 'utf8')).trim()})`);
  }
  const links = (await run('ip', ['-o', 'link', 'show', 'master', bridge]).catch(() => ({ stdout: '' })))
    .stdout;
  for (const line of links.split('\n').filter(Boolean)) found.push(`link ${line.split(':')[1]?.trim()}`);
  const rules = (await run('iptables', ['-t', 'nat', '-S']).catch(() => ({ stdout: '' }))).stdout;
  for (const rule of rules.split('\n')) if (namesNetwork(rule, bridge)) found.push(`nat ${rule}`);
  if (subnet) for (const rule of await forwardRules(subnet)) found.push(`filter ${rule}`);
  return found;
}

/** The firewall plugin's rules for addresses of a test /24 (it names them by address only). */
async function forwardRules(subnet: string): Promise<string[]> {
  const prefix = subnet.split('.').slice(0, 3).join('.');
  const rules = (await run('iptables', ['-S', 'CNI-FORWARD']).catch(() => ({ stdout: '' }))).stdout;
  return rules.split('\n').filter((r) => r.startsWith('-A ') && r.includes(` ${prefix}.`));
}

/** Whether an `iptables -S` rule's comment names the bridge's CNI network (quotes come escaped). */
function namesNetwork(rule: string, bridge: string): boolean {
  return rule.includes(`flotilla-${bridge}"`) || rule.includes(`flotilla-${bridge}\\"`);
}

/** `iptables -S` output back into arguments (a quoted comment, with \" inside, stays one). */
function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\"/g, '"') : (m[2] ?? ''),
  );
}
