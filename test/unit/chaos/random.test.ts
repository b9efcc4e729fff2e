import test, { type ExecutionContext } from 'ava';
import type { Operation } from '../../../chaos/history.js';
import { checkLinearizability, describeResult, type Model } from '../../../chaos/linearizability.js';
import { kvModel, serviceModel } from '../../../chaos/models.js';
import { Prng } from '../../../lib/prng.js';
import { bruteForce, generateKv, generateServices, mutateKv, mutateServices } from './histories.js';

/**
 * Randomized tests of the checker: histories from real sequential executions (linearizable by
 * construction), and mutations of them judged against a brute-force search. Each failure names
 * its seed; rerun one with the seed in the loop's range.
 */

test('histories of a real sequential key-value store are linearizable', (t) => {
  for (let seed = 0; seed < 300; seed++) {
    const prng = new Prng(seed);
    const h = generateKv(prng, {
      ops: 20 + prng.int(200),
      keys: ['a', 'b', 'c'].slice(0, 1 + prng.int(3)),
      clients: 2 + prng.int(6),
      spread: prng.pick([0, 5, 20, 60]),
      unknown: prng.pick([0, 0.05, 0.2]),
      fail: prng.pick([0, 0.05]),
    });
    const r = checkLinearizability(kvModel, h, { timeoutMs: 20_000 });
    if (r.verdict !== 'linearizable') {
      t.fail(`seed ${seed}: ${describeResult(kvModel, r)}`);
      return;
    }
  }
  t.pass();
});

test('histories of real sequential services (with versions moved by the cluster) are linearizable', (t) => {
  for (let seed = 0; seed < 300; seed++) {
    const prng = new Prng(seed);
    const h = generateServices(prng, {
      ops: 20 + prng.int(200),
      services: ['web', 'db'].slice(0, 1 + prng.int(2)),
      clients: 2 + prng.int(6),
      spread: prng.pick([0, 5, 20, 60]),
      unknown: prng.pick([0, 0.05, 0.2]),
      fail: prng.pick([0, 0.05]),
    });
    const r = checkLinearizability(serviceModel, h, { timeoutMs: 20_000 });
    if (r.verdict !== 'linearizable') {
      t.fail(`seed ${seed}: ${describeResult(serviceModel, r)}`);
      return;
    }
  }
  t.pass();
});

/**
 * Small histories of one object, mutated or not, from seeds `base`..: the checker agrees with
 * brute force on every one, and the mutations break histories often enough to mean something.
 */
function agreesWithBruteForce<S, I, O>(
  t: ExecutionContext,
  model: Model<S, I, O>,
  base: number,
  generate: (
    prng: Prng,
    o: { ops: number; clients: number; spread: number; unknown: number; fail: number },
  ) => Operation<I, O>[],
  mutate: (prng: Prng, ops: readonly Operation<I, O>[]) => { ops: Operation<I, O>[]; what: string },
): void {
  let broken = 0;
  let mutated = 0;
  const seeds = 3000;
  for (let seed = base; seed < base + seeds; seed++) {
    const prng = new Prng(seed);
    const original = generate(prng, {
      ops: 2 + prng.int(7),
      clients: 3,
      spread: prng.pick([5, 20, 40]),
      unknown: 0.2,
      fail: 0.1,
    });
    const mutating = prng.chance(0.7);
    const { ops, what } = mutating ? mutate(prng, original) : { ops: original, what: 'none' };
    const r = checkLinearizability(model, ops);
    const expected = bruteForce(model, ops);
    if (r.ok !== expected || r.verdict === 'unknown' || (!mutating && !expected)) {
      t.fail(
        `seed ${seed}: checker ${r.verdict}, brute force ${expected ? 'linearizable' : 'not'}; ` +
          `mutation ${what}\n${JSON.stringify(ops)}`,
      );
      return;
    }
    if (mutating) mutated++;
    if (!expected) broken++;
  }
  t.true(broken > mutated / 5, `${broken} of ${mutated} mutated histories not linearizable`);
  t.log(`${broken} of ${mutated} mutated histories (of ${seeds}) not linearizable`);
}

test('small histories, mutated or not: the checker agrees with brute force', (t) => {
  agreesWithBruteForce(t, kvModel, 1_000_000, (prng, o) => generateKv(prng, { ...o, keys: ['k'] }), mutateKv);
});

test('small service histories, mutated or not: the checker agrees with brute force', (t) => {
  agreesWithBruteForce(
    t,
    serviceModel,
    3_000_000,
    (prng, o) => generateServices(prng, { ...o, services: ['web'] }),
    mutateServices,
  );
});

test('mutated larger histories: every violation reported is real, with its report', (t) => {
  let broken = 0;
  const seeds = 200;
  for (let seed = 0; seed < seeds; seed++) {
    const prng = new Prng(2_000_000 + seed);
    const original = generateKv(prng, {
      ops: 100 + prng.int(100),
      keys: ['a', 'b'],
      clients: 5,
      spread: 30,
      unknown: 0.05,
      fail: 0.05,
    });
    const { ops } = mutateKv(prng, original);
    const r = checkLinearizability(kvModel, ops, { timeoutMs: 10_000 });
    if (r.verdict === 'unknown') {
      t.fail(`seed ${2_000_000 + seed}: budget exhausted`);
      return;
    }
    if (r.ok) continue;
    broken++;
    // The prefix the report gives does replay on the model and respects real time.
    for (const f of r.failures) {
      let state = kvModel.init();
      for (const op of f.longestPrefix) {
        const [accepted, next] = kvModel.step(
          state,
          op.input,
          op.outcome.type === 'ok' ? op.outcome.output : undefined,
        );
        t.true(accepted, `seed ${2_000_000 + seed}: prefix op #${op.id} rejected`);
        state = next;
      }
      t.is(state, f.state, `seed ${2_000_000 + seed}`);
      t.false(f.longestPrefix.includes(f.stuck));
      t.is(f.stuck.outcome.type, 'ok');
    }
  }
  t.true(broken > 0);
  t.log(`${broken} of ${seeds} mutated histories not linearizable`);
});

test('performance: thousands of operations over 50 objects', (t) => {
  // Intervals reach 3000 either side of their instant, 10 apart: about 600 operations in flight
  // at any time, a dozen per object, far more than the chaos runner's clients produce.
  const prng = new Prng(42);
  const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
  const options = { clients: 20, spread: 3000, unknown: 0.03, fail: 0.02 };
  let began = performance.now();
  const kv = checkLinearizability(kvModel, generateKv(prng, { ops: 5000, keys, ...options }), {
    timeoutMs: 60_000,
  });
  const kvMs = performance.now() - began;
  t.is(kv.verdict, 'linearizable', describeResult(kvModel, kv));
  t.is(kv.partitions.length, 50);
  began = performance.now();
  const services = generateServices(prng, { ops: 5000, services: keys, ...options });
  const sv = checkLinearizability(serviceModel, services, { timeoutMs: 60_000 });
  const svMs = performance.now() - began;
  t.is(sv.verdict, 'linearizable', describeResult(serviceModel, sv));
  t.log(
    `5000 key-value operations: ${kvMs.toFixed(0)} ms, ${kv.steps} steps; ` +
      `5000 service operations: ${svMs.toFixed(0)} ms, ${sv.steps} steps`,
  );
});
