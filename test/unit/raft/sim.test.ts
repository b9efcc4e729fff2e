import test from 'ava';
import { simulate } from '../../sim/simulation.js';

/**
 * The CI share of the deterministic simulation: a fixed range of seeds, each replayable with
 * `node dist/test/sim/run.js --seed <seed> --nodes <n> --steps <steps>`.
 */
const SEEDS = 1000;
const STEPS = 2000;

for (const nodes of [3, 5]) {
  test(`simulation: ${SEEDS} seeds x ${STEPS} steps, ${nodes} nodes`, (t) => {
    for (let seed = 0; seed < SEEDS; seed++) {
      const r = simulate({ seed, steps: STEPS, nodes });
      if (!r.ok) {
        t.fail(
          `seed ${seed} failed at step ${r.step}: ${r.error}\n${r.history.slice(-40).join('\n')}\n` +
            `replay: node dist/test/sim/run.js --seed ${seed} --nodes ${nodes} --steps ${STEPS}`,
        );
        return;
      }
    }
    t.pass();
  });
}
