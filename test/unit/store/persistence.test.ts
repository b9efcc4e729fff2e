import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isFlotillaError } from '../../../lib/errors.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { makeNode, makeService, makeSpec, makeTask, tempDir } from '../helpers.js';

test('updates survive a reopen from the file, and the index goes on from there', async (t) => {
  const path = join(await tempDir(t), 'state', 'store.bin');
  const store = await MemoryStore.open(path);
  const node = makeNode();
  const service = makeService(makeSpec({ name: 'web' }, 3));
  const task = makeTask(service, { nodeId: node.id, slot: 2 });
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', service);
  });
  await store.update((tx) => tx.create('tasks', task));
  await store.update((tx) => tx.update('tasks', { ...tx.get('tasks', task.id)!, desiredState: 'SHUTDOWN' }));
  await store.close();

  const reopened = await MemoryStore.open(path);
  t.is(
    reopened.view((tx) => tx.index),
    3,
  );
  t.deepEqual(reopened.snapshot(), store.snapshot());
  t.is(
    reopened.view((tx) => tx.serviceByName('web')?.id),
    service.id,
  );
  t.deepEqual(
    reopened.view((tx) => tx.tasksByNode(node.id).map((x) => [x.id, x.slot, x.desiredState])),
    [[task.id, 2, 'SHUTDOWN']],
  );
  t.is(
    reopened.view((tx) => tx.tasksByService(service.id).length),
    1,
  );
  // Restored objects are frozen as well.
  t.throws(() => {
    (reopened.view((tx) => tx.get('nodes', node.id)) as { role: string }).role = 'MANAGER';
  });

  await reopened.update((tx) => tx.delete('tasks', task.id));
  t.is(
    reopened.view((tx) => tx.index),
    4,
  );
  await reopened.close();
  const again = await MemoryStore.open(path);
  t.is(
    again.view((tx) => tx.get('tasks', task.id)),
    undefined,
  );
  t.is(
    again.view((tx) => tx.index),
    4,
  );
});

test('many concurrent updates are all durable when they resolve', async (t) => {
  const path = join(await tempDir(t), 'store.bin');
  const store = await MemoryStore.open(path);
  const nodes = Array.from({ length: 50 }, () => makeNode());
  await Promise.all(nodes.map((n) => store.update((tx) => tx.create('nodes', n))));
  const reopened = await MemoryStore.open(path);
  t.is(
    reopened.view((tx) => tx.all('nodes').length),
    50,
  );
  t.is(
    reopened.view((tx) => tx.index),
    50,
  );
  await store.close();
});

test('a leftover temporary file from a crash mid-write is ignored', async (t) => {
  const path = join(await tempDir(t), 'store.bin');
  const store = await MemoryStore.open(path);
  const node = makeNode();
  await store.update((tx) => tx.create('nodes', node));
  await store.close();
  const good = await readFile(path);
  // A crash while writing the next state: a partial, garbled temporary file is left.
  await writeFile(
    `${path}.tmp`,
    Buffer.concat([good.subarray(0, Math.floor(good.length / 2)), Buffer.from([0xff, 0xff, 0xff])]),
  );

  const reopened = await MemoryStore.open(path);
  t.is(
    reopened.view((tx) => tx.get('nodes', node.id)?.id),
    node.id,
  );
  // Writing again replaces the leftover.
  await reopened.update((tx) => tx.create('nodes', makeNode()));
  await reopened.close();
  t.is(
    (await MemoryStore.open(path)).view((tx) => tx.all('nodes').length),
    2,
  );
});

test('a crash before the first write leaves no state: the store opens empty', async (t) => {
  const path = join(await tempDir(t), 'store.bin');
  await writeFile(`${path}.tmp`, Buffer.from([1, 2, 3]));
  const store = await MemoryStore.open(path);
  t.is(
    store.view((tx) => tx.index),
    0,
  );
});

for (const [name, bytes] of [
  ['garbage', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
  ['a wrong wire type', Buffer.from([0x0f, 0x01, 0x02])],
] as const) {
  test(`a corrupt file (${name}) fails to open with CORRUPT`, async (t) => {
    const path = join(await tempDir(t), 'store.bin');
    await writeFile(path, bytes);
    const err = await t.throwsAsync(MemoryStore.open(path));
    t.true(isFlotillaError(err, 'CORRUPT'), String(err));
    t.regex(err?.message ?? '', /store\.bin/);
  });
}

test('a truncated file fails to open with CORRUPT', async (t) => {
  const path = join(await tempDir(t), 'store.bin');
  const store = await MemoryStore.open(path);
  await store.update((tx) => {
    for (let i = 0; i < 5; i++) tx.create('services', makeService(makeSpec({ name: `s${i}` })));
  });
  await store.close();
  const good = await readFile(path);
  await writeFile(path, good.subarray(0, good.length - 7));
  const err = await t.throwsAsync(MemoryStore.open(path));
  t.true(isFlotillaError(err, 'CORRUPT'), String(err));
});
