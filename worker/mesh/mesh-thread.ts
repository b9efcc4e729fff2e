/**
 * The routing mesh's thread (started by mesh.ts): its listeners and the connections they
 * carry run here, on an event loop and a heap of their own, so that the node daemon's work
 * and garbage collection do not stall the traffic. Log records go to the daemon's logger.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { describeError } from '../../lib/errors.js';
import { MeshListeners } from './listeners.js';
import type { FromMeshThread, MeshThreadData, ToMeshThread } from './mesh.js';

const port = parentPort;
if (!port) throw new Error('mesh-thread.js runs only as a worker thread (see worker/mesh/mesh.ts)');
const data = workerData as MeshThreadData;
const post = (msg: FromMeshThread) => port.postMessage(msg);
const log = pino({ level: data.level, base: null }, { write: (line: string) => post({ kind: 'log', line }) });
const listeners = new MeshListeners(data.host, log);

port.on('message', (msg: ToMeshThread) => {
  if (msg.kind === 'apply') {
    const answer = (error?: unknown) =>
      post({
        kind: 'applied',
        seq: msg.seq,
        listening: listeners.listening(),
        error: error === undefined ? undefined : describeError(error),
      });
    listeners.apply(msg.table).then(() => answer(), answer);
  } else {
    // Once the listeners and their connections are gone, nothing holds the thread: it ends.
    void listeners.close().then(() => port.close());
  }
});
