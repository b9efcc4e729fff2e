/**
 * How a simulated node joins: NodeCA.Join with the worker token and a CSR of its own, as
 * `cluster join` sends it. Managers limit joins per source address (manager/ca/join-limit.ts),
 * as they should: against a local manager each simulated node therefore joins from a loopback
 * address of its own (simAddress), as separate machines would. grpc-js cannot choose the
 * address a channel leaves from, so this one unary call is made over node:http2 with the same
 * framing and TLS checks; its errors come back through the same mapping (fromServiceError).
 */
import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { FlotillaError } from '../lib/errors.js';
import type { JoinRequest } from '../proto/gen/flotilla/JoinRequest.js';
import type { JoinResponse } from '../proto/gen/flotilla/JoinResponse.js';
import type { NodeCAClient } from '../proto/gen/flotilla/NodeCA.js';
import { wire } from '../proto/load.js';
import { call, connect, fromServiceError } from '../proto/rpc.js';
import { TLS_SERVER_NAME, TlsCredentials } from '../proto/tls.js';
import { splitHostPort } from '../worker/addr.js';

/** Whether `host` is this machine's loopback, where any 127.0.0.0/8 address can be a source. */
export const isLoopback = (host: string): boolean => host.startsWith('127.') || host === 'localhost';

/** The loopback address simulated node `index` joins from and advertises: 127.200.0.1 and up. */
export function simAddress(index: number): string {
  const a = 200 + Math.floor(index / 62_500);
  const b = Math.floor(index / 250) % 250;
  return `127.${a}.${b + 1}.${(index % 250) + 1}`;
}

/**
 * Joins through `manager`, trusting `ca` (the root the token names, already checked), from
 * `localAddress` when given. Without one (a remote manager), the call goes through grpc-js and
 * is subject to the join limit of this machine's address.
 */
export async function joinFrom(
  manager: string,
  ca: string,
  req: JoinRequest,
  localAddress: string | undefined,
  timeoutMs = 30_000,
): Promise<JoinResponse> {
  if (localAddress) return joinOverHttp2(manager, ca, req, localAddress, timeoutMs);
  const client: NodeCAClient = connect(wire.flotilla.NodeCA, manager, new TlsCredentials({ ca }));
  return call(client, client.Join, req, timeoutMs).finally(() => client.close());
}

const JOIN = wire.flotilla.NodeCA.service.Join;

/** The TLS context trusting `ca`, made once: making one parses the PEM, a cost on every join otherwise. */
const contexts = new Map<string, tls.SecureContext>();
function secureContextOf(ca: string): tls.SecureContext {
  let context = contexts.get(ca);
  if (!context) contexts.set(ca, (context = tls.createSecureContext({ ca })));
  return context;
}

function joinOverHttp2(
  manager: string,
  ca: string,
  req: JoinRequest,
  localAddress: string,
  timeoutMs: number,
): Promise<JoinResponse> {
  const { host, port } = splitHostPort(manager);
  return new Promise<JoinResponse>((resolve, reject) => {
    const session = http2.connect(`https://${manager}`, {
      createConnection: () =>
        tls.connect({
          socket: net.connect({ host, port, localAddress }),
          secureContext: secureContextOf(ca),
          servername: TLS_SERVER_NAME,
          ALPNProtocols: ['h2'],
          // Certificates name no host: the chain to the pinned root is what is checked.
          checkServerIdentity: () => undefined,
        }),
    });
    const timer = setTimeout(
      () => fail(new FlotillaError('TIMEOUT', `${manager} did not answer the join in time`)),
      timeoutMs,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      session.destroy();
      reject(
        err instanceof FlotillaError
          ? err
          : new FlotillaError('UNAVAILABLE', `cannot reach ${manager} from ${localAddress}: ${err.message}`, {
              cause: err,
            }),
      );
    };
    session.on('error', fail);
    const body = JOIN.requestSerialize(req);
    // gRPC's framing: a byte saying "not compressed", the length, the message.
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    const stream = session.request({
      ':method': 'POST',
      ':path': JOIN.path,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks: Buffer[] = [];
    let status: http2.IncomingHttpHeaders | undefined;
    // A refusal may come as headers only; an answer's status comes in the trailers.
    stream.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) status = headers;
    });
    stream.on('trailers', (trailers) => (status = trailers));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', fail);
    stream.on('end', () => {
      clearTimeout(timer);
      session.close();
      const code = Number(status?.['grpc-status'] ?? grpc.status.UNKNOWN);
      if (code === grpc.status.OK) {
        resolve(JOIN.responseDeserialize(Buffer.concat(chunks).subarray(5)));
        return;
      }
      const metadata = new grpc.Metadata();
      for (const [k, v] of Object.entries(status ?? {}))
        if (!k.startsWith(':') && !k.startsWith('grpc-') && typeof v === 'string') metadata.set(k, v);
      const details = decodeURIComponent(String(status?.['grpc-message'] ?? 'no status'));
      const err = Object.assign(new Error(details), { code, details, metadata }) as grpc.ServiceError;
      reject(fromServiceError(err, manager));
    });
    stream.end(frame);
  });
}
