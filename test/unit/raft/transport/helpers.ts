/**
 * Helpers for the Raft transport tests: members on loopback (a transport on its own gRPC
 * server, each with a manager certificate of the tests' CA), a handler that records what it
 * is told, a logger that keeps its lines.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ExecutionContext } from 'ava';
import pino from 'pino';
import { silentLogger, type Logger } from '../../../../lib/log.js';
import type { RaftTransportHandler } from '../../../../manager/raft/node/transport.js';
import {
  GrpcRaftTransport,
  type GrpcRaftTransportOptions,
} from '../../../../manager/raft/transport/index.js';
import { MessageType, type Message, type RaftId } from '../../../../manager/raft/types.js';
import { newMessage } from '../../../../manager/raft/core/message.js';
import type { RaftHandlers } from '../../../../proto/gen/flotilla/Raft.js';
import { wire } from '../../../../proto/load.js';
import { createServer, listen, serve, shutdown } from '../../../../proto/rpc.js';
import { testCredentials } from '../../../fixtures/tls.js';
import { freePort } from '../../../integration/cluster-harness.js';

export class Recorder implements RaftTransportHandler {
  readonly received: Message[] = [];
  readonly unreachables: RaftId[] = [];
  readonly snapshots: { id: RaftId; ok: boolean }[] = [];

  receive(m: Message): void {
    this.received.push(m);
  }

  unreachable(id: RaftId): void {
    this.unreachables.push(id);
  }

  snapshotSent(id: RaftId, ok: boolean): void {
    this.snapshots.push({ id, ok });
  }
}

/** A logger at debug level whose lines (parsed) are kept in `lines`. */
export function recordingLogger(): { logger: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

export interface Member {
  id: RaftId;
  address: string;
  transport: GrpcRaftTransport;
  server: grpc.Server;
  rec: Recorder;
  /** Closes the transport and shuts its server down. */
  stop(): Promise<void>;
}

/** A manager's certificate of the tests' CA, named by its Raft id. */
export const managerTls = (id: RaftId) => testCredentials('manager', String(id));

/** A started transport serving on 127.0.0.1 (on `port`, or a free one), as manager `id` unless `tls` says otherwise. */
export async function startMember(
  id: RaftId,
  opts: Partial<GrpcRaftTransportOptions> & { port?: number } = {},
): Promise<Member> {
  const { port = 0, tls = await managerTls(id), ...rest } = opts;
  const transport = new GrpcRaftTransport({
    id,
    clusterId: 'cluster-a',
    logger: silentLogger(),
    tls,
    ...rest,
  });
  const server = createServer(tls);
  transport.register(server);
  const bound = await listen(server, `127.0.0.1:${port}`);
  const rec = new Recorder();
  transport.start(rec);
  let stopped = false;
  return {
    id,
    address: `127.0.0.1:${bound}`,
    transport,
    server,
    rec,
    async stop() {
      if (stopped) return;
      stopped = true;
      await transport.close();
      await shutdown(server);
    },
  };
}

/** Members 1..n, each knowing the others; stopped when the test ends. */
export async function startCluster(t: ExecutionContext, n: number): Promise<Member[]> {
  const members: Member[] = [];
  for (let id = 1; id <= n; id++) members.push(await startMember(id));
  for (const a of members) for (const b of members) if (a !== b) a.transport.setPeer(b.id, b.address);
  t.teardown(() => Promise.all(members.map((m) => m.stop())).then(() => undefined));
  return members;
}

export { freePort };

export function message(fields: Partial<Message> & Pick<Message, 'to'>): Message {
  return newMessage({ type: MessageType.App, from: 1, term: 1, ...fields });
}

/** Serves `handlers` as member `id`'s Raft service on loopback, to managers, until the test ends; returns its address. */
export async function rawPeer(t: ExecutionContext, id: RaftId, handlers: RaftHandlers): Promise<string> {
  const server = createServer(await managerTls(id));
  serve(server, wire.flotilla.Raft.service, handlers, { allow: ['manager'] });
  const port = await listen(server, '127.0.0.1:0');
  t.teardown(() => shutdown(server, 100));
  return `127.0.0.1:${port}`;
}

/**
 * A transport (member 1) whose peer 2 is a raw Raft service (`handlers`) on loopback, both
 * closed when the test ends.
 */
export async function transportToRaw(
  t: ExecutionContext,
  handlers: RaftHandlers,
  opts: Partial<GrpcRaftTransportOptions> = {},
): Promise<{ transport: GrpcRaftTransport; rec: Recorder }> {
  const address = await rawPeer(t, 2, handlers);
  const transport = new GrpcRaftTransport({
    id: 1,
    clusterId: 'cluster-a',
    logger: silentLogger(),
    tls: await managerTls(1),
    ...opts,
  });
  // Teardowns run last first: the transport closes before the server shuts down.
  t.teardown(() => transport.close());
  const rec = new Recorder();
  transport.start(rec);
  transport.setPeer(2, address);
  return { transport, rec };
}

export function plain(m: Message): Message {
  const bytes = (b: Uint8Array) => new Uint8Array(b);
  const out: Message = {
    ...m,
    entries: m.entries.map((e) => ({ ...e, data: bytes(e.data) })),
    context: bytes(m.context),
  };
  if (m.snapshot) out.snapshot = { metadata: m.snapshot.metadata, data: bytes(m.snapshot.data) };
  return out;
}
