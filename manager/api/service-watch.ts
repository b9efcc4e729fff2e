/**
 * WatchService: a service and its tasks as they are, then again after each change to either,
 * from this manager's copy of the store (made current by a read barrier first). Changes that
 * come close together, as a rolling update's do, go out as one state; a client that reads
 * slowly gets the newest state once it drains, never a backlog of old ones.
 */
import type * as grpc from '@grpc/grpc-js';
import { FlotillaError } from '../../lib/errors.js';
import type { ServiceStateInput } from '../../proto/gen/flotilla/ServiceState.js';
import type { WatchServiceRequest } from '../../proto/gen/flotilla/WatchServiceRequest.js';
import { failStream } from '../../proto/rpc.js';
import type { Store } from '../store/types.js';
import { desiredTasks, type ControlApi } from './control.js';

type WatchStream = grpc.ServerWritableStream<WatchServiceRequest, ServiceStateInput>;

/** How long a change waits for others to join it before the state goes out. */
const COALESCE_MS = 50;

const shuttingDown = () => new FlotillaError('UNAVAILABLE', 'this manager is shutting down; call another');

export class ServiceWatches {
  private readonly open = new Map<WatchStream, AbortController>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly api: ControlApi,
  ) {}

  /** Serves one watch until the client cancels, the service is removed or close() is called. */
  async serve(stream: WatchStream): Promise<void> {
    if (this.closed) {
      failStream(stream, shuttingDown());
      return;
    }
    const abort = new AbortController();
    this.open.set(stream, abort);
    stream.on('cancelled', () => abort.abort());
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.store.readBarrier();
      if (abort.signal.aborted) return;
      const id = this.api.getService(stream.request.service).id;
      // Registered right after the view above (no await between): no change is missed.
      const events = this.store.watch({ tables: ['services', 'tasks'] }, abort.signal);
      let dirty = true;
      let full = false;
      const send = (): void => {
        timer = undefined;
        if (full || !dirty || abort.signal.aborted) return;
        dirty = false;
        const state = this.store.view((tx) => {
          const service = tx.get('services', id);
          const desired = service ? desiredTasks(tx.all('nodes'), service) : 0;
          return { service, tasks: tx.tasksByService(id), desiredTasks: desired };
        });
        full = !stream.write(state);
      };
      stream.on('drain', () => {
        full = false;
        send();
      });
      send();
      for await (const e of events) {
        if (e.table === 'services' && e.object.id === id && e.kind === 'delete') {
          throw new FlotillaError('NOT_FOUND', `service ${stream.request.service} was removed`);
        }
        const ours =
          (e.table === 'services' && e.object.id === id) ||
          (e.table === 'tasks' && e.object.serviceId === id);
        if (!ours) continue;
        dirty = true;
        timer ??= setTimeout(send, COALESCE_MS);
      }
      // The store closed under the watch (the client's cancel aborts the loop too, and then
      // nobody listens any more).
      if (!abort.signal.aborted) throw new FlotillaError('UNAVAILABLE', 'this manager stopped; call another');
    } catch (err) {
      if (!abort.signal.aborted) failStream(stream, err);
    } finally {
      clearTimeout(timer);
      abort.abort();
      this.open.delete(stream);
    }
  }

  /** Ends every watch with UNAVAILABLE, and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const [stream, abort] of this.open) {
      abort.abort();
      failStream(stream, shuttingDown());
    }
    this.open.clear();
  }
}
