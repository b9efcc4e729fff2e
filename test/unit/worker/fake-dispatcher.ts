/** A dispatcher for agent tests: each Session goes to `session`; heartbeats to `heartbeat`, if given. */
import * as grpc from '@grpc/grpc-js';
import type { DispatcherHandlers } from '../../../proto/gen/flotilla/Dispatcher.js';
import { wire } from '../../../proto/load.js';
import { createServer, listen, serve, shutdown } from '../../../proto/rpc.js';
import { testCredentials } from '../../fixtures/tls.js';

export async function fakeDispatcher(
  session: (call: grpc.ServerWritableStream<unknown, unknown>) => void,
  heartbeat?: DispatcherHandlers['Heartbeat'],
) {
  const server = createServer(await testCredentials('manager', 'm1'));
  const seen = { sessions: 0 };
  const unimplemented = (_: unknown, cb: grpc.sendUnaryData<never>) =>
    cb({ code: grpc.status.UNIMPLEMENTED, details: 'not in this test' });
  const handlers: DispatcherHandlers = {
    Session: (call) => {
      seen.sessions++;
      session(call as grpc.ServerWritableStream<unknown, unknown>);
    },
    Heartbeat: heartbeat ?? unimplemented,
    UpdateTaskStatus: unimplemented,
  };
  serve(server, wire.flotilla.Dispatcher.service, handlers, { allow: ['manager', 'worker'] });
  const port = await listen(server, '127.0.0.1:0');
  return { addr: `127.0.0.1:${port}`, seen, close: () => shutdown(server, 1_000) };
}
