/** A snapshot encoded and decoded a slice at a time reads as the whole state encoded at once. */
import test from 'ava';
import {
  decodeSnapshot,
  encodeSnapshot,
  encodeSnapshotRuns,
  OBJECTS_A_TURN,
  restoreSnapshot,
  snapshotCodec,
} from '../../../manager/store/snapshot-codec.js';
import { StoreState } from '../../../manager/store/state.js';
import type { StoreSnapshotData } from '../../../manager/store/types.js';
import type { StoreSnapshot } from '../../../proto/types.js';
import {
  countTurns,
  makeCluster,
  makeNode,
  makeService,
  makeSpec,
  makeStatus,
  makeTask,
} from '../helpers.js';

function state(): StoreSnapshotData {
  const nodes = [makeNode(), makeNode(), makeNode()];
  const services = [makeService(makeSpec({ name: 'a' })), makeService(makeSpec({ name: 'b' }))];
  // More tasks than one run holds, so that they are written in several.
  const tasks = Array.from({ length: 300 }, (_, i) =>
    makeTask(services[i % 2]!, { slot: i + 1, nodeId: nodes[i % 3]!.id, status: makeStatus('RUNNING') }),
  );
  return {
    index: 4321,
    clusters: [makeCluster()],
    nodes,
    services,
    tasks,
    networks: [],
    secrets: [],
    configs: [],
  };
}

test('a snapshot written in runs, with turns of the event loop between them, decodes as one written at once', async (t) => {
  const data = state();
  // A slice of 0 ms: a turn after every run.
  const bytes = await encodeSnapshot(data, 0);
  const whole = snapshotCodec.encode(data as unknown as StoreSnapshot);
  t.deepEqual(snapshotCodec.decode(bytes), snapshotCodec.decode(whole));
  t.is(snapshotCodec.decode(bytes).tasks.length, 300);
  t.deepEqual(
    snapshotCodec.decode(bytes).tasks.map((task) => task.id),
    data.tasks.map((task) => task.id),
    'the objects come in their order',
  );
});

test('an empty state at index 0 is a snapshot too', async (t) => {
  const empty = { ...state(), index: 0, clusters: [], nodes: [], services: [], tasks: [] };
  t.deepEqual(snapshotCodec.decode(await encodeSnapshot(empty)), snapshotCodec.decode(new Uint8Array()));
});

/** Large values compared quickly (ava's deepEqual takes seconds over thousands of tasks). */
const json = (value: unknown): string => JSON.stringify(value);

function manyTasks(n: number): StoreSnapshotData {
  const base = state();
  const tasks = Array.from({ length: n }, (_, i) =>
    makeTask(base.services[i % 2]!, { slot: i + 1, nodeId: base.nodes[i % 3]!.id }),
  );
  return { ...base, tasks };
}

test('taking a snapshot of many objects gives the event loop a turn every OBJECTS_A_TURN objects (and a run) at most, whatever the clock says', async (t) => {
  const data = manyTasks(5_000);
  // The objects taken from the tables since the last turn of the event loop, and the most.
  let taken = 0;
  let mostInOneTurn = 0;
  const counting = { ...data };
  for (const table of ['nodes', 'services', 'tasks'] as const) {
    counting[table] = new Proxy(data[table] as unknown[], {
      get(target, key, receiver) {
        if (key !== 'slice') return Reflect.get(target, key, receiver) as unknown;
        return (from: number, to: number) => {
          taken += Math.min(to, target.length) - from;
          mostInOneTurn = Math.max(mostInOneTurn, taken);
          return target.slice(from, to);
        };
      },
    }) as never;
  }
  const counter = countTurns(() => (taken = 0));
  // No deadline from the clock: only the bound on work makes it yield.
  const runs = await encodeSnapshotRuns(counting, Infinity);
  counter.stop();
  // A turn comes once a run takes the count to OBJECTS_A_TURN: runs are of 64 objects.
  t.true(mostInOneTurn < OBJECTS_A_TURN + 64, `${mostInOneTurn} objects in one turn`);
  t.true(counter.turns >= Math.floor(5_000 / OBJECTS_A_TURN), `${counter.turns} turns`);
  t.is(
    json(snapshotCodec.decode(Buffer.concat(runs))),
    json(snapshotCodec.decode(snapshotCodec.encode(data as unknown as StoreSnapshot))),
  );
});

test('a snapshot decoded a slice at a time reads as one decoded at once, and takes turns of the event loop', async (t) => {
  const data = manyTasks(3_000);
  const bytes = await encodeSnapshot(data);
  const counter = countTurns();
  const decoded = await decodeSnapshot(bytes, Infinity);
  counter.stop();
  t.is(json(decoded), json(snapshotCodec.decode(bytes)));
  t.is(decoded.index, 4321);
  t.true(counter.turns >= Math.floor(3_000 / OBJECTS_A_TURN), `${counter.turns} turns`);
});

test('a state restored a slice at a time holds what was taken, with its indexes', async (t) => {
  const data = manyTasks(3_000);
  const whole = new StoreState();
  whole.restore(snapshotCodec.decode(await encodeSnapshot(data)));
  const counter = countTurns();
  const restored = await restoreSnapshot(await encodeSnapshot(data), Infinity);
  counter.stop();
  t.is(json(restored.snapshot()), json(whole.snapshot()));
  t.is(restored.index, 4321);
  const service = data.services[0]!.id;
  t.deepEqual(
    [...restored.scanTasks('serviceId', service)].map((task) => task.id),
    [...whole.scanTasks('serviceId', service)].map((task) => task.id),
  );
  t.deepEqual(
    [...restored.scan('tasks')].map((task) => task.id),
    data.tasks.map((task) => task.id).sort(),
  );
  // Decoding and restoring each give a turn every OBJECTS_A_TURN objects at least.
  t.true(counter.turns >= Math.floor((2 * 3_000) / OBJECTS_A_TURN), `${counter.turns} turns`);
});

test('bytes that are no snapshot fail to decode with CORRUPT', async (t) => {
  // Field 5 (tasks), length-delimited, claiming 100 bytes where there are 2.
  await t.throwsAsync(decodeSnapshot(new Uint8Array([0x2a, 100, 1, 2])), { message: /store snapshot/ });
});
