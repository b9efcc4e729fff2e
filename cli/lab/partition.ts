/** Partitions of a lab: each host of one side drops the other side's traffic, until healed. */
import { invalidArgument } from '../../lib/errors.js';
import { cutOff, reconnect } from './hosts.js';
import { labHost, saveLab, type Lab, type LabHost } from './state.js';

/** `m1 / m2,m3` (as one argument or several) -> the hosts of each side. */
export function parseSides(lab: Lab, args: string[]): [LabHost[], LabHost[]] {
  const expected = 'two groups of hosts separated by /, e.g. m1 / m2,m3';
  const sides = args.join(' ').split('/');
  const hosts = sides.map((side) =>
    side
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((name) => labHost(lab, name)),
  );
  const [a, b] = hosts;
  if (hosts.length !== 2 || !a?.length || !b?.length)
    throw invalidArgument('partition', expected, args.join(' '));
  const both = a.filter((h) => b.includes(h));
  if (both.length > 0)
    throw invalidArgument('partition', `${expected}, each host on one side only`, args.join(' '));
  return [a, b];
}

/** Cuts each side off from the other, on top of the partitions the lab already has. */
export async function partition(lab: Lab, a: LabHost[], b: LabHost[]): Promise<void> {
  const cut = (hosts: LabHost[], from: LabHost[]) => {
    for (const host of hosts) {
      lab.cut[host.name] = [...new Set([...(lab.cut[host.name] ?? []), ...from.map((h) => h.address)])];
    }
  };
  cut(a, b);
  cut(b, a);
  for (const host of [...a, ...b]) await cutOff(host, lab.cut[host.name] ?? []);
  await saveLab(lab);
}

export async function heal(lab: Lab): Promise<void> {
  for (const host of lab.hosts) await reconnect(host);
  lab.cut = {};
  await saveLab(lab);
}
