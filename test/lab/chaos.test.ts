/**
 * The chaos suite's short fixed schedule, as CI runs it: one run of the chaos runner on a lab of
 * three managers and a worker, its faults from a fixed seed (a host killed, managers demoted and
 * promoted, a full disk, the leader isolated), then every check. Longer runs: `npm run chaos`.
 */
import test from 'ava';
import { chaosRun } from '../../chaos/runner.js';
import { skippedBecause } from '../integration/host-tools.js';
import { labMissing } from './lab-kit.js';

/** A seed whose schedule mixes most kinds of fault (see `describeFault` in the run's log). */
const SEED = 6;

const reason = await labMissing();
if (reason) {
  skippedBecause(test, 'chaos', reason);
} else {
  test('a short chaos run finds the history linearizable and every invariant kept', async (t) => {
    t.timeout(10 * 60_000);
    const lines: string[] = [];
    const result = await chaosRun({
      seed: SEED,
      seconds: 40,
      managers: 3,
      workers: 1,
      clients: 6,
      services: 4,
      log: (line) => lines.push(line),
    });
    const { schedule, violations, ...figures } = result;
    t.log(JSON.stringify(figures));
    t.log(schedule.join(' | '));
    t.deepEqual(violations, [], lines.join('\n'));
    t.is(result.linearizability, 'linearizable');
    t.true(result.faultsApplied >= 3, `faults applied: ${result.faultsApplied}`);
    t.true(result.ok > 100, `operations acknowledged: ${result.ok}`);
  });
}
