/**
 * The one place that makes gRPC servers and channels, and that turns errors into gRPC
 * statuses and back. Transport security (mutual TLS) plugs in here.
 */
import * as grpc from '@grpc/grpc-js';
import { FlotillaError, describeError, type ErrorCode, type LeaderHint } from '../lib/errors.js';

const channelOptions: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.enable_channelz': 0,
};

/** `host:port`, or `unix:/path` for a local socket. */
export function target(addr: string): string {
  return addr.startsWith('unix:') || addr.startsWith('/') ? `unix:${addr.replace(/^unix:/, '')}` : addr;
}

export function createServer(): grpc.Server {
  return new grpc.Server({
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.enable_channelz': 0,
  });
}

export function listen(server: grpc.Server, addr: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(target(addr), grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) {
        reject(
          new FlotillaError('UNAVAILABLE', `cannot listen on ${addr}: ${err.message}`, {
            cause: err,
          }),
        );
      } else resolve(port);
    });
  });
}

export function shutdown(server: grpc.Server, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

type ClientConstructor<C> = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => C;

export function connect<C extends grpc.Client>(ctor: ClientConstructor<C>, addr: string): C {
  return new ctor(target(addr), grpc.credentials.createInsecure(), channelOptions);
}

const toGrpc: Record<ErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  CONFLICT: grpc.status.ABORTED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  NODE_REMOVED: grpc.status.NOT_FOUND,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  NOT_LEADER: grpc.status.UNAVAILABLE,
  NO_QUORUM: grpc.status.UNAVAILABLE,
  TIMEOUT: grpc.status.DEADLINE_EXCEEDED,
  CANCELLED: grpc.status.CANCELLED,
  CORRUPT: grpc.status.DATA_LOSS,
  INTERNAL: grpc.status.INTERNAL,
};

const CODE_KEY = 'flotilla-code';
// A NOT_LEADER refusal names the leader in these trailers, when it knows it.
const LEADER_ID_KEY = 'flotilla-leader-id';
const LEADER_ADDRESS_KEY = 'flotilla-leader-address';

/** An error as a gRPC status, keeping the Flotilla code in the trailers. */
export function toServiceError(err: unknown): Partial<grpc.ServiceError> {
  const fe = err instanceof FlotillaError ? err : new FlotillaError('INTERNAL', describeError(err));
  const metadata = new grpc.Metadata();
  metadata.set(CODE_KEY, fe.code);
  if (fe.leader) {
    metadata.set(LEADER_ID_KEY, String(fe.leader.id));
    if (fe.leader.address !== undefined) metadata.set(LEADER_ADDRESS_KEY, fe.leader.address);
  }
  return { code: toGrpc[fe.code], details: fe.message, metadata };
}

/** A gRPC error from a call, back as a FlotillaError with a message for people. */
export function fromServiceError(err: grpc.ServiceError, addr: string): FlotillaError {
  const code = err.metadata?.get(CODE_KEY)[0];
  if (typeof code === 'string' && code in toGrpc) {
    return new FlotillaError(code as ErrorCode, err.details, {
      cause: err,
      leader: leaderHint(err.metadata),
    });
  }
  switch (err.code) {
    case grpc.status.UNAVAILABLE: {
      // grpc-js details read "No connection established. Last error: Error: connect ECONNREFUSED ...".
      const why = /(connect E[A-Z]+)|(getaddrinfo E[A-Z]+)/.exec(err.details)?.[0] ?? err.details;
      return new FlotillaError('UNAVAILABLE', `cannot reach ${addr}: ${why}`, { cause: err });
    }
    case grpc.status.DEADLINE_EXCEEDED:
      return new FlotillaError('TIMEOUT', `${addr} did not answer in time`, { cause: err });
    case grpc.status.CANCELLED:
      return new FlotillaError('CANCELLED', err.details, { cause: err });
    default:
      return new FlotillaError('INTERNAL', `${addr}: ${err.details}`, { cause: err });
  }
}

function leaderHint(metadata: grpc.Metadata): LeaderHint | undefined {
  const id = Number(metadata.get(LEADER_ID_KEY)[0]);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const address = metadata.get(LEADER_ADDRESS_KEY)[0];
  return typeof address === 'string' ? { id, address } : { id };
}

// The shortest overload of a generated client method: enough for inferring Req and Res.
// Every generated method also takes (req, metadata, options, callback), which call() uses.
type UnaryMethod<Req, Res> = (req: Req, cb: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

/** The address a client calls, as people wrote it (for messages). */
export function addressOf(client: grpc.Client): string {
  return client.getChannel().getTarget().replace(/^dns:/, '');
}

/** Calls a unary method with a deadline and turns failures into FlotillaErrors. */
export function call<Req, Res>(
  client: grpc.Client,
  method: UnaryMethod<Req, Res>,
  req: Req,
  timeoutMs = 10_000,
  metadata = new grpc.Metadata(),
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const pending = (method as unknown as (...args: unknown[]) => grpc.ClientUnaryCall).call(
      client,
      req,
      metadata,
      { deadline: Date.now() + timeoutMs },
      (err: grpc.ServiceError | null, res?: Res) => {
        if (err) reject(fromServiceError(err, addressOf(client)));
        else resolve(res as Res);
      },
    );
    pending.on('status', (status: grpc.StatusObject) => {
      const warning = status.metadata.get(WARNING_KEY)[0];
      if (typeof warning === 'string') warningListener?.(warning);
    });
  });
}

const WARNING_KEY = 'flotilla-warning';
let warningListener: ((warning: string) => void) | undefined;

/** Where warnings that come with answers go (the CLI prints them), e.g. that a read may be stale. */
export function onCallWarning(listener: (warning: string) => void): void {
  warningListener = listener;
}

/**
 * Wraps an async handler as a grpc-js unary handler that maps errors to statuses. The
 * handler may attach a warning for people to its answer.
 */
export function unary<Req, Res>(
  fn: (req: Req, metadata: grpc.Metadata, warn: (warning: string) => void) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (callObj, cb) => {
    let trailer: grpc.Metadata | undefined;
    const warn = (warning: string) => (trailer ??= new grpc.Metadata()).set(WARNING_KEY, warning);
    fn(callObj.request, callObj.metadata, warn).then(
      (res) => cb(null, res, trailer),
      (err: unknown) => cb(toServiceError(err)),
    );
  };
}

/** Ends a server stream with an error status the client can read. */
export function failStream(stream: grpc.ServerWritableStream<unknown, unknown>, err: unknown): void {
  stream.emit('error', toServiceError(err));
}
