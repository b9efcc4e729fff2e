/**
 * The routing mesh's thread (started by mesh.ts): its listeners and the connections they
 * carry run here, on an event loop and a heap of their own, so that the node daemon's work
 * and garbage collection do not stall the traffic. Log records go to the daemon's logger.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../../lib/errors.js';
import { lineLogger } from '../../lib/log.js';
import { EndpointView } from '../endpoint-view.js';
import { MeshListeners } from './listeners.js';
import { MeshCounts } from './mesh-counts.js';
import type { FromMeshThread, MeshThreadData, ToMeshThread } from './mesh.js';

const port = parentPort;
if (!port) throw new Error('mesh-thread.js runs only as a worker thread (see worker/mesh/mesh.ts)');
const data = workerData as MeshThreadData;
const post = (msg: FromMeshThread) => port.postMessage(msg);
const log = lineLogger(data.level, (line) => post({ kind: 'log', line }));
const counts = new MeshCounts(data.counts);
const listeners = data.hosts.map((host) => new MeshListeners(host, log, counts));
const view = new EndpointView();

port.on('message', (msg: ToMeshThread) => {
  if (msg.kind === 'apply') {
    view.apply(msg.changes);
    const table = view.table();
    // Every address takes the table, whether or not another one failed to.
    void Promise.allSettled(listeners.map((l) => l.apply(table))).then((results) => {
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [describeError(r.reason)] : []));
      post({
        kind: 'applied',
        seq: msg.seq,
        listening: listeners[0]?.listening() ?? [],
        error: errors.length > 0 ? errors.join('; ') : undefined,
      });
    });
  } else {
    // Once the listeners and their connections are gone, nothing holds the thread: it ends.
    void Promise.all(listeners.map((l) => l.close())).then(() => port.close());
  }
});
