import test, { type ExecutionContext } from 'ava';
import type * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../../lib/log.js';
import { Dispatcher } from '../../../manager/dispatcher/dispatcher.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { EndpointChanges } from '../../../proto/gen/flotilla/EndpointChanges.js';
import type { SessionMessageInput } from '../../../proto/gen/flotilla/SessionMessage.js';
import type { SessionRequest } from '../../../proto/gen/flotilla/SessionRequest.js';
import type { Task } from '../../../proto/types.js';
import { EndpointView } from '../../../worker/endpoint-view.js';
import {
  eventually,
  FakeStream,
  makeNode,
  makeService,
  makeStatus,
  makeSpec,
  makeTask,
  runLoop,
} from '../helpers.js';

const endpoint = {
  ports: [{ publishedPort: 8080, targetPort: 80, protocol: 'TCP' as const, mode: 'INGRESS' as const }],
};

function running(addr: string): Task['status'] {
  return makeStatus('RUNNING', { addresses: { ports: [{ targetPort: 80, protocol: 'TCP', addr }] } });
}

/** A dispatcher on `store` running for the test, and the session stream of node `nodeId`. */
function openSession(t: ExecutionContext, store: MemoryStore, nodeId: string) {
  const dispatcher = new Dispatcher(store, silentLogger(), () => 60_000);
  runLoop(t, dispatcher);
  const stream = new FakeStream<SessionRequest, SessionMessageInput>({ nodeId, description: null, addr: '' });
  dispatcher.session(stream as unknown as grpc.ServerWritableStream<SessionRequest, SessionMessageInput>);
  return stream;
}

test('every session gets the running tasks of published services; a task told to stop leaves before its node hears', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode();
  const web = makeService(makeSpec({ name: 'web' }));
  web.endpoint = endpoint;
  const quiet = makeService(makeSpec({ name: 'quiet' }));
  const a = makeTask(web, { slot: 1, nodeId: node.id, endpoint, status: running('127.0.0.2:40001') });
  const b = makeTask(web, { slot: 2, nodeId: 'elsewhere', endpoint, status: running('127.0.0.3:40002') });
  const starting = makeTask(web, { slot: 3, nodeId: node.id, endpoint });
  await store.update((tx) => {
    tx.create('nodes', node);
    for (const s of [web, quiet]) tx.create('services', s);
    for (const x of [a, b, starting]) tx.create('tasks', x);
  });
  const stream = openSession(t, store, node.id);
  await eventually(() => stream.writes.length > 0);
  // The tables the node builds from what it was sent, and at which message each.
  const tables = () => {
    const view = new EndpointView();
    return stream.writes.flatMap((w, i) =>
      w.endpoints ? [{ i, t: (view.apply(w.endpoints as EndpointChanges), view.table()) }] : [],
    );
  };
  const first = tables()[0]?.t;
  t.deepEqual(
    first?.services.map((s) => s.serviceName),
    ['web'],
    'services without published ports are left out',
  );
  t.deepEqual(first?.services[0]?.tasks.map((x) => x.ports[0]?.addr).sort(), [
    '127.0.0.2:40001',
    '127.0.0.3:40002',
  ]);

  await store.update((tx) => tx.update('tasks', { ...tx.get('tasks', a.id)!, desiredState: 'SHUTDOWN' }));
  const stopped = (w: SessionMessageInput) =>
    w.assignments?.tasks?.some((x) => x.id === a.id && x.desiredState === 'SHUTDOWN');
  await eventually(() => stream.writes.some(stopped));
  const shutdownAt = stream.writes.findIndex(stopped);
  const left = tables().find(({ t: table }) => table.services[0]?.tasks.length === 1);
  t.truthy(left, 'a table without the stopping task was sent');
  t.true(left!.i < shutdownAt, 'before the node was told to stop it');
  t.is(left!.t.services[0]?.tasks[0]?.taskId, b.id);
});

test('after the whole table, a session gets only what changed: the new entry of a service, or its removal', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode();
  const [web, api] = ['web', 'api'].map((name) => ({ ...makeService(makeSpec({ name })), endpoint }));
  const a = makeTask(web!, { slot: 1, nodeId: node.id, endpoint, status: running('127.0.0.2:40001') });
  const b = makeTask(api!, { slot: 1, nodeId: node.id, endpoint, status: running('127.0.0.2:40002') });
  await store.update((tx) => {
    tx.create('nodes', node);
    for (const s of [web!, api!]) tx.create('services', s);
    for (const x of [a, b]) tx.create('tasks', x);
  });
  const stream = openSession(t, store, node.id);
  const sent = () => stream.writes.flatMap((w) => (w.endpoints ? [w.endpoints as EndpointChanges] : []));
  await eventually(() => sent().length === 1);
  t.like(sent()[0], { full: true, removedServiceIds: [] });
  t.deepEqual(
    sent()[0]
      ?.services.map((s) => s.serviceName)
      .sort(),
    ['api', 'web'],
  );

  await store.update((tx) => tx.update('tasks', { ...tx.get('tasks', a.id)!, desiredState: 'SHUTDOWN' }));
  await eventually(() => sent().length === 2);
  t.like(sent()[1], { full: false, removedServiceIds: [] });
  t.deepEqual(
    sent()[1]?.services.map((s) => [s.serviceName, s.tasks.length]),
    [['web', 0]],
    'api did not change, so it is not sent again',
  );

  await store.update((tx) => tx.delete('services', api!.id));
  await eventually(() => sent().length === 3);
  t.like(sent()[2], { full: false, services: [], removedServiceIds: [api!.id] });
});
