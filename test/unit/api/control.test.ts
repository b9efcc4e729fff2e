import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { ControlApi } from '../../../manager/api/control.js';
import { validateServiceSpec } from '../../../manager/api/validate.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { ServiceSpec } from '../../../proto/types.js';
import { makeNode, makeService, makeStatus, makeSpec, makeTask } from '../helpers.js';

function specWith(change: (s: ServiceSpec) => void, replicas = 1): ServiceSpec {
  const spec = makeSpec({ name: 'web' }, replicas);
  change(spec);
  return spec;
}

const badSpecs: [string, ServiceSpec | null, RegExp][] = [
  ['no spec', null, /invalid spec/],
  ['empty name', specWith((s) => (s.name = '')), /invalid name \(--name\)/],
  ['a name with a space', specWith((s) => (s.name = 'my web')), /invalid name \(--name\).*"my web"/],
  ['a name with a slash', specWith((s) => (s.name = 'a/b')), /invalid name \(--name\)/],
  ['a name starting with "-"', specWith((s) => (s.name = '-web')), /invalid name \(--name\)/],
  ['a name of 64 characters', specWith((s) => (s.name = 'a'.repeat(64))), /invalid name \(--name\)/],
  ['global mode', specWith((s) => (s.mode = 'global')), /invalid mode \(--mode\)/],
  [
    'negative replicas',
    specWith((s) => (s.replicated = { replicas: -1 })),
    /invalid replicas \(--replicas\)/,
  ],
  ['fractional replicas', specWith((s) => (s.replicated = { replicas: 1.5 })), /invalid replicas/],
  ['missing image', specWith((s) => (s.task!.container!.image = '')), /invalid image/],
  ['missing container', specWith((s) => (s.task = { ...s.task!, container: null })), /invalid image/],
  [
    'host without a command',
    specWith((s) => (s.task!.container = { ...s.task!.container!, command: [], args: [] })),
    /invalid command.*"host"/,
  ],
  ['env without "="', specWith((s) => (s.task!.container!.env = ['FOO'])), /invalid env \(--env\).*"FOO"/],
  ['env with an empty key', specWith((s) => (s.task!.container!.env = ['=1'])), /invalid env \(--env\)/],
  ['env with a space in the key', specWith((s) => (s.task!.container!.env = ['A B=1'])), /invalid env/],
  ['bad stop signal', specWith((s) => (s.task!.container!.stopSignal = 'TERM')), /invalid stop signal/],
  [
    'negative stop grace period',
    specWith((s) => (s.task!.container!.stopGracePeriodMs = -1)),
    /invalid stop grace period \(--stop-grace-period\)/,
  ],
  ['negative restart delay', specWith((s) => (s.task!.restart!.delayMs = -5)), /--restart-delay/],
  ['negative restart window', specWith((s) => (s.task!.restart!.windowMs = -5)), /--restart-window/],
  [
    'negative restart attempts',
    specWith((s) => (s.task!.restart!.maxAttempts = -1)),
    /--restart-max-attempts/,
  ],
  [
    'an affinity on a node label',
    specWith((s) => (s.task!.placement!.affinities = ['node.labels.zone==a'])),
    /invalid service affinity \(--affinity\).*service\.name==NAME/,
  ],
  [
    'an anti-affinity with !=',
    specWith((s) => (s.task!.placement!.antiAffinities = ['service.name!=db'])),
    /invalid service anti-affinity \(--anti-affinity\)/,
  ],
];

for (const [name, spec, message] of badSpecs) {
  test(`create with ${name}: INVALID_ARGUMENT naming the field, nothing written`, async (t) => {
    const store = await MemoryStore.open();
    const api = new ControlApi(store);
    const err = await t.throwsAsync(api.createService(spec));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'), String(err));
    t.regex(err?.message ?? '', message);
    t.is(
      store.view((tx) => tx.index),
      0,
    );
  });
}

test('valid specs pass: an image without a command, host with args or a command', (t) => {
  t.notThrows(() => validateServiceSpec(makeSpec()));
  t.notThrows(() =>
    validateServiceSpec(
      specWith((s) => (s.task!.container = { ...s.task!.container!, image: 'busybox', args: [] })),
    ),
  );
  t.notThrows(() =>
    validateServiceSpec(
      specWith((s) => (s.task!.container = { ...s.task!.container!, command: ['sleep'], args: [] })),
    ),
  );
  t.notThrows(() => validateServiceSpec(specWith((s) => (s.task!.container!.env = ['A=', 'B=x=y']))));
  t.notThrows(() => validateServiceSpec(specWith((s) => (s.task!.container!.stopSignal = 'SIGINT'))));
  t.notThrows(() => validateServiceSpec(specWith((s) => (s.name = 'a'.repeat(63)))));
  t.notThrows(() => validateServiceSpec(specWith(() => undefined, 0)));
});

test('createService writes the service with version and specVersion 1', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const created = await api.createService(makeSpec({ name: 'web' }, 3));
  t.is(created.specVersion, 1);
  t.is(created.meta?.version, 1);
  t.is(created.spec?.replicated?.replicas, 3);
  t.is(
    store.view((tx) => tx.byName('services', 'web')?.id),
    created.id,
  );
});

test('createService with a taken name fails with ALREADY_EXISTS and writes nothing', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  await api.createService(makeSpec({ name: 'web' }));
  const err = await t.throwsAsync(api.createService(makeSpec({ name: 'web' })));
  t.true(isFlotillaError(err, 'ALREADY_EXISTS'));
  t.regex(err?.message ?? '', /"web"/);
  t.is(
    store.view((tx) => tx.all('services').length),
    1,
  );
});

test('services resolve by id, name and unique id prefix; an ambiguous prefix is an error', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const a = makeService(makeSpec({ name: 'alpha' }), 'abc111');
  const b = makeService(makeSpec({ name: 'beta' }), 'abc222');
  const c = makeService(makeSpec({ name: 'abc' }), 'zzz999');
  await store.update((tx) => {
    for (const s of [a, b, c]) tx.create('services', s);
  });
  t.is(api.getService('abc111').id, a.id);
  t.is(api.getService('beta').id, b.id);
  t.is(api.getService('abc1').id, a.id);
  t.is(api.getService('abc2').id, b.id);
  // An exact name wins over a prefix of ids.
  t.is(api.getService('abc').id, c.id);
  const ambiguous = t.throws(() => api.getService('ab'));
  t.true(isFlotillaError(ambiguous, 'INVALID_ARGUMENT'));
  t.regex(ambiguous?.message ?? '', /"ab" is ambiguous: it matches 2 services/);
  const missing = t.throws(() => api.getService('nope'));
  t.true(isFlotillaError(missing, 'NOT_FOUND'));
  const empty = t.throws(() => api.getService(''));
  t.true(isFlotillaError(empty, 'NOT_FOUND'));
});

test('nodes resolve by id, hostname and prefix', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const n1 = makeNode({ id: 'node111' });
  const n2 = makeNode({ id: 'node222' });
  n1.description!.hostname = 'alpha';
  await store.update((tx) => {
    tx.create('nodes', n1);
    tx.create('nodes', n2);
  });
  t.is(api.getNode('alpha').id, n1.id);
  t.is(api.getNode('node2').id, n2.id);
  t.true(
    isFlotillaError(
      t.throws(() => api.getNode('node')),
      'INVALID_ARGUMENT',
    ),
  );
  t.is(api.listNodes().nodes.length, 2);
});

test('updateService bumps specVersion only when the task changes; a stale version is a CONFLICT', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const created = await api.createService(makeSpec({ name: 'web' }, 1));
  const scaled = await api.updateService(created.id, created.meta!.version, makeSpec({ name: 'web' }, 4));
  t.is(scaled.specVersion, 1);
  t.is(scaled.spec?.replicated?.replicas, 4);
  t.is(scaled.previousSpec?.replicated?.replicas, 1);

  const changedTask = makeSpec({ name: 'web' }, 4);
  changedTask.task!.container!.env = ['A=1'];
  const updated = await api.updateService(created.id, scaled.meta!.version, changedTask);
  t.is(updated.specVersion, 2);

  const index = store.view((tx) => tx.index);
  const err = await t.throwsAsync(
    api.updateService(created.id, created.meta!.version, makeSpec({ name: 'web' }, 9)),
  );
  t.true(isFlotillaError(err, 'CONFLICT'));
  t.regex(err?.message ?? '', /changed since it was read/);
  t.is(
    store.view((tx) => tx.index),
    index,
  );
  t.is(
    store.view((tx) => tx.get('services', created.id)?.spec?.replicated?.replicas),
    4,
  );

  const bad = await t.throwsAsync(
    api.updateService(created.id, updated.meta!.version, makeSpec({ name: '' })),
  );
  t.true(isFlotillaError(bad, 'INVALID_ARGUMENT'));
  const gone = await t.throwsAsync(api.updateService('nope', 0, makeSpec()));
  t.true(isFlotillaError(gone, 'NOT_FOUND'));
});

test('renaming a service into a taken name fails with ALREADY_EXISTS', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  await api.createService(makeSpec({ name: 'web' }));
  const api2 = await api.createService(makeSpec({ name: 'api' }));
  const err = await t.throwsAsync(api.updateService(api2.id, api2.meta!.version, makeSpec({ name: 'web' })));
  t.true(isFlotillaError(err, 'ALREADY_EXISTS'));
});

test('removeService by name; listServices and listTasks', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  const node = makeNode();
  const web = await api.createService(makeSpec({ name: 'web' }, 2));
  const db = await api.createService(makeSpec({ name: 'db' }, 1));
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('tasks', {
      ...makeTask(web, { slot: 1, nodeId: node.id }),
      status: makeStatus('RUNNING', { timestamp: 1 }),
    });
    tx.create('tasks', makeTask(web, { slot: 2 }));
    tx.create('tasks', makeTask(db, { slot: 1 }));
  });
  const summary = api.listServices().services.find((s) => s.service?.id === web.id);
  t.is(summary?.runningTasks, 1);
  t.is(summary?.desiredTasks, 2);

  const { tasks, nodes } = api.listTasks({ services: ['web'], nodes: [], limit: 0, pageToken: '' });
  t.is(tasks.length, 2);
  t.deepEqual(
    nodes.map((n) => n.id),
    [node.id],
  );
  t.is(api.listTasks({ services: [], nodes: [node.id], limit: 0, pageToken: '' }).tasks.length, 1);
  t.is(api.listTasks({ services: [], nodes: [], limit: 0, pageToken: '' }).tasks.length, 3);
  t.true(
    isFlotillaError(
      t.throws(() => api.listTasks({ services: ['nope'], nodes: [], limit: 0, pageToken: '' })),
      'NOT_FOUND',
    ),
  );

  await api.removeService('db');
  t.is(
    store.view((tx) => tx.get('services', db.id)),
    undefined,
  );
  await t.throwsAsync(api.removeService('db'), { message: /not found/ });
});
