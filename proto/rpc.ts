/**
 * The one place that makes gRPC servers and channels, and that turns errors into gRPC
 * statuses and back. Every TCP server and channel is mutual TLS under the cluster's CA
 * (`tls.ts`); plain text is only for unix sockets, whose file mode is their access rule.
 * Who may call a service is checked here, once per call, before its handler runs.
 */
import * as grpc from '@grpc/grpc-js';
import type { ServerSurfaceCall } from '@grpc/grpc-js/build/src/server-call.js';
import { FlotillaError, describeError, type ErrorCode, type LeaderHint } from '../lib/errors.js';
import { callerOverTls, TLS_SERVER_NAME, type Caller, type CertRole, type TlsCredentials } from './tls.js';

/** The most a request may hold, unless its service says otherwise (Raft between managers). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
// What gRPC itself lets through: Raft batches and snapshot chunks, at most.
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const channelOptions: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.enable_channelz': 0,
  // Certificates name no host: the server's cluster and role are checked instead (tls.ts).
  'grpc.ssl_target_name_override': TLS_SERVER_NAME,
};

// Between our nodes: a ping every 10 s, between calls too, finds a peer gone without a word
// (a host down, a path dropped) long before TCP would. Our servers take it (createServer).
const keepalive: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
};

const isUnix = (addr: string) => addr.startsWith('unix:') || addr.startsWith('/');

/**
 * The options of a channel to `addr`. A local socket gets no keepalive: the kernel closes it
 * when the process at the other end dies, so pings find nothing. And containerd's socket is
 * served by Go gRPC, whose servers by default take a ping at most every 5 minutes while calls
 * are open and none between calls (keepalive.EnforcementPolicy); beyond that they end the
 * connection with GOAWAY ENHANCE_YOUR_CALM "too_many_pings", failing the calls open on it
 * (a Tasks.Wait: "Bandwidth exhausted or memory limit exceeded").
 */
export function channelOptionsFor(addr: string): grpc.ChannelOptions {
  return isUnix(addr) ? channelOptions : { ...channelOptions, ...keepalive };
}

/** `host:port`, or `unix:/path` for a local socket. */
export function target(addr: string): string {
  return isUnix(addr) ? `unix:${addr.replace(/^unix:/, '')}` : addr;
}

/** How a server's callers prove who they are: the node's TLS identity, or the local socket's file mode. */
export type ServerSecurity = TlsCredentials | 'local';
const securityOf = new WeakMap<grpc.Server, ServerSecurity>();

export function createServer(security: ServerSecurity): grpc.Server {
  const server = new grpc.Server({
    // Our channels' keepalive (a ping every 10 s, between calls too) is welcome. grpc-js
    // (1.14) polices no client pings; these say so in the terms of gRPC's other servers.
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.enable_channelz': 0,
  });
  securityOf.set(server, security);
  return server;
}

export async function listen(server: grpc.Server, addr: string): Promise<number> {
  const security = securityOf.get(server);
  if (!security) throw new FlotillaError('INTERNAL', 'a server made outside createServer()');
  if (security === 'local' && !isUnix(addr)) {
    throw new FlotillaError('INTERNAL', `plain text is only for the local socket, not ${addr}`);
  }
  const credentials =
    security === 'local' ? grpc.ServerCredentials.createInsecure() : security.serverCredentials();
  return new Promise((resolve, reject) => {
    server.bindAsync(target(addr), credentials, (err, port) => {
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
  options?: grpc.ClientOptions,
) => C;

/**
 * A client of `addr`: over the local socket in plain text, over TCP with `tls` (required).
 * `interceptors` see every call of the client (e.g. acceptStaleReads).
 */
export function connect<C extends grpc.Client>(
  ctor: ClientConstructor<C>,
  addr: string,
  tls?: TlsCredentials,
  interceptors: grpc.Interceptor[] = [],
): C {
  const options = { ...channelOptionsFor(addr), interceptors };
  if (isUnix(addr)) return new ctor(target(addr), grpc.credentials.createInsecure(), options);
  if (!tls) throw new FlotillaError('INTERNAL', `no TLS credentials to reach ${addr} with`);
  return new ctor(target(addr), tls.channelCredentials(), options);
}

/** Who may call: the local socket, holders of a certificate of a role, or anyone (over TLS). */
export type Who = 'local' | CertRole | 'anyone';

export interface Access {
  allow: readonly Who[];
  /** Per method (its name, e.g. `Join`), instead of `allow`. */
  methods?: Readonly<Record<string, readonly Who[]>>;
  /** Nodes removed from the cluster: their certificates are refused though still valid. */
  revoked?: (nodeId: string) => boolean;
  /** The largest single request (not a stream's messages); default MAX_REQUEST_BYTES. */
  maxRequestBytes?: number;
}

/** A request over the size limit, in place of the request itself: the handler is never called with it. */
class Oversized {
  constructor(readonly bytes: number) {}
}

/** Likewise a request that does not decode (grpc-js would answer INTERNAL, naming nothing). */
class Undecodable {
  constructor(readonly reason: string) {}
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const callers = new WeakMap<object, Caller>();

/** Who made a call that `serve()` let through. */
export function callerOf(call: ServerSurfaceCall): Caller {
  const caller = callers.get(call);
  if (!caller) throw new FlotillaError('INTERNAL', 'a call that was not checked by serve()');
  return caller;
}

/** The node a call came from, by its certificate: managers and workers only. */
export function nodeOf(call: ServerSurfaceCall): { id: string; role: CertRole } {
  const caller = callerOf(call);
  if (caller.kind !== 'certified' || caller.role === 'admin') {
    throw new FlotillaError('PERMISSION_DENIED', 'only a node of the cluster may make this call');
  }
  return { id: caller.id, role: caller.role };
}

/**
 * Adds a service whose every method first checks its caller against `access`: a refused
 * call ends with UNAUTHENTICATED, PERMISSION_DENIED or NODE_REMOVED before its handler runs.
 */
export function serve(
  server: grpc.Server,
  service: grpc.ServiceDefinition,
  impl: grpc.UntypedServiceImplementation,
  access: Access,
): void {
  const security = securityOf.get(server);
  if (!security) throw new FlotillaError('INTERNAL', 'a server made outside createServer()');
  const maxBytes = access.maxRequestBytes ?? MAX_REQUEST_BYTES;
  const limited: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const guarded = Object.fromEntries(
    Object.entries(service).map(([name, method]) => {
      const handler = impl[name] as (...args: unknown[]) => void;
      const allow = access.methods?.[name] ?? access.allow;
      limited[name] = method.requestStream
        ? method
        : {
            ...method,
            requestDeserialize: (b: Buffer) => {
              if (b.length > maxBytes) return new Oversized(b.length);
              try {
                return method.requestDeserialize(b);
              } catch (err) {
                return new Undecodable(describeError(err));
              }
            },
          };
      // The method as a refusal names it (Service.Method).
      const shown = method.path.replace(/^\/flotilla\./, '').replace('/', '.');
      const check = (call: ServerSurfaceCall): FlotillaError | undefined => {
        const caller: Caller =
          security === 'local' ? { kind: 'local', address: 'local socket' } : callerOverTls(call);
        const refusal = refuse(caller, allow, access, shown);
        if (refusal) return refusal;
        const request = (call as { request?: unknown }).request;
        if (request instanceof Oversized) {
          return new FlotillaError(
            'RESOURCE_EXHAUSTED',
            `the request is ${mib(request.bytes)}; the limit is ${mib(maxBytes)}`,
          );
        }
        if (request instanceof Undecodable) {
          return new FlotillaError(
            'INVALID_ARGUMENT',
            `invalid request: expected a ${method.path.slice(1)} request as its .proto defines it, got bytes that do not decode (${request.reason})`,
          );
        }
        callers.set(call, caller);
        return undefined;
      };
      const wrapped = method.responseStream
        ? (call: ServerSurfaceCall, ...rest: unknown[]) => {
            const refusal = check(call);
            if (refusal) call.emit('error', toServiceError(refusal));
            else handler(call, ...rest);
          }
        : (call: ServerSurfaceCall, cb: grpc.sendUnaryData<unknown>) => {
            const refusal = check(call);
            if (refusal) cb(toServiceError(refusal));
            else handler(call, cb);
          };
      return [name, wrapped];
    }),
  );
  server.addService(limited, guarded);
}

function refuse(
  caller: Caller,
  allow: readonly Who[],
  access: Access,
  method: string,
): FlotillaError | undefined {
  if (caller.kind === 'local') {
    return allow.includes('local')
      ? undefined
      : new FlotillaError('PERMISSION_DENIED', `${method} is not served on the local socket`);
  }
  if (allow.includes('anyone')) return undefined;
  if (caller.kind === 'anonymous') {
    return new FlotillaError(
      'UNAUTHENTICATED',
      `${method} needs a certificate of this cluster: on a manager, \`cluster ca issue-client --out DIR\` makes one for a remote CLI (then --cert-path DIR or CLUSTER_CERT_PATH)`,
    );
  }
  if (access.revoked?.(caller.id)) {
    return new FlotillaError(
      'NODE_REMOVED',
      `node ${caller.id} was removed from the cluster; its certificate is refused`,
    );
  }
  if (allow.includes(caller.role)) return undefined;
  const who = allow.includes('admin')
    ? 'an admin client certificate or the local socket'
    : `a ${allow.filter((w) => w !== 'local').join(' or ')} certificate`;
  return new FlotillaError(
    'PERMISSION_DENIED',
    `a ${caller.role} certificate may not call ${method}: it takes ${who}`,
  );
}

const toGrpc: Record<ErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  CONFLICT: grpc.status.ABORTED,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  NODE_REMOVED: grpc.status.NOT_FOUND,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  NOT_LEADER: grpc.status.UNAVAILABLE,
  NO_QUORUM: grpc.status.UNAVAILABLE,
  LOCKED: grpc.status.FAILED_PRECONDITION,
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

const STALE_OK_KEY = 'flotilla-stale-ok';

/**
 * Marks each call as taking, when no quorum of managers can confirm the state is current,
 * an answer from the manager's own copy, with a warning of how stale it may be
 * (`cluster --stale-ok`). Without the mark, such a read fails with NO_QUORUM.
 */
export const acceptStaleReads: grpc.Interceptor = (options, nextCall) =>
  new grpc.InterceptingCall(nextCall(options), {
    start: (metadata, listener, next) => {
      metadata.set(STALE_OK_KEY, '1');
      next(metadata, listener);
    },
  });

/** Whether a call was marked by acceptStaleReads. */
export const acceptsStaleReads = (metadata: grpc.Metadata): boolean => metadata.get(STALE_OK_KEY)[0] === '1';

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
export function failStream(
  stream: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>,
  err: unknown,
): void {
  stream.emit('error', toServiceError(err));
}
