/**
 * The shape of the container benches: our runs on a private containerd, then Docker Swarm's
 * on the peer kit, each figure's median with its runs, and the ratio of ours to Swarm's.
 */
import { containerdMissing } from '../test/integration/containerd-harness.js';
import { median, progress, round } from './stats.js';
import type { withSwarmPeer } from './swarm-peer.js';

/** Each figure's runs, in seconds, by key. */
export type Runs<K extends string> = Record<K, number[]>;

export interface SideBySide<K extends string> {
  print(line: Record<string, unknown>): void;
  mode: string;
  /** The figure each key's runs are printed as. */
  figures: Record<K, string>;
  ours(): Promise<Runs<K>>;
  swarm(): ReturnType<typeof withSwarmPeer<Runs<K>>>;
  /** Figures a system adds of its own, from its runs. */
  more?(system: string, runs: Runs<K>): void;
}

export async function sideBySide<K extends string>(o: SideBySide<K>): Promise<void> {
  const keys = Object.keys(o.figures) as K[];
  const printRuns = (system: string, runs: Runs<K>) => {
    for (const key of keys) {
      const r = runs[key];
      o.print({
        figure: o.figures[key],
        value: round(median(r)),
        unit: 's',
        reps: r.length,
        runs: r.map(round),
        system,
      });
    }
    o.more?.(system, runs);
  };
  const missing = await containerdMissing();
  if (missing) {
    o.print({ system: 'flotilla', unavailable: missing });
    return;
  }
  progress(`mode ${o.mode}: Flotilla on a private containerd`);
  const ours = await o.ours();
  printRuns('flotilla', ours);
  progress('Docker Swarm with the peer kit');
  const peer = o.swarm();
  if ('unavailable' in peer) {
    o.print({ peer: 'swarm', unavailable: peer.unavailable });
    return;
  }
  printRuns('swarm', peer.figures);
  for (const key of keys) {
    const ratio = median(ours[key]) / median(peer.figures[key]);
    o.print({ figure: o.figures[key], ratio_flotilla_over_swarm: round(ratio) });
  }
}
