/**
 * A connection to containerd's gRPC socket: every call carries our namespace (and a lease
 * when one is given), and containerd's errors come back as FlotillaErrors.
 */
import * as grpc from '@grpc/grpc-js';
import { FlotillaError, type ErrorCode } from '../../lib/errors.js';
import { containerdServices } from '../../proto/containerd.js';
import { connect } from '../../proto/rpc.js';

export type Service = keyof typeof containerdServices;

export interface CallOptions {
  /** Objects created by the call are held by this lease until it is deleted. */
  lease?: string;
  /** Default 30 s; 0 for none (Tasks.Wait). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

const fromGrpc: Partial<Record<grpc.status, ErrorCode>> = {
  [grpc.status.NOT_FOUND]: 'NOT_FOUND',
  [grpc.status.ALREADY_EXISTS]: 'ALREADY_EXISTS',
  [grpc.status.INVALID_ARGUMENT]: 'INVALID_ARGUMENT',
  [grpc.status.FAILED_PRECONDITION]: 'CONFLICT',
  [grpc.status.UNAVAILABLE]: 'UNAVAILABLE',
  [grpc.status.DEADLINE_EXCEEDED]: 'TIMEOUT',
  [grpc.status.CANCELLED]: 'CANCELLED',
};

export class ContainerdClient {
  private readonly clients = new Map<Service, grpc.Client>();

  constructor(
    readonly socket: string,
    readonly namespace: string,
  ) {}

  unary<Res>(service: Service, method: string, req: object, opts: CallOptions = {}): Promise<Res> {
    const client = this.client(service);
    const fn = (client as unknown as Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>)[method];
    if (!fn) throw new Error(`no method ${service}.${method}`);
    return new Promise((resolve, reject) => {
      const pending = fn.call(
        client,
        req,
        this.metadata(opts),
        this.callOptions(opts),
        (err: grpc.ServiceError | null, res?: Res) => {
          opts.signal?.removeEventListener('abort', cancel);
          if (err) reject(this.error(err, `${service}.${method}`));
          else resolve(res as Res);
        },
      );
      const cancel = (): void => pending.cancel();
      opts.signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  /** Every message of a server stream. */
  async serverStream<Res>(
    service: Service,
    method: string,
    req: object,
    opts: CallOptions = {},
  ): Promise<Res[]> {
    const client = this.client(service);
    const fn = (client as unknown as Record<string, (...args: unknown[]) => grpc.ClientReadableStream<Res>>)[
      method
    ];
    if (!fn) throw new Error(`no method ${service}.${method}`);
    const stream = fn.call(client, req, this.metadata(opts), this.callOptions(opts));
    const out: Res[] = [];
    try {
      for await (const msg of stream) out.push(msg as Res);
    } catch (err) {
      throw this.error(err as grpc.ServiceError, `${service}.${method}`);
    }
    return out;
  }

  /** A bidirectional stream (content writes). */
  duplex<Req, Res>(
    service: Service,
    method: string,
    opts: CallOptions = {},
  ): grpc.ClientDuplexStream<Req, Res> {
    const client = this.client(service);
    const fn = (
      client as unknown as Record<string, (...args: unknown[]) => grpc.ClientDuplexStream<Req, Res>>
    )[method];
    if (!fn) throw new Error(`no method ${service}.${method}`);
    return fn.call(client, this.metadata(opts), this.callOptions({ timeoutMs: 0, ...opts }));
  }

  error(err: grpc.ServiceError, what: string): FlotillaError {
    if (err instanceof FlotillaError) return err;
    const code = fromGrpc[err.code as grpc.status] ?? 'INTERNAL';
    const message =
      err.code === grpc.status.UNAVAILABLE
        ? `cannot reach containerd at ${this.socket}: ${err.details}; is containerd running?`
        : `containerd ${what}: ${err.details}`;
    return new FlotillaError(code, message, { cause: err });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private client(service: Service): grpc.Client {
    let client = this.clients.get(service);
    if (!client) {
      client = connect(containerdServices[service], `unix:${this.socket}`);
      this.clients.set(service, client);
    }
    return client;
  }

  private metadata(opts: CallOptions): grpc.Metadata {
    const md = new grpc.Metadata();
    md.set('containerd-namespace', this.namespace);
    if (opts.lease) md.set('containerd-lease', opts.lease);
    return md;
  }

  private callOptions(opts: CallOptions): grpc.CallOptions {
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return timeout > 0 ? { deadline: Date.now() + timeout } : {};
  }
}

/** A google.protobuf.Timestamp as epoch ms (0 when unset). */
export function timestampMs(ts: { seconds?: number | string; nanos?: number } | null | undefined): number {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** Runs `work`; NOT_FOUND resolves to undefined. */
export async function unlessNotFound<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof FlotillaError && err.code === 'NOT_FOUND') return undefined;
    throw err;
  }
}
