import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { ControlApi } from '../../../manager/api/control.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { PortConfig } from '../../../proto/gen/flotilla/PortConfig.js';
import type { ServiceSpec } from '../../../proto/types.js';
import { makeSpec } from '../helpers.js';

const tcp = (publishedPort: number, targetPort = 80, mode: PortConfig['mode'] = 'INGRESS'): PortConfig => ({
  publishedPort,
  targetPort,
  protocol: 'TCP',
  mode,
});

function published(name: string, ...ports: PortConfig[]): ServiceSpec {
  return makeSpec({
    name,
    endpoint: { ports, lb: 'ROUND_ROBIN', proxyProtocol: false, mesh: 'MESH_AUTO' as const },
  });
}

async function api() {
  return new ControlApi(await MemoryStore.open());
}

test('an explicit published port is reserved as asked', async (t) => {
  const s = await (await api()).createService(published('web', tcp(8080)));
  t.deepEqual(s.endpoint?.ports, [tcp(8080)]);
});

test('a port left out comes from 30000-32767, and each service gets its own', async (t) => {
  const a = await api();
  const web = await a.createService(published('web', tcp(0)));
  const api2 = await a.createService(published('api', tcp(0)));
  t.is(web.endpoint?.ports[0]?.publishedPort, 30000);
  t.is(api2.endpoint?.ports[0]?.publishedPort, 30001);
});

test('a taken port is refused naming the port and its holder; nothing written', async (t) => {
  const a = await api();
  await a.createService(published('web', tcp(8080)));
  const err = await t.throwsAsync(a.createService(published('other', tcp(8080, 81))));
  t.true(isFlotillaError(err, 'CONFLICT'));
  t.regex(err?.message ?? '', /published port 8080\/tcp is already in use by service "web"/);
  t.is(a.listServices().services.length, 1);
});

test('the same number over udp is another port', async (t) => {
  const a = await api();
  await a.createService(published('web', tcp(8080)));
  const dns = await a.createService(published('dns', { ...tcp(8080), protocol: 'UDP' }));
  t.is(dns.endpoint?.ports[0]?.publishedPort, 8080);
});

test('host-mode services may share a port; ingress may not share with host mode', async (t) => {
  const a = await api();
  await a.createService(published('h1', tcp(9000, 80, 'HOST')));
  await t.notThrowsAsync(a.createService(published('h2', tcp(9000, 80, 'HOST'))));
  const err = await t.throwsAsync(a.createService(published('i', tcp(9000))));
  t.regex(err?.message ?? '', /9000\/tcp is already in use by service "h[12]"/);
});

test('removing a service frees its ports', async (t) => {
  const a = await api();
  await a.createService(published('web', tcp(8080)));
  await a.removeService('web');
  await t.notThrowsAsync(a.createService(published('next', tcp(8080))));
});

test('an update keeps an allocated port, frees removed ones and refuses taken ones', async (t) => {
  const a = await api();
  const web = await a.createService(published('web', tcp(0), tcp(8080, 81)));
  await a.createService(published('db', tcp(5432)));
  const kept = await a.updateService(web.id, 0, published('web', tcp(0)));
  t.deepEqual(kept.endpoint?.ports, [tcp(30000)]);
  t.is(kept.specVersion, web.specVersion + 1, 'tasks carry their ports: a port change needs new tasks');
  await t.notThrowsAsync(a.createService(published('other', tcp(8080))));
  const err = await t.throwsAsync(a.updateService(web.id, 0, published('web', tcp(0), tcp(5432))));
  t.regex(err?.message ?? '', /5432\/tcp is already in use by service "db"/);
  t.deepEqual(a.getService('web').endpoint?.ports, [tcp(30000)]);
});

const bad: [string, PortConfig[], RegExp][] = [
  ['target 0', [tcp(8080, 0)], /invalid target port \(--publish target=\)/],
  ['published 70000', [tcp(70000)], /invalid published port/],
  ['a port twice', [tcp(8080), tcp(8080, 81)], /invalid published ports \(--publish\).*8080\/tcp/],
];
for (const [name, ports, message] of bad) {
  test(`a spec with ${name} is refused naming the field`, async (t) => {
    const err = await t.throwsAsync((await api()).createService(published('web', ...ports)));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', message);
  });
}
