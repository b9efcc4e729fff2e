/**
 * The iptables rules of a node bridge, made once with it and kept with it (so no container
 * costs a rule of its own but those that forward ports):
 * - masquerade what leaves the subnet other than through the bridge (containers' outbound),
 *   and what reaches a container from the node's loopback or, through a forwarded port of the
 *   node, from a container of the bridge (hairpin);
 * - let the bridge's traffic through FORWARD, where it drops by default on machines with Docker;
 * - a chain `FLT-PORTS-<bridge>`, jumped to for traffic to the node's own addresses, that holds
 *   the DNAT rules of the node ports forwarded to containers (host-mode published ports), each
 *   rule commented with its container's id. A container's rules are added and removed in one
 *   `iptables-restore --noflush` each.
 * All comments name the network (`flotilla-<bridge>`), so an operator sees whose rules these are.
 */
import { writeFile } from 'node:fs/promises';
import type { PortMapping } from '../driver.js';
import { ensureRulesFirst, type IptablesRule } from '../iptables-rules.js';
import { runCaptured, SYSTEM_PATH, trySystemTool } from '../run-captured.js';

export const portsChain = (bridge: string): string => `FLT-PORTS-${bridge}`;

/** Creates the bridge's rules that are missing, first in their chains (ahead of a default that drops). */
export async function ensureBridgeRules(bridge: string, subnet: string, network: string): Promise<void> {
  const chain = portsChain(bridge);
  await trySystemTool(['iptables', '-w', '-t', 'nat', '-N', chain]); // exists already: fine
  await ensureRulesFirst(bridgeRules(bridge, subnet, network));
  // DNAT of traffic the node sends to its own 127.0.0.1 to a container needs it routed out.
  await writeFile(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, '1');
}

function bridgeRules(bridge: string, subnet: string, network: string): IptablesRule[] {
  const comment = ['-m', 'comment', '--comment', `${network} network`];
  const toNode = ['-m', 'addrtype', '--dst-type', 'LOCAL', ...comment, '-j', portsChain(bridge)];
  return [
    {
      table: 'nat',
      chain: 'POSTROUTING',
      rule: ['-s', subnet, '!', '-o', bridge, ...comment, '-j', 'MASQUERADE'],
    },
    {
      table: 'nat',
      chain: 'POSTROUTING',
      rule: ['-s', '127.0.0.0/8', '-o', bridge, ...comment, '-j', 'MASQUERADE'],
    },
    {
      table: 'nat',
      chain: 'POSTROUTING',
      rule: [
        '-s',
        subnet,
        '-o',
        bridge,
        '-m',
        'conntrack',
        '--ctstate',
        'DNAT',
        ...comment,
        '-j',
        'MASQUERADE',
      ],
    },
    { table: 'nat', chain: 'PREROUTING', rule: toNode },
    { table: 'nat', chain: 'OUTPUT', rule: toNode },
    { table: 'filter', chain: 'FORWARD', rule: ['-i', bridge, ...comment, '-j', 'ACCEPT'] },
    {
      table: 'filter',
      chain: 'FORWARD',
      rule: [
        '-o',
        bridge,
        '-m',
        'conntrack',
        '--ctstate',
        'RELATED,ESTABLISHED,DNAT',
        ...comment,
        '-j',
        'ACCEPT',
      ],
    },
  ];
}

/** The DNAT rules (in iptables-restore's syntax, less the action) that forward `publish` to `ip`. */
function forwardRules(
  bridge: string,
  network: string,
  id: string,
  ip: string,
  publish: PortMapping[],
): string[] {
  return publish.map((m) => {
    const to = m.hostIp && m.hostIp !== '0.0.0.0' ? `-d ${m.hostIp}/32 ` : '';
    const proto = m.protocol.toLowerCase();
    return `${portsChain(bridge)} ${to}-p ${proto} -m ${proto} --dport ${m.hostPort} -m comment --comment "${network} id: ${id}" -j DNAT --to-destination ${ip}:${m.containerPort}`;
  });
}

/** Adds (`-A`) or removes (`-D`) a container's port forwards, all in one iptables-restore. */
export async function setForwards(
  action: '-A' | '-D',
  bridge: string,
  network: string,
  id: string,
  ip: string,
  publish: PortMapping[],
): Promise<void> {
  if (publish.length === 0) return;
  const rules = forwardRules(bridge, network, id, ip, publish).map((r) => `${action} ${r}`);
  const { exitCode, stderr } = await runCaptured(['iptables-restore', '-w', '--noflush'], {
    cwd: '/',
    env: { PATH: SYSTEM_PATH },
    input: `*nat\n${rules.join('\n')}\nCOMMIT\n`,
    timeoutMs: 30_000,
  });
  if (exitCode !== 0)
    throw new Error(
      `cannot ${action === '-A' ? 'add' : 'remove'} the port forwards of ${id}: ${stderr.trim()}`,
    );
}
