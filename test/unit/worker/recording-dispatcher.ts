/** A dispatcher for agent tests that keeps the one session open for the test to write to, and records task statuses. */
import type * as grpc from '@grpc/grpc-js';
import type { ExecutionContext } from 'ava';
import type { AssignmentsInput } from '../../../proto/gen/flotilla/Assignments.js';
import type { DispatcherHandlers } from '../../../proto/gen/flotilla/Dispatcher.js';
import { wire } from '../../../proto/load.js';
import { createServer, listen, serve, shutdown } from '../../../proto/rpc.js';
import type { TaskStatus } from '../../../proto/types.js';
import type { Agent } from '../../../worker/agent.js';
import { testCredentials } from '../../fixtures/tls.js';
import { eventually } from '../helpers.js';

export async function recordingDispatcher() {
  const server = createServer(await testCredentials('manager', 'm1'));
  let session: grpc.ServerWritableStream<unknown, unknown> | undefined;
  const statuses = new Map<string, TaskStatus>();
  const handlers: DispatcherHandlers = {
    Session: (call) => {
      session = call as grpc.ServerWritableStream<unknown, unknown>;
    },
    Beats: (call) => call.on('data', () => call.write({ periodMs: 60_000 })),
    UpdateTaskStatus: (call, cb) => {
      for (const u of call.request.updates) if (u.status) statuses.set(u.taskId, u.status);
      cb(null, {});
    },
  };
  serve(server, wire.flotilla.Dispatcher.service, handlers, { allow: ['manager', 'worker'] });
  const port = await listen(server, '127.0.0.1:0');
  return {
    addr: `127.0.0.1:${port}`,
    statuses,
    opened: () => session !== undefined,
    send: (assignments: AssignmentsInput) =>
      session?.write({ sessionId: 's1', heartbeatPeriodMs: 60_000, managers: [], assignments }),
    close: () => shutdown(server, 1_000),
  };
}

/**
 * Runs `agent` until the test ends (then stops it, closes `dispatcher` and runs `after`), and
 * waits until its session is open.
 */
export async function runAgainst(
  t: ExecutionContext,
  agent: Agent,
  dispatcher: Awaited<ReturnType<typeof recordingDispatcher>>,
  after: () => Promise<unknown> = async () => undefined,
): Promise<void> {
  const stop = new AbortController();
  const running = agent.run(stop.signal);
  t.teardown(async () => {
    stop.abort();
    await running;
    await dispatcher.close();
    await after();
  });
  await eventually(dispatcher.opened);
}
