/**
 * The callers' subjects cached by certificate and by connection: the parse happens once per
 * certificate, the read once per connection, and whether the holder is still welcome is
 * checked on every call.
 */
import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { FlotillaError } from '../../../lib/errors.js';
import type { ControlHandlers } from '../../../proto/gen/flotilla/Control.js';
import { wire } from '../../../proto/load.js';
import { call, connect, createServer, listen, serve, shutdown, unary } from '../../../proto/rpc.js';
import { callerSubjects, LruMap } from '../../../proto/tls.js';
import { testCredentials } from '../../fixtures/tls.js';

test('the map forgets the entry least recently used', (t) => {
  const m = new LruMap<string, number>(2);
  m.set('a', 1);
  m.set('b', 2);
  t.is(m.get('a'), 1);
  m.set('c', 3);
  t.is(m.size, 2);
  t.is(m.get('b'), undefined);
  t.is(m.get('a'), 1);
  t.is(m.get('c'), 3);
});

test("a caller's certificate is read once; a node removed after that is still refused", async (t) => {
  const server = createServer(await testCredentials('manager', 'm1'));
  const removed = new Set<string>();
  const handlers = {
    GetJoinTokens: (
      c: Parameters<ControlHandlers['GetJoinTokens']>[0],
      cb: Parameters<ControlHandlers['GetJoinTokens']>[1],
    ) => unary(async () => ({ tokens: { worker: 'w', manager: 'm' } }))(c, cb),
  };
  serve(server, wire.flotilla.Control.service, handlers, {
    allow: ['admin'],
    revoked: (id: string) => removed.has(id),
  });
  const port = await listen(server, '127.0.0.1:0');
  t.teardown(() => shutdown(server, 100));

  const creds = await testCredentials('admin', 'cached-admin');
  const fingerprint = new X509Certificate(creds.material.cert!).fingerprint256;
  const client = connect(wire.flotilla.Control, `127.0.0.1:${port}`, creds);
  t.teardown(() => client.close());
  await call(client, client.GetJoinTokens, {});
  t.like(callerSubjects.get(fingerprint), { id: 'cached-admin', role: 'admin' });
  const size = callerSubjects.size;
  await call(client, client.GetJoinTokens, {});
  t.is(callerSubjects.size, size);

  removed.add('cached-admin');
  const err = await t.throwsAsync(call(client, client.GetJoinTokens, {}));
  t.is((err as FlotillaError).code, 'NODE_REMOVED');
});

test.serial('callers on their own connections are told apart, call after call', async (t) => {
  const server = createServer(await testCredentials('manager', 'm1'));
  const handlers = {
    GetJoinTokens: (
      c: Parameters<ControlHandlers['GetJoinTokens']>[0],
      cb: Parameters<ControlHandlers['GetJoinTokens']>[1],
    ) => unary(async () => ({ tokens: { worker: 'w', manager: 'm' } }))(c, cb),
  };
  serve(server, wire.flotilla.Control.service, handlers, { allow: ['admin'] });
  const port = await listen(server, '127.0.0.1:0');
  t.teardown(() => shutdown(server, 100));

  const admin = connect(wire.flotilla.Control, `127.0.0.1:${port}`, await testCredentials('admin', 'a1'));
  const worker = connect(wire.flotilla.Control, `127.0.0.1:${port}`, await testCredentials('worker', 'w1'));
  t.teardown(() => {
    admin.close();
    worker.close();
  });
  for (let i = 0; i < 3; i++) {
    await call(admin, admin.GetJoinTokens, {});
    const err = await t.throwsAsync(call(worker, worker.GetJoinTokens, {}));
    t.is((err as FlotillaError).code, 'PERMISSION_DENIED');
  }
});
