import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { ControlApi } from '../../../manager/api/control.js';
import { MAX_SPEC_BYTES } from '../../../manager/api/validate.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { codec } from '../../../proto/load.js';
import type { ServiceSpec } from '../../../proto/types.js';
import { makeSpec } from '../helpers.js';

const encodedSize = (spec: ServiceSpec) => codec<ServiceSpec>('flotilla.ServiceSpec').encode(spec).length;

/** A spec whose env takes about `bytes`, in variables of 1 KiB. */
function specWithEnv(bytes: number, name = 'web'): ServiceSpec {
  const spec = makeSpec({ name });
  spec.task!.container!.env = Array.from({ length: Math.round(bytes / 1024) }, (_, i) =>
    `V${i}=`.padEnd(1024 - 3, 'x'),
  );
  return spec;
}

test('a spec of 3 MiB is refused with INVALID_ARGUMENT naming its size and the limit; nothing is written', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const spec = specWithEnv(3 * 2 ** 20);
  t.is((encodedSize(spec) / 2 ** 20).toFixed(1), '3.0');
  const err = await t.throwsAsync(api.createService(spec));
  t.true(isFlotillaError(err, 'INVALID_ARGUMENT'), String(err));
  t.is(err?.message, 'the service spec is 3.0 MiB; the limit is 512 KiB (env, args and labels count)');
  t.is(
    store.view((tx) => tx.index),
    0,
  );
});

test('labels and args count too', async (t) => {
  const api = new ControlApi(await MemoryStore.open());
  const labelled = makeSpec();
  labelled.labels = { big: 'x'.repeat(600 * 1024) };
  await t.throwsAsync(api.createService(labelled), {
    message: /^the service spec is 600\.\d KiB; the limit/,
  });
  const args = makeSpec();
  args.task!.container!.args = ['sh', '-c', 'x'.repeat(MAX_SPEC_BYTES)];
  await t.throwsAsync(api.createService(args), { message: /^the service spec is 512\.\d KiB; the limit/ });
});

test('a spec just under the limit is taken; an update past it is refused and the service keeps its spec', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const spec = specWithEnv(500 * 1024);
  t.true(encodedSize(spec) < MAX_SPEC_BYTES);
  const created = await api.createService(spec);
  const index = store.view((tx) => tx.index);
  const err = await t.throwsAsync(
    api.updateService(created.id, created.meta!.version, specWithEnv(600 * 1024)),
  );
  t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
  t.regex(err?.message ?? '', /^the service spec is 600\.\d KiB; the limit is 512 KiB/);
  t.is(
    store.view((tx) => tx.index),
    index,
  );
  t.deepEqual(api.getService(created.id).spec, spec);
});
