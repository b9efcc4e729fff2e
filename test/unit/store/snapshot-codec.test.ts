/** A snapshot encoded a run at a time reads as the whole state encoded at once. */
import test from 'ava';
import { encodeSnapshot, snapshotCodec } from '../../../manager/store/snapshot-codec.js';
import type { StoreSnapshotData } from '../../../manager/store/types.js';
import type { StoreSnapshot } from '../../../proto/types.js';
import { makeCluster, makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';

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
