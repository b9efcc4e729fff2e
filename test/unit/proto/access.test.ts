/**
 * serve()'s access rules over real sockets: the local socket, callers without a
 * certificate, certificates of each role, removed nodes, and requests over the size limit,
 * each refused before the handler runs, with the caller's identity handed to the handler.
 */
import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlotillaError, type ErrorCode } from '../../../lib/errors.js';
import type { ControlClient, ControlHandlers } from '../../../proto/gen/flotilla/Control.js';
import { wire } from '../../../proto/load.js';
import { call, callerOf, connect, createServer, listen, serve, shutdown, unary } from '../../../proto/rpc.js';
import { TlsCredentials } from '../../../proto/tls.js';
import { testCa, testCredentials } from '../../fixtures/tls.js';

const handled: string[] = [];

/** A Control service whose GetJoinTokens answers with who called, on a TLS port and a local socket. */
async function server(t: import('ava').ExecutionContext) {
  const tcp = createServer(await testCredentials('manager', 'm1'));
  const local = createServer('local');
  const handlers = {
    GetJoinTokens: (
      c: Parameters<ControlHandlers['GetJoinTokens']>[0],
      cb: Parameters<ControlHandlers['GetJoinTokens']>[1],
    ) =>
      unary(async () => {
        const caller = callerOf(c);
        handled.push(caller.kind === 'certified' ? `${caller.role}:${caller.id}` : caller.kind);
        return { tokens: { worker: 'w', manager: 'm' } };
      })(c, cb),
  };
  const access = { allow: ['local', 'admin'] as const, revoked: (id: string) => id === 'gone' };
  serve(tcp, wire.flotilla.Control.service, handlers, access);
  serve(local, wire.flotilla.Control.service, handlers, access);
  const port = await listen(tcp, '127.0.0.1:0');
  const socket = join(await mkdtemp(join(tmpdir(), 'flotilla-access-')), 'cluster.sock');
  await listen(local, `unix:${socket}`);
  t.teardown(() => Promise.all([shutdown(tcp, 100), shutdown(local, 100)]).then(() => undefined));
  return { addr: `127.0.0.1:${port}`, socket };
}

async function outcome(client: ControlClient): Promise<string> {
  try {
    await call(client, client.GetJoinTokens, {}, 5_000);
    return 'ok';
  } catch (err) {
    return err instanceof FlotillaError ? (err.code as ErrorCode) : String(err);
  } finally {
    client.close();
  }
}

test('each caller is let through or refused by its certificate, before the handler runs', async (t) => {
  const { addr, socket } = await server(t);
  const Control = wire.flotilla.Control;
  const ca = (await testCa()).cert;
  handled.length = 0;
  t.is(await outcome(connect(Control, `unix:${socket}`)), 'ok');
  t.is(await outcome(connect(Control, addr, await testCredentials('admin', 'a1'))), 'ok');
  t.is(await outcome(connect(Control, addr, new TlsCredentials({ ca }))), 'UNAUTHENTICATED');
  t.is(await outcome(connect(Control, addr, await testCredentials('worker', 'w1'))), 'PERMISSION_DENIED');
  t.is(await outcome(connect(Control, addr, await testCredentials('admin', 'gone'))), 'NODE_REMOVED');
  // Another CA's certificate: refused (the server is not of its cluster, and would not trust it).
  const foreign = await testCredentials('admin', 'x', { clusterId: 'elsewhere' });
  t.not(await outcome(connect(Control, addr, new TlsCredentials({ ...foreign.material, ca }))), 'ok');
  t.deepEqual(handled, ['local', 'admin:a1']);
});

test('a request over the limit is refused naming its size and the limit', async (t) => {
  const { addr } = await server(t);
  const client = connect(wire.flotilla.Control, addr, await testCredentials('admin', 'a1'));
  t.teardown(() => client.close());
  const err = await t.throwsAsync(
    call(client, client.CreateService, {
      spec: { name: 'x', labels: { big: 'z'.repeat(4.5 * 1024 * 1024) } },
    }),
  );
  t.is((err as FlotillaError).code, 'RESOURCE_EXHAUSTED');
  t.regex(err!.message, /the request is 4\.5 MiB; the limit is 4\.0 MiB/);
});

test('plain text is only for the local socket', async (t) => {
  const local = createServer('local');
  await t.throwsAsync(listen(local, '127.0.0.1:0'), { message: /plain text is only for the local socket/ });
  t.throws(() => connect(wire.flotilla.Control, '127.0.0.1:1'), { message: /no TLS credentials/ });
});
