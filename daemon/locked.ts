/**
 * A locked manager (autolock): before it has its keys it serves only its local socket,
 * where `cluster unlock` gives the unlock key and every other control call says that the
 * manager is locked. It joins no quorum and serves nothing on the network meanwhile.
 */
import * as grpc from '@grpc/grpc-js';
import { rm } from 'node:fs/promises';
import { FlotillaError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { parseUnlockKey } from '../manager/keys/keyring.js';
import type { UnlockRequest } from '../proto/gen/flotilla/UnlockRequest.js';
import { wire } from '../proto/load.js';
import { createServer, failStream, listen, serve, shutdown, unary } from '../proto/rpc.js';
import { openTlsKey } from './manager-keys.js';
import { restrictSocket } from './permissions.js';

export interface Unlocked {
  kek: Buffer;
  /** The manager's TLS key (PEM), opened. */
  tlsKey: string;
}

/** Serves the locked socket until a key opens this manager's TLS key (or the signal aborts). */
export async function waitForUnlock(opts: {
  socket: string;
  socketGid: number | undefined;
  certs: string;
  log: Logger;
  signal: AbortSignal;
}): Promise<Unlocked> {
  const server = createServer('local');
  let unlocked!: (u: Unlocked) => void;
  const done = new Promise<Unlocked>((resolve) => (unlocked = resolve));
  const locked = () =>
    new FlotillaError(
      'LOCKED',
      'this manager is locked (the cluster is autolocked): run `cluster unlock` on this node and give the unlock key',
    );
  const handlers: grpc.UntypedServiceImplementation = Object.fromEntries(
    Object.entries(wire.flotilla.Control.service).map(([name, method]) => [
      name,
      method.responseStream
        ? (stream: grpc.ServerWritableStream<unknown, unknown>) => failStream(stream, locked())
        : unary(async () => {
            throw locked();
          }),
    ]),
  );
  handlers.Unlock = unary(async (req: UnlockRequest) => {
    const kek = parseUnlockKey(req.key);
    const tlsKey = openTlsKey(opts.certs, kek);
    opts.log.info('unlocked: starting the manager');
    // After the answer has left: the server closes under it.
    setImmediate(() => unlocked({ kek, tlsKey }));
    return {};
  });
  serve(server, wire.flotilla.Control.service, handlers, { allow: ['local'] });
  await rm(opts.socket, { force: true });
  await listen(server, `unix:${opts.socket}`);
  await restrictSocket(opts.socket, opts.socketGid);
  opts.log.warn('this manager is locked: it starts once `cluster unlock` gives it the unlock key');
  const aborted = new Promise<never>((_, reject) =>
    opts.signal.addEventListener(
      'abort',
      () => reject(new FlotillaError('CANCELLED', 'stopped while locked')),
      {
        once: true,
      },
    ),
  );
  try {
    return await Promise.race([done, aborted]);
  } finally {
    await shutdown(server);
    await rm(opts.socket, { force: true });
  }
}
