/**
 * The kernel's TCP counters of a network namespace (what `nstat` shows), read from its
 * /proc/net/netstat and /proc/net/snmp: how bench:mesh tells a path that lost SYNs (the
 * client's SYN retransmits; the server's PAWS rejections in TIME_WAIT) from a slow one.
 */
import { spawnSync } from 'node:child_process';

/** The counters this bench follows, by nstat's names. */
export const FOLLOWED = [
  'TcpExtPAWSTimewait',
  'TcpExtTCPSynRetrans',
  'TcpExtTWRecycled',
  'TcpActiveOpens',
] as const;
export type Counters = Record<(typeof FOLLOWED)[number], number>;

/** nstat's names and values from the files' pairs of lines ("TcpExt: A B" then "TcpExt: 1 2"). */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [kind, ...names] = (lines[i] ?? '').split(' ');
    const values = (lines[i + 1] ?? '').split(' ').slice(1);
    const prefix = kind?.replace(/:$/, '') ?? '';
    names.forEach((name, j) => out.set(`${prefix}${name}`, Number(values[j])));
  }
  return out;
}

/** The counters of the namespace a command prefix enters (`nsenter --net=... --`; [] for ours). */
export function tcpCounters(inside: string[]): Counters {
  const [cmd, ...args] = [...inside, 'cat', '/proc/net/netstat', '/proc/net/snmp'];
  const read = spawnSync(cmd!, args, { encoding: 'utf8' });
  if (read.status !== 0)
    throw new Error(`cannot read the TCP counters: ${read.stderr || read.error?.message}`);
  const all = parse(read.stdout);
  return Object.fromEntries(FOLLOWED.map((name) => [name, all.get(name) ?? 0])) as Counters;
}

/** What each counter gained from `before` to `after`. */
export function gained(before: Counters, after: Counters): Counters {
  return Object.fromEntries(FOLLOWED.map((name) => [name, after[name] - before[name]])) as Counters;
}
