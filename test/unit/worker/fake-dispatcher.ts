/**
 * A dispatcher for agent tests: each Session goes to `session`; each heartbeat to `heartbeat`,
 * if given, whose answer is written back, whose error ends the stream of beats, and which may
 * leave a beat unanswered (undefined).
 */
import * as grpc from '@grpc/grpc-js';
import type { FlotillaError } from '../../../lib/errors.js';
import type { DispatcherHandlers } from '../../../proto/gen/flotilla/Dispatcher.js';
import type { HeartbeatRequest } from '../../../proto/gen/flotilla/HeartbeatRequest.js';
import type { HeartbeatResponseInput } from '../../../proto/gen/flotilla/HeartbeatResponse.js';
import { wire } from '../../../proto/load.js';
import { createServer, listen, serve, shutdown, toServiceError } from '../../../proto/rpc.js';
import { testCredentials } from '../../fixtures/tls.js';

export async function fakeDispatcher(
  session: (call: grpc.ServerWritableStream<unknown, unknown>) => void,
  heartbeat?: (req: HeartbeatRequest) => HeartbeatResponseInput | FlotillaError | undefined,
) {
  const server = createServer(await testCredentials('manager', 'm1'));
  /** Sessions opened, and streams of beats. */
  const seen = { sessions: 0, beatStreams: 0 };
  const unimplemented = { code: grpc.status.UNIMPLEMENTED, details: 'not in this test' };
  const handlers: DispatcherHandlers = {
    Session: (call) => {
      seen.sessions++;
      session(call as grpc.ServerWritableStream<unknown, unknown>);
    },
    Beats: (call) => {
      seen.beatStreams++;
      call.on('data', (req: HeartbeatRequest) => {
        const res = heartbeat ? heartbeat(req) : unimplemented;
        if (res && 'code' in res) {
          call.removeAllListeners('data');
          call.emit('error', res === unimplemented ? res : toServiceError(res));
        } else if (res) call.write(res);
      });
      call.on('end', () => call.end());
    },
    UpdateTaskStatus: (_call, cb) => cb(unimplemented),
  };
  serve(server, wire.flotilla.Dispatcher.service, handlers, { allow: ['manager', 'worker'] });
  const port = await listen(server, '127.0.0.1:0');
  return { addr: `127.0.0.1:${port}`, seen, close: () => shutdown(server, 1_000) };
}
