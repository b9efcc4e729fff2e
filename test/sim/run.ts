import { breakCurrentTermCommitRule } from './commit-rule.js';
import { simulate, type SimResult } from './simulation.js';

/**
 * Runs the deterministic simulation over many seeds:
 *   node dist/test/sim/run.js --seeds 10000 [--start 0] [--steps 2000] [--nodes 3|5]
 *   node dist/test/sim/run.js --seed 1234      (replay one seed, printing its history)
 * Without --nodes, even seeds run 3 nodes and odd seeds 5. --figure8 runs the Figure 8 nemesis
 * (figure8.ts) in every seed, not half of them; --old-term-commits breaks the current-term
 * commit rule (commit-rule.ts), to watch the simulation catch it.
 */
function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer`);
  return v;
}

const oldTermCommits = process.argv.includes('--old-term-commits');
const figure8 = process.argv.includes('--figure8');

function report(r: SimResult, steps: number, nodes: number): void {
  console.error(`FAIL seed ${r.seed} at step ${r.step}: ${r.error}`);
  console.error('history tail:');
  for (const h of r.history.slice(-60)) console.error(`  ${h}`);
  const flags = `${figure8 ? ' --figure8' : ''}${oldTermCommits ? ' --old-term-commits' : ''}`;
  console.error(
    `replay: node dist/test/sim/run.js --seed ${r.seed} --steps ${steps} --nodes ${nodes}${flags}`,
  );
}

function nodesForSeed(seed: number, fixed: number | undefined): number {
  return fixed ?? (seed % 2 === 0 ? 3 : 5);
}

function main(): void {
  if (oldTermCommits) breakCurrentTermCommitRule();
  const steps = arg('steps') ?? 2000;
  const fixedNodes = arg('nodes');
  const single = arg('seed');
  const start = single ?? arg('start') ?? 0;
  const count = single === undefined ? (arg('seeds') ?? 100) : 1;
  const began = Date.now();
  const totals = { leaders: 0, commit: 0, crashes: 0, confChanges: 0, snapshots: 0, reads: 0, figure8: 0 };
  for (let seed = start; seed < start + count; seed++) {
    const nodes = nodesForSeed(seed, fixedNodes);
    const r = simulate({
      seed,
      steps,
      nodes,
      ...(single === undefined ? {} : { historySize: Infinity }),
      ...(figure8 ? { figure8 } : {}),
    });
    if (!r.ok) {
      report(r, steps, nodes);
      process.exit(1);
    }
    if (single !== undefined) for (const h of r.history) console.log(h);
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r.stats[k];
  }
  const secs = ((Date.now() - began) / 1000).toFixed(1);
  console.log(
    `ok: ${count} seeds [${start}, ${start + count}) x ${steps} steps in ${secs}s; ` +
      `leaders ${totals.leaders}, commits ${totals.commit}, crashes ${totals.crashes}, conf changes ${totals.confChanges}, ` +
      `snapshots ${totals.snapshots}, reads ${totals.reads}, figure-8 schedules ${totals.figure8}`,
  );
}

main();
