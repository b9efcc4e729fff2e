import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { newKey } from '../../../lib/seal.js';
import {
  Keyring,
  newDataKey,
  parseUnlockKey,
  resealed,
  unlockKeyText,
} from '../../../manager/keys/keyring.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { DataKey } from '../../../proto/types.js';
import { makeCluster } from '../helpers.js';

async function clusterWith(dataKey: DataKey) {
  const store = await MemoryStore.open();
  await store.update((tx) => tx.create('clusters', makeCluster({ dataKey })));
  return store;
}

test('a value sealed for one object opens for it alone, with the data key the cluster holds', async (t) => {
  const kek = newKey();
  const store = await clusterWith(newDataKey(kek, false));
  const keys = new Keyring(kek);
  const sealed = store.view((tx) => keys.sealValue(tx, 'secrets', 's1', Buffer.from('pw')));
  t.is(store.view((tx) => keys.openValue(tx, 'secrets', 's1', sealed)).toString(), 'pw');
  t.true(
    isFlotillaError(
      t.throws(() => store.view((tx) => keys.openValue(tx, 'secrets', 's2', sealed))),
      'CORRUPT',
    ),
  );
});

test('after a rotation both the new and the old key open the data key; others and none do not', async (t) => {
  const oldKek = newKey();
  const first = newDataKey(oldKek, true);
  const store = await clusterWith(first);
  const sealed = store.view((tx) => new Keyring(oldKek).sealValue(tx, 'configs', 'c1', Buffer.from('v')));
  const dataKey = store.view((tx) => new Keyring(oldKek).dataKey(tx));
  const newKek = newKey();
  await store.update((tx) => {
    const cluster = tx.get('clusters', 'c')!;
    tx.update('clusters', { ...cluster, dataKey: resealed(first, dataKey, newKek) });
  });
  for (const kek of [oldKek, newKek]) {
    t.is(store.view((tx) => new Keyring(kek).openValue(tx, 'configs', 'c1', sealed)).toString(), 'v');
  }
  const refused = (keys: Keyring) =>
    t.true(
      isFlotillaError(
        t.throws(() => store.view((tx) => keys.dataKey(tx))),
        'UNAVAILABLE',
      ),
    );
  refused(new Keyring(newKey()));
  refused(new Keyring());
});

test('the unlock key reads back as the key it shows, and anything else is refused naming it', (t) => {
  const kek = newKey();
  t.deepEqual(parseUnlockKey(` ${unlockKeyText(kek)}\n`), kek);
  for (const bad of ['', 'FLKEY-1-short', kek.toString('base64url')]) {
    t.regex(t.throws(() => parseUnlockKey(bad))?.message ?? '', /invalid unlock key: expected FLKEY-1-/);
  }
});
