/** Following one service through the WatchService stream, for the commands that wait on it. */
import type * as grpc from '@grpc/grpc-js';
import { FlotillaError } from '../lib/errors.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import type { ServiceState } from '../proto/gen/flotilla/ServiceState.js';
import { addressOf, fromServiceError } from '../proto/rpc.js';
import type { Service, Task } from '../proto/types.js';

export interface WatchedService {
  service: Service;
  tasks: Task[];
  desiredTasks: number;
}

/** The time, and timers: the system's, or a fake one in tests. */
export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns what cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * Asks for the last state to be handed to `onState` again after `ms`, unless a newer one
 * comes first: for a result that only time can give (tasks that have stayed running).
 */
export type Recheck = (ms: number) => void;

/**
 * Hands each state of the service to `onState` (the first at once, then one after each
 * change, or again when it asked for a recheck) until it returns a result, which this
 * resolves with; rejects when the watch fails.
 */
export function watchService<R>(
  client: ControlClient,
  serviceId: string,
  onState: (state: WatchedService, recheck: Recheck) => R | undefined,
  clock: Clock = SYSTEM_CLOCK,
): Promise<R> {
  const addr = addressOf(client);
  return new Promise((resolve, reject) => {
    let over = false;
    let cancelRecheck = () => {};
    const finish = (end: () => void) => {
      if (over) return;
      over = true;
      cancelRecheck();
      stream.cancel();
      end();
    };
    const handle = (state: WatchedService) => {
      cancelRecheck();
      if (over) return;
      let result: R | undefined;
      try {
        result = onState(state, (ms) => (cancelRecheck = clock.after(ms, () => handle(state))));
      } catch (err) {
        finish(() => reject(err));
        return;
      }
      if (result !== undefined) finish(() => resolve(result));
    };
    const stream = client.WatchService({ service: serviceId });
    stream.on('data', ({ service, tasks, desiredTasks }: ServiceState) => {
      if (service) handle({ service, tasks, desiredTasks });
    });
    stream.on('error', (err: grpc.ServiceError) => finish(() => reject(fromServiceError(err, addr))));
    stream.on('end', () =>
      finish(() =>
        reject(new FlotillaError('UNAVAILABLE', `${addr} ended the watch of the service before it settled`)),
      ),
    );
  });
}
