import test from 'ava';
import { ControlApi } from '../../../manager/api/control.js';
import { keepSecrets, REDACTED, withoutSecrets } from '../../../manager/api/redact.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { makeSpec } from '../helpers.js';

const AUTH = Buffer.from(JSON.stringify({ username: 'u', password: 'p' })).toString('base64');

function specWithAuth(auth: string) {
  const spec = makeSpec({ name: 'private' });
  spec.task!.container = {
    ...spec.task!.container!,
    image: 'registry.local/app:1',
    command: [],
    registryAuth: auth,
  };
  return spec;
}

test('answers carry the marker in place of registry credentials, at any depth', (t) => {
  const spec = specWithAuth(AUTH);
  const answer = withoutSecrets({ services: [{ service: { spec, specHistory: [{ spec }] } }] });
  t.is(answer.services[0]!.service.spec.task!.container!.registryAuth, REDACTED);
  t.is(answer.services[0]!.service.specHistory[0]!.spec.task!.container!.registryAuth, REDACTED);
  t.is(spec.task!.container!.registryAuth, AUTH, 'the original is left alone');
  t.is(withoutSecrets(specWithAuth('')).task!.container!.registryAuth, '');
});

test('an answer without credentials comes back as it is, bytes included', (t) => {
  const plain = { tasks: [{ spec: makeSpec({ name: 'open' }).task, data: new Uint8Array([1, 2]) }] };
  t.is(withoutSecrets(plain), plain);
  const mixed = { services: [specWithAuth(AUTH), specWithAuth('')] };
  const shown = withoutSecrets(mixed);
  t.not(shown.services[0], mixed.services[0]);
  t.is(shown.services[1], mixed.services[1], 'only what leads to a credential is copied');
});

test('a spec sent back with the marker keeps the stored credentials, and no new version', async (t) => {
  const api = new ControlApi(await MemoryStore.open());
  const created = await api.createService(specWithAuth(AUTH));
  const shown = withoutSecrets(created);
  const updated = await api.updateService(created.id, 0, { ...shown.spec!, labels: { edited: '1' } });
  t.is(updated.spec?.task?.container?.registryAuth, AUTH);
  t.is(updated.specVersion, created.specVersion);
  t.is(keepSecrets(specWithAuth('new'), created.spec).task?.container?.registryAuth, 'new');
});
