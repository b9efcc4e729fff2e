import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { ControlLoop, type LoopHandlers } from '../../../manager/control-loop.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { StoreEvent } from '../../../manager/store/types.js';
import { eventually, makeNode } from '../helpers.js';

const named = (hostname: string) => {
  const node = makeNode();
  return { ...node, description: { ...node.description!, hostname } };
};

const nextTurn = () => new Promise((r) => setImmediate(r));

test('a loop starts in a turn after run is called, so that a new leader does not start every loop in one turn', async (t) => {
  const store = await MemoryStore.open();
  let started = false;
  const loop = new ControlLoop(
    'test',
    store,
    { tables: ['nodes'] },
    { start: () => void (started = true), event: () => false, reconcile: async () => {} },
    silentLogger(),
  );
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  const running = loop.run(ac.signal);
  t.false(started);
  await nextTurn();
  t.true(started);
  ac.abort();
  await running;
});

test('a start that goes on over several turns gets every event after its view, in order, once it is done', async (t) => {
  const store = await MemoryStore.open();
  const seen: string[] = [];
  let startDone = false;
  let release!: () => void;
  const handlers: LoopHandlers = {
    start: (tx) => {
      seen.push(...tx.all('nodes').map((n) => `start ${n.description?.hostname}`));
      return new Promise<void>((resolve) => (release = resolve)).then(() => void (startDone = true));
    },
    event: (e: StoreEvent) => {
      t.true(startDone, 'an event came before the start was done');
      if (e.table === 'nodes') seen.push(`${e.kind} ${e.object.description?.hostname}`);
      return false;
    },
    reconcile: async () => {},
  };
  await store.update((tx) => tx.create('nodes', named('a')));
  const loop = new ControlLoop('test', store, { tables: ['nodes'] }, handlers, silentLogger());
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  const running = loop.run(ac.signal);
  await eventually(() => seen.length === 1);
  // Written while the start is still at work: handed on after it, none lost.
  await store.update((tx) => tx.create('nodes', named('b')));
  await store.update((tx) => tx.create('nodes', named('c')));
  await nextTurn();
  t.deepEqual(seen, ['start a']);
  release();
  await eventually(() => seen.length === 3);
  t.deepEqual(seen, ['start a', 'create b', 'create c']);
  ac.abort();
  await running;
});
