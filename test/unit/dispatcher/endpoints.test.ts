import test from 'ava';
import type * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../../lib/log.js';
import { Dispatcher } from '../../../manager/dispatcher/dispatcher.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { EndpointTable } from '../../../proto/gen/flotilla/EndpointTable.js';
import type { SessionMessageInput } from '../../../proto/gen/flotilla/SessionMessage.js';
import type { SessionRequest } from '../../../proto/gen/flotilla/SessionRequest.js';
import type { Task } from '../../../proto/types.js';
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
  const dispatcher = new Dispatcher(store, silentLogger(), () => 60_000);
  runLoop(t, dispatcher);
  const stream = new FakeStream<SessionRequest, SessionMessageInput>({
    nodeId: node.id,
    description: null,
    addr: '',
  });
  dispatcher.session(stream as unknown as grpc.ServerWritableStream<SessionRequest, SessionMessageInput>);
  await eventually(() => stream.writes.length > 0);
  const tables = () =>
    stream.writes.flatMap((w, i) => (w.endpoints ? [{ i, t: w.endpoints as EndpointTable }] : []));
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
