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

/**
 * Hands each state of the service to `onState` (the first at once, then one after each
 * change) until it returns a result, which this resolves with; rejects when the watch fails.
 */
export function watchService<R>(
  client: ControlClient,
  serviceId: string,
  onState: (state: WatchedService) => R | undefined,
): Promise<R> {
  const addr = addressOf(client);
  return new Promise((resolve, reject) => {
    let over = false;
    const finish = (end: () => void) => {
      if (over) return;
      over = true;
      stream.cancel();
      end();
    };
    const stream = client.WatchService({ service: serviceId });
    stream.on('data', ({ service, tasks, desiredTasks }: ServiceState) => {
      if (over || !service) return;
      let result: R | undefined;
      try {
        result = onState({ service, tasks, desiredTasks });
      } catch (err) {
        finish(() => reject(err));
        return;
      }
      if (result !== undefined) finish(() => resolve(result));
    });
    stream.on('error', (err: grpc.ServiceError) => finish(() => reject(fromServiceError(err, addr))));
    stream.on('end', () =>
      finish(() =>
        reject(new FlotillaError('UNAVAILABLE', `${addr} ended the watch of the service before it settled`)),
      ),
    );
  });
}
