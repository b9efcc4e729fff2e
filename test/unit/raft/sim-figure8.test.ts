import test from 'ava';
import { breakCurrentTermCommitRule } from '../../sim/commit-rule.js';
import { simulate, type SimConfig, type SimResult } from '../../sim/simulation.js';

/**
 * Figure 8 of the Raft paper: a leader that commits an entry of an earlier term by counting
 * replicas can see it overwritten by a later leader. The current-term commit rule forbids it;
 * the simulation's Figure 8 nemesis (test/sim/figure8.ts) makes the interleaving reachable.
 * Proven both ways over the seeds CI runs: with the rule broken (in memory, through
 * test/sim/commit-rule.ts) the ordinary simulation loses a committed entry, and with it intact
 * the nemesis, run in every seed, finds nothing.
 */
const SEEDS = 1000;
const STEPS = 2000;

function replay(cfg: SimConfig, brokenRule: boolean): string {
  return (
    `node dist/test/sim/run.js --seed ${cfg.seed} --nodes ${cfg.nodes} --steps ${cfg.steps}` +
    `${cfg.figure8 ? ' --figure8' : ''}${brokenRule ? ' --old-term-commits' : ''}`
  );
}

function report(r: SimResult, cfg: SimConfig, brokenRule: boolean): string {
  return (
    `seed ${cfg.seed} failed at step ${r.step}: ${r.error}\n${r.history.slice(-40).join('\n')}\n` +
    `replay: ${replay(cfg, brokenRule)}`
  );
}

for (const nodes of [3, 5]) {
  test(`with old-term commits allowed, the simulation loses a committed entry within ${SEEDS} seeds, ${nodes} nodes`, (t) => {
    const restore = breakCurrentTermCommitRule();
    try {
      for (let seed = 0; seed < SEEDS; seed++) {
        const cfg: SimConfig = { seed, steps: STEPS, nodes };
        const r = simulate(cfg);
        if (r.ok) continue;
        // A safety violation, not a run that merely stalled.
        t.regex(
          r.error!,
          /InvariantViolation: (leader completeness|state machine safety)/,
          report(r, cfg, true),
        );
        t.log(`caught at seed ${seed}: ${r.error!.split('\n')[0]}; replay: ${replay(cfg, true)}`);
        return;
      }
      t.fail(
        `no violation in ${SEEDS} seeds with old-term commits allowed: the Figure 8 nemesis lost its reach`,
      );
    } finally {
      restore();
    }
  });

  test(`with the current-term commit rule, the Figure 8 nemesis finds nothing in ${SEEDS} seeds, ${nodes} nodes`, (t) => {
    let schedules = 0;
    for (let seed = 0; seed < SEEDS; seed++) {
      const cfg: SimConfig = { seed, steps: STEPS, nodes, figure8: true };
      const r = simulate(cfg);
      if (!r.ok) {
        t.fail(report(r, cfg, false));
        return;
      }
      schedules += r.stats.figure8;
    }
    // The schedule does get as far as the old leader's commit in a good share of the seeds.
    t.true(schedules > SEEDS / 4, `${schedules} Figure 8 schedules reached the old leader's commit`);
    t.log(`${schedules} Figure 8 schedules reached the old leader's commit`);
  });
}
