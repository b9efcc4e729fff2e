/** Batcher (runtime/containerd/batcher.ts): concurrent callers' items in few runs, each caller its own results. */
import test from 'ava';
import { Batcher } from '../../../runtime/containerd/batcher.js';

test('callers that come while a run goes on share the next run, and get their own results', async (t) => {
  const runs: string[][] = [];
  const batcher = new Batcher<string, string>(async (items) => {
    runs.push(items);
    await new Promise((r) => setTimeout(r, 20));
    return items.map((i) => i.toUpperCase());
  });
  const results = await Promise.all([
    batcher.run(['a']),
    batcher.run(['b', 'c']),
    batcher.run([]),
    batcher.run(['d']),
  ]);
  t.deepEqual(results, [['A'], ['B', 'C'], [], ['D']]);
  t.deepEqual(runs, [['a'], ['b', 'c', 'd']]);
});

test('a run that fails as a whole is done again per caller, failing only the bad one', async (t) => {
  const batcher = new Batcher<string, string>(async (items) => {
    await new Promise((r) => setTimeout(r, 10));
    if (items.includes('bad')) throw new Error(`cannot take ${items.join(' ')}`);
    return items;
  });
  const first = batcher.run(['x']);
  const good = batcher.run(['y']);
  const bad = batcher.run(['bad']);
  t.deepEqual(await first, ['x']);
  t.deepEqual(await good, ['y']);
  await t.throwsAsync(bad, { message: 'cannot take bad' });
});
